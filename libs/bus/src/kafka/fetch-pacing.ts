import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import { kafkajsInternal } from './kafkajs-request-queue';
import { pacingHoldMs, type PacedStart } from './pacing';

/** The fields and methods of kafkajs 2.2.4's `ConsumerGroup` the pacing relies on. */
export interface ConsumerGroupInternals {
  groupId: string;
  fetch(nodeId: number): Promise<Array<{ messages: KafkaMessage[] }>>;
  [LAST_FETCH]?: Map<number, PacedStart>;
}

interface ConsumerGroupClass {
  prototype: ConsumerGroupInternals & { [PACED]?: true };
}

/** How one group paces its fetches (see {@link paceFetches}). */
export interface FetchPacing {
  /** Shortest time from the start of a fetch of two records or more to the start of the next. */
  intervalMs: number;
  /** Called with each hold, in ms (the pacing metric). */
  onHold?(ms: number): void;
  /**
   * What a record counts for (default 1): a record of `dh.requests.v2` counts the requests it
   * carries (docs/adr/0024), so a fetch of one record of two requests is followed by a hold as
   * a fetch of two records was.
   */
  weigh?(message: KafkaMessage): number;
}

const PACED = Symbol.for('dh-mqtt.kafkajs.fetchPacing');
const LAST_FETCH = Symbol.for('dh-mqtt.kafkajs.lastFetch');
const pacings = new Map<string, FetchPacing>();

/** kafkajs' internal `ConsumerGroup` class (not part of its public API: see the spec). */
export function kafkajsConsumerGroup(): ConsumerGroupClass {
  return kafkajsInternal<ConsumerGroupClass>('./src/consumer/consumerGroup');
}

/**
 * Paces the fetches of every kafkajs consumer of `groupId` in this process (docs/adr/0022): a
 * fetch that returned two records or more (`PACE_FROM_RECORDS`) is followed by the next one
 * no sooner than `intervalMs` after it *started*, so the records that arrive in between come back
 * together, in one fetch response handled in one event-loop turn, instead of a fetch for every
 * record or two. A fetch that returned one record or none (Kafka's long poll timed out) is not
 * followed by a hold, and neither is one that waited at Kafka for longer than the interval: an
 * idle, sparse or single-client consumer fetches as before, a record arriving then is handed
 * over at once, and no timer polls a quiet cluster. `intervalMs` 0 turns the pacing off.
 *
 * kafkajs 2.2.4 has no such setting: its `minBytes` with a short `maxWaitTimeInMs` would make
 * an idle consumer poll Kafka every few milliseconds. Its fetch loop (one per Kafka broker) calls
 * `ConsumerGroup.prototype.fetch` once per fetch request; this wraps that method, once per
 * process, and looks the group up in a registry, so consumers of other groups are untouched.
 * The registry is per process and group id (kafkajs gives the wrapper nothing finer to go by):
 * consumers of one group in one process share its last settings, which in a pod, with one bus,
 * are the only ones.
 */
export function paceFetches(groupId: string, pacing: FetchPacing): void {
  if (pacing.intervalMs > 0) pacings.set(groupId, pacing);
  else pacings.delete(groupId);
  const { prototype } = kafkajsConsumerGroup();
  if (prototype[PACED]) return;
  if (typeof prototype.fetch !== 'function') {
    throw new Error('kafkajs ConsumerGroup changed: re-check the fetch pacing against it');
  }
  const fetch = prototype.fetch;
  prototype.fetch = async function pacedFetch(this: ConsumerGroupInternals, nodeId: number) {
    const pacing = pacings.get(this.groupId);
    if (!pacing) return fetch.call(this, nodeId);
    const last = (this[LAST_FETCH] ??= new Map<number, PacedStart>());
    const hold = pacingHoldMs(last.get(nodeId), pacing.intervalMs);
    if (hold > 0) {
      pacing.onHold?.(hold);
      await sleep(hold);
    }
    const startedAt = Date.now();
    const batches = await fetch.call(this, nodeId);
    let records = 0;
    for (const batch of batches) {
      if (!pacing.weigh) records += batch.messages.length;
      else for (const message of batch.messages) records += pacing.weigh(message);
    }
    last.set(nodeId, { startedAt, records });
    return batches;
  };
  prototype[PACED] = true;
}
