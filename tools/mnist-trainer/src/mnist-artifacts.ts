import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MlpClassifier } from './mlp-classifier';
import { buildMnistOnnx } from './mnist-onnx-model';
import { MNIST_SERVING_CONFIG } from './serving-config';

export interface MnistArtifacts {
  readonly modelPath: string;
  readonly configPath: string;
  readonly modelBytes: number;
}

/**
 * Writes `<outRoot>/mnist/1/model.onnx` and `<outRoot>/mnist/config.json`: the model server's layout of
 * model name / numeric version (as TF Serving's model_base_path) with the signatures beside the versions.
 */
export function writeMnistArtifacts(outRoot: string, model: MlpClassifier, version = 1): MnistArtifacts {
  const modelDir = join(outRoot, 'mnist');
  const versionDir = join(modelDir, String(version));
  mkdirSync(versionDir, { recursive: true });
  const onnx = buildMnistOnnx(model);
  const modelPath = join(versionDir, 'model.onnx');
  const configPath = join(modelDir, 'config.json');
  writeFileSync(modelPath, onnx);
  writeFileSync(configPath, `${JSON.stringify(MNIST_SERVING_CONFIG, null, 2)}\n`);
  return { modelPath, configPath, modelBytes: onnx.length };
}
