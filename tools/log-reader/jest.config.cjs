module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'log-reader',
  rootDir: __dirname,
};
