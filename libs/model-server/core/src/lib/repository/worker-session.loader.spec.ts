import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { identityModel, slowModel, writeModel } from '../../__fixtures__/test-models';
import { ModelServer } from '../model-server';
import { WorkerSessionLoader } from './worker-session.loader';

const predict = async (server: ModelServer, model: string, body: string) => {
  const res = await server.handle({
    method: 'POST',
    path: `/v1/models/${model}:predict`,
    body: Buffer.from(body),
  });
  return { status: res.status, text: Buffer.from(res.body).toString('utf8') };
};

const TYPES_BODY =
  '{"inputs": {"in_int64": [[-9223372036854775808, 9007199254740993]], "in_uint64": [[18446744073709551615, 0]], "in_bool": [[true, false]], "in_string": [["a", "é"]], "in_float": [[0.5, 1]], "in_double": [[0.1, 2]], "in_int8": [[1, 2]], "in_int16": [[1, 2]], "in_int32": [[1, 2]], "in_uint8": [[1, 2]], "in_uint16": [[1, 2]], "in_uint32": [[1, 2]]}}';
const SLOW_ROW = `[${new Array(512).fill('1.0').join(',')}]`;
/** 64 rows through slowModel(40): a run of ≈ 14 ms on one core, far over the 1000 µs inline threshold. */
const SLOW_BODY = `{"instances": [${new Array(64).fill(SLOW_ROW).join(',')}]}`;

/** The event loop's longest stall (ms) while `work` runs, and how long it took. */
async function loopLag<T>(work: () => Promise<T>): Promise<{ result: T; maxLag: number; took: number }> {
  const started = Date.now();
  let maxLag = 0;
  let last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    maxLag = Math.max(maxLag, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    return { result, maxLag, took: Date.now() - started };
  } finally {
    clearInterval(ticker);
  }
}

// inferenceThread 'worker': the same REST behaviour, with ORT always computing off the event loop.
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

  it('round-trips int64, uint64, bool and string tensors through the worker', async () => {
    const res = await predict(server, 'types', TYPES_BODY);
    expect(res.status).toBe(200);
    const flat = res.text.replace(/\s+/g, '');
    expect(flat).toContain('"out_int64":[[-9223372036854775808,9007199254740993]]');
    expect(flat).toContain('"out_uint64":[[18446744073709551615,0]]');
    expect(flat).toContain('"out_bool":[[true,false]]');
    expect(flat).toContain('"out_string":[["a","é"]]');
  });

  it('keeps the event loop free while a slow model computes', async () => {
    const { result: res, maxLag, took } = await loopLag(() => predict(server, 'slow', SLOW_BODY));
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
      const res = await hasty.handle({
        method: 'POST',
        path: '/v1/models/slow:predict',
        body: Buffer.from(SLOW_BODY),
      });
      expect(res.status).toBe(504);
      expect(JSON.parse(Buffer.from(res.body).toString()).error).toBe('Request timed out after 1 ms');
    } finally {
      await hasty.close();
    }
  });

  it('reports ORT errors from the worker as 400', async () => {
    const res = await predict(server, 'slow', '{"instances": [[1.0, 2.0]]}');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Got invalid dimensions');
  });
});

// inferenceThread 'auto' (the default): versions start in the worker, fast ones move to the main thread.
describe('ModelServer with automatic inference placement', () => {
  let repo: string;
  let server: ModelServer;
  const logged: string[] = [];
  const moves = (model: string) => logged.filter((m) => m.includes(`/${model}/1/model.onnx: runs take`));

  beforeAll(async () => {
    repo = mkdtempSync(path.join(tmpdir(), 'model-server-auto-'));
    writeModel(repo, 'types', 1, identityModel());
    writeModel(repo, 'slow', 1, slowModel(40));
    server = await ModelServer.open({
      repositoryDir: repo,
      pollIntervalMs: 0,
      intraOpNumThreads: 1,
      logger: { log: (m) => logged.push(m), warn: (m) => logged.push(m) },
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(repo, { recursive: true, force: true });
  });

  it('keeps a slow model in the worker, so the event loop stays free', async () => {
    // 16 rows: ≈ 4 ms runs, still 4 times the inline threshold, for a quarter of the JSON work.
    const body = `{"instances": [${new Array(16).fill(SLOW_ROW).join(',')}]}`;
    for (let i = 0; i < 40; i++) expect((await predict(server, 'slow', body)).status).toBe(200);
    const { result: res, maxLag, took } = await loopLag(() => predict(server, 'slow', SLOW_BODY));
    expect(res.status).toBe(200);
    expect(maxLag).toBeLessThan(Math.max(50, took / 2));
    expect(moves('slow')).toEqual([]);
  });

  it('moves a fast model to the main thread after enough runs, with identical outputs', async () => {
    const inWorker = await predict(server, 'types', TYPES_BODY);
    expect(inWorker.status).toBe(200);
    // The move loads the main-thread session after the 32nd run while requests keep going to the worker.
    for (let i = 0; i < 500 && moves('types').length === 0; i++) {
      expect((await predict(server, 'types', TYPES_BODY)).text).toBe(inWorker.text);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(moves('types')).toEqual([
      expect.stringMatching(/runs take ~\d+ µs, computing on the main thread$/),
    ]);
    const inline = await predict(server, 'types', TYPES_BODY);
    expect(inline).toEqual(inWorker);
  });
});

describe('WorkerSessionLoader', () => {
  it('stops its thread when the last session is released and starts a new one for the next load', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'worker-loader-'));
    writeModel(repo, 'types', 1, identityModel());
    const file = path.join(repo, 'types/1/model.onnx');
    const loader = new WorkerSessionLoader();
    try {
      const a = await loader.load(file, { intraOpNumThreads: 1 });
      const b = await loader.load(file, { intraOpNumThreads: 1 });
      await a.release();
      expect(loader.threadRunning).toBe(true); // b still lives there
      await b.release();
      expect(loader.threadRunning).toBe(false);

      const c = await loader.load(file, { intraOpNumThreads: 1 });
      expect(loader.threadRunning).toBe(true);
      const input = c.inputMetadata.find((m) => m.name === 'in_float')!;
      expect(input).toBeDefined();
      await c.release();
    } finally {
      await loader.close();
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
