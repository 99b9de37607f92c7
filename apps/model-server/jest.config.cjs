module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'model-server',
  rootDir: __dirname,
};
