// A real Redis for tests and local runs, without Docker (docs/design.md): the Debian `redis-server`
// (installed with apt-get on first use when running as root), daemonized on 127.0.0.1 and a free
// port, nothing saved to disk. Plain Node ESM: used by jest globalSetup, by infra.mjs and by the CLI
//   node tools/infra/redis.mjs     # prints DH_REDIS_URL=..., stops on Ctrl-C
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isAlive, readPid, stopPid } from './pids.mjs';
import { aptInstall, freePort, run } from './process-utils.mjs';

const READY_TIMEOUT_MS = 20_000;

function findRedisServer() {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** @param {(line: string) => void} log */
async function ensureRedisServer(log) {
  const found = findRedisServer();
  if (found) return found;
  log('[infra] redis-server not found; installing the Debian package');
  await aptInstall(['redis-server'], log);
  const installed = findRedisServer();
  if (!installed) throw new Error('apt-get installed redis-server but it is not on PATH');
  return installed;
}

/** Resolves with the server's reply to one inline command (`PING`), or rejects. */
function ask(port, command) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) socket.end();
    });
    socket.once('close', () => resolve(reply.trim()));
    socket.write(`${command}\r\n`);
  });
}

async function waitUntilReady(port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reply = await ask(port, 'PING').catch((error) => `-${error.message}`);
    if (reply === '+PONG') return;
    if (Date.now() > until) throw new Error(`Redis on port ${port} not ready: ${reply}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The daemon's arguments; its pid and log files live in `dataDir`. */
function serverArgs(port, dataDir) {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dataDir,
    '--daemonize',
    'yes',
    '--pidfile',
    join(dataDir, 'redis.pid'),
    '--logfile',
    join(dataDir, 'redis.log'),
  ];
}

/**
 * Starts a throw-away Redis on 127.0.0.1 and a free port; it runs daemonized, so it outlives this
 * process unless `stopOnExit` (default true) is left on.
 * @param {{ log?: (line: string) => void, stopOnExit?: boolean }} [options]
 * @returns {Promise<{ url: string, port: number, pid: number, dataDir: string,
 *   stop(): Promise<void> }>}
 */
export async function startRedis(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const bin = await ensureRedisServer(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'dh-redis-'));
  const pidFile = join(dataDir, 'redis.pid');
  const logFile = join(dataDir, 'redis.log');
  const killSync = () => {
    const pid = readPid(pidFile);
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  };
  const cleanupOnExit = () => {
    killSync();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await run(bin, serverArgs(port, dataDir));
      try {
        await waitUntilReady(port, READY_TIMEOUT_MS);
      } catch (error) {
        killSync();
        const serverLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        // Another program may have taken the port between freePort() and the bind.
        if (attempt < 3 && /Address already in use/.test(serverLog)) continue;
        throw new Error(`${error.message}\n${serverLog.split('\n').slice(-20).join('\n')}`, {
          cause: error,
        });
      }
      const pid = /** @type {number} */ (readPid(pidFile));
      if (options.stopOnExit ?? true) process.once('exit', cleanupOnExit);
      const url = `redis://127.0.0.1:${port}`;
      log(`[infra] Redis on ${url}, files in ${dataDir}`);
      let stopped = false;
      return {
        url,
        port,
        pid,
        dataDir,
        async stop() {
          if (stopped) return;
          stopped = true;
          process.removeListener('exit', cleanupOnExit);
          // The pid file, not `pid`: restartRedis() may have replaced the daemon.
          await stopPid(readPid(pidFile) ?? pid);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    cleanupOnExit();
    throw error;
  }
}

/**
 * The pid of the Redis daemon that startRedis() started in `dataDir` (its pid file), or undefined.
 * @param {string} dataDir
 */
export function redisPid(dataDir) {
  return readPid(join(dataDir, 'redis.pid'));
}

/**
 * Starts Redis again on the port and folder of a startRedis() server that died (the fault suites
 * SIGKILL it); nothing was saved, so it comes back empty. The server's stop() stops the new one.
 * @param {{ port: number, dataDir: string, log?: (line: string) => void }} options
 */
export async function restartRedis({ port, dataDir, log = (line) => console.log(line) }) {
  const bin = await ensureRedisServer(log);
  await run(bin, serverArgs(port, dataDir));
  await waitUntilReady(port, READY_TIMEOUT_MS);
  return { pid: /** @type {number} */ (redisPid(dataDir)) };
}

/**
 * The Redis of a test run: `DH_TEST_REDIS_URL` when set (nothing started, stop is a no-op), else
 * a fresh server from startRedis().
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function startTestRedis(options = {}) {
  const given = process.env.DH_TEST_REDIS_URL;
  if (given) return { url: given, stop: () => Promise.resolve() };
  return startRedis(options);
}

// CLI: the basename check (not import.meta) and no top-level await keep this file loadable as
// CommonJS by jest's transform.
async function main() {
  const server = await startRedis();
  console.log(`DH_REDIS_URL=${server.url}`);
  // The server is a daemon, not a child: keep this process (and its Ctrl-C cleanup) alive.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const shutdown = () => server.stop().then(() => (clearInterval(keepAlive), process.exit(0)));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && basename(process.argv[1]) === 'redis.mjs') {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
