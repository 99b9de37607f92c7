module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'model-server-core',
  rootDir: __dirname,
};
