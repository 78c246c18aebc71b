#!/usr/bin/env node
// Builds the publishable @dh-mqtt/client into dist/client-package: tsc emits JavaScript and
// declarations (the protocol's types come along, since the client's types are built on them),
// the @dh-mqtt/protocol alias becomes a relative path, and package.json and README.md are copied.
// `npm publish dist/client-package` publishes it. `--out <dir>` builds elsewhere (the tests).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outAt = process.argv.indexOf('--out');
const out = resolve(root, outAt > 0 ? process.argv[outAt + 1] : 'dist/client-package');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.lib.json'), '--outDir', out], {
  stdio: 'inherit',
});

const protocolIndex = join(out, 'protocol/src/index');
function* files(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) yield* files(file);
    else if (/\.(js|d\.ts)$/.test(name)) yield file;
  }
}
for (const file of files(out)) {
  const text = readFileSync(file, 'utf8');
  let target = relative(dirname(file), protocolIndex);
  if (!target.startsWith('.')) target = `./${target}`;
  const rewritten = text.replace(/(['"])@dh-mqtt\/protocol\1/g, `$1${target}$1`);
  if (rewritten !== text) writeFileSync(file, rewritten);
}
copyFileSync(join(here, 'package.json'), join(out, 'package.json'));
copyFileSync(join(here, 'README.md'), join(out, 'README.md'));
