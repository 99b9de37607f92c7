// Starts the standalone server (built with tools/scripts/build.mjs into tmp/) as a child process on a free
// port, over a temporary model repository written with the onnx-writer, and drives it over real HTTP.
// ORT starts in the worker thread ('auto', the default), so the built worker script (copied into dist as .cjs)
// is covered.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeModel, type ModelSpec } from '@infergate/onnx-writer';

const ROOT = path.resolve(__dirname, '../../..');
const OUT = `tmp/model-server-int-${process.pid}`;

function affine(a: number, b: number): ModelSpec {
  return {
    graph: {
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch'] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch'] }],
      initializers: [
        { name: 'a', elemType: 'FLOAT', dims: [], values: [a] },
        { name: 'b', elemType: 'FLOAT', dims: [], values: [b] },
      ],
      nodes: [
        { opType: 'Mul', inputs: ['x', 'a'], outputs: ['ax'] },
        { opType: 'Add', inputs: ['ax', 'b'], outputs: ['y'] },
      ],
    },
  };
}

function writeVersion(repo: string, model: string, version: number, spec: ModelSpec): void {
  const dir = path.join(repo, model, String(version));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), encodeModel(spec));
}

let repo: string;
let child: ChildProcess;
let base: string;
let output = '';

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server output:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const get = (p: string) => fetch(base + p);
const post = (p: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(base + p, { method: 'POST', body, headers });

async function versions(model: string): Promise<string[]> {
  const res = await get(`/v1/models/${model}`);
  if (res.status !== 200) return [];
  return (
    (await res.json()) as { model_version_status: { version: string; state: string }[] }
  ).model_version_status
    .filter((s) => s.state === 'AVAILABLE')
    .map((s) => s.version);
}

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/scripts/build.mjs', '--out', OUT], { cwd: ROOT, stdio: 'pipe' });
  repo = mkdtempSync(path.join(tmpdir(), 'model-server-int-'));
  writeVersion(repo, 'half', 1, affine(0.5, 2));
  writeVersion(repo, 'half', 2, affine(0.5, 3));
  writeFileSync(path.join(repo, 'half', 'config.json'), JSON.stringify({ labels: { stable: 1 } }));
  child = spawn(
    process.execPath,
    [
      path.join(OUT, 'apps/model-server/src/main.js'),
      '--rest-port=0',
      `--model-repository=${repo}`,
      '--poll-interval-ms=100',
      '--intra-op-threads=1',
      '--max-body-bytes=4096',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const port = await until(
    async () => /Exporting HTTP\/REST API at:[\d.]+:(\d+)/.exec(output)?.[1],
    'the server to listen',
    20_000,
  );
  base = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
  }
  rmSync(repo, { recursive: true, force: true });
  rmSync(path.join(ROOT, OUT), { recursive: true, force: true });
});

describe('standalone model server over HTTP', () => {
  it('reports status, versions and labels', async () => {
    const res = await get('/v1/models/half');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await versions('half')).toEqual(['2', '1']);
    expect(
      ((await (await get('/v1/models/half/versions/1')).json()) as { model_version_status: unknown[] })
        .model_version_status,
    ).toHaveLength(1);
    const missing = await get('/v1/models/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Could not find any versions of model nope' });
  });

  it('serves metadata', async () => {
    const body = (await (await get('/v1/models/half/labels/stable/metadata')).json()) as {
      model_spec: { version: string };
      metadata: { signature_def: { signature_def: Record<string, { method_name: string }> } };
    };
    expect(body.model_spec.version).toBe('1');
    expect(body.metadata.signature_def.signature_def.serving_default.method_name).toBe(
      'tensorflow/serving/predict',
    );
  });

  it('predicts in row and columnar formats, by version and label, gzip included', async () => {
    expect(await (await post('/v1/models/half:predict', '{"instances": [1.0, 2.0, 5.0]}')).json()).toEqual({
      predictions: [3.5, 4, 5.5],
    });
    expect(await (await post('/v1/models/half/versions/1:predict', '{"inputs": [1.0]}')).json()).toEqual({
      outputs: [2.5],
    });
    expect(await (await post('/v1/models/half/labels/stable:predict', '{"instances": [2]}')).json()).toEqual({
      predictions: [3],
    });
    const zipped = await post('/v1/models/half:predict', gzipSync('{"instances": [1.0]}'), {
      'Content-Encoding': 'gzip',
    });
    expect(await zipped.json()).toEqual({ predictions: [3.5] });
  });

  it('answers errors with TF Serving messages and status codes', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [post('/v1/models/half:predict', ''), 400, 'JSON Parse error: The document is empty'],
      [
        post('/v1/models/half:predict', '{"instances": [1'),
        400,
        "JSON Parse error: Missing a comma or ']' after an array element. at offset: 16",
      ],
      [
        post('/v1/models/nope:predict', '{"instances": [1]}'),
        404,
        'Servable not found for request: Latest(nope)',
      ],
      [
        post('/v1/models/half/versions/9:predict', '{"instances": [1]}'),
        404,
        'Servable not found for request: Specific(half, 9)',
      ],
      [
        post('/v1/models/half:predict', '{"instances": [[1, 2], [3]]}'),
        400,
        'Expecting tensor size: 2 but got: 1',
      ],
      [
        post('/v1/models/half:predict', '{"instances": ["a"]}'),
        400,
        'JSON Value: "a" Type: String is not of expected type: float',
      ],
      [
        post('/v1/models/half:predict', '{"signature_name": "x", "instances": [1]}'),
        400,
        'Serving signature name: "x" not found in signature def',
      ],
      [
        fetch(`${base}/v1/models/half:predict`, { method: 'PUT', body: '{}' }),
        400,
        'Malformed request: PUT /v1/models/half:predict',
      ],
      [
        post('/v1/models/half:predict', `{"instances": [${'1.0,'.repeat(2000)}1.0]}`),
        413,
        'Request body exceeds the limit of 4096 bytes',
      ],
    ];
    for (const [pending, status, message] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(((await res.json()) as { error: string }).error).toContain(message);
    }
    const overflow = await post('/v1/models/half/versions/99999999999999999999:predict', '{}');
    expect(overflow.status).toBe(400);
    expect(await overflow.text()).toBe('');
  });

  it('picks up a hot-added version and unloads a removed one', async () => {
    writeVersion(repo, 'half', 3, affine(1, 0));
    await until(async () => ((await versions('half')).includes('3') ? true : undefined), 'version 3 to load');
    expect(await (await post('/v1/models/half:predict', '{"instances": [7]}')).json()).toEqual({
      predictions: [7],
    });

    rmSync(path.join(repo, 'half', '3'), { recursive: true });
    await until(
      async () => (!(await versions('half')).includes('3') ? true : undefined),
      'version 3 to unload',
    );
    expect((await post('/v1/models/half/versions/3:predict', '{"instances": [7]}')).status).toBe(404);
    expect(await (await post('/v1/models/half:predict', '{"instances": [1.0]}')).json()).toEqual({
      predictions: [3.5],
    });

    writeVersion(repo, 'fresh', 1, affine(2, 0));
    await until(
      async () => ((await versions('fresh')).includes('1') ? true : undefined),
      'a new model to load',
    );
  });

  it('stops gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
