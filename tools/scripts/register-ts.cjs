// Lets a worker thread started from the TypeScript sources (the standalone's specs run the
// gateway thread, apps/standalone/src/gateway-worker.ts, under jest) load them: `.ts` files are
// compiled with the build's swc settings on require, path aliases rewritten to relative paths.
// Compiled code is cached by content in node_modules/.cache (as jest caches its transforms), so
// a thread started by the next spec does not compile again. The built process never uses this
// (dist/ has the compiled worker entry).
'use strict';
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('../swc-options.cjs');

const root = join(__dirname, '../..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const options = swcOptions({ baseUrl: root, paths: compilerOptions.paths });
const cacheDir = join(root, 'node_modules/.cache/dh-mqtt-register-ts');
const settings = JSON.stringify(options) + require('@swc/core/package.json').version;

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(settings).update(filename).update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, { ...options, filename, sourceMaps: 'inline' }).code;
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a thread of another spec never reads half a file.
      const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(partial, code);
      renameSync(partial, cached);
    } catch {
      // no cache: compiled again next time
    }
  }
  module._compile(code, filename);
};
