import {
  type BackendConfig,
  BackendError,
  BackendErrorCode,
  CallCancellation,
  type ServingBackend,
} from '@infergate/serving-contract';
import { TensorflowServingBackendFactory } from './tensorflow-serving-backend.factory';
import {
  FakeTfServing,
  PREDICT_ANSWER,
  refusedUrl,
  tfError,
  tfJson,
  waitFor,
} from './testing/fake-tf-serving.server';

const HALF_PLUS_TWO = { name: 'half_plus_two' };

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    log: (message: string) => lines.push(`log ${message}`),
    warn: (message: string) => lines.push(`warn ${message}`),
  };
}

function config(endpoints: string[], extra: Partial<BackendConfig> = {}): BackendConfig {
  return { kind: 'TENSORFLOW_SERVING', endpoints, ...extra };
}

async function caught(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof BackendError)) throw new Error(`expected a BackendError, got ${String(error)}`);
  return error;
}

describe('TensorflowServingBackend', () => {
  const servers: FakeTfServing[] = [];
  let factory: TensorflowServingBackendFactory;
  let logger: ReturnType<typeof recordingLogger>;

  async function server(): Promise<FakeTfServing> {
    const started = await new FakeTfServing().start();
    servers.push(started);
    return started;
  }

  beforeEach(() => {
    logger = recordingLogger();
    factory = new TensorflowServingBackendFactory({ logger, healthCheckIntervalMs: 60_000 });
  });

  afterEach(async () => {
    await factory.close();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  describe('passthrough', () => {
    it('sends the body bytes untouched and returns the answer bytes untouched', async () => {
      const tf = await server();
      const backend = factory.create(config([tf.url]));
      // Not valid for JSON.parse (NaN, int64 beyond 2^53, trailing bytes TF Serving ignores): must go through as is.
      const body = Buffer.from('{"instances": [NaN, -Infinity, 18446744073709551615, 1e400]}   \n\u00e9');

      const answer = await backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body });

      expect(tf.calls).toHaveLength(1);
      expect(tf.calls[0].method).toBe('POST');
      expect(tf.calls[0].url).toBe('/v1/models/half_plus_two:predict');
      expect(tf.calls[0].headers['content-type']).toBe('application/json');
      expect(Buffer.compare(tf.calls[0].body, body)).toBe(0);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('application/json');
      expect(Buffer.compare(Buffer.from(answer.body), PREDICT_ANSWER)).toBe(0);
    });

    it('addresses versions, labels and verbs with TF Serving paths, below a base path if configured', async () => {
      const tf = await server();
      tf.handler = (_request, response) => tfJson(response, 200, '{"results": [42.0]}');
      const backend = factory.create(config([`${tf.url}/tfs/`]));
      const body = Buffer.from('{"examples": [{"x": 80.0}]}');

      await backend.infer({ model: { name: 'half_plus_two', version: 1 }, verb: 'regress', body });
      await backend.infer({ model: { name: 'my model', label: 'can ary' }, verb: 'classify', body });
      await backend.modelStatus({ name: 'half_plus_two', version: 3 });
      await backend.modelMetadata({ name: 'half_plus_two' });

      expect(tf.calls.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /tfs/v1/models/half_plus_two/versions/1:regress',
        'POST /tfs/v1/models/my%20model/labels/can%20ary:classify',
        'GET /tfs/v1/models/half_plus_two/versions/3',
        'GET /tfs/v1/models/half_plus_two/metadata',
      ]);
      expect(tf.calls[2].body).toHaveLength(0);
    });

    it.each([400, 404, 429, 500, 501, 503, 504])(
      'returns HTTP %i with its error body as a normal answer',
      async (status) => {
        const tf = await server();
        tf.handler = (_request, response) =>
          tfError(response, status, 'Servable not found for request: Latest(foo)');
        const backend = factory.create(config([tf.url]));

        const answer = await backend.infer({
          model: { name: 'foo' },
          verb: 'predict',
          body: Buffer.from('{}'),
        });

        expect(answer.status).toBe(status);
        expect(Buffer.from(answer.body).toString()).toBe(
          '{\n    "error": "Servable not found for request: Latest(foo)"\n}',
        );
      },
    );

    it('passes status and metadata GET answers through', async () => {
      const tf = await server();
      const backend = factory.create(config([tf.url]));

      const status = await backend.modelStatus(HALF_PLUS_TWO);
      const missing = await backend.modelMetadata({ name: 'nope' });

      expect(status.status).toBe(200);
      expect(Buffer.from(status.body).toString()).toContain('"state": "AVAILABLE"');
      expect(missing.status).toBe(404);
    });

    it('treats an empty 200 as EMPTY_RESPONSE but passes an empty 400 through (TF Serving version overflow)', async () => {
      const tf = await server();
      tf.handler = (request, response) => {
        response.writeHead(request.url.includes('versions') ? 400 : 200, {
          'content-type': 'application/json',
        });
        response.end();
      };
      const backend = factory.create(config([tf.url]));

      const error = await caught(
        backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') }),
      );
      const overflow = await backend.modelStatus({ name: 'm', version: 1e19 }); // beyond int64

      expect(error.code).toBe(BackendErrorCode.EMPTY_RESPONSE);
      expect(error.message).toContain(tf.url);
      expect(overflow.status).toBe(400);
      expect(overflow.body).toHaveLength(0);
    });
  });

  describe('failures', () => {
    it('times out with TIMEOUT naming the endpoint and the limit', async () => {
      const tf = await server();
      tf.handler = (_request, response) => setTimeout(() => tfJson(response, 200, '{}'), 1000).unref();
      const backend = factory.create(config([tf.url], { requestTimeoutMs: 100 }));

      const started = Date.now();
      const error = await caught(
        backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') }),
      );

      expect(error.code).toBe(BackendErrorCode.TIMEOUT);
      expect(error.message).toBe(`no answer from ${tf.url} within 100 ms`);
      expect(Date.now() - started).toBeLessThan(900);
    });

    it('times out while the body is still streaming', async () => {
      const tf = await server();
      tf.handler = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"predictions": [');
      };
      const backend = factory.create(config([tf.url], { requestTimeoutMs: 100 }));

      const error = await caught(
        backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') }),
      );

      expect(error.code).toBe(BackendErrorCode.TIMEOUT);
    });

    it('reports a caller abort as ABORTED, not TIMEOUT', async () => {
      const tf = await server();
      tf.handler = (_request, response) => setTimeout(() => tfJson(response, 200, '{}'), 1000).unref();
      const backend = factory.create(config([tf.url]));
      const caller = new AbortController();
      setTimeout(() => caller.abort(), 50);

      const error = await caught(
        backend.infer({
          model: HALF_PLUS_TWO,
          verb: 'predict',
          body: Buffer.from('{}'),
          signal: caller.signal,
        }),
      );
      const already = await caught(backend.modelStatus(HALF_PLUS_TWO, AbortSignal.abort()));
      // The gateway's per-request CallCancellation works the same way.
      const clientGone = new CallCancellation();
      setTimeout(() => clientGone.cancel(new Error('the client closed the connection')), 50);
      const cancelled = await caught(
        backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}'), signal: clientGone }),
      );

      expect(error.code).toBe(BackendErrorCode.ABORTED);
      expect(already.code).toBe(BackendErrorCode.ABORTED);
      expect(cancelled.code).toBe(BackendErrorCode.ABORTED);
    });

    it('reports a refused connection as UNREACHABLE naming the endpoint and the cause', async () => {
      const url = await refusedUrl();
      const backend = factory.create(config([url]));

      const error = await caught(
        backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') }),
      );

      expect(error.code).toBe(BackendErrorCode.UNREACHABLE);
      expect(error.message).toContain(url);
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('reports a DNS failure as UNREACHABLE', async () => {
      const backend = factory.create(config(['http://no-such-host.invalid:8501']));

      const error = await caught(backend.modelStatus(HALF_PLUS_TWO));

      expect(error.code).toBe(BackendErrorCode.UNREACHABLE);
      expect(error.message).toContain('http://no-such-host.invalid:8501');
    }, 15_000);

    it('reports a reset before the answer as UNREACHABLE and a cut-short body as BAD_RESPONSE', async () => {
      const tf = await server();
      tf.handler = (request, response) => {
        if (request.url.includes('versions/1')) {
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          response.write('{"predictions": [', () => response.socket?.destroy());
        } else {
          response.socket?.destroy();
        }
      };
      const backend = factory.create(config([tf.url]));
      const body = Buffer.from('{}');

      const reset = await caught(backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body }));
      const truncated = await caught(
        backend.infer({ model: { ...HALF_PLUS_TWO, version: 1 }, verb: 'predict', body }),
      );

      expect(reset.code).toBe(BackendErrorCode.UNREACHABLE);
      expect(reset.message).toContain(tf.url);
      expect(truncated.code).toBe(BackendErrorCode.BAD_RESPONSE);
    });
  });

  describe('several endpoints', () => {
    it('retries on another endpoint when the connection failed before the request was sent', async () => {
      const down = await refusedUrl();
      const tf = await server();
      const backend = factory.create(config([down, tf.url]));

      // Fresh backend, both instances considered up: the rotation starts with the first (refused) one.
      const answer = await backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') });

      expect(answer.status).toBe(200);
      expect(tf.calls).toHaveLength(1);
      expect(logger.lines.filter((line) => line.includes(down))).toHaveLength(1);
    });

    it('does not retry once the request went out (reset after send)', async () => {
      const resetting = await server();
      const healthy = await server();
      resetting.handler = (request, response) => {
        if (request.method === 'POST') response.socket?.destroy();
        else FakeTfServing.defaultHandler(request, response);
      };
      const backend = factory.create(config([resetting.url, healthy.url]));
      await backend.health();

      const error = await caught(
        backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') }),
      );

      expect(error.code).toBe(BackendErrorCode.UNREACHABLE);
      expect(error.message).toContain(resetting.url);
      expect(error.message).toContain('not retried');
      expect(resetting.calls).toHaveLength(1);
      expect(healthy.calls).toHaveLength(0);
    });

    it('names every endpoint when none can be connected to', async () => {
      const [a, b] = [await refusedUrl(), await refusedUrl()];
      const backend = factory.create(config([a, b]));

      const error = await caught(backend.modelStatus(HALF_PLUS_TWO));

      expect(error.code).toBe(BackendErrorCode.UNREACHABLE);
      expect(error.message).toContain(a);
      expect(error.message).toContain(b);
    });

    it('sends to the endpoint with the fewest requests in flight', async () => {
      const slow = await server();
      const fast = await server();
      const held: (() => void)[] = [];
      slow.handler = (request, response) => {
        if (request.method === 'POST') held.push(() => tfJson(response, 200, PREDICT_ANSWER));
        else FakeTfServing.defaultHandler(request, response);
      };
      const backend = factory.create(config([slow.url, fast.url]));
      await backend.health();
      const call = { model: HALF_PLUS_TWO, verb: 'predict' as const, body: Buffer.from('{}') };

      const first = backend.infer(call); // rotation starts at the slow instance, which holds it
      await waitFor(() => held.length === 1);
      for (let i = 0; i < 5; i++) expect((await backend.infer(call)).status).toBe(200);
      held.forEach((release) => release());

      expect((await first).status).toBe(200);
      expect(slow.calls).toHaveLength(1);
      expect(fast.calls).toHaveLength(5);
    });

    it('spreads idle traffic over the instances', async () => {
      const a = await server();
      const b = await server();
      const backend = factory.create(config([a.url, b.url]));
      await backend.health();

      for (let i = 0; i < 4; i++) await backend.modelMetadata(HALF_PLUS_TWO);

      expect(a.calls).toHaveLength(2);
      expect(b.calls).toHaveLength(2);
    });
  });

  describe('health', () => {
    it('marks instances down and up from the background probe, logging each change once', async () => {
      const tf = await server();
      let loaded = true;
      tf.handler = (request, response) => {
        if (!loaded && request.method === 'GET') {
          return tfError(response, 404, 'Could not find any versions of model half_plus_two');
        }
        FakeTfServing.defaultHandler(request, response);
      };
      // 100 ms: the probe's timeout is the interval, and a 20 ms one timed out on a loaded 2-core machine.
      const backend = factory.create(
        config([tf.url], { options: { model: 'half_plus_two', healthCheckIntervalMs: 100 } }),
      );

      expect(await backend.health()).toMatchObject({
        state: 'up',
        instances: [{ endpoint: tf.url, state: 'up' }],
      });
      loaded = false;
      await waitFor(() => logger.lines.length === 1);
      const probesWhenDown = tf.requests.length;
      await waitFor(() => tf.requests.length >= probesWhenDown + 3);
      const down = await backend.health();
      loaded = true;
      await waitFor(() => logger.lines.length === 2);
      await waitFor(() => tf.requests.length >= probesWhenDown + 6);

      expect(down.state).toBe('down');
      expect(down.instances?.[0].detail).toContain('HTTP 404');
      expect((await backend.health()).state).toBe('up');
      expect(logger.lines).toEqual([
        expect.stringMatching(
          new RegExp(`^warn TF Serving instance ${tf.url} is down: model half_plus_two: HTTP 404`),
        ),
        expect.stringMatching(new RegExp(`^log TF Serving instance ${tf.url} is up again`)),
      ]);
    });

    it('reports per-instance detail and never throws when nothing answers', async () => {
      const tf = await server();
      const down = await refusedUrl();
      const backend = factory.create(config([tf.url, down]));

      const mixed = await backend.health();
      await tf.stop();
      const none = await factory.create(config([down], { options: { model: 'half_plus_two' } })).health();

      expect(mixed.state).toBe('up');
      expect(mixed.instances).toEqual([
        { endpoint: tf.url, state: 'up', detail: 'REST API answered HTTP 400' },
        { endpoint: down, state: 'down', detail: expect.stringContaining('ECONNREFUSED') },
      ]);
      expect(none.state).toBe('down');
      expect(none.detail).toContain(down);
    });

    it('skips an instance the probe marked down', async () => {
      const sick = await server();
      const well = await server();
      sick.handler = (request, response) =>
        request.method === 'GET'
          ? tfError(response, 503, 'unavailable')
          : FakeTfServing.defaultHandler(request, response);
      const backend = factory.create(config([sick.url, well.url], { options: { model: 'half_plus_two' } }));
      await backend.health();

      for (let i = 0; i < 3; i++)
        await backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') });

      expect(sick.calls).toHaveLength(0);
      expect(well.calls).toHaveLength(3);
    });
  });

  describe('close', () => {
    it('is idempotent, refuses later calls and keeps a pool other backends still share', async () => {
      const tf = await server();
      const first: ServingBackend = factory.create(config([tf.url]));
      const second = factory.create(config([tf.url]));
      await first.modelStatus(HALF_PLUS_TWO);

      await Promise.all([first.close(), first.close()]);
      await first.close();

      expect((await caught(first.modelStatus(HALF_PLUS_TWO))).code).toBe(BackendErrorCode.UNREACHABLE);
      expect(await first.health()).toEqual({ state: 'down', detail: 'backend is closed' });
      expect((await second.modelStatus(HALF_PLUS_TWO)).status).toBe(200);
    });

    it('lets a request in flight finish, then the factory closes everything', async () => {
      const tf = await server();
      tf.handler = (_request, response) =>
        setTimeout(() => tfJson(response, 200, '{"outputs": 4.5}'), 100).unref();
      const backend = factory.create(config([tf.url]));

      const inFlight = backend.infer({ model: HALF_PLUS_TWO, verb: 'predict', body: Buffer.from('{}') });
      await waitFor(() => tf.calls.length === 1);
      await Promise.all([factory.close(), factory.close()]);

      expect(Buffer.from((await inFlight).body).toString()).toBe('{"outputs": 4.5}');
      expect((await backend.health()).state).toBe('down');
      expect(() => factory.create(config([tf.url]))).toThrow('closed');
    });
  });
});
