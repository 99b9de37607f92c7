module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'mnist-trainer',
  rootDir: __dirname,
};
