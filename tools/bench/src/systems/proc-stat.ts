import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of each thread of a process, by thread id (`/proc/<pid>/task/<tid>/stat`). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(Number(tid), statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // ended between listing and reading
    }
  }
  return threads;
}

function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/**
 * `syscw` and `wchar` of `/proc/<pid>/io`: the write system calls a process has made so far
 * (write, writev, pwrite, sendfile; not send/sendto/sendmsg) and the bytes they passed (sockets,
 * pipes and files alike). On loopback each socket write also runs the receiver's TCP path, so
 * their count per message says where the kernel time goes. Undefined where the kernel does not
 * say.
 */
function ioCounters(pid: number): { calls: number; bytes: number } | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const calls = /^syscw:\s+(\d+)/m.exec(io);
    const bytes = /^wchar:\s+(\d+)/m.exec(io);
    return calls && bytes ? { calls: Number(calls[1]), bytes: Number(bytes[1]) } : undefined;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in bytes, from `/proc/<pid>/status`. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** The soft limit of open files of a process (`/proc/<pid>/limits`). */
export function openFilesLimit(pid: number): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : Infinity;
}

/** What a process (or a group of them) used over a window. */
export interface ProcessUse {
  cpuSeconds: number;
  /** Write system calls (`syscw`); undefined when a `/proc/<pid>/io` cannot be read. */
  writeCalls: number | undefined;
  /** Bytes those calls wrote (`wchar`); undefined with them. */
  bytesWritten: number | undefined;
}

/** Counters of a process (or a sum of them) at one moment. */
interface Sample {
  cpu: number;
  io: { calls: number; bytes: number } | undefined;
}

/** `later − earlier`, the write counters undefined when either side lacks them. */
function used(later: Sample, earlier: Sample | undefined): ProcessUse {
  const cpuSeconds = later.cpu - (earlier?.cpu ?? 0);
  if (later.io === undefined || (earlier !== undefined && earlier.io === undefined)) {
    return { cpuSeconds, writeCalls: undefined, bytesWritten: undefined };
  }
  return {
    cpuSeconds,
    writeCalls: later.io.calls - (earlier?.io?.calls ?? 0),
    bytesWritten: later.io.bytes - (earlier?.io?.bytes ?? 0),
  };
}

/** The write counters of `use`; `used` sets both or neither. */
function ioOf(use: ProcessUse): Sample['io'] {
  return use.writeCalls === undefined || use.bytesWritten === undefined
    ? undefined
    : { calls: use.writeCalls, bytes: use.bytesWritten };
}

/** `a + b` of the write counters, undefined when either lacks them. */
function sumIo(a: Sample['io'], b: Sample['io']): Sample['io'] {
  return a === undefined || b === undefined
    ? undefined
    : { calls: a.calls + b.calls, bytes: a.bytes + b.bytes };
}

/** Counts CPU time of a process (or the sum of several) over a window. */
export class CpuMeter {
  private startSample: Sample = { cpu: 0, io: { calls: 0, bytes: 0 } };
  private startAt = 0;
  private readonly pids: readonly number[];

  constructor(pid: number | readonly number[]) {
    this.pids = typeof pid === 'number' ? [pid] : pid;
  }

  /** The processes' counters summed; throws when one of them is gone. */
  private sample(): Sample {
    let cpu = 0;
    let io: Sample['io'] = { calls: 0, bytes: 0 };
    for (const pid of this.pids) {
      cpu += cpuSeconds(pid);
      io = sumIo(io, ioCounters(pid));
    }
    return { cpu, io };
  }

  start(): void {
    this.startSample = this.sample();
    this.startAt = performance.now();
  }

  /** What was used since `start()`, and the CPU as a share of one core over the wall time. */
  stop(): ProcessUse & { coreShare: number } {
    const use = used(this.sample(), this.startSample);
    const wall = (performance.now() - this.startAt) / 1000;
    return { ...use, coreShare: wall > 0 ? use.cpuSeconds / wall : 0 };
  }
}

/**
 * CPU time over a window of a group of processes that may change (PostgreSQL backends): pids are
 * listed at the start and at the end; one that ended meanwhile loses its last part, one that
 * started meanwhile counts whole.
 */
export class ProcessGroupMeter {
  private start = new Map<number, Sample>();

  constructor(private readonly pids: () => readonly number[]) {}

  private read(): Map<number, Sample> {
    const now = new Map<number, Sample>();
    for (const pid of this.pids()) {
      try {
        now.set(pid, { cpu: cpuSeconds(pid), io: ioCounters(pid) });
      } catch {
        // ended between listing and reading
      }
    }
    return now;
  }

  begin(): void {
    this.start = this.read();
  }

  /** What the group used since `begin()`. */
  end(): ProcessUse {
    let cpuSeconds = 0;
    let io: Sample['io'] = { calls: 0, bytes: 0 };
    for (const [pid, now] of this.read()) {
      const use = used(now, this.start.get(pid));
      cpuSeconds += use.cpuSeconds;
      io = sumIo(io, ioOf(use));
    }
    return { cpuSeconds, writeCalls: io?.calls, bytesWritten: io?.bytes };
  }
}

/** What the machine did besides the measured processes over a window (Linux; undefined elsewhere). */
export interface MachineUse {
  /** Share of the window in which some runnable task waited for a CPU (`/proc/pressure/cpu`), %. */
  cpuWaitPct: number | undefined;
  /** Share of the machine's CPU time the hypervisor gave to others (`steal` in `/proc/stat`), %. */
  stealPct: number | undefined;
  /**
   * Share of the machine's CPU time no task used (`idle` and `iowait` in `/proc/stat`), %: cores
   * left unused while a closed loop runs mean it is held by its latency, not by the CPU.
   */
  idlePct: number | undefined;
}

interface MachineSample {
  at: number;
  /** µs of "some" CPU pressure since boot. */
  pressureUs: number | undefined;
  /** `/proc/stat` ticks: all, steal, and idle (with iowait). */
  ticks: number | undefined;
  steal: number | undefined;
  idle: number | undefined;
}

function machineSample(): MachineSample {
  let pressureUs: number | undefined;
  let ticks: number | undefined;
  let steal: number | undefined;
  let idle: number | undefined;
  try {
    const some = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0] ?? '';
    const total = /total=(\d+)/.exec(some);
    if (total) pressureUs = Number(total[1]);
  } catch {
    // no pressure stall information on this kernel
  }
  try {
    const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guests are in user)
    const fields = cpu.slice(1, 9).map(Number);
    if (fields.length === 8 && fields.every(Number.isFinite)) {
      ticks = fields.reduce((sum, value) => sum + value, 0);
      steal = fields[7];
      idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    }
  } catch {
    // not Linux
  }
  return { at: performance.now(), pressureUs, ticks, steal, idle };
}

/** CPU pressure, steal and idle time of the whole machine between `begin()` and `end()`. */
export class MachineMeter {
  private start: MachineSample = machineSample();

  begin(): void {
    this.start = machineSample();
  }

  end(): MachineUse {
    const now = machineSample();
    const wallUs = (now.at - this.start.at) * 1000;
    const pct = (value: number) => Math.round(value * 1000) / 10;
    /** The share of the window's `/proc/stat` ticks that went to one kind, %. */
    const tickShare = (after: number | undefined, before: number | undefined) =>
      after !== undefined &&
      before !== undefined &&
      now.ticks !== undefined &&
      this.start.ticks !== undefined &&
      now.ticks > this.start.ticks
        ? pct((after - before) / (now.ticks - this.start.ticks))
        : undefined;
    return {
      cpuWaitPct:
        now.pressureUs !== undefined && this.start.pressureUs !== undefined && wallUs > 0
          ? pct((now.pressureUs - this.start.pressureUs) / wallUs)
          : undefined,
      stealPct: tickShare(now.steal, this.start.steal),
      idlePct: tickShare(now.idle, this.start.idle),
    };
  }
}
