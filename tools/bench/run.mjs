#!/usr/bin/env node
// `npm run bench -- [options]`: compiles the standalone, broker and gateway apps, the libs and this
// suite with the repository's build script into dist/bench, then runs the suite (options: see
// src/cli-options.ts).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const build = spawnSync(
  process.execPath,
  [
    join(root, 'tools/scripts/build.mjs'),
    '--out',
    'dist/bench',
    'apps/standalone',
    'apps/broker',
    'apps/gateway',
    'libs',
    'tools/bench',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(
  process.execPath,
  [join(root, 'dist/bench/tools/bench/src/main.js'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
