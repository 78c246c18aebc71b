#!/usr/bin/env node
// Compiles apps/ and libs/ (TypeScript) to dist/ with swc, one file per source file, rewriting the
// @dh-mqtt/* path aliases to relative paths so that `node dist/apps/<app>/src/main.js` runs
// without a loader. Type checking is the separate `typecheck` target (tsc --noEmit).
import {
  copyFileSync,
  readFileSync,
  mkdirSync,
  writeFileSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { transformFile } = require('@swc/core');
const { swcOptions } = require('../swc-options.cjs');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
// usage: build.mjs [--quiet] [--out dist/<name>] [folder ...]   (defaults: --out dist, apps libs)
const args = process.argv.slice(2);
const quietAt = args.indexOf('--quiet');
const quiet = quietAt >= 0 && args.splice(quietAt, 1).length > 0;
const outAt = args.indexOf('--out');
const outDir = join(root, outAt >= 0 ? args.splice(outAt, 2)[1] : 'dist');
const roots = args.length ? args : ['apps', 'libs'];

// Files shipped beside the compiled code (SQL migrations).
const ASSETS = /\.(sql)$/;

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (name === 'node_modules' || name === 'test' || name.startsWith('.')) continue;
    if (statSync(file).isDirectory()) yield* sources(file);
    else if (file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.d.ts'))
      yield file;
    else if (ASSETS.test(file)) yield file;
  }
}

const options = swcOptions({ baseUrl: root, paths: compilerOptions.paths });
let count = 0;
for (const top of roots) {
  for (const file of sources(join(root, top))) {
    if (ASSETS.test(file)) {
      const copy = join(outDir, relative(root, file));
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(file, copy);
      continue;
    }
    const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, {
      ...options,
      filename: file,
      outputPath: out,
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${out}.map`, map);
    count += 1;
  }
}
if (!quiet) process.stdout.write(`built ${count} files into ${relative(root, outDir)}/\n`);
