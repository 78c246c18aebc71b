// Cross-process cluster suites (docs/architecture.md, docs/design.md): globalSetup starts Redis,
// PostgreSQL and Kafka once (or reuses the DH_TEST_* ones of `npm run infra:up`) and builds the
// broker and gateway apps into dist/cluster-tests; each suite then runs its own pods as child
// processes. One suite at a time: the pods of two suites would fight for the two cores.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cluster',
  rootDir: __dirname,
  globalSetup: '<rootDir>/src/support/global-setup.mjs',
  globalTeardown: '<rootDir>/src/support/global-teardown.mjs',
  maxWorkers: 1,
  testTimeout: 120_000,
};
