module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'log-consumer',
  rootDir: __dirname,
};
