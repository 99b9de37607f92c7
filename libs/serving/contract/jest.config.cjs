module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'serving-contract',
  rootDir: __dirname,
};
