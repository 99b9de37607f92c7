import { spawn } from 'node:child_process';
import path from 'node:path';
import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';
import {
  consumeTopic,
  createTopics,
  testBrokers,
  uniqueTopic,
  withAdmin,
  type ConsumedMessage,
} from '@infergate/testing';
import { KafkaSink } from './kafka.sink';
import { valueRunOf } from './value-run';

const BATCHES = 6;
const PER_BATCH = 5;
const PARTITIONS = 3;
const batchValues = (b: number): Buffer[] =>
  Array.from({ length: PER_BATCH }, (_, i) => Buffer.from(`batch ${b} record ${i} ${'x'.repeat(b * 40)}`));

/**
 * Sends BATCHES spool batches to `topic` through a KafkaSink in a plain Node process (the lib loaded by
 * the repo's run-ts hook, kafkajs through Node's module cache, so the kafkajs tuning is in place as in
 * the gateway); answers what the child reported.
 */
function sendFromNodeProcess(topic: string): Promise<{ tuning: string; runs: boolean }> {
  const root = path.resolve(__dirname, '../../../..');
  const index = path.join(__dirname, 'index.ts');
  const script = `
    require(${JSON.stringify(path.join(root, 'tools/scripts/run-ts.cjs'))})(${JSON.stringify(index)});
    const sinks = require(${JSON.stringify(index)});
    // batchValues, as above
    const values = (b) => Array.from({ length: ${PER_BATCH} }, (_, i) =>
      Buffer.from('batch ' + b + ' record ' + i + ' ' + 'x'.repeat(b * 40)));
    (async () => {
      const sink = new sinks.KafkaSink({ brokers: ${JSON.stringify(testBrokers())} });
      for (let b = 0; b < ${BATCHES}; b++) await sink.send(${JSON.stringify(topic)}, sinks.valueRunOf(values(b)));
      await sink.close();
      console.log(JSON.stringify({ tuning: sinks.kafkajsTuning, runs: sink.recordRuns }));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0)
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { tuning: string; runs: boolean });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

/** Each batch's records in one partition, in order, and the batches spread over every partition. */
function expectBatchPerPartition(messages: readonly ConsumedMessage[]): void {
  expect(messages).toHaveLength(BATCHES * PER_BATCH);
  const byBatch = new Map<number, ConsumedMessage[]>();
  for (const m of messages) {
    expect(m.key).toBeNull();
    const b = Number(/^batch (\d+)/.exec(m.value!.toString())![1]);
    byBatch.set(b, [...(byBatch.get(b) ?? []), m]);
  }
  for (let b = 0; b < BATCHES; b++) {
    const got = byBatch.get(b)!;
    expect(new Set(got.map((m) => m.partition)).size).toBe(1);
    const inOffsetOrder = [...got].sort((x, y) => Number(BigInt(x.offset) - BigInt(y.offset)));
    expect(inOffsetOrder.map((m) => m.value!.toString())).toEqual(batchValues(b).map(String));
  }
  // Round robin from a random start: six batches take each of the three partitions twice.
  const perPartition = new Map<number, number>();
  for (const [, got] of byBatch)
    perPartition.set(got[0]!.partition, (perPartition.get(got[0]!.partition) ?? 0) + 1);
  expect([...perPartition.values()]).toEqual(Array.from({ length: PARTITIONS }, () => BATCHES / PARTITIONS));
}

const record = (n: number): InferenceLogRecord => ({
  modelId: 3,
  modelName: 'mnist',
  modelVersion: 2,
  requestTimestamp: 1_764_000_000_000 + n,
  responseHttpCode: n % 2 ? 200 : 400,
  inferenceRequest: `{"instances":[[${n}]]}`,
  inferenceResponse: n % 2 ? '{"predictions":[[Infinity]]}' : '{"error":"bad"}',
});

describe('KafkaSink against the real broker', () => {
  it('writes plain-Avro, null-key records to each serving topic, in order', async () => {
    const topicA = uniqueTopic('sink-a');
    const topicB = uniqueTopic('sink-b');
    await createTopics(topicA, topicB);
    const sink = new KafkaSink({ brokers: testBrokers() });
    const a = { servingId: 3, servingName: 'mnist', topic: topicA };
    const b = { servingId: 4, servingName: 'other', topic: topicB };
    await sink.write([
      { destination: a, record: record(1) },
      { destination: b, record: record(2) },
      { destination: a, record: record(3) },
      { destination: { servingId: 5, servingName: 'nolog', topic: null }, record: record(4) },
    ]);
    expect(await sink.health()).toEqual({ state: 'up' });
    await sink.close();

    const fromA = await consumeTopic(topicA, 2);
    expect(fromA.map((m) => m.key)).toEqual([null, null]);
    expect(fromA.map((m) => decodeInferenceLog(m.value!))).toEqual([record(1), record(3)]);
    const fromB = await consumeTopic(topicB, 1);
    expect(fromB.map((m) => decodeInferenceLog(m.value!))).toEqual([record(2)]);
  });

  it('sends each spool batch as one record batch to one partition, the partitions in turn, tuned (one RecordRun message) and not (a message per record)', async () => {
    const tuned = uniqueTopic('sink-runs');
    const untuned = uniqueTopic('sink-per-record');
    await withAdmin((admin) =>
      admin.createTopics({
        topics: [tuned, untuned].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
        waitForLeaders: true,
      }),
    );
    // Under Jest the sink's kafkajs is Jest's own copy, beside the tuned one in Node's cache.
    const sink = new KafkaSink({ brokers: testBrokers() });
    expect(sink.recordRuns).toBe(false);
    for (let b = 0; b < BATCHES; b++) await sink.send(untuned, valueRunOf(batchValues(b)));
    await sink.close();
    const child = await sendFromNodeProcess(tuned);
    expect(child.tuning).toMatch(/^applied/);
    expect(child.runs).toBe(true);

    expectBatchPerPartition(await consumeTopic(tuned, BATCHES * PER_BATCH));
    expectBatchPerPartition(await consumeTopic(untuned, BATCHES * PER_BATCH));
  });

  it('rejects a write when no broker answers, and reports itself down', async () => {
    const sink = new KafkaSink({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 300 });
    await expect(
      sink.write([{ destination: { servingId: 1, servingName: 'x', topic: 'x' }, record: record(1) }]),
    ).rejects.toThrow();
    expect((await sink.health()).state).toBe('down');
    await sink.close();
  });
});
