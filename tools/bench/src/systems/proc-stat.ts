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
 * Write system calls a process has made so far (`syscw` of `/proc/<pid>/io`: write, writev,
 * pwrite, sendfile; not send/sendto/sendmsg): on loopback each socket write also runs the
 * receiver's TCP path, so their count per message says where the kernel time goes. Undefined
 * where the kernel does not say.
 */
export function writeCalls(pid: number): number | undefined {
  try {
    const match = /^syscw:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : undefined;
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

/** Counts CPU time of a process (or the sum of several) over a window. */
export class CpuMeter {
  private startCpu = 0;
  private startWrites: number | undefined;
  private startAt = 0;
  private readonly pids: readonly number[];

  constructor(pid: number | readonly number[]) {
    this.pids = typeof pid === 'number' ? [pid] : pid;
  }

  private used(): number {
    return this.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }

  private writes(): number | undefined {
    let sum = 0;
    for (const pid of this.pids) {
      const calls = writeCalls(pid);
      if (calls === undefined) return undefined;
      sum += calls;
    }
    return sum;
  }

  start(): void {
    this.startCpu = this.used();
    this.startWrites = this.writes();
    this.startAt = performance.now();
  }

  /**
   * CPU seconds used since `start()`, the share of one core over the wall time, and the write
   * system calls made meanwhile (undefined when `/proc/<pid>/io` cannot be read).
   */
  stop(): { cpuSeconds: number; coreShare: number; writeCalls: number | undefined } {
    const used = this.used() - this.startCpu;
    const wall = (performance.now() - this.startAt) / 1000;
    const writes = this.writes();
    return {
      cpuSeconds: used,
      coreShare: wall > 0 ? used / wall : 0,
      writeCalls:
        writes === undefined || this.startWrites === undefined
          ? undefined
          : writes - this.startWrites,
    };
  }
}

/**
 * CPU time over a window of a group of processes that may change (PostgreSQL backends): pids are
 * listed at the start and at the end; one that ended meanwhile loses its last part, one that
 * started meanwhile counts whole.
 */
export class ProcessGroupMeter {
  private start = new Map<number, { cpu: number; writes: number | undefined }>();

  constructor(private readonly pids: () => readonly number[]) {}

  private read(): Map<number, { cpu: number; writes: number | undefined }> {
    const now = new Map<number, { cpu: number; writes: number | undefined }>();
    for (const pid of this.pids()) {
      try {
        now.set(pid, { cpu: cpuSeconds(pid), writes: writeCalls(pid) });
      } catch {
        // ended between listing and reading
      }
    }
    return now;
  }

  begin(): void {
    this.start = this.read();
  }

  /**
   * CPU seconds and write system calls since `begin()` (writes undefined when a process's
   * `/proc/<pid>/io` cannot be read).
   */
  end(): { cpuSeconds: number; writeCalls: number | undefined } {
    let cpu = 0;
    let writes: number | undefined = 0;
    for (const [pid, now] of this.read()) {
      const before = this.start.get(pid);
      cpu += now.cpu - (before?.cpu ?? 0);
      if (writes === undefined || now.writes === undefined) writes = undefined;
      else writes += now.writes - (before?.writes ?? 0);
    }
    return { cpuSeconds: cpu, writeCalls: writes };
  }
}
