/**
 * TF DataType names (DataTypeString) for the element types ONNX and TF Serving share, plus the ones ONNX
 * models may declare that TF Serving cannot convert from JSON (half, bfloat16): those answer 501 as TF does.
 */
export type TfDtype =
  | 'float'
  | 'double'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'half'
  | 'bfloat16'
  | 'invalid';

const FROM_ORT: Record<string, TfDtype> = {
  float32: 'float',
  float64: 'double',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
  string: 'string',
  float16: 'half',
  bfloat16: 'bfloat16',
};

const TO_ORT: Partial<Record<TfDtype, string>> = Object.fromEntries(
  Object.entries(FROM_ORT).map(([ort, tf]) => [tf, ort]),
);

export function tfDtypeFromOrt(ortType: string): TfDtype {
  return FROM_ORT[ortType] ?? 'invalid';
}

export function ortTypeFromTf(dtype: TfDtype): string | undefined {
  return TO_ORT[dtype];
}

/** The DataType enum name used in signature_def metadata, e.g. DT_FLOAT. */
export function tfDtypeEnumName(dtype: TfDtype): string {
  return `DT_${dtype.toUpperCase()}`;
}
