module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'gateway-app',
  rootDir: __dirname,
};
