import type { Client } from 'aedes';
import { replaceDuplicateCounters } from '../aedes-internals';

/**
 * Slots of the window (a power of two). A slot is only reused by a packet numbered a multiple of
 * this later, and the copies of one packet reach `authorizeForward` back to back (see below).
 */
const WINDOW_SLOTS = 64;
const SLOT_MASK = WINDOW_SLOTS - 1;

/** The identity of one routed publish: the broker that numbered it and its number there. */
interface Numbered {
  readonly brokerId?: string | null;
  readonly brokerCounter?: number;
}

/**
 * Exact per-connection de-duplication of routed publishes (docs/topics/notification.md: "no
 * duplicates from overlapping filters on one client"). aedes calls the delivery function of every
 * filter of a client that matches a packet, all in one synchronous pass, so the copies of one
 * packet reach `authorizeForward` back to back (the in-flight window keeps them adjacent when it
 * holds them). A direct-mapped table by broker counter is enough: O(1), no allocation per packet
 * (the tables are allocated on the first numbered packet). A packet is only refused when both its
 * broker id and its counter match a remembered one, so a collision can at worst let a copy through,
 * never drop a first delivery. Packets without a broker id (retained messages) are never
 * duplicates.
 */
export class DeliveryWindow {
  private brokerIds: Array<string | undefined> | null = null;
  private counters: Float64Array | null = null;

  /** True the first time a packet is offered, false for its later copies. */
  firstDelivery(packet: Numbered): boolean {
    const brokerId = packet.brokerId;
    if (!brokerId) return true;
    const counter = packet.brokerCounter ?? 0;
    if (this.brokerIds === null || this.counters === null) {
      this.brokerIds = new Array<string | undefined>(WINDOW_SLOTS);
      this.counters = new Float64Array(WINDOW_SLOTS);
    }
    const slot = counter & SLOT_MASK;
    if (this.counters[slot] === counter && this.brokerIds[slot] === brokerId) return false;
    this.counters[slot] = counter;
    this.brokerIds[slot] = brokerId;
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
 * arrives second and is silently lost (`pushes.spec.ts` has the regression test; docs/security.md
 * "overlapping subscriptions lost pushes"). {@link DeliveryWindow} in `authorizeForward` replaces
 * it. Must run before the connection gets any packet: the session registry calls it on CONNECT.
 */
export function disableCounterDedupe(client: Client): void {
  replaceDuplicateCounters(client, NO_COUNTERS);
}
