import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import type {
  InferenceLogInput,
  InferenceLogRecord,
  InferenceLogRecordV2,
  InferenceLogRecordV3,
} from './inference-log.record';

/** The Hopsworks schema registry subject these schemas are published under. */
export const INFERENCE_SCHEMA_SUBJECT = 'inferenceschema';

export type InferenceSchemaVersion = 1 | 2 | 3;

/** The version this gateway writes (the seed's record, v1). v2/v3 are kept for readers of older topics. */
export const WRITTEN_SCHEMA_VERSION: InferenceSchemaVersion = 1;

/** Path of a version's `.avsc` file, for tools and other-language consumers that read the file itself. */
export function inferenceSchemaPath(version: InferenceSchemaVersion): string {
  return join(__dirname, 'schemas', `inferencelog-v${version}.avsc`);
}

const schemaTexts = new Map<InferenceSchemaVersion, string>();

/** The schema's JSON text exactly as in the `.avsc` file. */
export function inferenceSchemaText(version: InferenceSchemaVersion): string {
  let text = schemaTexts.get(version);
  if (text === undefined) {
    text = readFileSync(inferenceSchemaPath(version), 'utf8');
    schemaTexts.set(version, text);
  }
  return text;
}

// Types are compiled once per process: avsc generates specialised encode/decode functions per type.
const types = new Map<InferenceSchemaVersion, avro.Type>();

export function inferenceLogType(version: InferenceSchemaVersion = WRITTEN_SCHEMA_VERSION): avro.Type {
  let type = types.get(version);
  if (type === undefined) {
    type = avro.Type.forSchema(JSON.parse(inferenceSchemaText(version)));
    types.set(version, type);
  }
  return type;
}

/**
 * Encodes a v1 record as plain Avro binary: no Confluent magic byte or schema id, which is how
 * Hopsworks writes inference logs (GenericDatumWriter + binaryEncoder) and how its readers decode them.
 */
export function encodeInferenceLog(record: InferenceLogInput): Buffer {
  const size = inferenceLogSize(record);
  if (size < 0) return inferenceLogType(1).toBuffer(asStrings(record));
  const buf = Buffer.allocUnsafe(size);
  writeInferenceLog(record, buf, 0);
  return buf;
}

/**
 * The byte size of a v1 record's Avro encoding, or -1 when a field is not a plain Avro int/long/string
 * (the caller then goes through avsc, which owns coercion and errors for such values).
 */
export function inferenceLogSize(record: InferenceLogInput): number {
  const { modelId, modelVersion, requestTimestamp, responseHttpCode } = record;
  if (
    (modelId | 0) !== modelId ||
    (modelVersion | 0) !== modelVersion ||
    (responseHttpCode | 0) !== responseHttpCode ||
    !Number.isSafeInteger(requestTimestamp) ||
    typeof record.modelName !== 'string' ||
    !isText(record.inferenceRequest) ||
    !isText(record.inferenceResponse)
  ) {
    return -1;
  }
  return (
    avroLongSize(modelId) +
    nameSize(record.modelName) +
    avroLongSize(modelVersion) +
    avroLongSize(requestTimestamp) +
    avroLongSize(responseHttpCode) +
    stringSize(record.inferenceRequest) +
    stringSize(record.inferenceResponse)
  );
}

/**
 * Writes a v1 record's Avro binary encoding at target[offset...] in one pass (the bytes avsc writes,
 * without its second pass for records larger than its 1 KiB scratch and the copy out of it); returns the
 * end offset. Call only when inferenceLogSize(record) >= 0 and target has that many bytes free.
 */
export function writeInferenceLog(record: InferenceLogInput, target: Buffer, offset: number): number {
  let o = writeAvroLong(target, offset, record.modelId);
  o = writeName(target, o, record.modelName);
  o = writeAvroLong(target, o, record.modelVersion);
  o = writeAvroLong(target, o, record.requestTimestamp);
  o = writeAvroLong(target, o, record.responseHttpCode);
  o = writeString(target, o, record.inferenceRequest);
  return writeString(target, o, record.inferenceResponse);
}

/**
 * Avro's int and long encoding: zigzag, then 7 bits per byte, least significant first (the same bytes as
 * Kafka's varint/varlong). Safe integers only: exact in double arithmetic below 2^53.
 */
export function avroLongSize(value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let n = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 0x80);
    n++;
  }
  return n;
}

/** Writes avroLongSize(value) bytes at buf[o...]; returns the end offset. */
export function writeAvroLong(buf: Buffer, o: number, value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  while (z >= 0x80) {
    buf[o++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  buf[o++] = z;
  return o;
}

function isText(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function stringSize(value: string | Uint8Array): number {
  const bytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
  return avroLongSize(bytes) + bytes;
}

/** An Avro string: its UTF-8 length, then its bytes (given, or encoded from the string). */
function writeString(buf: Buffer, o: number, value: string | Uint8Array): number {
  if (typeof value !== 'string') {
    o = writeAvroLong(buf, o, value.byteLength);
    buf.set(value, o);
    return o + value.byteLength;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  o = writeAvroLong(buf, o, bytes);
  return o + buf.write(value, o, bytes, 'utf8');
}

/** stringSize of the model's name, through the name cache when it is short. */
function nameSize(value: string): number {
  if (value.length > NAME_MAX_CHARS) return stringSize(value);
  const bytes = utf8Name(value).length;
  return avroLongSize(bytes) + bytes;
}

/** writeString of the model's name, through the name cache when it is short. */
function writeName(buf: Buffer, o: number, value: string): number {
  if (value.length > NAME_MAX_CHARS) return writeString(buf, o, value);
  const name = utf8Name(value);
  return copyName(name, buf, writeAvroLong(buf, o, name.length));
}

/** Names up to this many UTF-16 units go through the name cache (Kafka topics have at most 249). */
const NAME_MAX_CHARS = 255;
/** Distinct names kept; the cache starts over when full, so it stays small whatever the servings. */
const NAME_CACHE_SIZE = 512;
const names = new Map<string, Buffer>();

/**
 * The UTF-8 bytes of a short string that repeats in every record (a serving's name, its topic), encoded
 * once: every logged request writes two of them, and `Buffer.byteLength` plus `buf.write` per string
 * are two calls into C++ (~0.3 µs per request together in the gateway's profile). Do not modify the
 * returned bytes.
 */
export function utf8Name(value: string): Buffer {
  let bytes = names.get(value);
  if (bytes === undefined) {
    if (names.size >= NAME_CACHE_SIZE) names.clear();
    bytes = Buffer.from(value, 'utf8');
    names.set(value, bytes);
  }
  return bytes;
}

/** Copies name bytes (from utf8Name) to buf[o...]; returns the end offset. A loop: names are short. */
export function copyName(name: Buffer, buf: Buffer, o: number): number {
  for (let i = 0; i < name.length; i++) buf[o++] = name[i]!;
  return o;
}

/** The record with bodies given as bytes decoded (for avsc, which owns the error for odd values). */
function asStrings(record: InferenceLogInput): InferenceLogRecord {
  const text = (v: string | Uint8Array) =>
    typeof v === 'string' || !(v instanceof Uint8Array)
      ? v
      : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return {
    ...record,
    inferenceRequest: text(record.inferenceRequest) as string,
    inferenceResponse: text(record.inferenceResponse) as string,
  };
}

export function decodeInferenceLog(bytes: Uint8Array, version: 1): InferenceLogRecord;
export function decodeInferenceLog(bytes: Uint8Array, version: 2): InferenceLogRecordV2;
export function decodeInferenceLog(bytes: Uint8Array, version: 3): InferenceLogRecordV3;
export function decodeInferenceLog(bytes: Uint8Array): InferenceLogRecord;
export function decodeInferenceLog(
  bytes: Uint8Array,
  version: InferenceSchemaVersion = 1,
): InferenceLogRecord | InferenceLogRecordV2 | InferenceLogRecordV3 {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // fromBuffer rejects trailing bytes, so a record written with another schema fails loudly here.
  return inferenceLogType(version).fromBuffer(buffer) as InferenceLogRecord;
}
