import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';
import { KafkaSink, type InferenceLogWriter, type ValueRun } from '@infergate/inference-log-sinks';
import { consumeTopic, createTopics, testBrokers, uniqueTopic } from '@infergate/testing';
import { loadConfig } from '../config/load-config';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { createLogSink, createLogWriter } from './log-sink.factory';

const quiet = { log: () => undefined, warn: () => undefined };

/** What one produce request carried: its record count and value bytes. */
type Sent = { count: number; bytes: number };

function valueBytes(run: ValueRun): number {
  let bytes = 0;
  for (let i = 0; i < run.count; i++) bytes += run.bounds[2 * i + 1]! - run.bounds[2 * i]!;
  return bytes;
}

/**
 * The log writer exactly as the gateway builds it from its default settings (LOG_BATCH_SIZE,
 * LOG_BATCH_BYTES, SPOOL_DELIVERY_LINGER_MS, ... unset) on the real broker, whose message.max.bytes is
 * Kafka's default (1 MiB): the largest batches those defaults make must each be one produce request the
 * broker takes. A batch the broker refused as too large would be split into single records (nothing lost,
 * but one produce per record), which `failedAttempts` and the per-send counts below would show.
 */
describe('the gateway’s log writer on its default batch limits, against the real broker', () => {
  let dir: string;
  let config: AppConfig;
  let writer: InferenceLogWriter | undefined;
  let sent: Sent[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'log-writer-defaults-'));
    config = loadConfig({ KAFKA_BROKERS: testBrokers().join(','), DATA_DIR: dir });
    const sink = createLogSink(config, quiet);
    if (!(sink instanceof KafkaSink))
      throw new Error(`expected the Kafka sink, got ${sink.constructor.name}`);
    sent = [];
    const send = sink.send.bind(sink);
    // The real send, counted on its way through.
    jest.spyOn(sink, 'send').mockImplementation((topic, values) => {
      sent.push({ count: values.count, bytes: valueBytes(values) });
      return send(topic, values);
    });
    writer = await createLogWriter(config, sink, new MetricsService(), quiet);
  });

  afterEach(async () => {
    await writer?.close();
    writer = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends LOG_BATCH_SIZE of the smallest records as one produce request', async () => {
    const topic = uniqueTopic('defaults-count');
    await createTopics(topic);
    const n = config.inferenceLog.batchSize;
    // The smallest records a serving logs (an empty JSON body and a short error answer): ~20 bytes each,
    // so the record count, not LOG_BATCH_BYTES, ends the batch. Enqueued in one go, they reach the spool
    // in one flush and leave it as one batch.
    const record = (i: number): InferenceLogRecord => ({
      modelId: 1,
      modelName: 'm',
      modelVersion: 1,
      requestTimestamp: 1_764_000_000_000 + i,
      responseHttpCode: 400,
      inferenceRequest: '{}',
      inferenceResponse: '{"e":1}',
    });
    const destination = { servingId: 1, servingName: 'm', topic };
    for (let i = 0; i < n; i++) expect(writer!.enqueue({ destination, record: record(i) })).toBe(true);
    await writer!.drained();

    expect(sent.map((s) => s.count)).toEqual([n]);
    expect(writer!.snapshot()).toMatchObject({ sent: n, failedAttempts: 0, dropped: 0, depth: 0 });
    const read = await consumeTopic(topic, n, 60_000);
    expect(read).toHaveLength(n);
    expect(decodeInferenceLog(read[0]!.value!)).toEqual(record(0));
    expect(decodeInferenceLog(read[n - 1]!.value!)).toEqual(record(n - 1));
  });

  it('sends a backlog of MNIST-sized records in batches filled up to LOG_BATCH_BYTES, each one produce request', async () => {
    const topic = uniqueTopic('defaults-bytes');
    await createTopics(topic);
    const limit = config.inferenceLog.batchBytes;
    // A 784-float predict request (~7 kB) and its 10 scores, as the seed's serving logs them.
    const pixels = Array.from({ length: 784 }, (_, i) => ((i * 7919) % 256) / 255).map((p) => p.toFixed(4));
    const request = `{"signature_name": "predict_images", "instances": [[${pixels.join(', ')}]]}`;
    const response = `{"predictions": [[${Array.from({ length: 10 }, () => '0.1').join(', ')}]]}`;
    const count = Math.ceil((3.5 * limit) / request.length);
    const record = (i: number): InferenceLogRecord => ({
      modelId: 2,
      modelName: 'mnist',
      modelVersion: 1,
      requestTimestamp: 1_764_000_000_000 + i,
      responseHttpCode: 200,
      inferenceRequest: request,
      inferenceResponse: response,
    });
    const destination = { servingId: 2, servingName: 'mnist', topic };
    for (let i = 0; i < count; i++) expect(writer!.enqueue({ destination, record: record(i) })).toBe(true);
    await writer!.drained();

    expect(sent.reduce((total, s) => total + s.count, 0)).toBe(count);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    // No batch was refused and split into single records, and the batches did reach the byte limit.
    expect(sent.every((s) => s.count > 1 && s.bytes <= limit)).toBe(true);
    expect(Math.max(...sent.map((s) => s.bytes))).toBeGreaterThan(0.95 * limit);
    expect(writer!.snapshot()).toMatchObject({ sent: count, failedAttempts: 0, dropped: 0, depth: 0 });
    const read = await consumeTopic(topic, count, 60_000);
    expect(read.map((m) => decodeInferenceLog(m.value!).requestTimestamp)).toEqual(
      Array.from({ length: count }, (_, i) => record(i).requestTimestamp),
    );
  });
});
