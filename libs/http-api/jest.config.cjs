module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'http-api',
  rootDir: __dirname,
};
