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

// Input tensors are recycled: a typed array of a few KB has an off-heap backing store, and under load a
// request's buffers outlive the young generation while it waits its turn, so one per request piled up as
// old-generation garbage until the next full GC (20–40 MB of RSS serving MNIST at c=64). A run hands its
// inputs back with recycleTensorData once ORT is done with them.
const RECYCLE_MAX_BYTES = 64 * 1024;
const RECYCLE_PER_SIZE = 16;
const recycled = new Map<string, TensorData[]>();

/** A zero-filled tensor buffer of `size` elements (a recycled one when there is one). */
export function allocateTensorData(dtype: TfDtype, size: number): TensorData {
  const spare = recycled.get(`${dtype}:${size}`)?.pop();
  if (spare) {
    if (spare instanceof BigInt64Array || spare instanceof BigUint64Array) spare.fill(0n);
    else (spare as Float32Array).fill(0);
    return spare;
  }
  return newTensorData(dtype, size);
}

/**
 * Gives a tensor's buffer back for a later allocateTensorData of the same dtype and size. Only for buffers
 * nothing reads any more; string tensors, large and transferred (detached) buffers are left to the GC.
 */
export function recycleTensorData(tensor: HostTensor): void {
  const { data } = tensor;
  if (Array.isArray(data) || data.byteLength === 0 || data.byteLength > RECYCLE_MAX_BYTES) return;
  const key = `${tensor.dtype}:${data.length}`;
  let list = recycled.get(key);
  if (!list) recycled.set(key, (list = []));
  if (list.length < RECYCLE_PER_SIZE) list.push(data);
}

function newTensorData(dtype: TfDtype, size: number): TensorData {
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
