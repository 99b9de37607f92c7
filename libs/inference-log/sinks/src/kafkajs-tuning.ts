import Module from 'node:module';
import { avroLongSize, writeAvroLong } from '@infergate/inference-log-schema';
import { crc32c } from './crc32c';

/**
 * Three replacements for kafkajs 2.2.4 internals that cost the Kafka sink a third of its CPU per record:
 *
 * - producer/groupMessagesPerPartition copies the partition's message array once per message
 *   (`[...current, message]`), O(n²) in a batch: 125,000 element copies for the pipeline's 500 records.
 *   The replacement groups the same messages into the same partitions, in the same order, in one pass.
 * - protocol/recordBatch/record/v0 builds each record in a fresh 512-byte Encoder with a Buffer per varint;
 *   recordEncoder writes the same bytes into one exactly sized buffer.
 * - protocol/recordBatch/crc32C checksums every record batch byte by byte; the replacement is the sinks'
 *   slicing-by-8 CRC-32C (same values, ~2.4x faster).
 *
 * kafkajs binds these with `require` when its producer module loads, so they are put into Node's module
 * cache before that: this module does it when it is first imported, which is why it is the first export
 * of this lib and the gateway imports this lib before anything that loads kafkajs. It changes nothing
 * when kafkajs is another version or was loaded already (kafkajsTuning says why), and under Jest, whose
 * module registry bypasses Node's cache: answers and wire bytes are the same either way.
 */
export const KAFKAJS_TUNED_VERSION = '2.2.4';

/** A kafkajs message as the grouping sees it: opaque, handed to the partitioner. */
type Message = object;
type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: Message }) => number;

/** groupMessagesPerPartition's contract, linear: partition -> its messages in input order. */
export function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: readonly Message[];
  partitioner: Partitioner;
}): Record<number, Message[]> {
  const result: Record<number, Message[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/** kafkajs' record/v0 module: a record's fields in, an Encoder holding its bytes out. */
export type RecordEncoder = (record: RecordFields) => { buf: Buffer; readonly buffer: Buffer };
export interface RecordFields {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
}

/**
 * Record v0 (Kafka's record inside a v2 batch) written into one exactly sized buffer. kafkajs builds each
 * record in a fresh zero-filled 512-byte Encoder and allocates a Buffer per varint; this writes the same
 * bytes in place. Records with headers, or fields outside the plain cases (key/value other than
 * null/string/Buffer, deltas that are not safe integers), go to kafkajs' own encoder unchanged.
 */
export function recordEncoder(original: RecordEncoder, encoderPrototype: object): RecordEncoder {
  return (record) => {
    const { offsetDelta = 0, timestampDelta = 0, key, value, headers } = record;
    if (
      (headers !== undefined && Object.keys(headers).length > 0) ||
      !plainBytes(key) ||
      !plainBytes(value) ||
      !Number.isSafeInteger(timestampDelta) ||
      (offsetDelta | 0) !== offsetDelta
    ) {
      return original(record);
    }
    const keySize = key == null ? -1 : Buffer.isBuffer(key) ? key.length : Buffer.byteLength(key as string);
    const valueSize =
      value == null ? -1 : Buffer.isBuffer(value) ? value.length : Buffer.byteLength(value as string);
    const body =
      1 + // attributes
      avroLongSize(timestampDelta) +
      avroLongSize(offsetDelta) +
      avroLongSize(keySize) +
      Math.max(keySize, 0) +
      avroLongSize(valueSize) +
      Math.max(valueSize, 0) +
      1; // no headers: varint 0
    // Kafka's varint and varlong are Avro's zigzag encoding (int32 values encode the same either way).
    const buf = Buffer.allocUnsafe(avroLongSize(body) + body);
    let p = writeAvroLong(buf, 0, body);
    buf[p++] = 0;
    p = writeAvroLong(buf, p, timestampDelta);
    p = writeAvroLong(buf, p, offsetDelta);
    p = writeBytes(buf, writeAvroLong(buf, p, keySize), key);
    p = writeBytes(buf, writeAvroLong(buf, p, valueSize), value);
    buf[p++] = 0;
    const encoder = Object.create(encoderPrototype) as {
      buf: Buffer;
      offset: number;
      readonly buffer: Buffer;
    };
    encoder.buf = buf;
    encoder.offset = p;
    return encoder;
  };
}

function plainBytes(v: unknown): boolean {
  return v == null || typeof v === 'string' || Buffer.isBuffer(v);
}

function writeBytes(buf: Buffer, p: number, v: unknown): number {
  if (v == null) return p;
  if (typeof v === 'string') return p + buf.write(v, p, 'utf8');
  return p + (v as Buffer).copy(buf, p);
}

/** kafkajs' crc32C/index.js contract: the unsigned CRC-32C of a whole buffer. */
export function kafkaCrc32c(buffer: Uint8Array): number {
  return crc32c(buffer);
}

function install(): string {
  const nodeRequire = Module.createRequire(__filename);
  let version: string;
  try {
    version = (nodeRequire('kafkajs/package.json') as { version: string }).version;
  } catch {
    return 'not applied: kafkajs not found';
  }
  if (version !== KAFKAJS_TUNED_VERSION)
    return `not applied: kafkajs ${version} (written for ${KAFKAJS_TUNED_VERSION})`;
  const cache = nodeRequire.cache;
  const producer = nodeRequire.resolve('kafkajs/src/producer/sendMessages');
  const batch = nodeRequire.resolve('kafkajs/src/protocol/recordBatch/v0');
  if (cache[producer] || cache[batch]) return 'not applied: kafkajs was loaded before';
  // kafkajs' own record encoder stays loaded (under its file name's new slot) for the cases it keeps.
  const recordFile = nodeRequire.resolve('kafkajs/src/protocol/recordBatch/record/v0');
  const originalRecord = nodeRequire(recordFile) as RecordEncoder;
  const encoder = nodeRequire('kafkajs/src/protocol/encoder') as { prototype: object };
  const slots: [string, unknown][] = [
    ['kafkajs/src/producer/groupMessagesPerPartition', groupMessagesPerPartition],
    ['kafkajs/src/protocol/recordBatch/crc32C', kafkaCrc32c],
    [recordFile, recordEncoder(originalRecord, encoder.prototype)],
  ];
  for (const [request, replacement] of slots) {
    const file = nodeRequire.resolve(request);
    const module = new Module(file);
    module.filename = file;
    module.loaded = true;
    module.exports = replacement;
    cache[file] = module;
  }
  return `applied (kafkajs ${version}: linear partition grouping, records written in place, slicing-by-8 CRC-32C)`;
}

/** What happened at load: "applied (...)" or "not applied: <why>"; the gateway logs it at start. */
export const kafkajsTuning: string = install();
