import type { Client } from 'aedes';

/** How many recent packet keys a connection remembers; duplicates arrive within one routing pass. */
const WINDOW_SIZE = 256;

/** The identity of one routed publish: the broker that numbered it and its number there. */
interface Numbered {
  readonly brokerId?: string | null;
  readonly brokerCounter?: number;
}

/**
 * Exact per-connection de-duplication of routed publishes (mqtt-api.md §5: "no duplicates from
 * overlapping filters on one client"). aedes calls the delivery function of every filter of a
 * client that matches a packet, all in one synchronous pass, so the copies of one packet reach
 * `authorizeForward` back to back; remembering the last {@link WINDOW_SIZE} keys is enough.
 * Packets without a broker id (retained messages) are never duplicates.
 */
export class DeliveryWindow {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private next = 0;

  /** True the first time a packet is offered, false for its later copies. */
  firstDelivery(packet: Numbered): boolean {
    if (!packet.brokerId) return true;
    const key = `${packet.brokerId}\u0000${packet.brokerCounter ?? 0}`;
    if (this.seen.has(key)) return false;
    const evicted = this.order[this.next];
    if (evicted !== undefined) this.seen.delete(evicted);
    this.order[this.next] = key;
    this.next = (this.next + 1) % WINDOW_SIZE;
    this.seen.add(key);
    return true;
  }
}

/** Reads as "never seen", ignores writes and deletes. */
const NO_COUNTERS: Record<string, number> = new Proxy(Object.create(null), {
  get: () => undefined,
  set: () => true,
  deleteProperty: () => true,
});

/**
 * Turns off aedes' own duplicate filter for this connection. aedes keeps, per client, the highest
 * `brokerCounter` delivered from each broker and drops anything numbered lower; but a QoS 1
 * publish waits for the offline-queue store while a later QoS 0 one does not, so the QoS 1 packet
 * arrives second and is silently lost (`pushes.spec.ts` has the regression test; mqtt-api.md §8
 * "overlapping subscriptions lost pushes"). {@link DeliveryWindow} in `authorizeForward` replaces
 * it. Must run before the connection gets any packet: the session registry calls it on CONNECT.
 */
export function disableCounterDedupe(client: Client): void {
  (client as Client & { duplicates: Record<string, number> }).duplicates = NO_COUNTERS;
}
