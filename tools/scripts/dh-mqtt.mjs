#!/usr/bin/env node
// `npx dh-mqtt <command>` in a clone: compiles the command line (apps/cli and libs, with swc, as
// `npm start` does) into dist/cli, then runs it with the same arguments. Images ship it built.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
execFileSync(
  process.execPath,
  [join(root, 'tools/scripts/build.mjs'), '--quiet', '--out', 'dist/cli', 'apps/cli'],
  { cwd: root, stdio: 'inherit' },
);
await import(join(root, 'dist/cli/apps/cli/src/main.js'));
