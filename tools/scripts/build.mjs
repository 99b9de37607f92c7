#!/usr/bin/env node
// Compiles every app and lib under apps/ and libs/ to CommonJS in dist/ with swc (decorator metadata for
// Nest, path aliases rewritten to relative requires), and copies the non-TypeScript files that live beside
// the sources (.avsc schemas, JSON). One pass over the workspace takes about a second, so there is no
// per-project incremental build to keep in sync. Usage: node tools/scripts/build.mjs [--out dist]
import { transformFile } from '@swc/core';
import { mkdir, readdir, writeFile, copyFile, rm, rename } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
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
        const { code, map } = await transformFile(file, {
          ...swcrc,
          swcrc: false,
          filename: file,
          sourceFileName: path.relative(path.dirname(target), file),
          jsc: { ...swcrc.jsc, baseUrl: root, paths },
        });
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
const oldDir = `${finalDir}.old-${process.pid}`;
await rename(finalDir, oldDir).catch(() => undefined);
await rename(stagingDir, finalDir);
await rm(oldDir, { recursive: true, force: true });
console.log(
  `build: ${count} files compiled to ${path.relative(root, finalDir)}/ in ${Date.now() - started} ms`,
);
