// Where the local-infrastructure scripts keep their state. No import.meta (these files are also
// loaded as CommonJS by jest's transform): the repository root is found from the working
// directory, which is the root for npm scripts, nx and jest.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder up from the working directory with nx.json. */
export function repoRoot() {
  let dir = resolve(process.cwd());
  for (;;) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'tools', 'infra'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no dh-mqtt checkout at or above ${process.cwd()}`);
    dir = parent;
  }
}

/** `.infra/` (git-ignored): cached Kafka jars, the state and env file of `infra:up`. */
export function infraDir() {
  return join(repoRoot(), '.infra');
}
