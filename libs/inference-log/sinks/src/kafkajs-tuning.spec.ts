import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { crc32c } from './crc32c';
import {
  groupMessagesPerPartition,
  kafkaCrc32c,
  KAFKAJS_TUNED_VERSION,
  produceRequestEncoder,
  type ProduceDeps,
  RecordRun,
  recordRunsSupported,
  recordEncoder,
  type RecordEncoder,
  requestFramer,
  type RequestFramer,
  type RecordFields,
} from './kafkajs-tuning';
import { valueRunOf } from './value-run';

// The replacements must answer exactly what kafkajs' own modules answer. Jest loads kafkajs' originals
// (its module registry bypasses the Node cache entries the tuning installs), so both can be compared here.
type Group = typeof groupMessagesPerPartition;
const originalGroup = jest.requireActual<Group>('kafkajs/src/producer/groupMessagesPerPartition');
const originalRecord = jest.requireActual<RecordEncoder>('kafkajs/src/protocol/recordBatch/record/v0');
const Encoder = jest.requireActual<{ prototype: object }>('kafkajs/src/protocol/encoder');
const originalCrc = jest.requireActual<(b: Buffer) => number>('kafkajs/src/protocol/recordBatch/crc32C');

function byteWiseCrc32c(bytes: Uint8Array): number {
  let crc = -1;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ -1) >>> 0;
}

type Produce = Parameters<typeof produceRequestEncoder>[0];

/** kafkajs' own produce request (v3), and this lib's encoder over it with kafkajs' record encoder and CRC. */
function produceEncoders(): { originalProduce: Produce; encode: Produce } {
  const originalProduce = jest.requireActual<Produce>('kafkajs/src/protocol/requests/produce/v3/request');
  const Long = jest.requireActual<ProduceDeps['Long']>('kafkajs/src/utils/long');
  const encode = produceRequestEncoder(originalProduce, {
    Long,
    encoderPrototype: Encoder.prototype,
    record: recordEncoder(originalRecord, Encoder.prototype),
    crc32c: originalCrc,
  });
  return { originalProduce, encode };
}

describe('kafkajs tuning', () => {
  it('is written for the kafkajs version the workspace pins', () => {
    expect(jest.requireActual<{ version: string }>('kafkajs/package.json').version).toBe(
      KAFKAJS_TUNED_VERSION,
    );
  });

  it('groups messages per partition exactly as kafkajs does', () => {
    let seed = 1;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (const partitions of [0, 1, 3, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i }));
      const messages = Array.from({ length: 700 }, (_, i) => ({ value: `m${i}`, key: String(next() % 50) }));
      // A partitioner with state, as kafkajs' round-robin default: both must call it in the same order.
      const partitioner = () => {
        let calls = 0;
        return ({ message }: { message: object }) =>
          (Number((message as { key: string }).key) + calls++) % partitions;
      };
      const args = { topic: 't', partitionMetadata, messages };
      expect(groupMessagesPerPartition({ ...args, partitioner: partitioner() })).toEqual(
        originalGroup({ ...args, partitioner: partitioner() }),
      );
    }
  });

  it('encodes records to the same bytes as kafkajs does', () => {
    let seed = 3;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const delegated: RecordFields[] = [];
    const encode = recordEncoder((fields) => {
      delegated.push(fields);
      return originalRecord(fields);
    }, Encoder.prototype);
    const bytesOrString = (): unknown =>
      [null, undefined, 'k€y', '', randomBytes(next(300)), Buffer.alloc(0), randomBytes(200_000)][next(7)];
    for (let i = 0; i < 3000; i++) {
      const fields: RecordFields = {
        offsetDelta: [0, 1, 63, 64, 8191, 8192, next(1_000_000), 2 ** 31 - 1][next(8)],
        timestampDelta: [0, 1, -1, 63, -64, 2 ** 35 + next(1000), -(2 ** 40), 2 ** 52][next(8)],
        key: bytesOrString(),
        value: bytesOrString(),
      };
      if (next(10) === 0) fields.headers = { trace: 'abc', bin: randomBytes(5), many: ['x', 'y'] };
      if (next(20) === 0) fields.headers = {};
      if (next(50) === 0) fields.timestampDelta = 2 ** 60; // beyond 2^53: kafkajs' own (Long) path
      const expected = originalRecord(fields).buffer;
      const actual = encode(fields);
      expect(Buffer.isBuffer(actual.buf)).toBe(true);
      expect(actual.buffer.equals(expected)).toBe(true);
    }
    // Headers and non-integer deltas went to kafkajs; plain records (the sink's) did not.
    expect(delegated.length).toBeGreaterThan(200);
    expect(
      delegated.every(
        (f) => (f.headers && Object.keys(f.headers).length > 0) || f.timestampDelta === 2 ** 60,
      ),
    ).toBe(true);
  });

  it('encodes produce requests (v3, reused by v4-v7) to the same bytes as kafkajs does', async () => {
    type Produce = Parameters<typeof produceRequestEncoder>[0];
    const originalProduce = jest.requireActual<Produce>('kafkajs/src/protocol/requests/produce/v3/request');
    const Long = jest.requireActual<ProduceDeps['Long'] & { fromInt(n: number): unknown }>(
      'kafkajs/src/utils/long',
    );
    const encode = produceRequestEncoder(originalProduce, {
      Long,
      encoderPrototype: Encoder.prototype,
      record: recordEncoder(originalRecord, Encoder.prototype),
      crc32c: originalCrc,
    });
    let seed = 5;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_764_000_000_123);
    try {
      for (let i = 0; i < 300; i++) {
        const message = () => {
          const m: Record<string, unknown> = {
            key: [null, 'k', randomBytes(8)][next(3)],
            value: [randomBytes(next(6000)), 'v€', null][next(3)],
          };
          if (next(4) === 0)
            m['timestamp'] = [1_764_000_000_000 + next(5000), String(1_764_000_000_000 + next(5000)), '0'][
              next(3)
            ];
          if (next(10) === 0) m['headers'] = { h: 'x' };
          return m;
        };
        const args = {
          acks: [-1, 1, 0][next(3)],
          timeout: next(30000),
          transactionalId: [undefined, null, '', 'tx-1'][next(4)],
          producerId: [undefined, Long.fromInt(4242), 77][next(3)],
          producerEpoch: [undefined, 0, 3][next(3)],
          topicData: Array.from({ length: 1 + next(3) }, (_, t) => ({
            topic: `topic-${t}-é`,
            partitions: Array.from({ length: 1 + next(3) }, (_, p) => ({
              partition: p,
              ...(next(2) ? { firstSequence: next(100) } : {}),
              messages: Array.from({ length: next(40) }, message),
            })),
          })),
        };
        const expected = ((await originalProduce(args).encode()) as { buffer: Buffer }).buffer;
        const actual = ((await encode(args).encode()) as { buffer: Buffer }).buffer;
        expect([i, actual.equals(expected)]).toEqual([i, true]);
      }
      // A compressed request keeps kafkajs' encoder (the same function object).
      const compressed = { acks: -1, timeout: 1000, compression: 1, topicData: [] };
      expect(String(encode(compressed).encode)).toBe(String(originalProduce(compressed).encode));
    } finally {
      now.mockRestore();
    }
  });

  it('encodes a RecordRun message to the bytes kafkajs writes for its records one by one', async () => {
    const { originalProduce, encode } = produceEncoders();
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_764_000_000_456);
    try {
      for (let i = 0; i < 100; i++) {
        // Up to 300 records (offset deltas past 63 and 8191 take more varint bytes), values 0 B to ~20 kB.
        const runs = Array.from({ length: 1 + next(3) }, () =>
          Array.from({ length: 1 + next(i % 10 === 0 ? 9000 : 300) }, () =>
            randomBytes(next(4) === 0 ? next(20000) : next(300)),
          ),
        );
        const topicData = (asRun: boolean) =>
          runs.map((values, p) => ({
            topic: 'mnist-inf1',
            partitions: [
              {
                partition: p,
                messages: (asRun
                  ? [{ key: null, value: new RecordRun(valueRunOf(values)) }]
                  : values.map((value) => ({ key: null, value }))) as { timestamp?: unknown }[],
              },
            ],
          }));
        const args = { acks: -1, timeout: 30000 };
        const expected = (
          (await originalProduce({ ...args, topicData: topicData(false) }).encode()) as { buffer: Buffer }
        ).buffer;
        const actual = (
          (await encode({ ...args, topicData: topicData(true) }).encode()) as { buffer: Buffer }
        ).buffer;
        expect([i, actual.equals(expected)]).toEqual([i, true]);
      }
    } finally {
      now.mockRestore();
    }
    // A run's bytes may sit at an offset of a larger buffer (a spool read): only its bounds count.
    const bytes = Buffer.from('..abcdef..');
    const run = { bytes: bytes.subarray(2, 8), bounds: new Uint32Array([0, 2, 2, 6]), count: 2 };
    const one = (messages: { timestamp?: unknown }[]) =>
      encode({ acks: -1, timeout: 1, topicData: [{ topic: 't', partitions: [{ partition: 0, messages }] }] });
    jest.spyOn(Date, 'now').mockReturnValue(5);
    try {
      const viaRun = (
        (await one([{ key: null, value: new RecordRun(run) } as object]).encode()) as { buffer: Buffer }
      ).buffer;
      const perRecord = (
        (await originalProduce({
          acks: -1,
          timeout: 1,
          topicData: [
            {
              topic: 't',
              partitions: [
                {
                  partition: 0,
                  messages: [{ value: Buffer.from('ab') }, { value: Buffer.from('cdef') }] as object[] as {
                    timestamp?: unknown;
                  }[],
                },
              ],
            },
          ],
        }).encode()) as { buffer: Buffer }
      ).buffer;
      expect(viaRun.equals(perRecord)).toBe(true);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('frames a produce request encoded here in place, once, to the bytes kafkajs writes', async () => {
    const originalFramer = jest.requireActual<RequestFramer>('kafkajs/src/protocol/request');
    const { encode: produce } = produceEncoders();
    const frame = requestFramer(Encoder.prototype);
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_764_000_000_789);
    try {
      for (const clientId of [null, 'infergate', 'clïent-€', 'x'.repeat(242), 'x'.repeat(243)]) {
        const args = {
          acks: -1,
          timeout: 30000,
          topicData: [
            {
              topic: 'inference-log',
              partitions: [
                {
                  partition: 0,
                  messages: [{ key: null, value: randomBytes(5000) } as Record<string, unknown>],
                },
              ],
            },
          ],
        };
        const request = produce(args);
        const payload = ((await request.encode()) as { buffer: Buffer }).buffer;
        const framing = {
          correlationId: 7,
          clientId,
          request: { apiKey: 0, apiVersion: 3, encode: async () => ({ buffer: payload }) },
        };
        const expected = (
          (await originalFramer({
            ...framing,
            request: {
              ...framing.request,
              encode: async () => {
                const e = new (Encoder as unknown as new () => { writeBuffer(b: Buffer): unknown })();
                e.writeBuffer(payload);
                return e;
              },
            },
          })) as { buffer: Buffer }
        ).buffer;
        const first = ((await frame(framing)) as { buffer: Buffer }).buffer;
        expect(first.equals(expected)).toBe(true);
        // In place: the frame is the payload's own memory, the header in the room in front of it (a
        // clientId longer than that room is copied).
        expect(first.buffer === payload.buffer).toBe(clientId !== 'x'.repeat(243));
        // Framed again (another correlation id), it is copied: the first frame's header stays as it was.
        const again = ((await frame({ ...framing, correlationId: 8 })) as { buffer: Buffer }).buffer;
        expect(again.buffer === payload.buffer).toBe(false);
        expect(again.subarray(12).equals(expected.subarray(12))).toBe(true);
        expect(first.equals(expected)).toBe(true);
      }
    } finally {
      now.mockRestore();
    }
  });

  it('takes record runs only through the kafkajs it tuned (never under Jest, whose kafkajs is its own)', () => {
    expect(recordRunsSupported(jest.requireActual<{ Kafka: unknown }>('kafkajs').Kafka)).toBe(false);
    expect(recordRunsSupported(undefined)).toBe(false);
  });

  it('frames requests to the same bytes as kafkajs does', async () => {
    const originalFramer = jest.requireActual<RequestFramer>('kafkajs/src/protocol/request');
    const EncoderClass = Encoder as unknown as new () => { writeBytes(b: Buffer): unknown };
    const frame = requestFramer(Encoder.prototype);
    let seed = 9;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 200; i++) {
      const body = randomBytes(next(3) === 0 ? 0 : next(70000));
      const args = {
        correlationId: next(2 ** 31),
        clientId: [null, undefined, '', 'infergate', 'clïent-€'][next(5)],
        request: {
          apiKey: next(70),
          apiVersion: next(13),
          // An Encoder holding the payload, as every kafkajs request's encode() answers (kafkajs' writeBytes
          // adds an int32 length, so the payload is its length then the bytes).
          encode: async () => {
            const encoder = new EncoderClass();
            encoder.writeBytes(body);
            return encoder;
          },
        },
      };
      const expected = ((await originalFramer(args)) as { buffer: Buffer }).buffer;
      const actual = ((await frame(args)) as { buffer: Buffer }).buffer;
      expect([i, actual.equals(expected)]).toEqual([i, true]);
    }
  });

  it('checksums record batches exactly as kafkajs does', () => {
    expect(kafkaCrc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value
    for (let n = 0; n < 300; n++) {
      const bytes = randomBytes(n * 7);
      expect(kafkaCrc32c(bytes)).toBe(originalCrc(bytes));
      const start = n % 9;
      const end = Math.max(start, bytes.length - (n % 5));
      expect(crc32c(bytes, start, end)).toBe(byteWiseCrc32c(bytes.subarray(start, end)));
    }
  });

  it('is in place in a Node process that loads the built lib before kafkajs', () => {
    const sinks = path.resolve(__dirname, '../../../../dist/libs/inference-log/sinks/src');
    const script = `
      const sinks = require(${JSON.stringify(sinks)});
      require('kafkajs');
      const cache = require.cache;
      const group = cache[require.resolve('kafkajs/src/producer/groupMessagesPerPartition')].exports;
      const crc = cache[require.resolve('kafkajs/src/protocol/recordBatch/crc32C')].exports;
      const record = cache[require.resolve('kafkajs/src/protocol/recordBatch/record/v0')].exports;
      const framed = String(cache[require.resolve('kafkajs/src/protocol/request')].exports).includes('clientIdBytes');
      const bytes = record({ offsetDelta: 3, key: null, value: Buffer.from('v') }).buffer.toString('hex');
      const queue = require('kafkajs/src/network/requestQueue').prototype.scheduleCheckPendingRequests === sinks.scheduleCheckPendingRequests;
      console.log(JSON.stringify([sinks.kafkajsTuning, group === sinks.groupMessagesPerPartition, crc === sinks.kafkaCrc32c, bytes, framed, queue]));`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '../../../..') });
    expect(run.stderr.toString()).toBe('');
    expect(JSON.parse(run.stdout.toString())).toEqual([
      `applied (kafkajs ${KAFKAJS_TUNED_VERSION}: linear partition grouping, records, produce requests and request frames written in place, slicing-by-8 CRC-32C, no idle 1 ms request-queue timer)`,
      true,
      true,
      // length 7 (zigzag 14), attributes 0, timestampDelta 0, offsetDelta 3 (zigzag 6), key null (-1 -> 1),
      // value of 1 byte (zigzag 2) 'v', no headers
      '0e000006010276' + '00',
      // requestFramer's function, not kafkajs' own
      true,
      // the request queue's check without its timer loop
      true,
    ]);
    // Loaded after kafkajs, it leaves kafkajs alone and says so.
    const late = spawnSync(
      process.execPath,
      ['-e', `require('kafkajs'); console.log(require(${JSON.stringify(sinks)}).kafkajsTuning)`],
      {
        cwd: path.resolve(__dirname, '../../../..'),
      },
    );
    expect(late.stdout.toString().trim()).toBe('not applied: kafkajs was loaded before');
  });
});
