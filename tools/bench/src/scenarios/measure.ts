import type { JobSpec, LoadResult, RunTiming } from '../load/load.types';
import { summarize, WorkerPool } from '../load/worker-pool';
import { ratioSpread, spread } from '../report/stats';
import {
  CpuMeter,
  MachineMeter,
  ProcessGroupMeter,
  threadCpuSeconds,
  type MachineUse,
  type ProcessUse,
} from '../systems/proc-stat';
import type { RunningSystem } from '../systems/system';
import type { Measurement, Row, TargetCheck } from './scenario.types';
import { PauseWindow, type ThreadPauses } from './thread-pauses';

export interface RunRequest {
  round: number;
  variant: string;
  /** Name in the tables when it differs from the broker's (`echo via aedes`). */
  label?: string;
  system: RunningSystem;
  specs: JobSpec[];
  timing: RunTiming;
  lossAgainst?: 'acked' | 'sent';
  /** The metric compared: deliveries/replies (`received`) or acknowledged/successful (`acked`). */
  rate?: 'received' | 'acked';
  /**
   * More process groups metered over the same window (Kafka, Redis, PostgreSQL, single pods):
   * their CPU per counted message goes to `cpuUsPerMsgOf`.
   */
  meters?: Record<string, () => readonly number[]>;
  /** More processes whose `/metrics` give their event-loop and GC pauses (the cluster's pods). */
  pauseUrls?: Record<string, string>;
}

/**
 * One measured run: forks the generators, sets them up, runs them together while the broker's
 * CPU is metered over the window, sums their results.
 */
export async function measure(request: RunRequest): Promise<Measurement> {
  const pool = await WorkerPool.start(request.specs);
  const meter = new CpuMeter(request.system.meteredPids ?? request.system.pid);
  const groups = Object.entries(request.meters ?? {}).map(
    ([name, pids]) => [name, new ProcessGroupMeter(pids)] as const,
  );
  const generators = new ProcessGroupMeter(() => pool.pids());
  const machine = new MachineMeter();
  let machineUse: MachineUse | undefined;
  let generatorUse: ProcessUse | undefined;
  // One process: its main thread apart (the standalone's broker side; the rest is its gateway
  // thread and Node's helper threads).
  const mainPid = request.system.meteredPids ? undefined : request.system.pid;
  let threadsAtStart = new Map<number, number>();
  let threadSplit: { main: number; busiestOther: number; rest: number } | undefined;
  let cpu: (ProcessUse & { coreShare: number }) | undefined;
  const groupUse: Record<string, ProcessUse> = {};
  const metricsUrl = request.system.metricsUrl;
  let pauseWindow: PauseWindow | undefined;
  let pausesRead: ReturnType<PauseWindow['end']> | undefined;
  let podWindows: Array<[string, PauseWindow]> = [];
  let podPausesRead: Array<Promise<[string, ThreadPauses | undefined]>> = [];
  try {
    const results = await pool.run(request.timing, {
      begin: () => {
        if (mainPid !== undefined) threadsAtStart = threadCpuSeconds(mainPid);
        meter.start();
        machine.begin();
        generators.begin();
        for (const [, group] of groups) group.begin();
        if (metricsUrl !== undefined) pauseWindow = new PauseWindow(metricsUrl);
        podWindows = Object.entries(request.pauseUrls ?? {}).map(([name, url]) => [
          name,
          new PauseWindow(url),
        ]);
      },
      end: () => {
        cpu = meter.stop();
        machineUse = machine.end();
        generatorUse = generators.end();
        if (mainPid !== undefined) threadSplit = splitThreads(mainPid, threadsAtStart);
        for (const [name, group] of groups) groupUse[name] = group.end();
        pausesRead = pauseWindow?.end();
        podPausesRead = podWindows.map(([name, window]) =>
          window.end().then((pauses) => [name, pauses?.main] as [string, ThreadPauses | undefined]),
        );
      },
    });
    const threadPauses = await pausesRead;
    const podPauses = Object.fromEntries(
      (await Promise.all(podPausesRead)).filter(
        (entry): entry is [string, ThreadPauses] => entry[1] !== undefined,
      ),
    );
    const summary = summarize(results, request.lossAgainst);
    const perSec = request.rate === 'acked' ? summary.ackedPerSec : summary.perSec;
    const messages = perSec * (request.timing.durationMs / 1000);
    return {
      round: request.round,
      system: request.label ?? request.system.name,
      variant: request.variant,
      perSec,
      latencyMs: summary.latencyMs,
      loss: summary.loss,
      errors: summary.errors,
      errorSample: summary.errorSample,
      cpuUsPerMsg: cpu && messages ? round((cpu.cpuSeconds * 1e6) / messages) : null,
      brokerCores: cpu ? round(cpu.coreShare) : null,
      writesPerMsg:
        cpu?.writeCalls !== undefined && messages ? round(cpu.writeCalls / messages) : null,
      ...(threadSplit && messages
        ? {
            cpuUsPerMsgMainThread: round((threadSplit.main * 1e6) / messages),
            cpuUsPerMsgBusiestOtherThread: round((threadSplit.busiestOther * 1e6) / messages),
            cpuUsPerMsgOtherThreads: round((threadSplit.rest * 1e6) / messages),
          }
        : {}),
      generatorCpuUsPerMsg:
        generatorUse !== undefined && messages
          ? round((generatorUse.cpuSeconds * 1e6) / messages)
          : null,
      pushes: summary.pushes ?? null,
      ...(threadPauses ? { threadPauses } : {}),
      ...(machineUse ? { machine: machineUse } : {}),
      ...(Object.keys(podPauses).length ? { podPauses } : {}),
      ...(groups.length
        ? {
            cpuUsPerMsgOf: perMessageOf(groupUse, messages, (use) => use.cpuSeconds * 1e6),
            writesPerMsgOf: perMessageOf(groupUse, messages, (use) => use.writeCalls),
            bytesWrittenPerMsgOf: perMessageOf(
              groupUse,
              messages,
              (use) => use.bytesWritten,
              Math.round,
            ),
          }
        : {}),
      deliveriesByUrl: deliveriesByUrl(request.specs, results, 'window'),
      deliveriesByUrlWholeRun: deliveriesByUrl(request.specs, results, 'whole run'),
    };
  } finally {
    await pool.close();
  }
}

/**
 * CPU seconds since `before` of a process's main thread, of its busiest other thread (the
 * standalone's gateway thread when it runs one) and of all the rest (V8's GC and compiler
 * helpers, libuv's pool).
 */
function splitThreads(
  pid: number,
  before: ReadonlyMap<number, number>,
): { main: number; busiestOther: number; rest: number } {
  let main = 0;
  const others: number[] = [];
  for (const [tid, seconds] of threadCpuSeconds(pid)) {
    const used = seconds - (before.get(tid) ?? 0);
    if (tid === pid) main = used;
    else others.push(used);
  }
  others.sort((a, b) => b - a);
  const busiestOther = others[0] ?? 0;
  return { main, busiestOther, rest: others.slice(1).reduce((sum, s) => sum + s, 0) };
}

/** Replies and pushes the clients of each broker URL received in the window (workers = specs). */
function deliveriesByUrl(
  specs: readonly JobSpec[],
  results: readonly LoadResult[],
  span: 'window' | 'whole run',
): Record<string, number> {
  const byUrl: Record<string, number> = {};
  specs.forEach((spec, i) => {
    const result = results[i];
    if (!result || !('url' in spec)) return;
    const delivered =
      span === 'window'
        ? result.received + (result.pushes?.received ?? 0)
        : result.totals.received + (result.pushes?.totalReceived ?? 0);
    byUrl[spec.url] = (byUrl[spec.url] ?? 0) + delivered;
  });
  return byUrl;
}

/** Systems in a different order each round, so drift on a shared machine hits them all alike. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** One row per (variant, system): medians over the rounds, worst loss and errors. */
export function aggregate(measurements: readonly Measurement[]): Row[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.variant}\u0000${m.system}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((runs) => {
    const median = (pick: (m: Measurement) => number | null | undefined) => {
      const values = runs.map(pick).filter((v): v is number => typeof v === 'number');
      return values.length ? spread(values).median : null;
    };
    const withPushes = runs.filter((m) => m.pushes);
    return {
      variant: runs[0].variant,
      system: runs[0].system,
      perSec: spread(runs.map((m) => m.perSec)),
      p50: median((m) => m.latencyMs.p50),
      p99: median((m) => m.latencyMs.p99),
      loss: Math.max(...runs.map((m) => m.loss)),
      errors: Math.max(...runs.map((m) => m.errors)),
      cpuUsPerMsg: median((m) => m.cpuUsPerMsg),
      ...(withPushes.length
        ? {
            pushP50: median((m) => m.pushes?.latencyMs.p50),
            pushP99: median((m) => m.pushes?.latencyMs.p99),
            pushLoss: Math.max(...withPushes.map((m) => m.pushes?.loss ?? 0)),
          }
        : {}),
      note: runs.find((m) => m.errorSample)?.errorSample,
    };
  });
}

/** A (variant, system) pair of the measurements. */
interface Series {
  variant: string;
  system: string;
}

/** `value(ours) / value(reference)` in every round that measured both, as a spread. */
function perRoundRatio(
  measurements: readonly Measurement[],
  ours: Series,
  reference: Series,
  value: (m: Measurement) => number | null,
) {
  const pick = (which: Series) => {
    const byRound = new Map<number, number>();
    for (const m of measurements) {
      const v = m.variant === which.variant && m.system === which.system ? value(m) : null;
      if (v != null) byRound.set(m.round, v);
    }
    return byRound;
  };
  const a = pick(ours);
  const b = pick(reference);
  const rounds = [...a.keys()].filter((r) => b.has(r)).sort((x, y) => x - y);
  return ratioSpread(
    rounds.map((r) => a.get(r) ?? 0),
    rounds.map((r) => b.get(r) ?? 0),
  );
}

/** Per-round throughput ratio of two (variant, system) pairs, checked against `min`. */
export function ratioTarget(
  measurements: readonly Measurement[],
  name: string,
  ours: Series,
  reference: Series,
  min: number,
): TargetCheck {
  const value = perRoundRatio(measurements, ours, reference, (m) => m.perSec);
  return { name, target: `≥ ${min}×`, value, met: value ? value.median >= min : null };
}

/**
 * CPU per message of `ours` over `reference`, per round (both measured in the same round), with
 * the median at most `max`: what a message costs one system against the other.
 */
export function costRatioTarget(
  measurements: readonly Measurement[],
  name: string,
  ours: Series,
  reference: Series,
  max: number,
): TargetCheck {
  const value = perRoundRatio(measurements, ours, reference, (m) => m.cpuUsPerMsg);
  return { name, target: `≤ ${max}×`, value, met: value ? value.median <= max : null };
}

/** An absolute target (`≥` or `≤` a threshold) on per-round values. */
export function absoluteTarget(
  name: string,
  values: readonly number[],
  op: '>=' | '<=',
  threshold: number,
  unit: string,
  note?: string,
): TargetCheck {
  const value = values.length ? spread(values) : null;
  const met = value ? (op === '>=' ? value.median >= threshold : value.median <= threshold) : null;
  return { name, target: `${op === '>=' ? '≥' : '≤'} ${threshold} ${unit}`, value, met, note };
}

/** `count(use) / messages` of each process group; null without messages or without the count. */
function perMessageOf(
  groupUse: Record<string, ProcessUse>,
  messages: number,
  count: (use: ProcessUse) => number | undefined,
  rounding: (value: number) => number = round,
): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(groupUse).map(([name, use]) => {
      const value = count(use);
      return [name, messages && value !== undefined ? rounding(value / messages) : null];
    }),
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
