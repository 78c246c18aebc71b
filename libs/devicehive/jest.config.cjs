module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'devicehive',
  rootDir: __dirname,
};
