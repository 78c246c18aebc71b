const path = require('node:path');

// Storage suites run on PGlite and on a real PostgreSQL started once per run (tools/infra).
const infra = path.join(__dirname, '../../tools/infra');

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'devicehive',
  // Every user a test creates costs one scrypt (~90 ms, at most 3 at once: ADR 0007); on a busy
  // 2-core machine a test inserting a few dozen users needs more than jest's 5 s.
  testTimeout: 30_000,
  rootDir: __dirname,
  globalSetup: path.join(infra, 'jest-postgres-setup.mjs'),
  globalTeardown: path.join(infra, 'jest-postgres-teardown.mjs'),
};
