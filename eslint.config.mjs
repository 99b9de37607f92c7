import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Boundaries between projects are enforced here, not hoped for: each project's tags (project.json) say
// what it is, and these constraints say what it may import. Adapters see only the contract (and the
// embedded engine for the in-process ONNX adapter); contracts see nothing framework-shaped.
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:registry',
      'type:adapter',
      'type:contract',
      'type:engine',
      'type:infra',
      'type:feature',
      'type:data',
      'type:testing',
    ],
  },
  { sourceTag: 'type:registry', onlyDependOnLibsWithTags: ['type:adapter', 'type:contract'] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contract', 'type:engine', 'type:testing'] },
  { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:contract', 'type:engine', 'type:testing'] },
  { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', 'type:testing'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contract', 'type:testing'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data', 'type:contract', 'type:testing'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contract', 'type:testing'] },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:contract', 'type:engine', 'type:infra', 'type:data', 'type:testing'],
  },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contract'] },
  { sourceTag: 'scope:model-server', onlyDependOnLibsWithTags: ['scope:model-server', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'coverage/**',
      '.nx/**',
      'tmp/**',
      'tools/kafka/**',
      'tools/generators/**/files/**',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints },
      ],
      // Inside the workspace, import another project only through its public entry point.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@infergate/*/*'],
              message: 'Import a lib through its entry point (@infergate/<lib>), not a deep path.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // Nest resolves constructor parameters from emitted type metadata: a type-only import would erase it.
    files: [
      'apps/**/*.ts',
      'libs/auth/**/*.ts',
      'libs/serving/registry/**/*.ts',
      'libs/store/**/*.ts',
      'libs/inference-log/sinks/**/*.ts',
    ],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'libs/testing/**',
      'tools/**',
      'apps/*/src/config/**',
      'apps/*/test/**',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through the validated config object, not process.env.',
        },
      ],
    },
  },
  prettier,
);
