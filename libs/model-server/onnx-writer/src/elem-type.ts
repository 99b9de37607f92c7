/**
 * ONNX tensor element types, keyed by their TensorProto.DataType name with the code onnx.proto assigns.
 * FLOAT16, BFLOAT16 and the complex types are left out: onnxruntime-node cannot feed or fetch them from
 * plain JavaScript arrays, so a test model using them could not be exercised anyway.
 */
export const ELEM_TYPES = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

export type ElemType = keyof typeof ELEM_TYPES;

export function isElemType(value: unknown): value is ElemType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ELEM_TYPES, value);
}
