module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'serving-registry',
  rootDir: __dirname,
};
