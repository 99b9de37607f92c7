module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'serving-tensorflow-serving',
  rootDir: __dirname,
};
