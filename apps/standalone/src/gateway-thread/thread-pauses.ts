import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Gauge, Histogram, type Registry } from 'prom-client';

/** The GC kinds of Node's `gc` performance entries, named as prom-client names the main thread's. */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Finer than prom-client's default (1 ms, 10 ms, 100 ms, ...): a push's budget is ~20 ms. */
export const PAUSE_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Timer resolution of the event-loop delay monitor, in ms (prom-client's default too). */
const LAG_RESOLUTION_MS = 10;

/**
 * The gateway thread's pauses (docs/operations.md, "The embedded process's two threads"): its
 * garbage collections by kind and its event-loop delay, the two things that hold every request
 * and push the thread handles. Node's defaults report them for the main thread only
 * (`nodejs_gc_duration_seconds`, `nodejs_eventloop_lag_*`); these are the same for the worker.
 * The lag gauges cover the time since the previous scrape, as prom-client's do. Call the
 * returned function to stop measuring.
 */
export function registerThreadPauseMetrics(registry: Registry): () => void {
  const gc = new Histogram({
    name: 'dh_gateway_thread_gc_duration_seconds',
    help: 'Garbage collection pauses of the gateway thread by kind (major, minor, incremental, weakcb)',
    labelNames: ['kind'],
    buckets: PAUSE_BUCKETS_SECONDS,
    registers: [registry],
  });
  // Every kind from the start (at 0): a dashboard's rate() works before the first pause of a kind.
  for (const kind of Object.values(GC_KINDS)) gc.zero({ kind });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node's `gc` entries carry their kind in `detail` (NodeGCPerformanceDetail).
      const { detail } = entry as { detail?: { kind?: number } };
      const kind = GC_KINDS[detail?.kind ?? -1];
      if (kind) gc.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  // As prom-client does for the main thread: the first gauge's collect reads the window, sets the
  // second one (collected after it, in registration order) and starts a new window.
  const max = new Gauge({
    name: 'dh_gateway_thread_eventloop_lag_max_seconds',
    help: 'Longest event-loop delay of the gateway thread since the previous scrape',
    registers: [],
  });
  new Gauge({
    name: 'dh_gateway_thread_eventloop_lag_p99_seconds',
    help: "99th percentile of the gateway thread's event-loop delay since the previous scrape",
    registers: [registry],
    collect() {
      const measured = lag.count > 0;
      this.set(measured ? lag.percentile(99) / 1e9 : 0);
      max.set(measured ? lag.max / 1e9 : 0);
      lag.reset();
    },
  });
  registry.registerMetric(max);
  return () => {
    observer.disconnect();
    lag.disable();
  };
}
