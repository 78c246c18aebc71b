import type { EventEmitter } from 'node:events';
import type { Aedes, Client, PublishPacket } from 'aedes';
import type { ConnectionReads } from './limits/read-hold';

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
  _parsingBatch: number;
  _nextBatch: () => void;
};

type AedesInternals = Aedes & {
  clients: Record<string, Client | undefined>;
  persistence: object;
  counter: number;
  maxTopicLevels: number;
  mq: { _emit?: (packet: object, done: (err?: Error) => void) => void };
  _clearWillInterval?: NodeJS.Timeout;
  _heartbeatInterval?: NodeJS.Timeout;
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

/**
 * Takes over how aedes reads the connection (docs/adr/0020-reads-paused-before-the-pending-limit.md).
 * aedes reads with `conn.read(null)` (everything the stream buffered) once the packets of its last
 * read are handled (its batch counter `_parsingBatch` back at 0) or on `readable`, and parses and
 * handles every packet of that read. Here the stream's own `read` is shadowed:
 * - a read takes at most `maxBytes`, so what one read brings in is bounded whatever the stream
 *   buffered. The rest waits for the next turn: aedes reads again from inside its parse when a
 *   packet is handled at once, and the parser must not be entered twice (a second chunk would be
 *   parsed in the middle of the first). On the next turn aedes' read step runs again unless a
 *   packet is still being handled (its end reads), also when the capped read held no whole packet;
 * - while held, a read gets nothing: the stream's buffer fills, the socket stops reading from the
 *   kernel and the peer's TCP window closes. A release runs aedes' read step when no packet of the
 *   last read is still being handled (nothing else would ask for the next read).
 *
 * aedes' own `pause()` cannot be used mid-batch: the packets handled while paused are never counted
 * down, so a resume inside a batch never reads again.
 */
export function meterReads(client: Client, maxBytes: number): ConnectionReads {
  const internals = internalsOf(client);
  const conn = internals.conn as unknown as MeteredStream;
  const read = conn.read;
  let held = false;
  /** Set while a capped read's packets may still be parsing: aedes reads again from inside. */
  let rest: NodeJS.Immediate | undefined;
  const readRest = () => {
    rest = undefined;
    if (!held && internals._parsingBatch <= 0 && conn.readableLength > 0) internals._nextBatch();
  };
  conn.read = (size?: number | null) => {
    if (held) return null;
    if (size === undefined || size === null) {
      if (rest) return null;
      if (conn.readableLength > maxBytes) {
        rest = setImmediate(readRest);
        return read.call(conn, maxBytes);
      }
    }
    return read.call(conn, size);
  };
  return {
    hold: () => {
      held = true;
    },
    release: () => {
      if (!held) return;
      held = false;
      if (internals._parsingBatch <= 0) internals._nextBatch();
    },
  };
}

/** What {@link meterReads} uses of a connection's stream (a socket or a WebSocket stream). */
interface MeteredStream {
  read(size?: number | null): unknown;
  readonly readableLength: number;
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

/**
 * Stops aedes' periodic sweep that publishes the wills of clients whose broker stopped sending
 * heartbeats. For an aedes instance that serves no client (the gateway's publisher, docs/adr/0021):
 * the broker pods publish those wills through their hooks.
 */
export function stopWillSweeps(aedes: Aedes): void {
  clearInterval(brokerInternals(aedes)._clearWillInterval);
}

/**
 * Stops aedes' heartbeat publishes: what is left of `close()` for an instance that serves no
 * client, when its emitter is closed by its owner (`RedisMqttState.close()`, bounded against a
 * Redis that does not answer, where aedes' own `close()` would wait for it).
 */
export function stopHeartbeats(aedes: Aedes): void {
  clearInterval(brokerInternals(aedes)._heartbeatInterval);
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
