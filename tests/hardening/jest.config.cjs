// Every suite spawns the built standalone (tools/scripts/build.mjs, done once in globalSetup) and
// loads it hard; one suite at a time keeps the CPU budget of the fuzzers honest.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'hardening',
  rootDir: __dirname,
  globalSetup: '<rootDir>/src/support/build-standalone.cjs',
  maxWorkers: 1,
};
