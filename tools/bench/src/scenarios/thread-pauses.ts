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

const ms = (seconds: number) => Math.round(seconds * 10_000) / 10;

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
        };
      }
      return pauses;
    });
  }
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
        (p.readPauses === undefined ? '' : `, reads paused ${p.readPauses}: ${p.readPausedMs} ms`),
    )
    .join('; ');
}

/** `CPU wait 12.3 %, steal 0.4 %` for the log. */
export function describeMachine(machine: MachineUse): string {
  const pct = (value: number | undefined) => (value === undefined ? '–' : `${value} %`);
  return `CPU wait ${pct(machine.cpuWaitPct)}, steal ${pct(machine.stealPct)}`;
}
