module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'process-memory',
  rootDir: __dirname,
};
