import type { LimitMetrics } from './limit-metrics';

/** What aedes passes to the persistence as a subscriber. */
interface Subscriber {
  readonly clientId: string;
}

/** The part of the aedes-persistence 11 API this decorator changes. */
interface QueueApi {
  outgoingEnqueue(sub: Subscriber, packet: object): Promise<void>;
  outgoingEnqueueCombi(subs: readonly Subscriber[], packet: object): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: object): Promise<unknown>;
}

export interface OfflineQueueOptions {
  /** `DH_MAX_OFFLINE_QUEUE`. */
  maxQueued: number;
  metrics: LimitMetrics;
  /**
   * The stored queue length of a session. Absent: counted here (enqueued − cleared), exact for a
   * persistence only this broker writes (memory). A shared one (Redis) should pass its own count
   * (`LLEN outgoing:{clientId}`), since the pod that queues is not the pod that delivers.
   */
  queueLength?: (clientId: string) => Promise<number>;
  /** Told how many copies of a message were stored (`dh_mqtt_messages_queued_total`). */
  onQueued?: (count: number) => void;
}

/**
 * Wraps an aedes persistence so no session queues more than `maxQueued` QoS 1 messages
 * (`DH_MAX_OFFLINE_QUEUE`, docs/reliability.md). Past the cap the newest message is refused for
 * that session and counted (`offline_queue`); the oldest are kept, so a session that returns gets
 * what it missed first, in order (aedes-persistence has no API to drop the head of a queue). For an
 * online persistent session the queue is its unacknowledged messages: one that stops
 * acknowledging is disconnected by aedes once the cap is reached, and the rest waits for it.
 * Every other method passes through, bound to the original object (it may use private fields).
 */
export function limitOfflineQueue<P extends object>(
  persistence: P,
  options: OfflineQueueOptions,
): P {
  const target = persistence as P & QueueApi;
  const counts = new Map<string, number>();
  const { maxQueued, metrics, queueLength, onQueued } = options;
  const length = (id: string) =>
    queueLength ? queueLength(id) : Promise.resolve(counts.get(id) ?? 0);

  const admitted = async (subs: readonly Subscriber[]): Promise<readonly Subscriber[]> => {
    const lengths = await Promise.all(subs.map((sub) => length(sub.clientId)));
    const kept = subs.filter((_, i) => lengths[i] < maxQueued);
    if (kept.length < subs.length) metrics.hit('offline_queue', subs.length - kept.length);
    if (kept.length > 0) onQueued?.(kept.length);
    if (!queueLength) {
      for (const sub of kept) counts.set(sub.clientId, (counts.get(sub.clientId) ?? 0) + 1);
    }
    return kept;
  };

  const overrides: QueueApi = {
    async outgoingEnqueue(sub, packet) {
      const kept = await admitted([sub]);
      if (kept.length > 0) await target.outgoingEnqueue(sub, packet);
    },
    async outgoingEnqueueCombi(subs, packet) {
      // aedes calls this on every QoS 1 publish, usually with no persistent subscriber at all:
      // that case skips the length lookups (the profiled hot path of native QoS 1).
      if (!subs || subs.length === 0) return;
      const kept = await admitted(subs);
      if (kept.length > 0) await target.outgoingEnqueueCombi(kept, packet);
    },
    async outgoingClearMessageId(client, packet) {
      const removed = await target.outgoingClearMessageId(client, packet);
      const count = counts.get(client.id);
      if (removed && count !== undefined) {
        if (count <= 1) counts.delete(client.id);
        else counts.set(client.id, count - 1);
      }
      return removed;
    },
  };

  // Bound once per method, not on every access: aedes reads persistence methods per packet.
  const bound = new Map<PropertyKey, { fn: unknown; bound: unknown }>();
  return new Proxy(target, {
    get(obj, prop) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) {
        return overrides[prop as keyof QueueApi];
      }
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      const cached = bound.get(prop);
      // A method replaced on the object after wrapping is bound afresh.
      if (cached?.fn === value) return cached.bound;
      const fresh: unknown = value.bind(obj);
      bound.set(prop, { fn: value, bound: fresh });
      return fresh;
    },
  });
}
