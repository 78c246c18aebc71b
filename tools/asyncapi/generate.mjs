#!/usr/bin/env node
// `nx run asyncapi:generate` writes docs/asyncapi.yaml and docs/asyncapi.md from the action
// catalog, the request DTOs and the reply types; `--check` only compares and fails on a
// difference. Compiles this tool (and the libs it imports) with the repository's build script first.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const build = spawnSync(
  process.execPath,
  [join(root, 'tools/scripts/build.mjs'), '--quiet', '--out', 'dist/asyncapi', 'tools/asyncapi'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(
  process.execPath,
  [join(root, 'dist/asyncapi/tools/asyncapi/src/main.js'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
