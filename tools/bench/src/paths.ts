import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the compiled suite lives: `tools/scripts/build.mjs --out dist/bench apps/standalone libs
 * tools/bench` puts this file at `dist/bench/tools/bench/src/paths.js`, beside the standalone app.
 */
export const BENCH_SRC = __dirname;
export const DIST_ROOT = resolve(__dirname, '../../..');
export const STANDALONE_MAIN = join(DIST_ROOT, 'apps/standalone/src/main.js');
/** The cluster apps, built beside the standalone by `run.mjs`. */
export const BROKER_MAIN = join(DIST_ROOT, 'apps/broker/src/main.js');
export const GATEWAY_MAIN = join(DIST_ROOT, 'apps/gateway/src/main.js');
export const WORKER_MAIN = join(__dirname, 'load/worker.js');
export const AEDES_SERVER_MAIN = join(__dirname, 'systems/aedes-server.js');

/** The repository root: the first parent holding `node_modules/aedes`. */
export const REPO_ROOT = findUp(__dirname, 'node_modules/aedes');

function findUp(from: string, marker: string): string {
  let dir = from;
  while (!existsSync(join(dir, marker))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** The installed version of a package of the repository, read from its package.json. */
export function packageVersion(name: string): string {
  try {
    const file = join(REPO_ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
