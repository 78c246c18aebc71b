import { Histogram } from '../report/histogram';
import type { LoadResult, RunTiming } from './load.types';
import { sleep } from './mqtt-client';

/** Event counters of a run: totals, and the share that fell inside the measured window. */
export class Counters {
  inWindow = false;
  readonly latency = new Histogram();
  readonly pushLatency = new Histogram();
  readonly window = { sent: 0, acked: 0, received: 0, errors: 0, pushes: 0 };
  readonly total = { sent: 0, acked: 0, received: 0, errors: 0, pushes: 0 };
  errorSample: string | undefined;

  count(what: keyof Counters['total'], n = 1): void {
    this.total[what] += n;
    if (this.inWindow) this.window[what] += n;
  }

  error(message: string): void {
    this.count('errors');
    this.errorSample ??= message;
  }

  /** A latency sample, kept only inside the window (warm-up and drain excluded). */
  latencyMs(ms: number): void {
    if (this.inWindow) this.latency.recordMs(ms);
  }

  pushLatencyMs(ms: number): void {
    if (this.inWindow) this.pushLatency.recordMs(ms);
  }
}

/**
 * Runs the load phases in a worker: `start` the senders, warm up, measure for `durationMs`,
 * `stop` sending, then wait up to `drainMs` for `settled()` so that loss counts only messages
 * that were really lost.
 */
export async function runWindow(
  counters: Counters,
  timing: RunTiming,
  start: () => void,
  stop: () => void,
  settled: () => boolean,
  withPushes: boolean,
): Promise<LoadResult> {
  start();
  await sleep(timing.warmupMs);
  counters.inWindow = true;
  const from = performance.now();
  await sleep(timing.durationMs);
  counters.inWindow = false;
  const windowMs = performance.now() - from;
  stop();
  const deadline = performance.now() + timing.drainMs;
  while (!settled() && performance.now() < deadline) await sleep(20);
  const { window, total } = counters;
  return {
    windowMs,
    sent: window.sent,
    acked: window.acked,
    received: window.received,
    errors: window.errors,
    errorSample: counters.errorSample,
    latency: counters.latency.toJSON(),
    totals: { sent: total.sent, acked: total.acked, received: total.received },
    pushes: withPushes
      ? {
          received: window.pushes,
          totalReceived: total.pushes,
          latency: counters.pushLatency.toJSON(),
        }
      : undefined,
  };
}
