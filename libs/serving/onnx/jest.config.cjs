module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'serving-onnx',
  rootDir: __dirname,
};
