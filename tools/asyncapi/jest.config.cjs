module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'asyncapi',
  rootDir: __dirname,
};
