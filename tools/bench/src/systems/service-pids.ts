import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Socket inodes listening on `port` (IPv4 and IPv6), from `/proc/net/tcp*`. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ip:port; state 0A is LISTEN; field 9 is the inode.
      if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === '0A') {
        inodes.add(fields[9]);
      }
    }
  }
  return inodes;
}

function numericDirs(path: string): number[] {
  try {
    return readdirSync(path)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/** The process that listens on `port` on this machine (same user), or undefined. */
export function pidListeningOn(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const pid of numericDirs('/proc')) {
    for (const fd of numericDirs(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && inodes.has(match[1])) return pid;
    }
  }
  return undefined;
}

/** `pid` and its direct children (PostgreSQL: the postmaster and its backends and workers). */
export function withChildren(pid: number): number[] {
  const pids = [pid];
  for (const candidate of numericDirs('/proc')) {
    try {
      const stat = readFileSync(`/proc/${candidate}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(candidate);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Port of a `redis://`, `postgres://` or `host:port` address. */
export function portOf(address: string): number {
  const text = address.includes('://') ? address : `tcp://${address.split(',')[0]}`;
  return Number(new URL(text).port);
}

/**
 * How a JVM compiles, from its arguments: `-XX:TieredStopAtLevel=1` (tools/infra's quick JIT for
 * throw-away test servers) stops at C1, which runs Kafka's code slower than a production JVM.
 */
export function jvmJit(args: readonly string[]): 'C1 only' | 'C1 and C2' {
  return args.some((arg) => /^-XX:TieredStopAtLevel=[0-3]$/.test(arg)) ? 'C1 only' : 'C1 and C2';
}

/** The arguments of process `pid` (`/proc/<pid>/cmdline`), or undefined when unreadable. */
export function processArgs(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}
