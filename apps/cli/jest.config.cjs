const path = require('node:path');

// The commands run against PGlite data directories and a real PostgreSQL (tools/infra).
const infra = path.join(__dirname, '../../tools/infra');

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cli',
  rootDir: __dirname,
  globalSetup: path.join(infra, 'jest-postgres-setup.mjs'),
  globalTeardown: path.join(infra, 'jest-postgres-teardown.mjs'),
};
