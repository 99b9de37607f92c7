import { type ElemType } from './elem-type';
import { type TensorValues } from './tensor-constant';

// Only the shared `from(items, mapFn)` signature is used, which every number-backed typed array has.
type NumberArrayConstructor = {
  from<T>(items: ArrayLike<T>, mapFn: (v: T, i: number) => number): ArrayBufferView;
  new (length: number): ArrayBufferView;
};

const NUMBER_ARRAYS = {
  FLOAT: Float32Array,
  DOUBLE: Float64Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  UINT16: Uint16Array,
  INT16: Int16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
} as const;

// ONNX raw_data is little-endian; copying typed-array memory as-is is only right on a little-endian host,
// which is every platform onnxruntime-node ships for. Fail loudly rather than write wrong bytes elsewhere.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The `raw_data` bytes of a non-string tensor: fixed-width little-endian elements, BOOL as one 0/1 byte
 * each (onnx.proto TensorProto.raw_data). Throws if a value cannot be represented in `elemType`.
 */
export function tensorRawData(
  elemType: Exclude<ElemType, 'STRING'>,
  values: TensorValues,
  where: string,
): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('onnx-writer: raw_data encoding needs a little-endian host');
  const typed = toTypedArray(elemType, values, where);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function toTypedArray(
  elemType: Exclude<ElemType, 'STRING'>,
  values: TensorValues,
  where: string,
): ArrayBufferView {
  const items = values as ArrayLike<unknown>;
  if (elemType === 'BOOL') {
    return Uint8Array.from(items, (v, i) => {
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (v === 0 || v === 1) return v;
      throw new TypeError(`${where}: BOOL value [${i}] must be a boolean or 0/1, got ${String(v)}`);
    });
  }
  if (elemType === 'INT64') {
    if (values instanceof BigInt64Array) return values;
    return BigInt64Array.from(items, (v, i) => toBigInt(v, elemType, `${where} [${i}]`));
  }
  if (elemType === 'UINT64') {
    if (values instanceof BigUint64Array) return values;
    return BigUint64Array.from(items, (v, i) => toBigInt(v, elemType, `${where} [${i}]`));
  }
  const Ctor: NumberArrayConstructor = NUMBER_ARRAYS[elemType];
  if (values instanceof Ctor) return values;
  return Ctor.from(items, (v, i) => {
    if (typeof v !== 'number')
      throw new TypeError(`${where}: ${elemType} value [${i}] must be a number, got ${typeof v}`);
    return v;
  });
}

function toBigInt(v: unknown, elemType: 'INT64' | 'UINT64', where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new TypeError(`${where}: ${elemType} value must be an integer number or bigint, got ${String(v)}`);
}
