import { existsSync } from 'node:fs';
import path from 'node:path';
import { BackendError, BackendErrorCode, type ServingBackend } from '@infergate/serving-contract';
import { OnnxBackendFactory } from './onnx-backend.factory';

// The committed MNIST model (issue 3) served in-process through the adapter, no HTTP hop.
const REPOSITORY = path.resolve(__dirname, '../../../../../models');
const HAVE_MNIST = existsSync(path.join(REPOSITORY, 'mnist/1/model.onnx'));
const describeMnist = HAVE_MNIST ? describe : describe.skip;

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
const pixels = Array.from({ length: 784 }, (_, i) => ((i * 37) % 256) / 255);

describeMnist('OnnxBackendFactory with the MNIST model', () => {
  let factory: OnnxBackendFactory;
  let backend: ServingBackend;

  beforeAll(() => {
    factory = new OnnxBackendFactory({ repositoryDir: REPOSITORY, pollIntervalMs: 0, intraOpNumThreads: 1 });
    backend = factory.create({ kind: 'ONNX', endpoints: [], options: { model: 'mnist' } });
  });

  afterAll(() => factory.close());

  it('reports the model as loaded', async () => {
    expect(await backend.health()).toEqual({ state: 'up', detail: 'model mnist loaded' });
    expect(
      (await factory.create({ kind: 'ONNX', endpoints: [], options: { model: 'nope' } }).health()).state,
    ).toBe('down');
  });

  it("answers the seed's predict_images request with 10 scores that sum to 1", async () => {
    const body = Buffer.from(JSON.stringify({ signature_name: 'predict_images', instances: [pixels] }));
    const res = await backend.infer({ model: { name: 'mnist' }, verb: 'predict', body });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    const { predictions } = JSON.parse(text(res.body)) as { predictions: number[][] };
    expect(predictions).toHaveLength(1);
    expect(predictions[0]).toHaveLength(10);
    expect(predictions[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('serves the default signature (classes), versions, status and metadata', async () => {
    const body = Buffer.from(JSON.stringify({ inputs: [pixels, pixels] }));
    const res = await backend.infer({ model: { name: 'mnist', version: 1 }, verb: 'predict', body });
    const { outputs } = JSON.parse(text(res.body)) as { outputs: number[] };
    expect(outputs).toHaveLength(2);
    expect(Number.isInteger(outputs[0])).toBe(true);

    const status = await backend.modelStatus({ name: 'mnist' });
    expect(JSON.parse(text(status.body)).model_version_status[0]).toMatchObject({
      version: '1',
      state: 'AVAILABLE',
    });
    const metadata = JSON.parse(text((await backend.modelMetadata({ name: 'mnist' })).body));
    expect(Object.keys(metadata.metadata.signature_def.signature_def).sort()).toEqual([
      'predict_images',
      'serving_default',
    ]);
  });

  it("returns TF Serving's errors as answers, not exceptions", async () => {
    const res = await backend.infer({
      model: { name: 'nope' },
      verb: 'predict',
      body: Buffer.from('{"instances": [1]}'),
    });
    expect(res.status).toBe(404);
    expect(JSON.parse(text(res.body))).toEqual({ error: 'Servable not found for request: Latest(nope)' });
    const bad = await backend.infer({
      model: { name: 'mnist' },
      verb: 'predict',
      body: Buffer.from('{"instances": [1'),
    });
    expect(bad.status).toBe(400);
  });

  it('throws ABORTED for an aborted call', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      backend.infer({
        model: { name: 'mnist' },
        verb: 'predict',
        body: Buffer.from('{}'),
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({
      code: BackendErrorCode.ABORTED,
    });
  });
});

describe('OnnxBackendFactory', () => {
  it('refuses other kinds and bad options with BAD_CONFIG', () => {
    const factory = new OnnxBackendFactory({ repositoryDir: REPOSITORY, pollIntervalMs: 0 });
    expect(factory.kind).toBe('ONNX');
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as BackendError).code;
      }
      return undefined;
    };
    expect(codeOf(() => factory.create({ kind: 'TENSORFLOW_SERVING', endpoints: ['http://x'] }))).toBe(
      BackendErrorCode.BAD_CONFIG,
    );
    expect(codeOf(() => factory.create({ kind: 'ONNX', endpoints: [], options: { model: 5 } }))).toBe(
      BackendErrorCode.BAD_CONFIG,
    );
  });

  it('shares one model server across backends and refuses calls after close()', async () => {
    const factory = new OnnxBackendFactory({
      repositoryDir: REPOSITORY,
      pollIntervalMs: 0,
      intraOpNumThreads: 1,
    });
    const a = factory.create({ kind: 'ONNX', endpoints: [] });
    const b = factory.create({ kind: 'ONNX', endpoints: [] });
    const [sa, sb] = await Promise.all([a.modelStatus({ name: 'mnist' }), b.modelStatus({ name: 'mnist' })]);
    expect(sa.status).toBe(sb.status);
    await factory.close();
    await factory.close();
    await expect(a.modelStatus({ name: 'mnist' })).rejects.toBeInstanceOf(BackendError);
    expect((await a.health()).state).toBe('down');
  });
});
