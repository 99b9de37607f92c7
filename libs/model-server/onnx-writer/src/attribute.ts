import { type TensorConstant } from './tensor-constant';

/**
 * A node attribute value, tagged with its ONNX AttributeType because a JavaScript number alone cannot say
 * whether an operator expects INT or FLOAT (ONNX Runtime rejects the wrong one). Build them with `attr`.
 */
export type Attribute =
  | { readonly type: 'FLOAT'; readonly value: number }
  | { readonly type: 'INT'; readonly value: number | bigint }
  | { readonly type: 'STRING'; readonly value: string | Uint8Array }
  | { readonly type: 'TENSOR'; readonly value: TensorConstant }
  | { readonly type: 'FLOATS'; readonly value: readonly number[] }
  | { readonly type: 'INTS'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'STRINGS'; readonly value: readonly (string | Uint8Array)[] };

export const attr = {
  float: (value: number): Attribute => ({ type: 'FLOAT', value }),
  int: (value: number | bigint): Attribute => ({ type: 'INT', value }),
  string: (value: string | Uint8Array): Attribute => ({ type: 'STRING', value }),
  tensor: (value: TensorConstant): Attribute => ({ type: 'TENSOR', value }),
  floats: (value: readonly number[]): Attribute => ({ type: 'FLOATS', value }),
  ints: (value: readonly (number | bigint)[]): Attribute => ({ type: 'INTS', value }),
  strings: (value: readonly (string | Uint8Array)[]): Attribute => ({ type: 'STRINGS', value }),
} as const;
