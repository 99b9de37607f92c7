// Shared Jest settings for every project: swc transforms TypeScript (with decorator metadata for Nest)
// and the ESM-only packages below, which Jest's CommonJS module registry cannot load as they are.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const ESM_ONLY = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'content-disposition',
];

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&')}$`] = path.join(__dirname, target);
}

const swcTs = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
};
const swcJs = {
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs' },
  swcrc: false,
};

module.exports = {
  testEnvironment: path.join(__dirname, 'tools/jest/host-typed-arrays.environment.cjs'),
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcTs],
    '^.+\\.m?js$': ['@swc/jest', swcJs],
  },
  // A path is left untransformed when it is under node_modules and no node_modules segment of it (nested
  // ones included, e.g. @fastify/static/node_modules/content-disposition) names an ESM-only package.
  transformIgnorePatterns: [
    `/node_modules/(?!(${ESM_ONLY.join('|')})/)(?!.*/node_modules/(${ESM_ONLY.join('|')})/)`,
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec|int-spec|e2e-spec).ts'],
  setupFiles: ['reflect-metadata'],
  clearMocks: true,
  testTimeout: 30000,
};
