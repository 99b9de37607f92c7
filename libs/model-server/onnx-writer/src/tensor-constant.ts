import { type ElemType } from './elem-type';

/**
 * Values for a constant tensor, row-major. Numeric types take a matching typed array or any array of
 * numbers (INT64/UINT64 also bigints); BOOL takes booleans or 0/1; STRING takes strings (or raw bytes).
 * Numbers are stored as the matching typed array would store them, so out-of-range values wrap or
 * truncate exactly as in `Uint8Array.from([300])`; pass a typed array to make that explicit.
 */
export type TensorValues =
  | ArrayLike<number>
  | ArrayLike<bigint>
  | ArrayLike<number | bigint>
  | readonly boolean[]
  | readonly (string | Uint8Array)[];

/**
 * A constant tensor (ONNX TensorProto): a graph initializer, or the value of a TENSOR attribute (where
 * `name` may be left out). `dims` is the full, fixed shape; `[]` is a scalar holding one value.
 */
export interface TensorConstant {
  readonly name?: string;
  readonly elemType: ElemType;
  readonly dims: readonly number[];
  readonly values: TensorValues;
}
