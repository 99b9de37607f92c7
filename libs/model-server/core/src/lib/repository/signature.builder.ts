import type * as ort from 'onnxruntime-node';
import { tfDtypeFromOrt } from '../tensor/tf-dtype';
import { type ModelConfig } from './model-config';
import { DEFAULT_SIGNATURE, type Signature, type TensorSpec } from './signature';

type ValueMetadata = ort.InferenceSession.ValueMetadata;

/**
 * The signatures a model version serves: those config.json declares, checked against the graph; without
 * a config (or without its "signatures"), one `serving_default` predict signature exposing every graph
 * input and output under its own name.
 */
export function buildSignatures(
  config: ModelConfig | null,
  inputs: readonly ValueMetadata[],
  outputs: readonly ValueMetadata[],
): Map<string, Signature> {
  const byName = (list: readonly ValueMetadata[]) => new Map(list.map((m) => [m.name, m]));
  const graphInputs = byName(inputs);
  const graphOutputs = byName(outputs);
  const result = new Map<string, Signature>();
  if (!config?.signatures) {
    result.set(DEFAULT_SIGNATURE, {
      name: DEFAULT_SIGNATURE,
      method: 'predict',
      inputs: sortSpecs(inputs.map((m) => spec(m.name, m))),
      outputs: sortSpecs(outputs.map((m) => spec(m.name, m))),
    });
    return result;
  }
  for (const [name, sig] of Object.entries(config.signatures)) {
    const pick = (
      map: Readonly<Record<string, string>>,
      graph: Map<string, ValueMetadata>,
      kind: string,
    ): TensorSpec[] =>
      sortSpecs(
        Object.entries(map).map(([alias, onnxName]) => {
          const meta = graph.get(onnxName);
          if (!meta) {
            throw new Error(
              `config.json: signature "${name}" maps ${kind} "${alias}" to "${onnxName}", which the ONNX graph does not have`,
            );
          }
          return spec(alias, meta);
        }),
      );
    result.set(name, {
      name,
      method: sig.method,
      inputs: pick(sig.inputs, graphInputs, 'input'),
      outputs: pick(sig.outputs, graphOutputs, 'output'),
    });
  }
  return result;
}

function spec(alias: string, meta: ValueMetadata): TensorSpec {
  if (!meta.isTensor) return { alias, onnxName: meta.name, dtype: 'invalid', shape: null };
  return {
    alias,
    onnxName: meta.name,
    dtype: tfDtypeFromOrt(meta.type),
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

function sortSpecs(specs: TensorSpec[]): TensorSpec[] {
  return specs.sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
}
