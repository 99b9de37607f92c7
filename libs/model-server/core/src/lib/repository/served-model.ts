import { type ModelConfig } from './model-config';
import { type ModelVersion } from './model-version';

/** A model directory of the repository: its versions (loaded, loading or failed), config and labels. */
export class ServedModel {
  readonly versions = new Map<number, ModelVersion>();
  config: ModelConfig | null = null;
  configText: string | null = null;

  constructor(readonly name: string) {}

  /** TF Serving serves a request without a version at the highest available version. */
  latest(): ModelVersion | undefined {
    let best: ModelVersion | undefined;
    for (const v of this.versions.values()) if (v.available && (!best || v.version > best.version)) best = v;
    return best;
  }

  labelVersion(label: string): number | undefined {
    return this.config?.labels.get(label);
  }
}
