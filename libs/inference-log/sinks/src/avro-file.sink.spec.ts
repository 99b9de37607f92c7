import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import type { InferenceLogRecord } from '@infergate/inference-log-schema';
import { AvroFileSink } from './avro-file.sink';

const record = (n: number, name = 'mnist'): InferenceLogRecord => ({
  modelId: 1,
  modelName: name,
  modelVersion: 1,
  requestTimestamp: 1_700_000_000_000 + n,
  responseHttpCode: 200,
  inferenceRequest: `{"instances":[[${n}]]}`,
  inferenceResponse: '{"predictions":[NaN]}',
});

function readAll(path: string): Promise<InferenceLogRecord[]> {
  return new Promise((resolve, reject) => {
    const out: InferenceLogRecord[] = [];
    avro
      .createFileDecoder(path)
      .on('data', (r: InferenceLogRecord) => out.push({ ...r }))
      .on('end', () => resolve(out))
      .on('error', reject);
  });
}

describe('AvroFileSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'avro-sink-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one Object Container File per serving that a standard Avro reader decodes', async () => {
    const sink = new AvroFileSink({ directory: dir });
    const mnist = { servingId: 1, servingName: 'mnist', topic: null };
    const iris = { servingId: 2, servingName: 'iris', topic: null };
    await sink.write([
      { destination: mnist, record: record(1) },
      { destination: iris, record: record(2, 'iris') },
    ]);
    await sink.write([{ destination: mnist, record: record(3) }]);
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual(['iris-2.avro', 'mnist-1.avro']);
    expect(await readAll(join(dir, 'mnist-1.avro'))).toEqual([record(1), record(3)]);
    expect(await readAll(join(dir, 'iris-2.avro'))).toEqual([record(2, 'iris')]);
  });

  it('continues an existing file after a restart', async () => {
    const destination = { servingId: 1, servingName: 'mnist', topic: null };
    const first = new AvroFileSink({ directory: dir, fsync: true });
    await first.write([{ destination, record: record(1) }]);
    await first.close();
    const second = new AvroFileSink({ directory: dir });
    await second.write([{ destination, record: record(2) }]);
    await second.close();
    expect(await readAll(join(dir, 'mnist-1.avro'))).toEqual([record(1), record(2)]);
  });

  it('sets aside a file that is not an inferencelog container instead of appending to it', async () => {
    writeFileSync(join(dir, 'mnist-1.avro'), 'not avro');
    const sink = new AvroFileSink({ directory: dir });
    await sink.write([
      { destination: { servingId: 1, servingName: 'mnist', topic: null }, record: record(1) },
    ]);
    await sink.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.set-aside'))).toHaveLength(1);
    expect(await readAll(join(dir, 'mnist-1.avro'))).toEqual([record(1)]);
  });
});
