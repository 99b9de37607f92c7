module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'generators',
  rootDir: __dirname,
  // The templates under files/ are not tests, whatever their names say.
  testPathIgnorePatterns: ['/node_modules/', '/files/'],
};
