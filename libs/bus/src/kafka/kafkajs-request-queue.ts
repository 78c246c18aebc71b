import { createRequire } from 'node:module';

/** The fields and methods of kafkajs 2.2.4's per-connection `RequestQueue` this fix relies on. */
export interface RequestQueueInternals {
  pending: unknown[];
  /** End of a broker-requested throttle, ms since the epoch (-1: none). */
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: RequestQueueInternals & { [FIXED]?: true };
  new (options: Record<string, unknown>): RequestQueueInternals;
}

/** kafkajs' own re-check period of a queue holding requests it could not send yet. */
const CHECK_PENDING_INTERVAL_MS = 10;
const FIXED = Symbol.for('dh-mqtt.kafkajs.requestQueueTimerFix');

/**
 * A module of the installed kafkajs by its path in the package (`./src/…`): not part of its
 * public API, so each caller has a spec that fails when the module changes.
 */
export function kafkajsInternal<T>(path: string): T {
  const load = createRequire(require.resolve('kafkajs'));
  return load(path) as T;
}

/** kafkajs' internal `RequestQueue` class (not part of its public API: see the spec). */
export function kafkajsRequestQueue(): RequestQueueClass {
  return kafkajsInternal<RequestQueueClass>('./src/network/requestQueue');
}

/**
 * Stops kafkajs 2.2.4's idle timer loop (its issue #1556, "CPU hike on v2.2.4"): after every
 * response, `scheduleCheckPendingRequests` arms a timer even when nothing is waiting, with a
 * negative delay (no throttle: `throttledUntil` is -1), and the timer re-arms itself, so every
 * Kafka connection of the process runs a ~1 ms timer forever. Each pod holds several connections;
 * the loop was most of an idle pod's CPU (~20 ms per second) and a fixed cost under load
 * (docs/performance.md). Here a re-check is armed only while requests are waiting: at the end of
 * the broker's throttle, or after kafkajs' own 10 ms when the queue waits for in-flight requests
 * (their responses re-check it anyway). Idempotent; applied before the bus creates any client.
 */
export function fixKafkajsIdleTimerLoop(): void {
  const { prototype } = kafkajsRequestQueue();
  if (prototype[FIXED]) return;
  if (
    typeof prototype.scheduleCheckPendingRequests !== 'function' ||
    typeof prototype.checkPendingRequests !== 'function'
  ) {
    throw new Error('kafkajs RequestQueue changed: re-check the idle timer fix against it');
  }
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(
    this: RequestQueueInternals,
  ): void {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_INTERVAL_MS,
    );
  };
  prototype[FIXED] = true;
}
