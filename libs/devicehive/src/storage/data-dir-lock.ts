import { mkdirSync, realpathSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { connect, createServer, type Server } from 'node:net';

/** File name of the lock inside `DH_DATA_DIR`: a Unix socket the holding process listens on. */
export const DATA_DIR_LOCK_FILE = 'dh-mqtt.lock';

/** Linux keeps 108 bytes for a socket path, the last one a NUL. */
const MAX_SOCKET_PATH = 107;
/** The exclusive step left behind by a process killed inside it (a few milliseconds) is this old. */
const STALE_STEP_MS = 10_000;
const PROBE_TIMEOUT_MS = 2_000;

/** What the holder of a data directory tells a process that wants it too. */
export interface DataDirHolder {
  pid: number;
  hostname: string;
  /** ISO time the holder took the lock. */
  since: string;
}

/** Thrown when another live process holds the data directory; its message names both. */
export class DataDirInUseError extends Error {
  readonly code = 'DH_DATA_DIR_IN_USE';

  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder | undefined,
  ) {
    const who = holder
      ? `process ${holder.pid} on ${holder.hostname} (since ${holder.since})`
      : 'another process';
    super(
      `DH_DATA_DIR ${dataDir} is in use by ${who}: the embedded database has one writer; ` +
        'stop that process first, or give this one another DH_DATA_DIR',
    );
    this.name = 'DataDirInUseError';
  }
}

/** A held data directory lock; `release()` is idempotent. */
export interface DataDirLock {
  readonly dataDir: string;
  release(): Promise<void>;
}

interface HeldLock {
  server: Server;
  users: number;
}

/** Locks this process holds, by real path: the standalone app and its storage share one. */
const held = new Map<string, HeldLock>();

/**
 * Takes the single-writer lock of an embedded data directory (docs/security.md, "Data directory
 * lock"): a Unix socket `dh-mqtt.lock` in the directory that this process listens on. The kernel
 * closes it with the process, so a crash leaves only a socket file nobody answers on, which the
 * next start removes: a stale lock never blocks a restart, whatever pid the new process gets.
 * A live holder answers with its pid, host and start time, and this rejects with
 * {@link DataDirInUseError} naming them. Taking it again in the same process shares the lock.
 * Every attempt (bind, probe, removal of a stale socket) happens inside an exclusive step (an
 * atomic `mkdir`), so two processes starting at once cannot both end up holding the directory.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const dir = realpathSync(dataDir);
  let lock = held.get(dir);
  if (lock === undefined) {
    lock = { server: await takeLock(dir), users: 0 };
    held.set(dir, lock);
  }
  lock.users++;
  const current = lock;
  let released = false;
  return {
    dataDir: dir,
    release: async () => {
      if (released) return;
      released = true;
      if (--current.users > 0) return;
      held.delete(dir);
      await new Promise<void>((done) => current.server.close(() => done()));
    },
  };
}

async function takeLock(dir: string): Promise<Server> {
  const path = socketPath(dir);
  // Named for its first use, the recovery of a stale socket; the name stays so that a process of
  // an earlier build and one of this build exclude each other.
  const step = join(dir, `${DATA_DIR_LOCK_FILE}.recovery`);
  // Every attempt, the first bind included, runs inside one exclusive step (an atomic `mkdir`).
  // A socket that is bound but not yet listening refuses connections as a stale one does: a
  // process preempted between its bind and its listen must not look stale to another one, which
  // would remove its socket and bind its own, leaving both holding the directory.
  while (!enterStep(step)) await new Promise((done) => setTimeout(done, 50));
  try {
    const server = await listenOn(path);
    if (server) return server;
    // A socket file is there: either a live holder answers, or it is what a dead one left.
    const holder = await probe(path);
    if (holder !== null) throw new DataDirInUseError(dir, holder);
    removeStale(path);
    const taken = await listenOn(path);
    // Only a process that does not take the step could have bound it meanwhile.
    if (!taken) throw new DataDirInUseError(dir, (await probe(path)) ?? undefined);
    return taken;
  } finally {
    leaveStep(step);
  }
}

/** Listens on the socket path; null when a file is already there. */
function listenOn(path: string): Promise<Server | null> {
  return new Promise((done, fail) => {
    const since = new Date().toISOString();
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      const holder: DataDirHolder = { pid: process.pid, hostname: hostname(), since };
      socket.end(`${JSON.stringify(holder)}\n`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') done(null);
      else fail(err);
    });
    server.listen(path, () => {
      // The lock must not keep a process alive that has nothing else to do.
      server.unref();
      done(server);
    });
  });
}

/**
 * Asks the socket's holder who it is; null when nobody listens (a stale socket, or the file is
 * gone). A listener that does not answer in time still counts as a holder.
 */
function probe(path: string): Promise<DataDirHolder | undefined | null> {
  return new Promise((done) => {
    const socket = connect(path);
    let text = '';
    const timer = setTimeout(() => finish(undefined), PROBE_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => finish(parseHolder(text)));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? null : undefined),
    );
    function finish(result: DataDirHolder | undefined | null) {
      clearTimeout(timer);
      socket.destroy();
      done(result);
    }
  });
}

function parseHolder(text: string): DataDirHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<DataDirHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
      return { pid: value.pid, hostname: value.hostname, since: String(value.since) };
    }
  } catch {
    // a holder of another kind: still a holder
  }
  return undefined;
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * One attempt at a time, through an atomic `mkdir`; one left by a process killed inside it (a few
 * milliseconds) expires after {@link STALE_STEP_MS}, so the next start waits that long.
 */
function enterStep(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_STEP_MS) rmdirSync(path);
    } catch {
      // gone already
    }
    return false;
  }
}

function leaveStep(path: string): void {
  try {
    rmdirSync(path);
  } catch (err) {
    // Expired and removed by another process, after a stall of over STALE_STEP_MS.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The lock's socket path, relative to the working directory when the absolute one is too long. */
function socketPath(dir: string): string {
  const absolute = join(dir, DATA_DIR_LOCK_FILE);
  if (Buffer.byteLength(absolute) <= MAX_SOCKET_PATH) return absolute;
  const fromCwd = relative(process.cwd(), absolute);
  if (Buffer.byteLength(fromCwd) <= MAX_SOCKET_PATH && resolve(fromCwd) === absolute) {
    return fromCwd;
  }
  throw new Error(
    `DH_DATA_DIR ${dir} is too deep for its lock socket (${DATA_DIR_LOCK_FILE}, at most ` +
      `${MAX_SOCKET_PATH} bytes of path): use a shorter path`,
  );
}
