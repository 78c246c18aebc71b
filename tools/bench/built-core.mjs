// The DeviceHive core as the product builds it, for the stand-alone scripts beside this file
// (pglite-statements.mjs, pglite-wal-stalls.mjs, kafka-produce-encoding.mjs,
// kafka-partitioner.mjs): compiles `libs` into dist/bench with the repository's build script
// (exits with its status when that fails), then loads modules of libs/devicehive/src from there.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const require = createRequire(import.meta.url);

/** Builds `libs` and returns a loader of `libs/devicehive/src/<path>` (compiled `.js`). */
export function builtCore() {
  const built = spawnSync(
    process.execPath,
    [join(root, 'tools/scripts/build.mjs'), '--out', 'dist/bench', 'libs'],
    { cwd: root, stdio: 'inherit' },
  );
  if (built.status !== 0) process.exit(built.status ?? 1);
  require('reflect-metadata');
  return (path) => require(join(root, 'dist/bench/libs/devicehive/src', path));
}
