module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'inference-log-sinks',
  rootDir: __dirname,
};
