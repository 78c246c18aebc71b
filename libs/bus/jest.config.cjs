const path = require('node:path');

// The Kafka bus specs run on a real Kafka started once per run (tools/infra), or the one named
// by DH_TEST_KAFKA_BROKERS.
const infra = path.join(__dirname, '../../tools/infra');

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'bus',
  rootDir: __dirname,
  globalSetup: path.join(infra, 'jest-kafka-setup.mjs'),
  globalTeardown: path.join(infra, 'jest-kafka-teardown.mjs'),
};
