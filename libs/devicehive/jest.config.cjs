const path = require('node:path');

// Storage suites run on PGlite and on a real PostgreSQL started once per run (tools/infra).
const infra = path.join(__dirname, '../../tools/infra');

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'devicehive',
  rootDir: __dirname,
  globalSetup: path.join(infra, 'jest-postgres-setup.mjs'),
  globalTeardown: path.join(infra, 'jest-postgres-teardown.mjs'),
};
