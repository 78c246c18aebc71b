// jest globalSetup: compiles the product once (the same way `npm start` does) into
// dist/hardening, so that every suite attacks the real `main.js` in its own process.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '../../../..');

module.exports = function buildStandalone() {
  execFileSync(
    process.execPath,
    ['tools/scripts/build.mjs', '--out', 'dist/hardening', 'apps/standalone', 'libs', 'tools/fuzz'],
    { cwd: root, stdio: 'pipe' },
  );
};
