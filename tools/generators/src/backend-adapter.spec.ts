import { type Tree, readJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import backendAdapterGenerator, {
  coveredByWorkspaces,
} from './backend-adapter/backend-adapter.generator.cjs';

const KINDS_FILE = 'libs/serving/contract/src/backend-kind.ts';
const CONTRACT_KINDS = `/** doc comment kept */
export const BACKEND_KINDS = ['TENSORFLOW_SERVING', 'ONNX', 'KSERVE_V2', 'TORCHSERVE'] as const;

export type BackendKind = (typeof BACKEND_KINDS)[number];
`;

function seed(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(KINDS_FILE, CONTRACT_KINDS);
  tree.write(
    'tsconfig.base.json',
    JSON.stringify({
      compilerOptions: { paths: { '@infergate/serving-contract': ['./libs/serving/contract/src/index.ts'] } },
    }),
  );
  tree.write(
    'package.json',
    JSON.stringify({ name: '@infergate/source', workspaces: ['apps/*', 'libs/serving/*'] }),
  );
  return tree;
}

describe('backend-adapter generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = seed();
  });

  afterEach(() => jest.restoreAllMocks());

  it('scaffolds an adapter lib with tags, targets, factory, stub adapter, spec and README', async () => {
    await backendAdapterGenerator(tree, { name: 'triton', kind: 'TRITON', skipFormat: true });

    const dir = 'libs/serving/triton';
    for (const file of [
      'package.json',
      'project.json',
      'tsconfig.json',
      'jest.config.cjs',
      'README.md',
      'src/index.ts',
      'src/triton.adapter.ts',
      'src/triton-backend.factory.ts',
      'src/triton.adapter.spec.ts',
    ]) {
      expect(tree.exists(`${dir}/${file}`)).toBe(true);
    }
    const project = readJson(tree, `${dir}/project.json`);
    expect(project.name).toBe('serving-triton');
    expect(project.tags).toEqual(['scope:gateway', 'type:adapter']);
    expect(project.$schema).toBe('../../../node_modules/nx/schemas/project-schema.json');
    expect(project.targets).toEqual({
      lint: {
        executor: 'nx:run-commands',
        options: { command: 'eslint libs/serving/triton --max-warnings=0', cwd: '{workspaceRoot}' },
      },
      typecheck: {
        executor: 'nx:run-commands',
        options: { command: 'tsc -p libs/serving/triton/tsconfig.json --noEmit', cwd: '{workspaceRoot}' },
      },
      test: {
        executor: 'nx:run-commands',
        options: { command: 'jest -c libs/serving/triton/jest.config.cjs', cwd: '{workspaceRoot}' },
      },
    });
    expect(readJson(tree, `${dir}/package.json`).name).toBe('@infergate/serving-triton');
    expect(readJson(tree, `${dir}/tsconfig.json`).extends).toBe('../../../tsconfig.base.json');
    expect(tree.read(`${dir}/jest.config.cjs`, 'utf-8')).toContain("require('../../../jest.preset.cjs')");

    const adapter = tree.read(`${dir}/src/triton.adapter.ts`, 'utf-8');
    expect(adapter).toContain('export class TritonBackend implements ServingBackend');
    expect(adapter).toContain("readonly kind = 'TRITON' as const;");
    expect(adapter).toContain('BackendErrorCode.KIND_NOT_AVAILABLE');
    expect(adapter).toMatch(/async health\(\)[\s\S]*state: 'down'[\s\S]*not implemented/);
    expect(adapter).toMatch(/from '@infergate\/serving-contract'/);
    expect(tree.read(`${dir}/src/triton-backend.factory.ts`, 'utf-8')).toContain(
      'export class TritonBackendFactory implements BackendFactory',
    );
    expect(tree.read(`${dir}/src/index.ts`, 'utf-8')).toContain(
      "export { TritonBackendFactory } from './triton-backend.factory';",
    );
    expect(tree.read(`${dir}/src/triton.adapter.spec.ts`, 'utf-8')).toContain("kind: 'TENSORFLOW_SERVING'");
  });

  it('adds the kind to BACKEND_KINDS once and the alias to tsconfig.base.json', async () => {
    await backendAdapterGenerator(tree, { name: 'triton', kind: 'TRITON', skipFormat: true });

    expect(tree.read(KINDS_FILE, 'utf-8')).toBe(
      CONTRACT_KINDS.replace("'TORCHSERVE'] as const", "'TORCHSERVE', 'TRITON'] as const"),
    );
    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths).toEqual({
      '@infergate/serving-contract': ['./libs/serving/contract/src/index.ts'],
      '@infergate/serving-triton': ['./libs/serving/triton/src/index.ts'],
    });
    // libs/serving/* already covers the folder
    expect(readJson(tree, 'package.json').workspaces).toEqual(['apps/*', 'libs/serving/*']);
  });

  it('does not list a kind twice', async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);

    await backendAdapterGenerator(tree, { name: 'kserve-v3', kind: 'KSERVE_V2', skipFormat: true });

    expect(tree.read(KINDS_FILE, 'utf-8')).toBe(CONTRACT_KINDS);
  });

  it('honours --directory, names from kebab-case and adds an uncovered folder to the workspaces', async () => {
    await backendAdapterGenerator(tree, {
      name: 'my-runtime',
      kind: 'MY_RUNTIME',
      directory: 'libs/serving/extra/my-runtime',
      skipFormat: true,
    });

    const dir = 'libs/serving/extra/my-runtime';
    expect(readJson(tree, `${dir}/project.json`).name).toBe('serving-my-runtime');
    expect(readJson(tree, `${dir}/tsconfig.json`).extends).toBe('../../../../tsconfig.base.json');
    expect(tree.read(`${dir}/src/my-runtime.adapter.ts`, 'utf-8')).toContain('export class MyRuntimeBackend');
    expect(tree.exists(`${dir}/src/my-runtime-backend.factory.ts`)).toBe(true);
    expect(readJson(tree, 'package.json').workspaces).toEqual(['apps/*', 'libs/serving/*', dir]);
  });

  it('returns a callback that prints the registry lines to add', async () => {
    const callback = await backendAdapterGenerator(tree, {
      name: 'triton',
      kind: 'TRITON',
      skipFormat: true,
    });
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    await callback();

    const printed = [...info.mock.calls, ...log.mock.calls].flat().join('\n');
    expect(printed).toContain("case 'TRITON': return new TritonBackendFactory();");
    expect(printed).toContain("import { TritonBackendFactory } from '@infergate/serving-triton';");
    expect(printed).toContain('libs/serving/registry/src/backend-factory.selector.ts');
  });

  it.each([
    [{ name: 'Triton', kind: 'TRITON' }, 'kebab-case'],
    [{ name: 'triton', kind: 'triton' }, 'CONSTANT_CASE'],
  ])('refuses %j', async (options, why) => {
    await expect(backendAdapterGenerator(tree, options)).rejects.toThrow(why);
  });

  it('refuses to overwrite an existing lib or alias', async () => {
    await backendAdapterGenerator(tree, { name: 'triton', kind: 'TRITON', skipFormat: true });

    await expect(backendAdapterGenerator(tree, { name: 'triton', kind: 'TRITON' })).rejects.toThrow(
      'already exists',
    );
  });

  it('explains a contract file it cannot edit', async () => {
    tree.write(KINDS_FILE, 'export const KINDS = [];\n');

    await expect(backendAdapterGenerator(tree, { name: 'triton', kind: 'TRITON' })).rejects.toThrow(
      'BACKEND_KINDS',
    );
  });
});

describe('coveredByWorkspaces', () => {
  it.each([
    [['libs/serving/*'], 'libs/serving/triton', true],
    [['libs/serving/triton'], 'libs/serving/triton', true],
    [['./libs/serving/*/'], 'libs/serving/triton', true],
    [['libs/serving/*'], 'libs/serving/extra/triton', false],
    [['libs/*'], 'libs/serving/triton', false],
    [['libs/**'], 'libs/serving/triton', true],
  ])('%j covers %s: %s', (workspaces, directory, covered) => {
    expect(coveredByWorkspaces(workspaces, directory)).toBe(covered);
  });
});
