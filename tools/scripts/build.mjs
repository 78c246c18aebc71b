#!/usr/bin/env node
// Compiles an app's TypeScript to dist/ with swc, one file per source file, rewriting the
// @dh-mqtt/* path aliases to relative paths so that `node dist/apps/<app>/src/main.js` runs
// without a loader. Type checking is the separate `typecheck` target (tsc --noEmit).
//
// What is built follows the import graph: every production source of the folders named on the
// command line, then every local module their compiled code `require`s, and nothing else. So the
// broker app carries no gateway or core code, and test support never ships: spec files, `test/`
// folders and `src/testing/` folders (CONTRIBUTING.md "Test support") are never compiled, and a
// production module that reaches one fails the build.
import {
  copyFileSync,
  existsSync,
  readFileSync,
  mkdirSync,
  rmSync,
  writeFileSync,
  readdirSync,
  renameSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';

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

// Files shipped beside the compiled code (SQL migrations), copied for every project the graph
// reaches.
const ASSETS = /\.(sql)$/;
const TEST_DIRS = new Set(['test', 'testing']);

/** Test support: never compiled into dist (CONTRIBUTING.md "Test support"). */
function isTestSupport(file) {
  const parts = relative(root, file).split(sep);
  return file.endsWith('.spec.ts') || parts.some((part) => TEST_DIRS.has(part));
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (name === 'node_modules' || TEST_DIRS.has(name) || name.startsWith('.')) continue;
    if (statSync(file).isDirectory()) yield* walk(file);
    else yield file;
  }
}

const isSource = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !isTestSupport(file);

/** The project folder of a file: `libs/<lib>`, `apps/<app>`, `tools/<tool>`. */
const projectOf = (file) => relative(root, file).split(sep).slice(0, 2).join(sep);

/** The TypeScript source a relative `require` of compiled `from` names, if it is ours. */
function sourceOf(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const options = swcOptions({ baseUrl: root, paths: compilerOptions.paths });

// Incremental: a source whose content, compiler and settings are unchanged since the last build
// into this folder is not compiled again (`npm start` after the first run rebuilds nothing). The
// cache remembers each file's content hash and the local requires of its output, so the import
// graph is followed without recompiling.
const sha = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};
const cacheFile = join(outDir, '.build-cache.json');
const cacheKey = sha(
  readFileSync(fileURLToPath(import.meta.url)),
  readFileSync(join(root, 'tools/swc-options.cjs')),
  readFileSync(join(root, 'tsconfig.base.json')),
  require('@swc/core/package.json').version,
);
const previous = (() => {
  try {
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    return cache.key === cacheKey ? cache.files : {};
  } catch {
    return {};
  }
})();
const cacheEntries = {};
let compiled = 0;
const queue = roots.flatMap((top) => [...walk(join(root, top))].filter(isSource));
const built = new Set();
const written = new Set();
const projects = new Set();
while (queue.length > 0) {
  const file = queue.shift();
  if (built.has(file)) continue;
  built.add(file);
  projects.add(projectOf(file));
  const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
  const rel = relative(root, file);
  const hash = sha(readFileSync(file));
  let entry = previous[rel];
  if (!entry || entry.hash !== hash || !existsSync(out)) {
    const { code, map } = await transformFile(file, {
      ...options,
      filename: file,
      outputPath: out,
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${out}.map`, map);
    const requires = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map(
      ([, specifier]) => specifier,
    );
    entry = { hash, map: Boolean(map), requires };
    compiled += 1;
  }
  cacheEntries[rel] = entry;
  written.add(out);
  if (entry.map) written.add(`${out}.map`);
  for (const specifier of entry.requires) {
    const source = sourceOf(file, specifier);
    if (source === undefined) continue;
    if (isTestSupport(source)) {
      throw new Error(`${relative(root, file)} imports test support ${relative(root, source)}`);
    }
    queue.push(source);
  }
}
for (const project of projects) {
  for (const file of walk(join(root, project))) {
    if (!ASSETS.test(file)) continue;
    const copy = join(outDir, relative(root, file));
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(file, copy);
    written.add(copy);
  }
}
// What an earlier build left (a file since moved, or no longer imported) must not ship. Files
// are overwritten in place and only the stale ones removed, so a concurrent build of the same
// app into the same folder never sees a file disappear.
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(file);
    else yield file;
  }
}
// Written to a temporary name and renamed: a concurrent build never reads half a cache.
const cacheTemp = `${cacheFile}.${process.pid}`;
writeFileSync(cacheTemp, JSON.stringify({ key: cacheKey, files: cacheEntries }));
written.add(cacheFile);
for (const file of files(outDir)) {
  if (!written.has(file) && !file.startsWith(`${cacheFile}.`)) rmSync(file);
}
renameSync(cacheTemp, cacheFile);
if (!quiet) {
  const unchanged = built.size - compiled;
  process.stdout.write(
    `built ${built.size} files into ${relative(root, outDir)}/ (${compiled} compiled, ${unchanged} unchanged)\n`,
  );
}
