// Stopping the servers the infrastructure scripts started, by pid. Daemons (Redis, a detached
// Kafka) are reparented to pid 1, which may not reap them here: a zombie counts as stopped.
import { readFileSync } from 'node:fs';

/** Whether `pid` runs (a zombie does not). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, the state follows ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The pid on the first line of a pid file (Redis' `--pidfile`, PostgreSQL's `postmaster.pid`,
 * Kafka's `kafka.pid` of kafka.mjs), or undefined when there is none.
 * @param {string} file
 */
export function readPid(file) {
  try {
    return Number(readFileSync(file, 'utf8').split('\n')[0].trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** The command line of `pid` (NUL-separated arguments joined by spaces), or ''. */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * Sends SIGTERM to `pid`, then SIGKILL if it still runs after `graceMs`; resolves once it is gone.
 * @param {number | undefined} pid
 * @param {number} [graceMs]
 */
export async function stopPid(pid, graceMs = 5_000) {
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}
