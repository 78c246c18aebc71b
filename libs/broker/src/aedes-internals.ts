import type { EventEmitter } from 'node:events';
import type { Aedes, Client, PublishPacket } from 'aedes';

/*
 * Every place the broker reads or replaces something aedes (1.2.0, pinned in package.json) or its
 * emitters (mqemitter, mqemitter-redis) do not declare in their typings. Nothing else in the
 * broker touches them; `aedes-internals.spec.ts` checks each one on a real aedes instance and a
 * real client, so a new aedes version that moves one fails there first, by name.
 */

/** How aedes writes one packet to a connection; `done` lets its emitter go on. */
export type Deliver = (packet: PublishPacket, done: () => void) => void;

/**
 * `deliver0` writes QoS 0 packets, `deliverQoS` QoS 1/2 ones (numbering them, storing them as
 * in flight). aedes reads them when a subscription is made, so a wrapper applies to the
 * subscriptions made after it.
 */
export type DeliveryKind = 'deliver0' | 'deliverQoS';

type ClientInternals = Client & {
  deliver0: Deliver;
  deliverQoS: Deliver;
  connackSent: boolean;
  subscriptions: Record<string, { qos?: number } | undefined>;
  duplicates: Record<string, number>;
};

type AedesInternals = Aedes & {
  clients: Record<string, Client | undefined>;
  persistence: object;
  counter: number;
  maxTopicLevels: number;
  mq: { _emit?: (packet: object, done: (err?: Error) => void) => void };
};

const internalsOf = (client: Client) => client as ClientInternals;
const brokerInternals = (aedes: Aedes) => aedes as AedesInternals;

/** Replaces one of the connection's delivery functions with `wrap(original)`. */
export function wrapDelivery(
  client: Client,
  kind: DeliveryKind,
  wrap: (original: Deliver) => Deliver,
): void {
  const target = internalsOf(client);
  target[kind] = wrap(target[kind]);
}

/** Whether aedes has written this connection's CONNACK (set just after its `connackSent` event). */
export function connackSent(client: Client): boolean {
  return internalsOf(client).connackSent === true;
}

/** The topic filters aedes granted the connection, with their QoS. */
export function grantedSubscriptions(
  client: Client,
): Readonly<Record<string, { qos?: number } | undefined>> {
  return internalsOf(client).subscriptions ?? {};
}

/**
 * Replaces the connection's table of the highest `brokerCounter` delivered per broker, which
 * aedes uses to drop a packet numbered lower than one already delivered.
 */
export function replaceDuplicateCounters(client: Client, counters: Record<string, number>): void {
  internalsOf(client).duplicates = counters;
}

/** The connection of `clientId` on this broker, if it is connected here. */
export function localClient(aedes: Aedes, clientId: string): Client | undefined {
  return brokerInternals(aedes).clients[clientId];
}

/** Every connection of this broker. */
export function localClients(aedes: Aedes): Client[] {
  return Object.values(brokerInternals(aedes).clients).filter(
    (client): client is Client => client !== undefined,
  );
}

/** The aedes-persistence the broker stores sessions, subscriptions and queues in. */
export function persistenceOf(aedes: Aedes): object {
  return brokerInternals(aedes).persistence;
}

/** Makes aedes use `wrap(persistence)` from now on (it reads the property on every call). */
export function wrapPersistence<P extends object>(aedes: Aedes, wrap: (persistence: P) => P): void {
  const target = brokerInternals(aedes);
  target.persistence = wrap(target.persistence as P);
}

/** The next `brokerCounter` of a packet this broker emits (aedes numbers its own the same way). */
export function nextBrokerCounter(aedes: Aedes): number {
  return ++brokerInternals(aedes).counter;
}

/** The most topic levels aedes accepts (`maxTopicLevels`, clamped by aedes). */
export function maxTopicLevelsOf(aedes: Aedes): number | undefined {
  return brokerInternals(aedes).maxTopicLevels;
}

/**
 * The emitter's local-only delivery when the emitter is shared between pods: mqemitter-redis
 * keeps the in-process `emit` as `_emit` (its own `emit` is a Redis `PUBLISH` that every pod with
 * a matching pattern receives). Undefined for aedes' in-memory emitter, whose `emit` is local.
 */
export function localEmitOf(
  aedes: Aedes,
): ((packet: object, done: (err?: Error) => void) => void) | undefined {
  const { mq } = brokerInternals(aedes);
  const emit = mq._emit;
  return typeof emit === 'function' ? emit.bind(mq) : undefined;
}

/** aedes refuses a topic over `maxTopicLevels` with this error (PUBLISH, SUBSCRIBE, publish). */
export function isTopicLevelsError(err: Error | undefined): boolean {
  return (err?.message ?? '').includes('too many levels');
}

/** Where mqemitter-redis re-emits its Redis connections' errors. */
export function emitterErrors(mq: object): EventEmitter {
  return (mq as { state: EventEmitter }).state;
}

/** Whether an emitter (mqemitter, mqemitter-redis) has been asked to close. */
export function emitterClosing(mq: object): boolean {
  const emitter = mq as { closing?: boolean; closed?: boolean };
  return emitter.closing === true || emitter.closed === true;
}
