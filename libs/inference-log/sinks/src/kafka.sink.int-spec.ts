import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';
import { consumeTopic, createTopics, testBrokers, uniqueTopic } from '@infergate/testing';
import { KafkaSink } from './kafka.sink';

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

  it('rejects a write when no broker answers, and reports itself down', async () => {
    const sink = new KafkaSink({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 300 });
    await expect(
      sink.write([{ destination: { servingId: 1, servingName: 'x', topic: 'x' }, record: record(1) }]),
    ).rejects.toThrow();
    expect((await sink.health()).state).toBe('down');
    await sink.close();
  });
});
