import type { GeneratorCallback, Tree } from '@nx/devkit';

export interface BackendAdapterGeneratorOptions {
  /** kebab-case adapter name, e.g. `triton` */
  name: string;
  /** CONSTANT_CASE backend kind, e.g. `TRITON` */
  kind: string;
  /** default `libs/serving/<name>` */
  directory?: string;
  skipFormat?: boolean;
}

declare function backendAdapterGenerator(
  tree: Tree,
  options: BackendAdapterGeneratorOptions,
): Promise<GeneratorCallback>;

declare namespace backendAdapterGenerator {
  export { backendAdapterGenerator, backendAdapterGenerator as default };
  export function coveredByWorkspaces(workspaces: readonly string[], directory: string): boolean;
}

export = backendAdapterGenerator;
