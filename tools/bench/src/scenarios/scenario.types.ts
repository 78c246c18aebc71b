import type { PodShape } from '../cli-options';
import type { MachineUse } from '../systems/proc-stat';
import type { ThreadName, ThreadPauses } from './thread-pauses';
import type { Percentiles } from '../report/histogram';
import type { Spread } from '../report/stats';

/** Settings every scenario reads (smoke or full). */
export interface BenchContext {
  smoke: boolean;
  rounds: number;
  /** Directory for `node --cpu-prof` of the standalone; unset = no profiling. */
  cpuProfDir?: string;
  /** `--broker-pods 1,2,4`: the cluster scenario measures scale-out over these broker counts. */
  brokerPods?: number[];
  /** `--pods B+G`: the cluster scenario's pods; unset = one broker and one gateway per 2 cores. */
  pods?: PodShape;
  /** `--only`: variants to run (substrings of their names); unset = all. */
  only?: string[];
  /** `--levels`: the cluster scenario's paced insert loads, % of each maximum; unset = 25, 50, 80. */
  levels?: number[];
  log(line: string): void;
}

/** One run of one system in one round. */
export interface Measurement {
  round: number;
  system: string;
  variant: string;
  /** Deliveries (or replies, or persisted inserts) per second in the measured window. */
  perSec: number;
  latencyMs: Percentiles;
  loss: number;
  errors: number;
  errorSample?: string;
  /** Broker CPU per delivered message, µs (`/proc/<pid>/stat` over the window). */
  cpuUsPerMsg: number | null;
  /** Broker CPU over the window as a share of one core. */
  brokerCores: number | null;
  /** Of `cpuUsPerMsg`, the main thread's (one-process systems: the standalone's broker side). */
  cpuUsPerMsgMainThread?: number;
  /** Of `cpuUsPerMsg`, the busiest other thread's (the standalone's gateway thread, if any). */
  cpuUsPerMsgBusiestOtherThread?: number;
  /** Of `cpuUsPerMsg`, all other threads' (V8's GC and compiler helpers, libuv's pool). */
  cpuUsPerMsgOtherThreads?: number;
  /**
   * The load generators' CPU per counted message, µs (all generator processes, same window). On
   * one machine broker + generators per message bound what the closed loop can reach.
   */
  generatorCpuUsPerMsg?: number | null;
  pushes?: { perSec: number; loss: number; latencyMs: Percentiles } | null;
  /**
   * Each thread's event-loop delay and GC pauses over the window (systems with `metricsUrl`: the
   * embedded process's main and gateway threads). What holds a push in the latency tail.
   */
  threadPauses?: Partial<Record<ThreadName, ThreadPauses>>;
  /**
   * The whole machine over the window: how much of it some task waited for a CPU, and the CPU the
   * hypervisor gave to other guests. High values mean the figures of this window are the
   * machine's as much as the product's.
   */
  machine?: MachineUse;
  /** Each pod's event-loop delay and GC pauses over the window (the cluster; by pod name). */
  podPauses?: Record<string, ThreadPauses>;
  extra?: Record<string, number | string | null>;
  /** CPU µs per counted message of each extra process group (Kafka, Redis, PostgreSQL, a pod). */
  cpuUsPerMsgOf?: Record<string, number | null>;
  /**
   * Write system calls per counted message: of the system (`writesPerMsg`) and of each extra
   * process group (`writesPerMsgOf`). On loopback each socket write also runs the receiver's TCP
   * path: fewer writes per message is most of what batching buys on one machine.
   */
  writesPerMsg?: number | null;
  writesPerMsgOf?: Record<string, number | null>;
  /**
   * Bytes written per counted message by each extra process group (`wchar`: sockets, pipes and
   * files): with `writesPerMsgOf`, how large each write is.
   */
  bytesWrittenPerMsgOf?: Record<string, number | null>;
  /** Replies and pushes received in the window by the clients of each broker URL. */
  deliveriesByUrl?: Record<string, number>;
  /** The same over the whole run (warm-up, window and drain), as the pods' counters are. */
  deliveriesByUrlWholeRun?: Record<string, number>;
}

/** Medians of one (variant, system) over the rounds. */
export interface Row {
  variant: string;
  system: string;
  perSec: Spread;
  p50: number | null;
  p99: number | null;
  loss: number;
  errors: number;
  cpuUsPerMsg: number | null;
  pushP50?: number | null;
  pushP99?: number | null;
  pushLoss?: number;
  note?: string;
}

/** A target of the issue, checked on same-run ratios (or an absolute figure). */
export interface TargetCheck {
  name: string;
  target: string;
  /** Per-round ratios (or values) and their spread; null when it could not be measured. */
  value: Spread | null;
  met: boolean | null;
  note?: string;
}

export interface ScenarioResult {
  scenario: string;
  /** Load shape, payload, QoS, duration, warm-up: printed and stored with the numbers. */
  loadShape: Record<string, string | number | boolean>;
  systems: Record<string, { version: string; settings: Record<string, string | number | boolean> }>;
  unavailable: { name: string; reason: string }[];
  measurements: Measurement[];
  rows: Row[];
  targets: TargetCheck[];
  notes: string[];
}

export type Scenario = (ctx: BenchContext) => Promise<ScenarioResult>;
