module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'deploy-check',
  rootDir: __dirname,
  // Finds (or installs once) kustomize and a Compose loader before the workers start.
  globalSetup: '<rootDir>/src/global-setup.ts',
};
