import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { InferenceLogRecord } from '@infergate/inference-log-schema';
import { KafkaSink } from '@infergate/inference-log-sinks';
import { createTopics, testBrokers, uniqueTopic } from '@infergate/testing';
import { readLogs, type LogLine } from './log-reader';
import { parseOptions } from './log-reader.options';

const record = (n: number, status = 200, version = 1, name = 'mnist'): InferenceLogRecord => ({
  modelId: 1,
  modelName: name,
  modelVersion: version,
  requestTimestamp: 1_764_000_000_000 + n,
  responseHttpCode: status,
  inferenceRequest: `{"instances":[[${n}]]}`,
  inferenceResponse: status === 200 ? '{"predictions":[[1]]}' : '{"error":"x"}',
});

describe('log-reader against the real broker', () => {
  const topic = uniqueTopic('log-reader');
  const sink = new KafkaSink({ brokers: testBrokers() });
  const destination = { servingId: 1, servingName: 'mnist', topic };
  let midTime = 0;

  const read = async (...args: string[]): Promise<LogLine[]> => {
    const lines: LogLine[] = [];
    await readLogs(parseOptions(['--topic', topic, '--brokers', testBrokers().join(','), ...args]), (l) =>
      lines.push(l),
    );
    return lines;
  };

  beforeAll(async () => {
    await createTopics(topic);
    await sink.write([0, 1, 2, 3, 4].map((n) => ({ destination, record: record(n, n === 3 ? 400 : 200) })));
    await new Promise((r) => setTimeout(r, 20));
    midTime = Date.now();
    await sink.write([
      { destination, record: record(5, 503, 2) },
      { destination, record: record(6, 200, 2, 'iris') },
    ]);
  });
  afterAll(() => sink.close());

  it('prints every record from the beginning, decoded, with partition and offset', async () => {
    const lines = await read();
    expect(lines.map((l) => l.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(lines[0]).toMatchObject({ partition: 0, ...record(0) });
  });

  it('starts at an offset or a time', async () => {
    expect((await read('--from-offset', '4')).map((l) => l.offset)).toEqual(['4', '5', '6']);
    expect((await read('--from-time', new Date(midTime).toISOString())).map((l) => l.offset)).toEqual([
      '5',
      '6',
    ]);
    expect(await read('--from-offset', '99')).toEqual([]);
  });

  it('filters by model, version and status code or class', async () => {
    expect((await read('--model', 'iris')).map((l) => l.offset)).toEqual(['6']);
    expect((await read('--version', '2')).map((l) => l.offset)).toEqual(['5', '6']);
    expect((await read('--status', '400')).map((l) => l.offset)).toEqual(['3']);
    expect((await read('--status', '5xx')).map((l) => l.offset)).toEqual(['5']);
    expect((await read('--model', 'mnist', '--status', '2xx')).map((l) => l.offset)).toEqual([
      '0',
      '1',
      '2',
      '4',
    ]);
  });

  it('--follow tails new records until stopped', async () => {
    const lines: LogLine[] = [];
    const abort = new AbortController();
    const done = readLogs(
      parseOptions(['--topic', topic, '--brokers', testBrokers().join(','), '--from-end', '--follow']),
      (l) => {
        lines.push(l);
        if (lines.length === 2) abort.abort();
      },
      abort.signal,
    );
    await new Promise((r) => setTimeout(r, 3000));
    await sink.write([7, 8].map((n) => ({ destination, record: record(n) })));
    await done;
    expect(lines.map((l) => l.requestTimestamp)).toEqual([
      record(7).requestTimestamp,
      record(8).requestTimestamp,
    ]);
  });

  it('runs as a CLI printing JSON lines', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, '../run.cjs'), '--topic', topic, '--status', '4xx'],
      { env: { ...process.env, KAFKA_BROKERS: testBrokers().join(',') } },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LogLine);
    expect(lines).toEqual([expect.objectContaining({ offset: '3', responseHttpCode: 400 })]);
    expect(stderr).toContain('1 printed');
  });
});
