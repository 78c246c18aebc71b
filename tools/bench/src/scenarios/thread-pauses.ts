import type { MachineUse } from '../systems/proc-stat';
import { counterOf } from './pod-metrics';

/** One thread's pauses over a measured window, from the process's `/metrics`. */
export interface ThreadPauses {
  /** Longest event-loop delay, ms. */
  lagMaxMs: number;
  /** 99th percentile of the event-loop delay, ms. */
  lagP99Ms: number;
  /** Garbage-collection pause time of every kind, ms in all. */
  gcMs: number;
  /** Of those, the major (mark-compact) collections: how many and how long in all, ms. */
  majorGcs: number;
  majorGcMs: number;
  /** The embedded database's checkpoints in the window (gateway thread only): how many, ms in all. */
  checkpoints?: number;
  checkpointMs?: number;
  /**
   * MQTT connections whose reads stopped in the window because their requests were unanswered
   * (ADR 0020; main thread only): how many times, and the time held, ms summed over connections.
   */
  readPauses?: number;
  readPausedMs?: number;
  /**
   * The process's own view of its requests over the window (main thread only), ms, estimated
   * from histogram buckets as Prometheus' `histogram_quantile` does: `dh_request_duration_seconds`
   * p99 where requests arrive (the embedded process, broker pods), and
   * `dh_gateway_request_wait_seconds` p50 and p99 on gateway pods (and their run p99 below).
   */
  requestP99Ms?: number;
  waitP50Ms?: number;
  waitP99Ms?: number;
  /** `dh_gateway_request_run_seconds` p99 on gateway pods, ms. */
  runP99Ms?: number;
}

const CHECKPOINTS = 'dh_db_checkpoint_duration_seconds';
const READ_PAUSES = 'dh_mqtt_read_pauses_total';
const READ_PAUSED = 'dh_mqtt_read_paused_seconds_total';

/** The embedded process's two threads: Node's series for the main one, ours for the gateway's. */
const THREADS = {
  main: { gc: 'nodejs_gc_duration_seconds', lag: 'nodejs_eventloop_lag' },
  gateway: { gc: 'dh_gateway_thread_gc_duration_seconds', lag: 'dh_gateway_thread_eventloop_lag' },
} as const;

export type ThreadName = keyof typeof THREADS;

const REQUEST_DURATION = 'dh_request_duration_seconds';
const GATEWAY_WAIT = 'dh_gateway_request_wait_seconds';
const GATEWAY_RUN = 'dh_gateway_request_run_seconds';

const ms = (seconds: number) => Math.round(seconds * 10_000) / 10;

/** A histogram's buckets (`le` → cumulative count), summed over its label sets. */
function bucketsOf(text: string, name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    const value = Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
  }
  return buckets;
}

/**
 * The `q` quantile, in seconds, of the observations a histogram gained between two scrapes,
 * interpolated within its bucket as Prometheus' `histogram_quantile` does (the highest finite
 * bound when it falls in `+Inf`); undefined without observations.
 */
export function windowQuantile(
  before: string,
  after: string,
  name: string,
  q: number,
): number | undefined {
  const start = bucketsOf(before, name);
  const gained = [...bucketsOf(after, name)]
    .map(([bound, count]) => [bound, count - (start.get(bound) ?? 0)] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = gained.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [bound, count] of gained) {
    if (count >= rank) {
      if (bound === Infinity) return lower;
      return lower + ((bound - lower) * (rank - below)) / Math.max(count - below, 1e-9);
    }
    lower = bound;
    below = count;
  }
  return lower;
}

/**
 * Reads `metricsUrl` at the start of a window and again at its end: the event-loop lag gauges
 * cover the time since the previous scrape (the first read starts the window), the GC histograms
 * are counted between the two. A thread whose series are absent (the gateway in the main thread,
 * `DH_GATEWAY_THREAD=main`) is left out.
 */
export class PauseWindow {
  private readonly first: Promise<string | undefined>;

  constructor(private readonly metricsUrl: string) {
    this.first = this.scrape();
  }

  private scrape(): Promise<string | undefined> {
    return fetch(this.metricsUrl, { signal: AbortSignal.timeout(5_000) })
      .then((response) => response.text())
      .catch(() => undefined);
  }

  /** Ends the window; resolves with each thread's pauses once both reads are in. */
  end(): Promise<Partial<Record<ThreadName, ThreadPauses>> | undefined> {
    const last = this.scrape();
    return Promise.all([this.first, last]).then(([before, after]) => {
      if (before === undefined || after === undefined) return undefined;
      const pauses: Partial<Record<ThreadName, ThreadPauses>> = {};
      for (const [thread, names] of Object.entries(THREADS) as [
        ThreadName,
        (typeof THREADS)[ThreadName],
      ][]) {
        if (!after.includes(`${names.lag}_max_seconds`)) continue;
        const diff = (name: string, label?: string) => {
          const ref = label === undefined ? name : { name, label };
          return counterOf(after, ref) - counterOf(before, ref);
        };
        pauses[thread] = {
          lagMaxMs: ms(counterOf(after, `${names.lag}_max_seconds`)),
          lagP99Ms: ms(counterOf(after, `${names.lag}_p99_seconds`)),
          gcMs: ms(diff(`${names.gc}_sum`)),
          majorGcs: diff(`${names.gc}_count`, 'kind="major"'),
          majorGcMs: ms(diff(`${names.gc}_sum`, 'kind="major"')),
          ...(thread === 'gateway' && after.includes(`${CHECKPOINTS}_count`)
            ? {
                checkpoints: diff(`${CHECKPOINTS}_count`, 'result="ok"'),
                checkpointMs: ms(diff(`${CHECKPOINTS}_sum`, 'result="ok"')),
              }
            : {}),
          ...(thread === 'main' && after.includes(READ_PAUSES)
            ? { readPauses: diff(READ_PAUSES), readPausedMs: ms(diff(READ_PAUSED)) }
            : {}),
          ...(thread === 'main' ? quantiles(before, after) : {}),
        };
      }
      return pauses;
    });
  }
}

/** The request and gateway-wait quantiles a process's main thread reports (see ThreadPauses). */
function quantiles(before: string, after: string): Partial<ThreadPauses> {
  const of = (name: string, q: number) => {
    const seconds = windowQuantile(before, after, name, q);
    return seconds === undefined ? undefined : ms(seconds);
  };
  const requestP99Ms = of(REQUEST_DURATION, 0.99);
  const waitP50Ms = of(GATEWAY_WAIT, 0.5);
  const waitP99Ms = of(GATEWAY_WAIT, 0.99);
  const runP99Ms = of(GATEWAY_RUN, 0.99);
  return {
    ...(requestP99Ms === undefined ? {} : { requestP99Ms }),
    ...(waitP50Ms === undefined ? {} : { waitP50Ms }),
    ...(waitP99Ms === undefined ? {} : { waitP99Ms }),
    ...(runP99Ms === undefined ? {} : { runP99Ms }),
  };
}

/** `main lag max 12.3 ms, GC 45.6 ms (major 2: 20.1 ms); gateway …` for the log. */
export function describePauses(pauses: Partial<Record<ThreadName, ThreadPauses>>): string {
  return (Object.entries(pauses) as [ThreadName, ThreadPauses][])
    .map(
      ([thread, p]) =>
        `${thread} lag max ${p.lagMaxMs} ms, GC ${p.gcMs} ms (major ${p.majorGcs}: ${p.majorGcMs} ms)` +
        (p.checkpoints === undefined
          ? ''
          : `, checkpoints ${p.checkpoints}: ${p.checkpointMs} ms`) +
        (p.readPauses === undefined ? '' : `, reads paused ${p.readPauses}: ${p.readPausedMs} ms`) +
        describeRequestTimes(p),
    )
    .join('; ');
}

/** `, its request p99 … ms` / `, request wait p50 … ms, p99 … ms, run p99 … ms`, or nothing. */
export function describeRequestTimes(p: ThreadPauses): string {
  return (
    (p.requestP99Ms === undefined ? '' : `, its request p99 ${p.requestP99Ms} ms`) +
    (p.waitP99Ms === undefined
      ? ''
      : `, request wait p50 ${p.waitP50Ms} ms, p99 ${p.waitP99Ms} ms`) +
    (p.runP99Ms === undefined ? '' : `, run p99 ${p.runP99Ms} ms`)
  );
}

/** `CPU wait 12.3 %, idle 8.1 %, steal 0.4 %` for the log (`–` where the kernel does not say). */
export function describeMachine(machine: MachineUse): string {
  const pct = (value: number | undefined) => (value === undefined ? '–' : `${value} %`);
  return `CPU wait ${pct(machine.cpuWaitPct)}, idle ${pct(machine.idlePct)}, steal ${pct(machine.stealPct)}`;
}
