// Small helpers shared by the local-infrastructure scripts (PostgreSQL now; Redis and Kafka use
// the same): free ports, child processes with captured output, Debian packages. Plain Node ESM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel's ephemeral ports (source ports of outgoing connections) begin. */
function ephemeralLow() {
  try {
    return (
      Number(
        readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
      ) || 32768
    );
  } catch {
    return 32768;
  }
}

/** Binds `port` (0: any) on `host` and releases it; resolves with the port, or 0 when taken. */
function tryBind(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(0));
    server.listen(port, host, () => {
      const bound = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
      server.close(() => resolve(bound));
    });
  });
}

/** The next port this process tries: a random start, then one after the other. */
let nextPort = 0;

/**
 * A TCP port that was free a moment ago, chosen below the kernel's ephemeral range: a port from
 * that range (what binding port 0 returns) is also handed out as the source port of outgoing
 * connections, and on a busy machine (Kafka and Redis clients of parallel suites) one was taken
 * between this check and the server binding it ("port … is already in use"). Ports are walked one
 * after the other from a random start, so one process never hands out the same port twice and
 * two processes rarely meet.
 */
export async function freePort(host = '127.0.0.1') {
  const low = 20_000;
  const high = Math.max(ephemeralLow(), low + 1_000);
  if (nextPort === 0) nextPort = low + Math.floor(Math.random() * (high - low));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const candidate = nextPort;
    nextPort = nextPort + 1 >= high ? low : nextPort + 1;
    if (await tryBind(candidate, host)) return candidate;
  }
  return tryBind(0, host);
}

/**
 * Runs a command to completion. Resolves with its output; rejects with an error that carries the
 * output when it exits non-zero. `inherit: true` streams the output to this process instead.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, inherit?: boolean, timeoutMs?: number }} [options]
 * @returns {Promise<string>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${output}`.trim(),
          ),
        );
    });
  });
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Installs Debian packages with apt-get (root only), telling the user what it does: a fresh CI
 * machine gets PostgreSQL/Redis this way on the first test run.
 * @param {string[]} packages
 * @param {(line: string) => void} log
 */
export async function aptInstall(packages, log) {
  if (!isRoot()) {
    throw new Error(
      `Missing ${packages.join(', ')}; install with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('[infra] apt-get update');
  await run('apt-get', ['update'], { env, inherit: true });
  log(`[infra] apt-get install -y ${packages.join(' ')}`);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    env,
    inherit: true,
  });
}
