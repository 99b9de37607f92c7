// Runs a tool's TypeScript entry point directly: a tiny require hook compiles each .ts file with
// @swc/core using the repo's .swcrc, and resolves @infergate/* aliases from tsconfig.base.json (no build
// step, and no extra package such as @swc-node/register). Usage from a tool's run.cjs:
//   require('../scripts/run-ts.cjs')(require.resolve('./src/main.ts'));
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

module.exports = function runTs(entry) {
  const root = path.resolve(__dirname, '../..');
  const { $schema: _schema, ...swcrc } = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  const aliases = new Map(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, path.join(root, target)]),
  );
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolveFilename.call(this, aliases.get(request) ?? request, ...rest);
  };
  require.extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
      ...swcrc,
      filename,
      swcrc: false,
      sourceMaps: 'inline',
    });
    module._compile(code, filename);
  };
  process.setSourceMapsEnabled(true);
  require(entry);
};
