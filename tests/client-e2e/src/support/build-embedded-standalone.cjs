// jest globalSetup of suites that talk to the embedded server in a child process: compiles it
// once per project (as `npm start` does) into dist/e2e-<project> with the command line, and tells
// the test workers where their main.js are (DH_E2E_STANDALONE_MAIN, DH_E2E_CLI_MAIN).
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '../../../..');

module.exports = function buildEmbeddedStandalone(_globalConfig, projectConfig) {
  const out = `dist/e2e-${projectConfig.displayName?.name ?? projectConfig.displayName ?? 'standalone'}`;
  execFileSync(
    process.execPath,
    ['tools/scripts/build.mjs', '--quiet', '--out', out, 'apps/standalone', 'apps/cli'],
    { cwd: root, stdio: 'inherit' },
  );
  process.env['DH_E2E_STANDALONE_MAIN'] = path.join(root, out, 'apps/standalone/src/main.js');
  process.env['DH_E2E_CLI_MAIN'] = path.join(root, out, 'apps/cli/src/main.js');
};
