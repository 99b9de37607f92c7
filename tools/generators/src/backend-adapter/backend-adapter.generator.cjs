// Scaffolds a serving backend adapter lib shaped like libs/serving/tensorflow-serving: its own Nx project
// tagged as an adapter (so lint lets it import only the contract), a factory, a stub adapter that refuses
// calls with KIND_NOT_AVAILABLE and reports itself down, and a spec. Plain CommonJS because the workspace
// has no TypeScript loader for Nx to run a .ts generator with.
'use strict';

const path = require('node:path');
const {
  formatFiles,
  generateFiles,
  joinPathFragments,
  logger,
  names,
  offsetFromRoot,
  readJson,
  updateJson,
} = require('@nx/devkit');

const CONTRACT_KINDS_FILE = 'libs/serving/contract/src/backend-kind.ts';
const REGISTRY_SELECTOR_FILE = 'libs/serving/registry/src/backend-factory.selector.ts';
const KINDS_DECLARATION = /export const BACKEND_KINDS = \[([^\]]*)\] as const;/;
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const KIND_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

function normalizeOptions(tree, options) {
  const name = String(options.name ?? '').trim();
  const kind = String(options.kind ?? '').trim();
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`--name ${JSON.stringify(name)} must be kebab-case, e.g. triton or kserve-v3`);
  }
  if (!KIND_PATTERN.test(kind)) {
    throw new Error(`--kind ${JSON.stringify(kind)} must be CONSTANT_CASE, e.g. TRITON`);
  }
  const directory = (options.directory ?? `libs/serving/${name}`)
    .replace(/\\/g, '/')
    .replace(/^\.?\/+|\/+$/g, '');
  if (tree.exists(directory) && tree.children(directory).length > 0) {
    throw new Error(`${directory} already exists and is not empty; pick another --name or --directory`);
  }
  const { className, fileName } = names(name);
  return {
    name,
    kind,
    directory,
    fileName,
    className,
    projectName: `serving-${name}`,
    importPath: `@infergate/serving-${name}`,
    offset: offsetFromRoot(directory),
  };
}

/** Adds the kind to the contract's BACKEND_KINDS so BackendKind (and the registry's switch) know it. */
function addBackendKind(tree, kind) {
  const source = tree.read(CONTRACT_KINDS_FILE, 'utf-8');
  if (source === null) throw new Error(`${CONTRACT_KINDS_FILE} not found: is this the infergate workspace?`);
  const match = KINDS_DECLARATION.exec(source);
  if (!match) {
    throw new Error(
      `${CONTRACT_KINDS_FILE} has no "export const BACKEND_KINDS = [...] as const;" to add ${kind} to`,
    );
  }
  const kinds = [...match[1].matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
  if (kinds.includes(kind)) {
    logger.info(`${kind} is already in BACKEND_KINDS; left ${CONTRACT_KINDS_FILE} unchanged`);
    return kinds;
  }
  const list = [...kinds, kind].map((k) => `'${k}'`).join(', ');
  tree.write(
    CONTRACT_KINDS_FILE,
    source.replace(KINDS_DECLARATION, `export const BACKEND_KINDS = [${list}] as const;`),
  );
  return [...kinds, kind];
}

function addPathAlias(tree, importPath, directory) {
  updateJson(tree, 'tsconfig.base.json', (json) => {
    json.compilerOptions ??= {};
    json.compilerOptions.paths ??= {};
    if (json.compilerOptions.paths[importPath]) {
      throw new Error(`tsconfig.base.json already maps ${importPath}; pick another --name`);
    }
    json.compilerOptions.paths[importPath] = [`./${joinPathFragments(directory, 'src/index.ts')}`];
    return json;
  });
}

/** npm workspaces entries are folders or one-level globs (`libs/serving/*`); match them segment by segment. */
function coveredByWorkspaces(workspaces, directory) {
  const target = directory.split('/');
  return workspaces.some((pattern) => {
    const parts = pattern.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
    if (parts.includes('**')) return directory.startsWith(parts.slice(0, parts.indexOf('**')).join('/'));
    if (parts.length !== target.length) return false;
    return parts.every((part, i) =>
      new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(target[i]),
    );
  });
}

function addToWorkspaces(tree, directory) {
  if (!tree.exists('package.json')) return;
  const workspaces = readJson(tree, 'package.json').workspaces;
  const list = Array.isArray(workspaces) ? workspaces : workspaces?.packages;
  if (!Array.isArray(list) || coveredByWorkspaces(list, directory)) return;
  updateJson(tree, 'package.json', (json) => {
    (Array.isArray(json.workspaces) ? json.workspaces : json.workspaces.packages).push(directory);
    return json;
  });
}

async function backendAdapterGenerator(tree, rawOptions) {
  const options = normalizeOptions(tree, rawOptions);
  const kinds = addBackendKind(tree, options.kind);
  generateFiles(tree, path.join(__dirname, 'files'), options.directory, {
    ...options,
    otherKind: kinds.find((k) => k !== options.kind) ?? 'NOT_A_KIND',
    tmpl: '',
  });
  if (!rawOptions.skipFormat) await formatFiles(tree);
  // After formatting, on purpose: the root JSON files keep their JSON.stringify layout, which prettier
  // would rewrite wholesale (tsconfig.base.json is not prettier-formatted).
  addPathAlias(tree, options.importPath, options.directory);
  addToWorkspaces(tree, options.directory);

  return () => {
    logger.info(
      [
        '',
        `${options.importPath} created in ${options.directory} (kind ${options.kind} added to ${CONTRACT_KINDS_FILE}).`,
        `Register it in ${REGISTRY_SELECTOR_FILE} (until then the switch's never-check fails typecheck):`,
        `  import { ${options.className}BackendFactory } from '${options.importPath}';`,
        `  case '${options.kind}': return new ${options.className}BackendFactory();`,
        `Then run: NX_DAEMON=false npx nx run-many -t lint typecheck test -p ${options.projectName}`,
      ].join('\n'),
    );
  };
}

module.exports = backendAdapterGenerator;
module.exports.default = backendAdapterGenerator;
module.exports.backendAdapterGenerator = backendAdapterGenerator;
module.exports.coveredByWorkspaces = coveredByWorkspaces;
