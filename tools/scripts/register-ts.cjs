// Lets a worker thread started from the TypeScript sources (the standalone's specs run the
// gateway thread, apps/standalone/src/gateway-worker.ts, under jest) load them: `.ts` files are
// compiled with the build's swc settings on require, path aliases rewritten to relative paths.
// The built process never uses it (dist/ has the compiled worker entry).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('../swc-options.cjs');

const root = join(__dirname, '../..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const options = swcOptions({ baseUrl: root, paths: compilerOptions.paths });

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    ...options,
    filename,
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
