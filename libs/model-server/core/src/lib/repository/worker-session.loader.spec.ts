import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { identityModel, slowModel, writeModel } from '../../__fixtures__/test-models';
import { ModelServer } from '../model-server';

// inferenceThread 'worker' (the default): the same REST behaviour, with ORT computing off the event loop.
describe('ModelServer with inference in a worker thread', () => {
  let repo: string;
  let server: ModelServer;

  beforeAll(async () => {
    repo = mkdtempSync(path.join(tmpdir(), 'model-server-worker-'));
    writeModel(repo, 'types', 1, identityModel());
    writeModel(repo, 'slow', 1, slowModel(40));
    server = await ModelServer.open({
      repositoryDir: repo,
      pollIntervalMs: 0,
      intraOpNumThreads: 1,
      inferenceThread: 'worker',
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(repo, { recursive: true, force: true });
  });

  const predict = async (model: string, body: string) => {
    const res = await server.handle({
      method: 'POST',
      path: `/v1/models/${model}:predict`,
      body: Buffer.from(body),
    });
    return { status: res.status, text: Buffer.from(res.body).toString('utf8') };
  };

  it('round-trips int64, uint64, bool and string tensors through the worker', async () => {
    const body =
      '{"inputs": {"in_int64": [[-9223372036854775808, 9007199254740993]], "in_uint64": [[18446744073709551615, 0]], "in_bool": [[true, false]], "in_string": [["a", "é"]], "in_float": [[0.5, 1]], "in_double": [[0.1, 2]], "in_int8": [[1, 2]], "in_int16": [[1, 2]], "in_int32": [[1, 2]], "in_uint8": [[1, 2]], "in_uint16": [[1, 2]], "in_uint32": [[1, 2]]}}';
    const res = await predict('types', body);
    expect(res.status).toBe(200);
    const flat = res.text.replace(/\s+/g, '');
    expect(flat).toContain('"out_int64":[[-9223372036854775808,9007199254740993]]');
    expect(flat).toContain('"out_uint64":[[18446744073709551615,0]]');
    expect(flat).toContain('"out_bool":[[true,false]]');
    expect(flat).toContain('"out_string":[["a","é"]]');
  });

  it('keeps the event loop free while a slow model computes', async () => {
    const row = `[${new Array(512).fill('1.0').join(',')}]`;
    const body = `{"instances": [${new Array(64).fill(row).join(',')}]}`;
    const started = Date.now();
    let maxLag = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      maxLag = Math.max(maxLag, now - last);
      last = now;
    }, 5);
    const res = await predict('slow', body);
    clearInterval(ticker);
    const took = Date.now() - started;
    expect(res.status).toBe(200);
    // With ORT on the main thread the ticker would stall for the whole run.
    expect(maxLag).toBeLessThan(Math.max(50, took / 2));
  });

  it('answers 504 when inference outlives the request deadline', async () => {
    const hasty = await ModelServer.open({
      repositoryDir: repo,
      pollIntervalMs: 0,
      intraOpNumThreads: 1,
      requestTimeoutMs: 1,
    });
    try {
      const row = `[${new Array(512).fill('1.0').join(',')}]`;
      const res = await hasty.handle({
        method: 'POST',
        path: '/v1/models/slow:predict',
        body: Buffer.from(`{"instances": [${new Array(64).fill(row).join(',')}]}`),
      });
      expect(res.status).toBe(504);
      expect(JSON.parse(Buffer.from(res.body).toString()).error).toBe('Request timed out after 1 ms');
    } finally {
      await hasty.close();
    }
  });

  it('reports ORT errors from the worker as 400', async () => {
    const res = await predict('slow', '{"instances": [[1.0, 2.0]]}');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Got invalid dimensions');
  });
});
