import { Writer } from 'protobufjs/minimal';

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure).
const VARINT = 0;
const FIXED32 = 5;
const LENGTH_DELIMITED = 2;

/**
 * Thin helpers over protobufjs's Writer for hand-encoding messages by field number, so the writer needs
 * no .proto file or generated code. Every helper writes the tag itself; callers only name the field.
 */
export function tag(w: Writer, field: number, wireType: number): Writer {
  return w.uint32((field << 3) | wireType);
}

/** int64 fields take a JS number, or a bigint (passed to protobufjs as a decimal string it parses exactly). */
export function int64Field(w: Writer, field: number, value: number | bigint): void {
  tag(w, field, VARINT).int64(typeof value === 'bigint' ? BigInt.asIntN(64, value).toString() : value);
}

export function int32Field(w: Writer, field: number, value: number): void {
  tag(w, field, VARINT).int32(value);
}

export function floatField(w: Writer, field: number, value: number): void {
  tag(w, field, FIXED32).float(value);
}

/** string and bytes share a wire format; a JS string is written as UTF-8, as ONNX requires. */
export function bytesField(w: Writer, field: number, value: string | Uint8Array): void {
  if (typeof value === 'string') tag(w, field, LENGTH_DELIMITED).string(value);
  else tag(w, field, LENGTH_DELIMITED).bytes(value);
}

export function messageField(w: Writer, field: number, body: (w: Writer) => void): void {
  tag(w, field, LENGTH_DELIMITED).fork();
  body(w);
  w.ldelim();
}

export function packedFloats(w: Writer, field: number, values: readonly number[]): void {
  messageField(w, field, (inner) => values.forEach((v) => inner.float(v)));
}

export function packedInt64s(w: Writer, field: number, values: readonly (number | bigint)[]): void {
  messageField(w, field, (inner) =>
    values.forEach((v) => inner.int64(typeof v === 'bigint' ? BigInt.asIntN(64, v).toString() : v)),
  );
}

export function newWriter(): Writer {
  return Writer.create();
}
