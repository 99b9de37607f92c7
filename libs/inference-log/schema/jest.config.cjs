module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'inference-log-schema',
  rootDir: __dirname,
};
