// Small helpers shared by the local-infrastructure scripts (PostgreSQL now; Redis and Kafka use
// the same): free ports (free-port.cjs), child processes with captured output, Debian packages. Plain Node ESM.
import { spawn } from 'node:child_process';
import freePortModule from './free-port.cjs';

/** See free-port.cjs. */
export const { freePort } = freePortModule;

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
