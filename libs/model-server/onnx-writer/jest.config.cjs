module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'onnx-writer',
  rootDir: __dirname,
};
