// The client library and the simulator against the embedded server, each suite in a child
// process of its own on free ports (the server is compiled once, in globalSetup).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'client-e2e',
  rootDir: __dirname,
  globalSetup: '<rootDir>/src/support/build-embedded-standalone.cjs',
  maxWorkers: 1,
};
