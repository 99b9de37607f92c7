module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'serving-torchserve',
  rootDir: __dirname,
};
