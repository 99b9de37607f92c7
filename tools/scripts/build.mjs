#!/usr/bin/env node
// Compiles every app and lib under apps/ and libs/ to CommonJS in dist/ with swc (decorator metadata for
// Nest, path aliases rewritten to relative requires), and copies the non-TypeScript files that live beside
// the sources (.avsc schemas, JSON). It also compiles the C Node-API addons found in a lib's native/ directory
// (the model server's JSON number parser) with the system C compiler against Node's own headers; an addon
// that cannot be built (no compiler or headers) is skipped with a warning and its lib runs its JavaScript
// path instead, while a compile error fails the build. One pass over the workspace takes about a second,
// so there is no per-project incremental build to keep in sync. Usage: node tools/scripts/build.mjs [--out dist]
import { transformFile } from '@swc/core';
import { mkdir, readdir, writeFile, copyFile, rm, rename } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outArg = process.argv.indexOf('--out');
const outDir = path.resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'dist');
const swcrc = JSON.parse(readFileSync(path.join(root, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__fixtures__') continue;
      yield* walk(full);
    } else yield full;
  }
}

async function* sourceDirs(base) {
  for (const entry of await readdir(base, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(base, entry.name);
    const names = await readdir(dir);
    if (names.includes('src')) yield path.join(dir, 'src');
    else yield* sourceDirs(dir);
  }
}

/**
 * A barrel's `export * from './x'` compiles to swc's `_export_star`, which defines every name as a getter
 * `function () { return from[k]; }`: one function for all the names, so each use of an imported name
 * from another lib is a call plus a keyed load that V8 sees with every key (megamorphic), ~25 ns, some
 * ten times per logged request (0.45 µs per request in the gateway's perf profile). The names of a
 * module that has finished loading are bound already (functions, classes, consts; no lib exports a
 * `let`), so the barrel copies them as values; a name still undefined at that point (a module inside
 * an import cycle) keeps the getter.
 */
const EXPORT_STAR_GETTER =
  /Object\.defineProperty\(to, k, \{\s*enumerable: true,\s*get: function\(\) \{\s*return from\[k\];\s*\}\s*\}\);/;
function reexportsAsValues(code, rel) {
  if (!code.includes('function _export_star(')) return code;
  if (!EXPORT_STAR_GETTER.test(code))
    throw new Error(`${rel}: swc's _export_star helper changed; update reexportsAsValues in build.mjs`);
  return code.replace(
    EXPORT_STAR_GETTER,
    'const value = from[k];\n' +
      '            Object.defineProperty(to, k, value === undefined ? { enumerable: true, get: function() {\n' +
      '                return from[k];\n' +
      '            } } : { enumerable: true, value: value });',
  );
}

const started = Date.now();
// Build beside the target and swap it in at the end, so processes running from the old output (a
// gateway started by a test or a benchmark) do not see it half-deleted.
const finalDir = outDir;
const stagingDir = `${finalDir}.staging-${process.pid}`;
await rm(stagingDir, { recursive: true, force: true });
let count = 0;
for (const top of ['apps', 'libs']) {
  for await (const srcDir of sourceDirs(path.join(root, top))) {
    for await (const file of walk(srcDir)) {
      const rel = path.relative(root, file);
      const target = path.join(stagingDir, rel);
      await mkdir(path.dirname(target), { recursive: true });
      if (file.endsWith('.ts')) {
        if (TEST_FILE.test(file) || file.endsWith('.d.ts')) continue;
        const { code: compiled, map } = await transformFile(file, {
          ...swcrc,
          swcrc: false,
          filename: file,
          sourceFileName: path.relative(path.dirname(target), file),
          jsc: { ...swcrc.jsc, baseUrl: root, paths },
        });
        const code = reexportsAsValues(compiled, rel);
        const js = target.replace(/\.ts$/, '.js');
        await writeFile(js, map ? `${code}\n//# sourceMappingURL=${path.basename(js)}.map\n` : code);
        if (map) await writeFile(`${js}.map`, map);
        count++;
      } else {
        await copyFile(file, target);
      }
    }
  }
}
// Native addons: libs/**/native/<name>.c -> native/build/<name>.node beside it, copied into the output too.
// Node's headers sit beside its binary in an installed Node (<prefix>/bin/node, <prefix>/include/node).
const nodeHeaders = [
  process.env.NODE_HEADERS_DIR,
  path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
  path.join(process.config.variables.node_prefix || '/usr', 'include', 'node'),
].find((dir) => dir && existsSync(path.join(dir, 'node_api.h')));
async function* nativeSources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name === 'src') continue;
    const full = path.join(dir, entry.name);
    if (entry.name === 'native') {
      for (const name of await readdir(full)) if (name.endsWith('.c')) yield path.join(full, name);
    } else yield* nativeSources(full);
  }
}
let natives = 0;
for await (const source of nativeSources(path.join(root, 'libs'))) {
  const addon = path.join(path.dirname(source), 'build', path.basename(source, '.c') + '.node');
  const rel = path.relative(root, addon);
  const stale = !existsSync(addon) || statSync(addon).mtimeMs < statSync(source).mtimeMs;
  if (stale) {
    if (!nodeHeaders) {
      console.warn(
        `build: ${rel} skipped (no Node headers found; set NODE_HEADERS_DIR); its JavaScript path is used`,
      );
      continue;
    }
    await mkdir(path.dirname(addon), { recursive: true });
    // No -ffast-math: the addon's arithmetic must stay IEEE to match the JavaScript path bit for bit.
    const cc = process.env.CC || 'cc';
    const args = ['-O2', '-fPIC', '-shared', '-std=c11', '-Wall', '-Wextra', '-Werror', '-I', nodeHeaders];
    const result = spawnSync(cc, [...args, '-o', addon, source, '-lm'], { stdio: 'inherit' });
    if (result.error) {
      console.warn(`build: ${rel} skipped (${cc}: ${result.error.message}); its JavaScript path is used`);
      continue;
    }
    if (result.status !== 0) throw new Error(`build: compiling ${path.relative(root, source)} failed`);
  }
  const target = path.join(stagingDir, rel);
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(addon, target);
  natives++;
}
const oldDir = `${finalDir}.old-${process.pid}`;
await rename(finalDir, oldDir).catch(() => undefined);
await rename(stagingDir, finalDir);
await rm(oldDir, { recursive: true, force: true });
console.log(
  `build: ${count} files and ${natives} native addon(s) compiled to ${path.relative(root, finalDir)}/ in ${Date.now() - started} ms`,
);
