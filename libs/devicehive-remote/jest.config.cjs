module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'devicehive-remote',
  rootDir: __dirname,
};
