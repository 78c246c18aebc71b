// jest globalSetup of suites that talk to the embedded server in a child process: compiles it
// once per project (as `npm start` does) into dist/e2e-<project>, and tells the test workers where
// its main.js is (DH_E2E_STANDALONE_MAIN, read by embedded-standalone.ts).
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '../../../..');

module.exports = function buildEmbeddedStandalone(_globalConfig, projectConfig) {
  const out = `dist/e2e-${projectConfig.displayName?.name ?? projectConfig.displayName ?? 'standalone'}`;
  execFileSync(
    process.execPath,
    ['tools/scripts/build.mjs', '--quiet', '--out', out, 'apps/standalone', 'libs'],
    { cwd: root, stdio: 'inherit' },
  );
  process.env['DH_E2E_STANDALONE_MAIN'] = path.join(root, out, 'apps/standalone/src/main.js');
};
