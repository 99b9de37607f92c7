import { type ElemType } from './elem-type';

/**
 * One dimension of a declared shape: a non-negative number is fixed, a string is a symbolic dimension
 * (`dim_param`, e.g. 'batch') and a negative number (conventionally -1) is unknown and unnamed.
 */
export type Dim = number | string;

/** A typed, shaped graph input or output (ONNX ValueInfoProto). Omit `shape` for unknown rank. */
export interface ValueInfo {
  readonly name: string;
  readonly elemType: ElemType;
  readonly shape?: readonly Dim[];
}
