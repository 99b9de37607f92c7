import Module from 'node:module';
import { avroLongSize, writeAvroLong } from '@infergate/inference-log-schema';
import { crc32c } from './crc32c';
import type { ValueRun } from './value-run';

/**
 * Replacements for kafkajs 2.2.4 internals that cost the Kafka sink about half of its CPU per record:
 *
 * - producer/groupMessagesPerPartition copies the partition's message array once per message
 *   (`[...current, message]`), O(n²) in a batch: 125,000 element copies for the pipeline's 500 records.
 *   The replacement groups the same messages into the same partitions, in the same order, in one pass.
 * - protocol/recordBatch/record/v0 builds each record in a fresh 512-byte Encoder with a Buffer per varint;
 *   recordEncoder writes the same bytes into one exactly sized buffer.
 * - protocol/requests/produce/v3/request nests a growing Encoder per batch, partition, topic and request;
 *   produceRequestEncoder writes the whole request into one exactly sized buffer (see there).
 * - protocol/recordBatch/crc32C checksums every record batch byte by byte; the replacement is the sinks'
 *   slicing-by-8 CRC-32C (same values, ~2.4x faster).
 * - protocol/request frames every request (size, header, payload) through two more growing, zero-filled
 *   Encoders, copying each produce request twice more (~4% of the gateway's CPU with logging on, by a perf
 *   profile); requestFramer writes the frame into one exactly sized buffer.
 * - network/requestQueue runs a 1 ms timer per broker connection for ever (scheduleCheckPendingRequests
 *   below); its prototype gets the method without the loop.
 *
 * With the produce request encoder in place, a message whose value is a RecordRun stands for a whole run
 * of records (KafkaSink.send: a spool batch), written straight from the run's bytes: no message object
 * and no Buffer per record, which lived until Kafka acknowledged the batch and were most of what the log
 * path made outlive the young generation (PROFILE_ALLOCATIONS=survivors, docs/benchmarks.md).
 *
 * kafkajs binds these with `require` when its producer module loads, so they are put into Node's module
 * cache before that: this module does it when it is first imported, which is why it is the first export
 * of this lib and the gateway imports this lib before anything that loads kafkajs. It changes nothing
 * when kafkajs is another version or was loaded already (kafkajsTuning says why), and under Jest, whose
 * module registry ignores writes to the cache: answers and wire bytes are the same either way.
 */
export const KAFKAJS_TUNED_VERSION = '2.2.4';

/**
 * The value of a message that stands for a run of records (null keys, no headers, no timestamps: each
 * record gets the request's time, as kafkajs gives a message without one). Only produce requests encoded
 * here understand it (see recordRunsSupported); kafkajs' own encoder would not.
 */
export class RecordRun {
  constructor(readonly values: ValueRun) {}
}

/** The run a partition's messages stand for, when they are one RecordRun message. */
function recordRunOf(messages: readonly object[]): ValueRun | undefined {
  if (messages.length !== 1) return undefined;
  const { value, key, headers, timestamp } = messages[0] as RecordFields & { timestamp?: unknown };
  return value instanceof RecordRun && key == null && headers === undefined && timestamp == null
    ? value.values
    : undefined;
}

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
    const body = plainRecordBody(record);
    if (body < 0) return original(record);
    const buf = Buffer.allocUnsafe(avroLongSize(body) + body);
    const encoder = Object.create(encoderPrototype) as {
      buf: Buffer;
      offset: number;
      readonly buffer: Buffer;
    };
    encoder.buf = buf;
    encoder.offset = writePlainRecord(buf, 0, record, body);
    return encoder;
  };
}

/**
 * The size of a record's body (what follows its length varint) when it is in the plain form written
 * here: no headers, key and value null, string or Buffer, safe-integer deltas. -1 otherwise (kafkajs'
 * own encoder writes it).
 */
function plainRecordBody(record: RecordFields): number {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers } = record;
  if (
    (headers !== undefined && Object.keys(headers).length > 0) ||
    !plainBytes(key) ||
    !plainBytes(value) ||
    !Number.isSafeInteger(timestampDelta) ||
    (offsetDelta | 0) !== offsetDelta
  ) {
    return -1;
  }
  const keySize = bytesSize(key);
  const valueSize = bytesSize(value);
  return (
    1 + // attributes
    avroLongSize(timestampDelta) +
    avroLongSize(offsetDelta) +
    avroLongSize(keySize) +
    Math.max(keySize, 0) +
    avroLongSize(valueSize) +
    Math.max(valueSize, 0) +
    1 // no headers: varint 0
  );
}

/** Writes a plain record (its length varint, then `body` bytes) at buf[o...]; returns the end offset. */
function writePlainRecord(buf: Buffer, o: number, record: RecordFields, body: number): number {
  const { offsetDelta = 0, timestampDelta = 0, key, value } = record;
  // Kafka's varint and varlong are Avro's zigzag encoding (int32 values encode the same either way).
  let p = writeAvroLong(buf, o, body);
  buf[p++] = 0;
  p = writeAvroLong(buf, p, timestampDelta);
  p = writeAvroLong(buf, p, offsetDelta);
  p = writeBytes(buf, writeAvroLong(buf, p, bytesSize(key)), key);
  p = writeBytes(buf, writeAvroLong(buf, p, bytesSize(value)), value);
  buf[p++] = 0;
  return p;
}

function bytesSize(v: unknown): number {
  return v == null ? -1 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v as string);
}

function plainBytes(v: unknown): boolean {
  return v == null || typeof v === 'string' || Buffer.isBuffer(v);
}

function writeBytes(buf: Buffer, p: number, v: unknown): number {
  if (v == null) return p;
  if (typeof v === 'string') return p + buf.write(v, p, 'utf8');
  return p + (v as Buffer).copy(buf, p);
}

/** What the produce request encoder needs from kafkajs: its Long (int64 fields) and Encoder prototype. */
export interface ProduceDeps {
  readonly Long: { fromValue(value: unknown): { getHighBits(): number; getLowBits(): number } };
  readonly encoderPrototype: object;
  readonly record: RecordEncoder;
  readonly crc32c: (bytes: Buffer) => number;
}

interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: {
    topic: string;
    partitions: { partition: number; firstSequence?: number; messages: { timestamp?: unknown }[] }[];
  }[];
}
type ProduceRequest = { encode(): Promise<unknown> } & Record<string, unknown>;

/**
 * Produce request v3 (kafkajs' requests/produce/v3, which v4–v7 reuse) encoded into one exactly sized
 * buffer: kafkajs nests a growing, zero-filled Encoder per record batch (three), per partition, per topic
 * and per request, so each logged record was copied about eight times (~45 kB of allocation per 5.6 kB
 * record, most of the sink's CPU for MNIST-sized records). The bytes are the same (tested against
 * kafkajs' own encoder); compressed requests keep kafkajs' encoder.
 */
export function produceRequestEncoder(
  original: (args: ProduceArgs) => ProduceRequest,
  deps: ProduceDeps,
): (args: ProduceArgs) => ProduceRequest {
  return (args) => {
    const request = original(args);
    if ((args.compression ?? 0) !== 0) return request;
    return { ...request, encode: async () => encodeProduce(args, deps) };
  };
}

/** A record of a produce request: written in place (plain), or kafkajs' encoding of it. */
type PlannedRecord =
  | {
      readonly bytes: Buffer;
      readonly fields?: undefined;
      readonly body?: undefined;
      readonly size?: undefined;
    }
  | {
      readonly bytes?: undefined;
      readonly fields: RecordFields;
      readonly body: number;
      readonly size: number;
    };

/** A partition's record batch as planned: a record run, or records one by one. */
type PlannedBatch = {
  readonly count: number;
  readonly recordBytes: number;
  readonly firstTimestamp: unknown;
  readonly maxTimestamp: unknown;
} & (
  | { readonly run: ValueRun; readonly records?: undefined }
  | { readonly run?: undefined; readonly records: readonly PlannedRecord[] }
);

/**
 * The body size of record `i` of a run (value of `valueLength` bytes): attributes, timestampDelta 0,
 * offsetDelta i, key null, the value, no headers.
 */
function runRecordBody(i: number, valueLength: number): number {
  return 1 + 1 + avroLongSize(i) + 1 + avroLongSize(valueLength) + valueLength + 1;
}

/** Writes a run's records (as writePlainRecord would write each) at buf[o...]; returns the end offset. */
function writeRunRecords(buf: Buffer, o: number, run: ValueRun): number {
  const source = Buffer.from(run.bytes.buffer, run.bytes.byteOffset, run.bytes.byteLength);
  for (let i = 0; i < run.count; i++) {
    const start = run.bounds[2 * i]!;
    const end = run.bounds[2 * i + 1]!;
    o = writeAvroLong(buf, o, runRecordBody(i, end - start));
    buf[o++] = 0; // attributes
    buf[o++] = 0; // timestampDelta 0 (zigzag)
    o = writeAvroLong(buf, o, i); // offsetDelta
    buf[o++] = 1; // key null: length -1 (zigzag)
    o = writeAvroLong(buf, o, end - start);
    o += source.copy(buf, o, start, end);
    buf[o++] = 0; // no headers
  }
  return o;
}

function encodeProduce(args: ProduceArgs, deps: ProduceDeps): object {
  const { acks, timeout, transactionalId = null, producerEpoch = 0, topicData } = args;
  const producerId = args.producerId === undefined ? deps.Long.fromValue(-1) : args.producerId;
  const { Long } = deps;
  // Records first (kafkajs' Record, i.e. recordEncoder), as kafkajs' partition encoder builds them.
  const batches = topicData.map(({ partitions }) =>
    partitions.map(({ messages }): PlannedBatch => {
      const dateNow = Date.now();
      const run = recordRunOf(messages);
      if (run !== undefined) {
        let recordBytes = 0;
        for (let i = 0; i < run.count; i++) {
          const body = runRecordBody(i, run.bounds[2 * i + 1]! - run.bounds[2 * i]!);
          recordBytes += avroLongSize(body) + body;
        }
        return { run, count: run.count, recordBytes, firstTimestamp: dateNow, maxTimestamp: dateNow };
      }
      const timestamps = messages
        .map((m) => m.timestamp)
        .filter((t) => t != null)
        .sort();
      const firstTimestamp = timestamps.length === 0 ? dateNow : timestamps[0];
      const maxTimestamp = timestamps.length === 0 ? dateNow : timestamps[timestamps.length - 1];
      // Plain records are written straight into the request below; others are kafkajs' bytes, copied.
      const records = messages.map((message, i): PlannedRecord => {
        // The fields named one by one: `{ ...message, offsetDelta }` (kafkajs' form) costs ~2.5 µs per
        // record on Node 20's V8, whose object spread followed by new keys is never cached.
        const fields: RecordFields = {
          key: (message as RecordFields).key,
          value: (message as RecordFields).value,
          headers: (message as RecordFields).headers,
          offsetDelta: i,
          // kafkajs' expression as is: timestamps may be strings, and `||` treats them as kafkajs does.
          timestampDelta: (((message.timestamp as number) || dateNow) as number) - (firstTimestamp as number),
        };
        const body = plainRecordBody(fields);
        return body < 0
          ? { bytes: deps.record(fields).buffer }
          : { fields, body, size: avroLongSize(body) + body };
      });
      let recordBytes = 0;
      for (const r of records) recordBytes += r.bytes ? r.bytes.length : r.size;
      return { records, count: records.length, recordBytes, firstTimestamp, maxTimestamp };
    }),
  );
  // Sizes: request header fields, then per topic its name and partitions, per partition its batch.
  const transactionalBytes = transactionalId == null ? 0 : Buffer.byteLength(transactionalId, 'utf8');
  let size = 2 + transactionalBytes + 2 + 4 + 4;
  topicData.forEach(({ topic, partitions }, t) => {
    size += 2 + Buffer.byteLength(topic, 'utf8') + 4;
    partitions.forEach((_, p) => (size += 4 + 4 + BATCH_OVERHEAD + batches[t][p].recordBytes));
  });
  // The request frame's header goes in front of the payload (requestFramer), so the payload is never
  // copied into a second buffer of its size.
  const whole = Buffer.allocUnsafeSlow(FRAME_HEADROOM + size);
  const buf = whole.subarray(FRAME_HEADROOM);
  headroomOf.set(whole.buffer, whole.byteOffset + FRAME_HEADROOM);
  let o = 0;
  const int64 = (value: unknown): void => {
    const long = Long.fromValue(value);
    buf.writeInt32BE(long.getHighBits(), o);
    buf.writeInt32BE(long.getLowBits(), o + 4);
    o += 8;
  };
  if (transactionalId == null) o = buf.writeInt16BE(-1, o);
  else {
    o = buf.writeInt16BE(transactionalBytes, o);
    o += buf.write(transactionalId, o, 'utf8');
  }
  o = buf.writeInt16BE(acks, o);
  o = buf.writeInt32BE(timeout, o);
  o = buf.writeInt32BE(topicData.length, o);
  topicData.forEach(({ topic, partitions }, t) => {
    o = buf.writeInt16BE(Buffer.byteLength(topic, 'utf8'), o);
    o += buf.write(topic, o, 'utf8');
    o = buf.writeInt32BE(partitions.length, o);
    partitions.forEach(({ partition, firstSequence = 0 }, p) => {
      const { run, records, count, recordBytes, firstTimestamp, maxTimestamp } = batches[t][p];
      const batchLength = BATCH_OVERHEAD - 12 + recordBytes; // after firstOffset and the length itself
      o = buf.writeInt32BE(partition, o);
      o = buf.writeInt32BE(12 + batchLength, o); // the RecordBatch encoder's size()
      int64(0); // firstOffset
      o = buf.writeInt32BE(batchLength, o);
      o = buf.writeInt32BE(0, o); // partitionLeaderEpoch
      o = buf.writeInt8(2, o); // magic
      const crcAt = o;
      o += 4;
      const bodyStart = o;
      o = buf.writeInt16BE(transactionalId ? 16 : 0, o); // attributes: no compression, transactional bit
      o = buf.writeInt32BE(count - 1, o); // lastOffsetDelta
      int64(firstTimestamp);
      int64(maxTimestamp);
      int64(producerId);
      o = buf.writeInt16BE(producerEpoch, o);
      o = buf.writeInt32BE(firstSequence, o);
      o = buf.writeInt32BE(count, o);
      if (run !== undefined) o = writeRunRecords(buf, o, run);
      else {
        for (const r of records) {
          o = r.bytes ? o + r.bytes.copy(buf, o) : writePlainRecord(buf, o, r.fields, r.body);
        }
      }
      buf.writeUInt32BE(deps.crc32c(buf.subarray(bodyStart, o)), crcAt);
    });
  });
  const encoder = Object.create(deps.encoderPrototype) as { buf: Buffer; offset: number };
  encoder.buf = buf;
  encoder.offset = o;
  return encoder;
}

/** firstOffset 8 + length 4 + leader epoch 4 + magic 1 + crc 4 + attributes 2 + last offset delta 4 +
 * timestamps 16 + producer id 8 + epoch 2 + first sequence 4 + record count 4. */
const BATCH_OVERHEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 16 + 8 + 2 + 4 + 4;

/**
 * Bytes a produce request's buffer keeps free in front of its payload for the request frame's header
 * (size 4, apiKey 2, apiVersion 2, correlationId 4, clientId length 2, then the clientId's bytes): room
 * for a clientId of up to 242 UTF-8 bytes; a longer one gets its frame by copying.
 */
const FRAME_HEADROOM = 256;

/**
 * The ArrayBuffers of produce payloads encoded here, each with where its payload starts (after
 * FRAME_HEADROOM bytes nobody else uses): requestFramer writes the header there once, and removes the
 * entry, so a payload framed twice is copied the second time instead of its header rewritten.
 */
const headroomOf = new WeakMap<ArrayBufferLike, number>();

/** kafkajs' protocol/request module: a request's payload framed for the wire, as an Encoder. */
export type RequestFramer = (args: {
  correlationId: number;
  clientId: string | null | undefined;
  request: { apiKey: number; apiVersion: number; encode(): Promise<{ readonly buffer: Buffer }> | object };
}) => Promise<object>;

/**
 * The request frame as kafkajs writes it (int32 size, int16 apiKey, int16 apiVersion, int32 correlationId,
 * clientId as a nullable int16 string, then the payload's bytes) in one exactly sized buffer, returned as
 * an Encoder over it (the connection reads its `buffer`). A produce payload encoded here gets its header
 * written in the room left in front of it: a 900 kB request was otherwise copied once more, into fresh
 * memory, which cost the gateway more than writing its records (a V8 profile of (d) model server: 149 ms
 * in this copy against 75 ms in writeRunRecords' copies, most of it page faults on the new buffer).
 */
export function requestFramer(encoderPrototype: object): RequestFramer {
  return async ({ correlationId, clientId, request: { apiKey, apiVersion, encode } }) => {
    const payload = ((await encode()) as { readonly buffer: Buffer }).buffer;
    const clientIdBytes = clientId == null ? 0 : Buffer.byteLength(clientId, 'utf8');
    const size = 2 + 2 + 4 + 2 + clientIdBytes + payload.length;
    const headerBytes = 4 + size - payload.length;
    const start = headroomOf.get(payload.buffer);
    const inPlace = start === payload.byteOffset && headerBytes <= FRAME_HEADROOM;
    if (start !== undefined) headroomOf.delete(payload.buffer);
    const buf = inPlace
      ? Buffer.from(payload.buffer, start - headerBytes, 4 + size)
      : Buffer.allocUnsafe(4 + size);
    let o = buf.writeInt32BE(size, 0);
    o = buf.writeInt16BE(apiKey, o);
    o = buf.writeInt16BE(apiVersion, o);
    o = buf.writeInt32BE(correlationId, o);
    if (clientId == null) o = buf.writeInt16BE(-1, o);
    else {
      o = buf.writeInt16BE(clientIdBytes, o);
      o += buf.write(clientId, o, 'utf8');
    }
    o = inPlace ? o + payload.length : o + payload.copy(buf, o);
    const encoder = Object.create(encoderPrototype) as { buf: Buffer; offset: number };
    encoder.buf = buf;
    encoder.offset = o;
    return encoder;
  };
}

/** kafkajs' crc32C/index.js contract: the unsigned CRC-32C of a whole buffer. */
export function kafkaCrc32c(buffer: Uint8Array): number {
  return crc32c(buffer);
}

/** The part of kafkajs' network/requestQueue RequestQueue that its pending-request check reads. */
export interface PendingRequestQueue {
  pending: readonly unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL (not exported): how often a queue with waiting requests looks. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/**
 * RequestQueue.scheduleCheckPendingRequests without its timer loop. kafkajs 2.2.4 arms the check after
 * every check and every response, with a delay of `throttledUntil - Date.now()`, which is negative when
 * the broker never throttled: each broker connection runs a 1 ms timer from its first response on,
 * whether a request waits or not (tulios/kafkajs#1704, #1556, #1604; the fixes #1667 and #1768 were never
 * released). In the gateway under load that was some 460 timer runs a second, each entering JavaScript
 * from libuv, and 1 000 wake-ups a second of an idle gateway. Here a check is armed only when something
 * needs one: a request waits (in `CHECK_PENDING_REQUESTS_INTERVAL_MS`, or when the broker's throttle
 * ends), or the broker throttles (when it ends). A waiting request is still sent as soon as an in-flight
 * one completes (fulfillRequest checks the queue itself), as before.
 */
export function scheduleCheckPendingRequests(this: PendingRequestQueue): void {
  if (this.throttleCheckTimeoutId) return;
  let scheduleAt = this.throttledUntil - Date.now();
  if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (scheduleAt <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, scheduleAt);
}

/** The produce request encoder install() put into the module cache (record runs need it in use). */
let installedProduce: unknown;

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
  const requestFile = nodeRequire.resolve('kafkajs/src/protocol/request');
  if (cache[producer] || cache[batch] || cache[requestFile]) return 'not applied: kafkajs was loaded before';
  // kafkajs' own record encoder stays loaded (under its file name's new slot) for the cases it keeps.
  const recordFile = nodeRequire.resolve('kafkajs/src/protocol/recordBatch/record/v0');
  const originalRecord = nodeRequire(recordFile) as RecordEncoder;
  const encoder = nodeRequire('kafkajs/src/protocol/encoder') as { prototype: object };
  const record = recordEncoder(originalRecord, encoder.prototype);
  const slots: [string, unknown][] = [
    ['kafkajs/src/producer/groupMessagesPerPartition', groupMessagesPerPartition],
    ['kafkajs/src/protocol/recordBatch/crc32C', kafkaCrc32c],
    [recordFile, record],
    [requestFile, requestFramer(encoder.prototype)],
  ];
  const put = (request: string, replacement: unknown): void => {
    const file = nodeRequire.resolve(request);
    const module = new Module(file);
    module.filename = file;
    module.loaded = true;
    module.exports = replacement;
    cache[file] = module;
  };
  for (const [request, replacement] of slots) put(request, replacement);
  // The produce request wraps kafkajs' own (loaded now, so that its fallback binds the slots above).
  const produceFile = nodeRequire.resolve('kafkajs/src/protocol/requests/produce/v3/request');
  const originalProduce = nodeRequire(produceFile) as (args: ProduceArgs) => ProduceRequest;
  const Long = nodeRequire('kafkajs/src/utils/long') as ProduceDeps['Long'];
  installedProduce = produceRequestEncoder(originalProduce, {
    Long,
    encoderPrototype: encoder.prototype,
    record,
    crc32c: kafkaCrc32c,
  });
  put(produceFile, installedProduce);
  const queue = nodeRequire('kafkajs/src/network/requestQueue') as { prototype: object };
  (queue.prototype as { scheduleCheckPendingRequests: unknown }).scheduleCheckPendingRequests =
    scheduleCheckPendingRequests;
  return `applied (kafkajs ${version}: linear partition grouping, records, produce requests and request frames written in place, slicing-by-8 CRC-32C, no idle 1 ms request-queue timer)`;
}

/** What happened at load: "applied (...)" or "not applied: <why>"; the gateway logs it at start. */
export const kafkajsTuning: string = install();

/**
 * True when `kafka` (the Kafka class the caller imported) belongs to a kafkajs whose produce requests are
 * encoded here, so that they take RecordRun messages. False when the tuning was not applied, and under
 * Jest: its module registry answers `require.cache` reads with its own modules and ignores the writes,
 * so kafkajs there keeps its own produce encoder.
 */
export function recordRunsSupported(kafka: unknown): boolean {
  if (installedProduce === undefined) return false;
  const nodeRequire = Module.createRequire(__filename);
  const cached = (request: string): unknown => nodeRequire.cache[nodeRequire.resolve(request)]?.exports;
  const loaded = cached('kafkajs') as { Kafka?: unknown } | undefined;
  return (
    loaded?.Kafka === kafka && cached('kafkajs/src/protocol/requests/produce/v3/request') === installedProduce
  );
}
