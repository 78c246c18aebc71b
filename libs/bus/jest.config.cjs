const path = require('node:path');

// The Kafka bus specs run on a real Kafka and a real Redis (replies, ADR 0013) started once per
// run (tools/infra), or the ones named by DH_TEST_KAFKA_BROKERS and DH_TEST_REDIS_URL.

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'bus',
  rootDir: __dirname,
  globalSetup: path.join(__dirname, 'jest-global-setup.mjs'),
  globalTeardown: path.join(__dirname, 'jest-global-teardown.mjs'),
};
