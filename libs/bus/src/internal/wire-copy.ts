/**
 * A copy of a message as it would come out of Kafka: a JSON round trip, so the two sides of an
 * in-process bus never share an object, and values JSON cannot carry (`undefined`, `Date`
 * instances, functions) change exactly as they would on the wire.
 */
export function wireCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
