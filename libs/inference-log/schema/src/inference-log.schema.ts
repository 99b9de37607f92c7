import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import type { InferenceLogRecord, InferenceLogRecordV2, InferenceLogRecordV3 } from './inference-log.record';

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
export function encodeInferenceLog(record: InferenceLogRecord): Buffer {
  return inferenceLogType(1).toBuffer(record);
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
