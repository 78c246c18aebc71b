import { fork, type ChildProcess } from 'node:child_process';
import { WORKER_MAIN } from '../paths';
import { mergeHistograms, percentiles, type Percentiles } from '../report/histogram';
import type {
  ConnectStepResult,
  JobSpec,
  LoadResult,
  RunTiming,
  WorkerCommand,
  WorkerReply,
} from './load.types';

type Pending = { resolve: (data: unknown) => void; reject: (err: Error) => void };

/** One forked generator process and its request/reply channel. */
class Worker {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(WORKER_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: WorkerReply) => {
      const waiting = this.pending.get(message.seq);
      if (!waiting) return;
      this.pending.delete(message.seq);
      if (message.ok) waiting.resolve(message.data);
      else waiting.reject(new Error(message.error));
    });
    this.child.on('exit', (code) => {
      for (const waiting of this.pending.values()) {
        waiting.reject(new Error(`load worker exited with ${code}`));
      }
      this.pending.clear();
    });
  }

  send<T>(command: DistributiveOmit<WorkerCommand, 'seq'>): Promise<T> {
    const seq = (this.seq += 1);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (data: unknown) => void, reject });
      this.child.send({ ...command, seq });
    });
  }

  /** The generator process's pid (its CPU is metered beside the broker's). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send({ op: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Generator processes running one job each, set up and run together. */
export class WorkerPool {
  private readonly workers: Worker[];

  private constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new Worker());
  }

  /** Forks one worker per spec and sets each job up (connects, subscribes). */
  static async start(specs: readonly JobSpec[]): Promise<WorkerPool> {
    const pool = new WorkerPool(specs.length);
    try {
      await Promise.all(
        pool.workers.map((w, i) => w.send({ op: 'setup', job: specs[i], workerIndex: i })),
      );
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** The generator processes' pids. */
  pids(): number[] {
    return this.workers.flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }

  /** Runs every worker's load at the same time; `onWindow` hooks the measured window's edges. */
  async run(timing: RunTiming, onWindow?: WindowHooks): Promise<LoadResult[]> {
    const results = Promise.all(this.workers.map((w) => w.send<LoadResult>({ op: 'run', timing })));
    if (onWindow) {
      let begun = false;
      let ended = false;
      const begin = setTimeout(() => {
        begun = true;
        onWindow.begin();
      }, timing.warmupMs);
      const end = setTimeout(() => {
        ended = true;
        onWindow.end();
      }, timing.warmupMs + timing.durationMs);
      try {
        return await results;
      } finally {
        clearTimeout(begin);
        clearTimeout(end);
        // On a loaded machine this process's timer may fire after the workers, whose drain ended
        // at once, have answered: close the metered window now rather than never.
        if (begun && !ended) onWindow.end();
      }
    }
    return results;
  }

  connect(worker: number, count: number): Promise<ConnectStepResult> {
    return this.workers[worker].send<ConnectStepResult>({ op: 'connect', count });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

export interface WindowHooks {
  begin: () => void;
  end: () => void;
}

/** The workers' results of one run, summed. */
export interface LoadSummary {
  /** Deliveries (or replies) per second in the measured window. */
  perSec: number;
  /** Acknowledged publishes (or successful replies) per second in the window. */
  ackedPerSec: number;
  sentPerSec: number;
  latencyMs: Percentiles;
  /** Acknowledged (or sent) − received over the whole run, after the drain. */
  loss: number;
  errors: number;
  errorSample?: string;
  totals: { sent: number; acked: number; received: number };
  pushes?: { perSec: number; loss: number; latencyMs: Percentiles };
}

/**
 * Sums the workers' results. Loss is counted against `acknowledged` publishes (pub/sub) or against
 * `sent` requests (a request without any reply is lost).
 */
export function summarize(
  results: readonly LoadResult[],
  lossAgainst: 'acked' | 'sent' = 'acked',
): LoadSummary {
  const windowSec = Math.max(...results.map((r) => r.windowMs)) / 1000;
  const sum = (pick: (r: LoadResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const totals = {
    sent: sum((r) => r.totals.sent),
    acked: sum((r) => r.totals.acked),
    received: sum((r) => r.totals.received),
  };
  const withPushes = results.filter((r) => r.pushes);
  return {
    perSec: Math.round(sum((r) => r.received) / windowSec),
    ackedPerSec: Math.round(sum((r) => r.acked) / windowSec),
    sentPerSec: Math.round(sum((r) => r.sent) / windowSec),
    latencyMs: percentiles(mergeHistograms(results.map((r) => r.latency))),
    loss: Math.max(0, totals[lossAgainst] - totals.received),
    errors: sum((r) => r.errors),
    errorSample: results.find((r) => r.errorSample)?.errorSample,
    totals,
    pushes: withPushes.length
      ? {
          perSec: Math.round(sum((r) => r.pushes?.received ?? 0) / windowSec),
          loss: Math.max(0, totals.acked - sum((r) => r.pushes?.totalReceived ?? 0)),
          latencyMs: percentiles(
            mergeHistograms(withPushes.flatMap((r) => (r.pushes ? [r.pushes.latency] : []))),
          ),
        }
      : undefined,
  };
}
