import { type TfDtype } from './tf-dtype';

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A dense row-major tensor in the typed array onnxruntime-node feeds and fetches (bool as Uint8Array 0/1). */
export interface HostTensor {
  readonly dtype: TfDtype;
  readonly shape: number[];
  readonly data: TensorData;
}

export function allocateTensorData(dtype: TfDtype, size: number): TensorData {
  switch (dtype) {
    case 'float':
      return new Float32Array(size);
    case 'double':
      return new Float64Array(size);
    case 'int8':
      return new Int8Array(size);
    case 'int16':
      return new Int16Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'int64':
      return new BigInt64Array(size);
    case 'uint8':
    case 'bool':
      return new Uint8Array(size);
    case 'uint16':
    case 'half':
    case 'bfloat16':
      return new Uint16Array(size);
    case 'uint32':
      return new Uint32Array(size);
    case 'uint64':
      return new BigUint64Array(size);
    default:
      return new Array<string>(size).fill('');
  }
}
