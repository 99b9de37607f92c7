import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';
import { consumeTopic, createTopics, testBrokers, uniqueTopic } from '@infergate/testing';
import { SpooledLogPipeline } from './spooled-log-pipeline';
import { KafkaThreadError, ThreadedKafkaSink } from './threaded-kafka.sink';
import { valueRunOf } from './value-run';

const record = (n: number): InferenceLogRecord => ({
  modelId: 7,
  modelName: 'mnist',
  modelVersion: 1,
  requestTimestamp: 1_764_000_000_000 + n,
  responseHttpCode: 200,
  inferenceRequest: `{"instances":[[${n}]]}`,
  inferenceResponse: `{"predictions":[[${n}]]}`,
});
const quiet = { log: () => undefined, warn: () => undefined };

describe('ThreadedKafkaSink (the producer on its own thread) against the real broker', () => {
  let sink: ThreadedKafkaSink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  it('delivers the spool’s records through the producer thread, in order, as plain Avro with null keys', async () => {
    const topic = uniqueTopic('threaded');
    await createTopics(topic);
    const logs: string[] = [];
    sink = new ThreadedKafkaSink({
      brokers: testBrokers(),
      logger: { log: (m) => logs.push(m), warn: (m) => logs.push(m) },
    });
    const dir = mkdtempSync(join(tmpdir(), 'threaded-spool-'));
    try {
      const pipeline = await SpooledLogPipeline.open(
        sink,
        {
          directory: dir,
          flushMs: 2,
          flushBytes: 64 * 1024,
          fsync: 'never',
          fsyncIntervalMs: 1000,
          maxBytes: 64 * 1024 * 1024,
          atCap: 'refuse-new',
          segmentBytes: 64 * 1024,
          batchRecords: 50,
          batchBytes: 1024 * 1024,
          retryMinMs: 50,
          retryMaxMs: 500,
        },
        {},
        quiet,
      );
      const destination = { servingId: 7, servingName: 'mnist', topic };
      for (let i = 0; i < 300; i++) pipeline.enqueue({ destination, record: record(i) });
      await pipeline.drained();
      expect(pipeline.snapshot()).toMatchObject({ sent: 300, dropped: 0, depth: 0 });
      await pipeline.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    sink = undefined; // closed by the pipeline
    const read = await consumeTopic(topic, 300);
    expect(read.map((m) => m.key)).toEqual(Array.from({ length: 300 }, () => null));
    expect(read.map((m) => decodeInferenceLog(m.value!))).toEqual(
      Array.from({ length: 300 }, (_, i) => record(i)),
    );
    expect(
      logs.some((m) => m.startsWith('kafka producer thread started; kafkajs producer tuning applied')),
    ).toBe(true);
  });

  it('reports a record the broker refuses as permanent, across the thread boundary', async () => {
    const topic = uniqueTopic('threaded-large');
    await createTopics(topic);
    sink = new ThreadedKafkaSink({ brokers: testBrokers() });
    // Over the broker's message.max.bytes (1 MiB by default): Kafka answers MESSAGE_TOO_LARGE.
    const error: unknown = await sink.send(topic, valueRunOf([Buffer.alloc(1_500_000, 1)])).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaThreadError);
    expect(sink.isPermanent(error)).toBe(true);
    expect((error as KafkaThreadError).message).toMatch(/larger than the max message size/);
    // The sink stays usable for the next batch.
    await sink.send(topic, valueRunOf([Buffer.from('ok')]));
    expect((await consumeTopic(topic, 1)).map((m) => m.value?.toString())).toEqual(['ok']);
  });

  it('rejects a send as retryable when no broker answers, and reports itself down', async () => {
    sink = new ThreadedKafkaSink({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 300 });
    const error: unknown = await sink.send('x', valueRunOf([Buffer.from('v')])).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaThreadError);
    expect(sink.isPermanent(error)).toBe(false);
    expect((await sink.health()).state).toBe('down');
  });

  it('fails the sends in flight when the thread dies (retryable), and starts a new thread for the next', async () => {
    const topic = uniqueTopic('threaded-restart');
    await createTopics(topic);
    const warnings: string[] = [];
    sink = new ThreadedKafkaSink({
      brokers: testBrokers(),
      logger: { log: () => undefined, warn: (m) => warnings.push(m) },
    });
    expect(await sink.health()).toEqual({ state: 'up' });
    const inFlight = sink.send(topic, valueRunOf([Buffer.from('maybe')])).catch((e: unknown) => e);
    await sink['worker']!.terminate();
    const error = await inFlight;
    // Either the produce finished before the thread stopped, or it failed as retryable.
    if (error !== undefined) {
      expect(error).toBeInstanceOf(Error);
      expect(sink.isPermanent(error)).toBe(false);
      expect(String(error)).toMatch(/kafka producer thread stopped/);
    }
    expect(warnings.some((w) => w.startsWith('kafka producer thread stopped'))).toBe(true);
    await sink.send(topic, valueRunOf([Buffer.from('after')]));
    const values = (await consumeTopic(topic, error === undefined ? 2 : 1)).map((m) => m.value?.toString());
    expect(values.at(-1)).toBe('after');
  });
});
