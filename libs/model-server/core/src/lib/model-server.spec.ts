import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  affineModel,
  classifierModel,
  identityModel,
  regressorModel,
  writeModel,
} from '../__fixtures__/test-models';
import { parseJson } from './json/json-parser';
import { ModelServer, type ModelServerResponse } from './model-server';

let repo: string;
let server: ModelServer;

const text = (res: ModelServerResponse) => Buffer.from(res.body).toString('utf8');
const json = (res: ModelServerResponse) => JSON.parse(text(res));
const errorOf = (res: ModelServerResponse) => (json(res) as { error: string }).error;

function call(
  method: string,
  p: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<ModelServerResponse> {
  const bytes =
    body === undefined
      ? new Uint8Array(0)
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return server.handle({ method, path: p, body: bytes, headers });
}

beforeAll(async () => {
  repo = mkdtempSync(path.join(tmpdir(), 'model-server-spec-'));
  writeModel(repo, 'half', 1, affineModel(0.5, 2));
  writeModel(repo, 'half', 2, affineModel(0.5, 3), { labels: { stable: 1, canary: 2 } });
  writeModel(repo, 'types', 1, identityModel());
  writeModel(repo, 'cls', 1, classifierModel(), {
    signatures: {
      serving_default: {
        method: 'classify',
        inputs: { x: 'x' },
        outputs: { scores: 'scores', classes: 'classes' },
      },
      predict_scores: { method: 'predict', inputs: { images: 'x' }, outputs: { scores: 'scores' } },
    },
  });
  writeModel(repo, 'reg', 1, regressorModel(), {
    signatures: { serving_default: { method: 'regress', inputs: { x: 'x' }, outputs: { outputs: 'y' } } },
  });
  // ORT on the main thread here; worker-session.loader.spec.ts covers 'worker' and 'auto' (the default).
  server = await ModelServer.open({
    repositoryDir: repo,
    pollIntervalMs: 0,
    intraOpNumThreads: 1,
    inferenceThread: 'main',
  });
});

afterAll(async () => {
  await server.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('ModelServer status and metadata', () => {
  it('reports every version, descending, with TF Serving status JSON', async () => {
    const res = await call('GET', '/v1/models/half');
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json');
    expect(json(res)).toEqual({
      model_version_status: [
        { version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    });
    expect(json(await call('GET', '/v1/models/half/versions/1')).model_version_status).toHaveLength(1);
    // TF's label quirk: status ignores the label and answers every version.
    expect(json(await call('GET', '/v1/models/half/labels/nope')).model_version_status).toHaveLength(2);
  });

  it('answers status errors as TF Serving', async () => {
    const missing = await call('GET', '/v1/models/nope');
    expect([missing.status, errorOf(missing)]).toEqual([404, 'Could not find any versions of model nope']);
    const version = await call('GET', '/v1/models/half/versions/7');
    expect([version.status, errorOf(version)]).toEqual([404, 'Could not find version 7 of model half']);
    const noName = await call('GET', '/v1/models');
    expect([noName.status, errorOf(noName)]).toEqual([400, 'Missing model name in request.']);
  });

  it('serves signature_def metadata for the latest, a version or a label', async () => {
    const res = await call('GET', '/v1/models/cls/metadata');
    expect(res.status).toBe(200);
    const body = json(res);
    expect(body.model_spec).toEqual({ name: 'cls', signature_name: '', version: '1' });
    const defs = body.metadata.signature_def.signature_def;
    expect(Object.keys(defs).sort()).toEqual(['predict_scores', 'serving_default']);
    expect(defs.serving_default.method_name).toBe('tensorflow/serving/classify');
    expect(defs.predict_scores.inputs.images).toEqual({
      dtype: 'DT_FLOAT',
      tensor_shape: {
        dim: [
          { size: '-1', name: '' },
          { size: '1', name: '' },
        ],
        unknown_rank: false,
      },
      name: 'x',
    });
    expect(defs.serving_default.outputs.classes.dtype).toBe('DT_STRING');
    expect(json(await call('GET', '/v1/models/half/labels/stable/metadata')).model_spec.version).toBe('1');
    expect(json(await call('GET', '/v1/models/half/metadata')).model_spec.version).toBe('2');
    const missing = await call('GET', '/v1/models/nope/metadata');
    expect([missing.status, errorOf(missing)]).toEqual([404, 'Servable not found for request: Latest(nope)']);
  });
});

describe('ModelServer predict', () => {
  it("answers the docs' half_plus_three example in row format", async () => {
    const res = await call('POST', '/v1/models/half:predict', '{"instances": [1.0, 2.0, 5.0]}');
    expect(res.status).toBe(200);
    expect(text(res)).toBe('{\n    "predictions": [3.5, 4.0, 5.5\n    ]\n}');
  });

  it('routes versions and labels, and answers columnar requests with outputs', async () => {
    const v1 = await call('POST', '/v1/models/half/versions/1:predict', { inputs: [1.0] });
    expect(json(v1)).toEqual({ outputs: [2.5] });
    expect(json(await call('POST', '/v1/models/half/labels/stable:predict', { instances: [2] }))).toEqual({
      predictions: [3],
    });
    expect(json(await call('POST', '/v1/models/half/labels/canary:predict', { instances: [2] }))).toEqual({
      predictions: [4],
    });
  });

  it('round-trips every dtype in both formats', async () => {
    const inputs = {
      in_float: [[0.5, -1.25]],
      in_double: [[0.1, 1e300]],
      in_int8: [[-8, 7]],
      in_int16: [[-16, 15]],
      in_int32: [[-32, 31]],
      in_int64: [[-9223372036854775808n, 9007199254740993n]],
      in_uint8: [[0, 255]],
      in_uint16: [[0, 65535]],
      in_uint32: [[0, 4294967295]],
      in_uint64: [[0, 18446744073709551615n]],
      in_bool: [[true, false]],
      in_string: [['a', 'héllo']],
    };
    const body = JSON.stringify({ inputs }, (_k, v) => (typeof v === 'bigint' ? `#${v}#` : v)).replace(
      /"#(-?\d+)#"/g,
      '$1',
    );
    const res = await call('POST', '/v1/models/types:predict', body);
    expect(res.status).toBe(200);
    const out = text(res).replace(/\s+/g, '');
    for (const piece of [
      '"out_float":[[0.5,-1.25]]',
      '"out_double":[[0.1,1e+300]]',
      '"out_int8":[[-8,7]]',
      '"out_int16":[[-16,15]]',
      '"out_int32":[[-32,31]]',
      '"out_int64":[[-9223372036854775808,9007199254740993]]',
      '"out_uint8":[[0,255]]',
      '"out_uint16":[[0,65535]]',
      '"out_uint32":[[0,4294967295]]',
      '"out_uint64":[[0,18446744073709551615]]',
      '"out_bool":[[true,false]]',
      '"out_string":[["a","héllo"]]',
    ]) {
      expect(out).toContain(piece);
    }
    const rowBody = body
      .replace('"inputs":', '"instances":[')
      .replace(/}$/, ']}')
      .replace(/\[\[/g, '[')
      .replace(/\]\]/g, ']');
    const row = await call(
      'POST',
      '/v1/models/types:predict',
      rowBody.replace('"instances":[{', '"instances":[{'),
    );
    expect(row.status).toBe(200);
    const doc = parseJson(row.body);
    expect(doc.root).toBeDefined();
    expect(text(row).replace(/\s+/g, '')).toContain('"out_int64":[-9223372036854775808,9007199254740993]');
  });

  it('answers NaN and Infinity as bare tokens', async () => {
    const res = await call('POST', '/v1/models/half:predict', '{"instances": [NaN, Infinity, -Infinity]}');
    expect(text(res)).toBe('{\n    "predictions": [NaN, Infinity, -Infinity\n    ]\n}');
  });

  it('decompresses gzip bodies', async () => {
    const res = await server.handle({
      method: 'POST',
      path: '/v1/models/half:predict',
      body: gzipSync('{"instances": [1.0]}'),
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect(json(res)).toEqual({ predictions: [3.5] });
  });

  it.each([
    ['POST', '/v1/models/half:predict', '', 400, 'JSON Parse error: The document is empty'],
    [
      'POST',
      '/v1/models/half:predict',
      '{"instances": [1,}',
      400,
      'JSON Parse error: Invalid value. at offset: 17',
    ],
    ['POST', '/v1/models/half:predict', '[1]', 400, 'JSON Value: [1] Is not object'],
    [
      'POST',
      '/v1/models/half:predict',
      '{"signature_name": 5, "instances": [1]}',
      400,
      "not formatted correctly. 'signature_name' key must be a string value.",
    ],
    [
      'POST',
      '/v1/models/nope:predict',
      '{"instances": [1]}',
      404,
      'Servable not found for request: Latest(nope)',
    ],
    [
      'POST',
      '/v1/models/half/versions/50:predict',
      '{"instances": [1]}',
      404,
      'Servable not found for request: Specific(half, 50)',
    ],
    [
      'POST',
      '/v1/models/half/labels/nope:predict',
      '{"instances": [1]}',
      400,
      'Unrecognized servable version label: nope',
    ],
    [
      'POST',
      '/v1/models/half:predict',
      '{"signature_name": "foo", "instances": [1]}',
      400,
      'Serving signature name: "foo" not found in signature def',
    ],
    ['POST', '/v1/models/half:predict', '{}', 400, "Missing 'inputs' or 'instances' key"],
    ['POST', '/v1/models/half:PREDICT', '{}', 400, 'Malformed request: POST /v1/models/half:PREDICT'],
    ['PUT', '/v1/models/half:predict', '{}', 400, 'Malformed request: PUT /v1/models/half:predict'],
    ['GET', '/v1/models/half/foo', undefined, 400, 'Malformed request: GET /v1/models/half/foo'],
    [
      'POST',
      '/v1/models/half:predict',
      '{"instances": [[1, 2]]}',
      400,
      'Invalid rank for input: x Got: 2 Expected: 1',
    ],
  ])('%s %s %j → %d %s', async (method, p, body, status, message) => {
    const res = await call(method, p, body);
    expect(res.status).toBe(status);
    expect(res.headers['Content-Type']).toBe('application/json');
    expect(errorOf(res)).toContain(message);
  });

  it('answers a version beyond int64 with 400 and an empty body', async () => {
    const res = await call('POST', '/v1/models/half/versions/9223372036854775808:predict', '{}');
    expect(res.status).toBe(400);
    expect(res.body.length).toBe(0);
  });

  it("leaves paths outside /v1/ to libevent's 404 and handles CORS preflights", async () => {
    const res = await call('GET', '/v2/models/half');
    expect(res.status).toBe(404);
    expect(text(res)).toContain('404 Not Found');
    expect(
      (await call('OPTIONS', '/v1/models/half:predict', undefined, { origin: 'https://x.example' })).status,
    ).toBe(200);
    const noOrigin = await call('OPTIONS', '/v1/models/half:predict');
    expect([noOrigin.status, errorOf(noOrigin)]).toEqual([400, 'Origin header is missing in CORS preflight']);
  });
});

describe('ModelServer classify and regress', () => {
  it('classifies examples into [label, score] lists under results', async () => {
    const res = await call('POST', '/v1/models/cls:classify', { examples: [{ x: 0.25 }, { x: [0.5] }] });
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({
      results: [
        [
          ['yes', 0.25],
          ['no', 0.75],
        ],
        [
          ['yes', 0.5],
          ['no', 0.5],
        ],
      ],
    });
  });

  it('merges context under each example', async () => {
    const res = await call(
      'POST',
      '/v1/models/cls:classify',
      '{"context": {"x": 0.25}, "examples": [{}, {"x": 1.0}]}',
    );
    expect(json(res).results[0][0]).toEqual(['yes', 0.25]);
    expect(json(res).results[1][0]).toEqual(['yes', 1]);
  });

  it('regresses as half_plus_two', async () => {
    const res = await call('POST', '/v1/models/reg:regress', '{"examples": [{"x": 80.0}, {"x": 2.0}]}');
    expect(text(res)).toBe('{\n    "results": [42.0, 3.0]\n}');
  });

  it('runs predict signatures of a classify model', async () => {
    const res = await call('POST', '/v1/models/cls:predict', {
      signature_name: 'predict_scores',
      instances: [[0.25]],
    });
    expect(json(res)).toEqual({ predictions: [[0.25, 0.75]] });
  });

  it.each([
    [
      '/v1/models/cls:classify',
      '{"examples": [{"x": 1}]}',
      400,
      "Data types don't match. Data type: int64 but expected type: float",
    ],
    [
      '/v1/models/cls:classify',
      '{"examples": [{"x": null}]}',
      400,
      'Feature: x has element with unexpected JSON type: Null',
    ],
    [
      '/v1/models/cls:classify',
      '{"examples": [{"x": [[1.0]]}]}',
      400,
      'Feature: x has element with unexpected JSON type: Array',
    ],
    [
      '/v1/models/cls:classify',
      '{"examples": [{"x": {"a": 1}}]}',
      400,
      'Feature: x has element with unexpected JSON type: Object',
    ],
    [
      '/v1/models/cls:classify',
      '{"examples": [{"x": [1.0, "a"]}]}',
      400,
      'Unexpected element type in feature: x expecting type: float',
    ],
    [
      '/v1/models/cls:classify',
      '{"examples": [{"x": 18446744073709551615}]}',
      400,
      'Feature: x has uint64_t element. Only int64_t is supported.',
    ],
    ['/v1/models/cls:classify', '{"examples": [[1]]}', 400, 'Example must be JSON object but got JSON Array'],
    [
      '/v1/models/cls:classify',
      '{"context": [1], "examples": [{}]}',
      400,
      'Example must be JSON object but got JSON Array',
    ],
    [
      '/v1/models/cls:classify',
      '{"instances": [1]}',
      400,
      "When method is classify, key 'examples' is expected and was not found",
    ],
    [
      '/v1/models/reg:regress',
      '{"instances": [1]}',
      400,
      "When method is classify, key 'examples' is expected and was not found",
    ],
    ['/v1/models/cls:classify', '{"examples": {}}', 400, "Expecting 'examples' value to be an list/array"],
    ['/v1/models/cls:classify', '{"examples": []}', 400, "'examples' value is an empty array"],
    [
      '/v1/models/nope:classify',
      '{"examples": [{"x": 1.0}]}',
      404,
      'Servable not found for request: Latest(nope)',
    ],
    [
      '/v1/models/cls:classify',
      '{"signature_name": "zz", "examples": [{"x": 1.0}]}',
      400,
      'No signature was found with the name: zz',
    ],
    [
      '/v1/models/cls:regress',
      '{"examples": [{"x": 1.0}]}',
      400,
      'No regression inputs found in SignatureDef',
    ],
    [
      '/v1/models/half:classify',
      '{"examples": [{"x": 1.0}]}',
      400,
      'No classification inputs found in SignatureDef',
    ],
  ])('POST %s %s → %d %s', async (p, body, status, message) => {
    const res = await call('POST', p, body);
    expect(res.status).toBe(status);
    expect(errorOf(res)).toContain(message);
  });
});

describe('ModelServer repository changes', () => {
  it('picks up a new version, serves it as latest, and unloads a removed one after its requests finish', async () => {
    writeModel(repo, 'hot', 1, affineModel(1, 0));
    await server.refresh();
    expect(json(await call('POST', '/v1/models/hot:predict', { instances: [1] }))).toEqual({
      predictions: [1],
    });

    writeModel(repo, 'hot', 2, affineModel(1, 10));
    await server.refresh();
    expect(json(await call('POST', '/v1/models/hot:predict', { instances: [1] }))).toEqual({
      predictions: [11],
    });
    expect(server.isAvailable('hot', 2)).toBe(true);

    const inflight = call('POST', '/v1/models/hot/versions/2:predict', { instances: [5] });
    rmSync(path.join(repo, 'hot', '2'), { recursive: true });
    await server.refresh();
    expect(json(await inflight)).toEqual({ predictions: [15] });
    await new Promise((r) => setTimeout(r, 20));
    expect(server.isAvailable('hot', 2)).toBe(false);
    expect(json(await call('POST', '/v1/models/hot:predict', { instances: [1] }))).toEqual({
      predictions: [1],
    });
    expect(
      json(await call('GET', '/v1/models/hot')).model_version_status.map(
        (s: { version: string }) => s.version,
      ),
    ).toEqual(['1']);

    rmSync(path.join(repo, 'hot'), { recursive: true });
    await server.refresh();
    await new Promise((r) => setTimeout(r, 20));
    expect((await call('GET', '/v1/models/hot')).status).toBe(404);
  });

  it('reports a version that fails to load and keeps serving the others', async () => {
    const bad = path.join(repo, 'broken', '1');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'model.onnx'), 'not a model');
    await server.refresh();
    const status = json(await call('GET', '/v1/models/broken')).model_version_status[0];
    expect(status.state).toBe('END');
    expect(status.status.error_code).toBe('UNKNOWN');
    expect((await call('POST', '/v1/models/broken:predict', { instances: [1] })).status).toBe(404);
  });
});

describe('ModelServer limits and error bodies', () => {
  it('answers 413 when a gzip body inflates beyond maxBodyBytes', async () => {
    const small = await ModelServer.open({
      repositoryDir: repo,
      pollIntervalMs: 0,
      maxBodyBytes: 100,
      inferenceThread: 'main',
    });
    try {
      const res = await small.handle({
        method: 'POST',
        path: '/v1/models/half:predict',
        body: gzipSync(`{"instances": [${'1.0,'.repeat(100)}1.0]}`),
        headers: { 'content-encoding': 'gzip' },
      });
      expect(res.status).toBe(413);
      expect(errorOf(res)).toBe('Request body exceeds the limit of 100 bytes');
      const bad = await small.handle({
        method: 'POST',
        path: '/v1/models/half:predict',
        body: Buffer.from('nope'),
        headers: { 'Content-Encoding': 'gzip' },
      });
      expect(bad.status).toBe(400);
    } finally {
      await small.close();
    }
  });

  it("pretty-prints errors as TF Serving's rapidjson writer does", async () => {
    const res = await call('POST', '/v1/models/nope:predict', '{"instances": [1]}');
    expect(text(res)).toBe('{\n    "error": "Servable not found for request: Latest(nope)"\n}');
  });
});
