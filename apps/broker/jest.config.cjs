module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'broker-app',
  rootDir: __dirname,
};
