/**
 * Field numbers from onnx/onnx.proto (checked against onnx main). Only the fields this writer emits
 * are listed; anything else (doc strings, sparse tensors, functions) is left at its default.
 */
export const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 } as const;
export const OPSET_ID = { domain: 1, version: 2 } as const;
export const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
export const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTRIBUTE = {
  name: 1,
  f: 2,
  i: 3,
  s: 4,
  t: 5,
  floats: 7,
  ints: 8,
  strings: 9,
  type: 20,
} as const;
/** AttributeProto.AttributeType codes. */
export const ATTRIBUTE_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;
export const TENSOR = { dims: 1, dataType: 2, stringData: 6, name: 8, rawData: 9 } as const;
export const VALUE_INFO = { name: 1, type: 2 } as const;
export const TYPE = { tensorType: 1 } as const;
export const TYPE_TENSOR = { elemType: 1, shape: 2 } as const;
export const SHAPE = { dim: 1 } as const;
export const DIMENSION = { dimValue: 1, dimParam: 2 } as const;
