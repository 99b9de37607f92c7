import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import avro from 'avsc';
import { freePort } from '@infergate/testing';
import { FakeTfServing } from './fake-tf-serving.server';
import { startGateway, type Gateway } from './gateway.harness';

const BASE = '/hopsworks-api/api';

function rawBody(res: NodeJS.EventEmitter, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

interface ErrorJson {
  errorCode: number;
  errorMsg: string;
  usrMsg: string;
}

const json = (res: { body: unknown }): ErrorJson =>
  JSON.parse((res.body as Buffer).toString('utf8')) as ErrorJson;
const NAN_BODY = '{\n    "predictions": [NaN, Infinity, -Infinity, 12345678901234567890]\n}';

/** Each error the inference route documents, over HTTP, with a TF-Serving-shaped backend. */
describe('inference route: status codes and error bodies', () => {
  let gateway: Gateway;
  let backend: FakeTfServing;
  let token: string;

  beforeAll(async () => {
    backend = await new FakeTfServing({
      ok: { status: 200, body: NAN_BODY },
      created: { status: 201, body: '{"predictions": [1]}' },
      fail500: { status: 500, body: '{"error": "model crashed"}' },
      fail400: { status: 400, body: '{\n    "error": "JSON Parse error: Invalid value. at offset: 0"\n}' },
      fail401: { status: 401, body: '{"error": "who are you"}' },
      fail403: { status: 403, body: '{"error": "not you"}' },
      slow: { status: 200, body: '{}', delayMs: 2000 },
      hang: { status: 200, body: '{}', delayMs: 5000 },
      empty: { status: 200, body: '' },
    }).start();
    gateway = await startGateway({ MAX_REQUEST_BYTES: '4096' });
    token = await gateway.login();
    const endpoints = JSON.stringify([backend.url]);
    for (const name of ['ok', 'created', 'fail500', 'fail400', 'fail401', 'fail403', 'empty']) {
      await gateway.addServing({ name, backend_endpoints: endpoints });
    }
    await gateway.addServing({ name: 'slow', backend_endpoints: endpoints, request_timeout_ms: 200 });
    await gateway.addServing({ name: 'hang', backend_endpoints: endpoints, request_timeout_ms: 20000 });
    await gateway.addServing({ name: 'stopped', backend_endpoints: endpoints, status: 'Stopped' });
    await gateway.addServing({
      name: 'down',
      backend_endpoints: JSON.stringify([`http://127.0.0.1:${await freePort()}`]),
    });
    await gateway.addServing({ name: 'noendpoint', backend_endpoints: '[]' });
    await gateway.addServing({ name: 'future', backend_kind: 'KSERVE_V2' });
    await gateway.addServing({
      name: 'nolog',
      backend_endpoints: endpoints,
      kafka_topic: null,
      model_name: 'ok',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await backend?.stop();
  });

  const predict = (
    path: string,
    body: string | Buffer = '{"instances": [1.0]}',
    auth: string | null = token,
  ) => {
    const req = gateway.http
      .post(`${BASE}/project/1/inference/models/${path}`)
      .set('content-type', 'application/json');
    if (auth) req.set('authorization', auth);
    // Raw bytes: TF Serving answers may hold NaN tokens that a JSON parser would reject.
    return req.buffer(true).parse(rawBody).send(body);
  };

  const expectError = (
    res: { status: number; body: unknown; headers: Record<string, string> },
    status: number,
    errorCode: number,
  ) => {
    const body = json(res);
    expect({ status: res.status, errorCode: body.errorCode }).toEqual({ status, errorCode });
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(Object.keys(body).sort()).toEqual(['errorCode', 'errorMsg', 'usrMsg']);
    expect(typeof body.errorMsg).toBe('string');
    expect(typeof body.usrMsg).toBe('string');
  };

  it('passes a 200 answer through byte for byte, NaN and big ints included, and forwards the body untouched', async () => {
    const body = '{"signature_name": "x", "instances": [NaN, 12345678901234567890]}';
    const res = await predict('ok:predict', body);
    expect(res.status).toBe(200);
    expect((res.body as Buffer).toString()).toBe(NAN_BODY);
    const last = backend.received.at(-1)!;
    expect(last.path).toBe('/v1/models/ok:predict');
    expect(last.body.toString()).toBe(body);
  });

  it('forwards the version and the verb in TF Serving path form', async () => {
    await predict('ok/versions/3:classify');
    expect(backend.received.at(-1)!.path).toBe('/v1/models/ok/versions/3:classify');
    await predict('ok:regress');
    expect(backend.received.at(-1)!.path).toBe('/v1/models/ok:regress');
  });

  it('answers any backend 2xx as 200, as Hopsworks does', async () => {
    expect((await predict('created:predict')).status).toBe(200);
  });

  it('401/200003 without credentials, or with a malformed or forged token', async () => {
    expectError(await predict('ok:predict', '{}', null), 401, 200003);
    expectError(await predict('ok:predict', '{}', 'Bearer not-a-jwt'), 401, 200003);
    expectError(await predict('ok:predict', '{}', 'Basic YTpi'), 401, 200003);
    const [h, p] = token.slice('Bearer '.length).split('.');
    expectError(await predict('ok:predict', '{}', `Bearer ${h}.${p}.forged-signature`), 401, 200003);
  });

  it('404/250000 for an unknown model, naming it', async () => {
    const res = await predict('nosuchmodel:predict');
    expectError(res, 404, 250000);
    expect(json(res).usrMsg).toBe('name: nosuchmodel');
  });

  it('400/250005 when the verb is missing', async () => {
    expectError(await predict('ok'), 400, 250005);
    expectError(await predict('ok/versions/1'), 400, 250005);
  });

  it('404 for a verb outside the route (:foo), as JAX-RS answers an unmatched path', async () => {
    expectError(await predict('ok:foo'), 404, 120004);
  });

  it('400/250001 when the serving is not running', async () => {
    expectError(await predict('stopped:predict'), 400, 250001);
  });

  it('400/250001 naming the kind when the serving uses a backend that is not available yet', async () => {
    const res = await predict('future:predict');
    expectError(res, 400, 250001);
    expect(json(res).usrMsg).toMatch(/KSERVE_V2 is not available yet/);
  });

  it('500/250002 when the backend is unreachable, and when it times out', async () => {
    expectError(await predict('down:predict'), 500, 250002);
    const started = Date.now();
    const res = await predict('slow:predict');
    expectError(res, 500, 250002);
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('stops the backend call when the client goes away before the answer', async () => {
    const server = gateway.app.getHttpServer() as import('node:http').Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    const body = '{"instances": [1.0]}';
    const client = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `${BASE}/project/1/inference/models/hang:predict`,
      headers: { 'content-type': 'application/json', authorization: token, 'content-length': body.length },
    });
    client.on('error', () => undefined); // the socket is destroyed on purpose below
    client.end(body);
    const until = async (what: string, test: () => boolean) => {
      for (let i = 0; i < 200 && !test(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      if (!test()) throw new Error(`timed out waiting until ${what}`);
    };
    const path = '/v1/models/hang:predict';
    await until('the backend has the request', () => backend.received.some((r) => r.path === path));
    client.destroy();

    // The backend answers after 5 s; its connection closing well before that means the gateway cancelled.
    await until('the backend call is cancelled', () => backend.cancelled.includes(path));
  });

  it('500/250012 when a remote serving has no endpoint', async () => {
    expectError(await predict('noendpoint:predict'), 500, 250012);
  });

  it('500/250003 when the backend answers 200 with an empty body', async () => {
    expectError(await predict('empty:predict'), 500, 250003);
  });

  it('maps backend 5xx/4xx/401/403 to 250007/250008/250010/250011 with the backend body as usrMsg', async () => {
    const r500 = await predict('fail500:predict');
    expectError(r500, 500, 250007);
    expect(json(r500).usrMsg).toBe('{"error": "model crashed"}');
    const r400 = await predict('fail400:predict');
    expectError(r400, 400, 250008);
    expect(json(r400).usrMsg).toMatch(/JSON Parse error/);
    expectError(await predict('fail401:predict'), 401, 250010);
    expectError(await predict('fail403:predict'), 403, 250011);
  });

  it('413 for a body over MAX_REQUEST_BYTES, with or without Content-Length', async () => {
    const big = `{"instances": [${'1.0,'.repeat(2000)}1.0]}`;
    expectError(await predict('ok:predict', big), 413, 120004);
    // Chunked: no Content-Length, so the limit is enforced while reading.
    const server = gateway.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const chunked = await new Promise<{ status: number; body: Buffer; headers: Record<string, string> }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${BASE}/project/1/inference/models/ok:predict`,
            headers: { authorization: token, 'content-type': 'application/json' },
          },
          (res) =>
            rawBody(res, (_e, body) =>
              resolve({ status: res.statusCode!, body, headers: res.headers as Record<string, string> }),
            ),
        );
        req.on('error', reject);
        for (let i = 0; i < 10; i++) req.write(big.slice(0, 1000));
        req.end();
      },
    );
    expectError(chunked, 413, 120004);
  });

  it('403/160000 for a user who is not a member; 404/150004 for an unknown project', async () => {
    await gateway.addUser('outsider@example.com', 'outsider-pass-1');
    const outsider = await gateway.login('outsider@example.com', 'outsider-pass-1');
    expectError(await predict('ok:predict', '{}', outsider), 403, 160000);
    const res = await gateway.http
      .post(`${BASE}/project/999/inference/models/ok:predict`)
      .set('authorization', token)
      .set('content-type', 'application/json')
      .buffer(true)
      .parse(rawBody)
      .send('{}');
    expectError(res, 404, 150004);
  });

  it('lets a Data scientist call inference', async () => {
    await gateway.addUser('ds@example.com', 'scientist-pass-1', 'Data scientist');
    const ds = await gateway.login('ds@example.com', 'scientist-pass-1');
    const res = await predict('ok:predict', '{}', ds);
    expect(res.status).toBe(200);
  });

  it('logs every backend answer, 4xx and 5xx included, and nothing for a serving without a topic', async () => {
    const before = Date.now();
    await predict('fail400:predict', 'not json');
    await predict('nolog:predict', '{"nolog": true}');
    const { InferenceLogService } = await import('../src/inference-log/inference-log.service');
    await gateway.app.get(InferenceLogService).drained();
    const dir = gateway.config.inferenceLog.directory;
    const file = readdirSync(dir).find((f) => f.startsWith('fail400-'))!;
    const records: {
      responseHttpCode: number;
      inferenceRequest: string;
      inferenceResponse: string;
      requestTimestamp: number;
    }[] = [];
    await new Promise((resolve, reject) =>
      avro
        .createFileDecoder(join(dir, file))
        .on('data', (r) => records.push(r))
        .on('end', resolve)
        .on('error', reject),
    );
    const last = records.at(-1)!;
    expect(last).toMatchObject({ responseHttpCode: 400, inferenceRequest: 'not json' });
    expect(last.inferenceResponse).toMatch(/JSON Parse error/);
    expect(last.requestTimestamp).toBeGreaterThanOrEqual(before);
    expect(readdirSync(dir).some((f) => f.startsWith('nolog-'))).toBe(false);
  });
});

describe('login', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.close());

  it('answers a form login with the JWT in the Authorization header and Hopsworks body', async () => {
    const res = await gateway.http
      .post(`${BASE}/auth/login`)
      .type('form')
      .send({ email: 'admin@example.com', password: 'admin-password-1' });
    expect(res.status).toBe(200);
    expect(res.headers['authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.body).toEqual({ sessionID: expect.any(String), data: 'admin@example.com' });
  });

  it('accepts JSON too', async () => {
    const res = await gateway.http
      .post(`${BASE}/auth/login`)
      .send({ email: 'admin@example.com', password: 'admin-password-1' });
    expect(res.status).toBe(200);
  });

  it('401/160008 for a wrong password or an unknown email', async () => {
    for (const body of [
      { email: 'admin@example.com', password: 'wrong' },
      { email: 'nobody@example.com', password: 'whatever' },
    ]) {
      const res = await gateway.http.post(`${BASE}/auth/login`).type('form').send(body);
      expect([res.status, res.body.errorCode]).toEqual([401, 160008]);
    }
  });

  it('400 for malformed JSON and 422 for missing fields, never a 500', async () => {
    const malformed = await gateway.http
      .post(`${BASE}/auth/login`)
      .set('content-type', 'application/json')
      .send('{"email":');
    expect([malformed.status, malformed.body.errorCode]).toEqual([400, 120001]);
    const missing = await gateway.http.post(`${BASE}/auth/login`).send({ email: 'admin@example.com' });
    expect([missing.status, missing.body.errorCode]).toEqual([422, 120001]);
    const wrongType = await gateway.http.post(`${BASE}/auth/login`).send({ email: 42, password: ['x'] });
    expect([wrongType.status, wrongType.body.errorCode]).toEqual([422, 120001]);
  });

  it('answers unknown routes with the error body', async () => {
    const res = await gateway.http.get(`${BASE}/nothing/here`);
    expect(res.status).toBe(404);
    expect(Object.keys(res.body).sort()).toEqual(['errorCode', 'errorMsg', 'usrMsg']);
  });

  it('serves liveness, readiness, metrics and the OpenAPI document without credentials', async () => {
    expect((await gateway.http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await gateway.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    const metrics = await gateway.http.get('/metrics');
    expect(metrics.text).toMatch(/http_requests_total/);
    expect(metrics.text).toMatch(/inference_log_records_total/);
    expect((await gateway.http.get('/docs-json')).body.paths).toHaveProperty([
      '/hopsworks-api/api/auth/login',
    ]);
  });
});
