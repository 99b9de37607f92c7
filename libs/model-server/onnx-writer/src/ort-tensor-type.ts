import { type ElemType } from './elem-type';

/**
 * The `type` string onnxruntime (node and web) uses for each ONNX element type, so callers building
 * `new ort.Tensor(type, data, dims)` for a model's inputs need not keep their own table.
 */
export const ORT_TENSOR_TYPES: Readonly<Record<ElemType, string>> = {
  FLOAT: 'float32',
  UINT8: 'uint8',
  INT8: 'int8',
  UINT16: 'uint16',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  STRING: 'string',
  BOOL: 'bool',
  DOUBLE: 'float64',
  UINT32: 'uint32',
  UINT64: 'uint64',
};
