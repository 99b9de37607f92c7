module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'serving-kserve-v2',
  rootDir: __dirname,
};
