import { invalidArgument } from '../errors/serving-error';
import { type Signature } from '../repository/signature';
import { allocateTensorData, type HostTensor } from '../tensor/host-tensor';
import { type TfDtype } from '../tensor/tf-dtype';
import { type Example, type FeatureKind } from './example-features.reader';

const FEATURE_DTYPE: Record<FeatureKind, string> = { bytes: 'string', float: 'float', int64: 'int64' };

function kindFor(dtype: TfDtype): FeatureKind | null {
  switch (dtype) {
    case 'float':
    case 'double':
      return 'float';
    case 'string':
      return 'bytes';
    case 'half':
    case 'bfloat16':
    case 'invalid':
      return null;
    default:
      return 'int64';
  }
}

/**
 * Maps examples onto the signature's inputs by feature name, as a TF model's tf.parse_example would:
 * each input is a batch of one row per example ([batch] when the graph input has rank 1, else
 * [batch, values]), and a feature of the wrong kind fails with TF's "Data types don't match".
 */
export function buildExampleTensors(
  signature: Signature,
  examples: readonly Example[],
): Map<string, HostTensor> {
  const tensors = new Map<string, HostTensor>();
  for (const spec of signature.inputs) {
    const want = kindFor(spec.dtype);
    let width = -1;
    for (let i = 0; i < examples.length; i++) {
      const feature = examples[i].get(spec.alias);
      if (!feature)
        throw invalidArgument(
          `Feature: ${spec.alias} (data type: ${spec.dtype}) is required but could not be found.`,
        );
      if (feature.kind !== null && feature.kind !== want) {
        throw invalidArgument(
          `Data types don't match. Data type: ${FEATURE_DTYPE[feature.kind]} but expected type: ${spec.dtype}`,
        );
      }
      const n = feature.values.length;
      if (width < 0) width = n;
      if (n !== width || (spec.shape !== null && spec.shape.length <= 1 && n !== 1)) {
        const expected = spec.shape !== null && spec.shape.length <= 1 ? 1 : width;
        throw invalidArgument(
          `Name: <unknown>, Key: ${spec.alias}, Index: ${i}.  Number of ${want ?? 'float'} values != expected.  Values size: ${n} but output shape: [${expected}]`,
        );
      }
    }
    const data = allocateTensorData(spec.dtype, examples.length * width);
    let pos = 0;
    for (const example of examples) {
      for (const v of example.get(spec.alias)!.values) {
        if (spec.dtype === 'int64' || spec.dtype === 'uint64') (data as BigInt64Array)[pos++] = BigInt(v);
        else if (typeof v === 'bigint') (data as Int32Array)[pos++] = Number(v);
        else (data as Float32Array | string[])[pos++] = v as never;
      }
    }
    const shape =
      spec.shape !== null && spec.shape.length <= 1 ? [examples.length] : [examples.length, width];
    tensors.set(spec.alias, { dtype: spec.dtype, shape, data });
  }
  return tensors;
}
