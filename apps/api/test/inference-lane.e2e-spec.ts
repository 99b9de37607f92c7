import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@infergate/testing';
import { InferenceLane } from '../src/inference/inference.lane';
import { MetricsService } from '../src/metrics/metrics.service';
import { FakeTfServing } from './fake-tf-serving.server';
import { ADMIN, startGateway, type Gateway } from './gateway.harness';

const BASE = '/hopsworks-api/api';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

interface Ask {
  readonly project?: string;
  /** The model path after models/, written plainly; the controller's spelling percent-escapes its first character. */
  readonly path: string;
  readonly auth?: string | null;
  readonly body?: string;
  readonly contentType?: string;
  readonly query?: string;
}

const LIMIT = 4096;

/**
 * InferenceLane serves the inference route ahead of Fastify and Nest; InferenceController serves what
 * the lane leaves (here: a percent-escaped path, which Fastify's router decodes to the same route
 * parameters). The same question asked both ways must get the same answer, byte for byte. With the
 * lane's own HTTP reader ('own', the default) the lane answers plain requests read by LaneConnections
 * and the rest (here: a body over the limit) after Node's parser; with 'node' always after Node's parser.
 */
describe.each(['own', 'node'] as const)(
  'inference lane (%s parser) and inference controller answer alike',
  (parser) => {
    let gateway: Gateway;
    let backend: FakeTfServing;
    let port: number;
    let token: string;
    let apiKey: string;
    let outsider: string;
    /** Who answered each request: 'own' (lane via LaneConnections), 'lane' (via Node's parser), 'controller'. */
    let taken: string[];

    beforeAll(async () => {
      backend = await new FakeTfServing({
        ok: { status: 200, body: '{"predictions": [NaN, 12345678901234567890]}' },
        created: { status: 201, body: '{"predictions": [1]}' },
        fail500: { status: 500, body: '{"error": "model crashed"}' },
        fail400: { status: 400, body: '{"error": "JSON Parse error"}' },
        empty: { status: 200, body: '' },
      }).start();
      gateway = await startGateway({ MAX_REQUEST_BYTES: String(LIMIT), HTTP_LANE_PARSER: parser });
      const server = gateway.app.getHttpServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      token = await gateway.login();
      apiKey = `ApiKey ${
        (
          await gateway.http
            .post(`${BASE}/users/apiKey?name=serving&scope=SERVING`)
            .set('authorization', token)
        ).body.key as string
      }`;
      await gateway.addUser('outsider@example.com', 'outsider-pass-1');
      outsider = await gateway.login('outsider@example.com', 'outsider-pass-1');
      const endpoints = JSON.stringify([backend.url]);
      for (const name of ['ok', 'created', 'fail500', 'fail400', 'empty'])
        await gateway.addServing({ name, backend_endpoints: endpoints });
      await gateway.addServing({ name: 'stopped', backend_endpoints: endpoints, status: 'Stopped' });
      await gateway.addServing({
        name: 'down',
        backend_endpoints: JSON.stringify([`http://127.0.0.1:${await freePort()}`]),
      });
      const lane = gateway.app.get(InferenceLane);
      const take = lane.take.bind(lane);
      jest.spyOn(lane, 'take').mockImplementation((request, response) => {
        const took = take(request, response);
        taken.push(took ? 'lane' : 'controller');
        return took;
      });
      const answer = lane.answer.bind(lane);
      jest.spyOn(lane, 'answer').mockImplementation((request) => {
        taken.push('own');
        return answer(request);
      });
    });
    afterAll(async () => {
      jest.restoreAllMocks();
      await gateway?.close();
      await backend?.stop();
    });
    beforeEach(() => {
      taken = [];
    });

    const send = (path: string, ask: Ask): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const body = Buffer.from(ask.body ?? '{"instances": [1.0]}');
        const headers: Record<string, string | number> = {
          'content-type': ask.contentType ?? 'application/json',
          'content-length': body.length,
        };
        const auth = ask.auth === undefined ? token : ask.auth;
        if (auth !== null) headers['authorization'] = auth;
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${BASE}/project/${ask.project ?? '1'}/inference/models/${path}${ask.query ?? ''}`,
            headers,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const { date: _date, ...rest } = res.headers as Record<string, string | undefined>;
              resolve({
                status: res.statusCode!,
                headers: rest,
                body: Buffer.concat(chunks).toString('utf8'),
              });
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    /** Asks through the lane and through the controller; returns the answer once both agree. */
    const askBoth = async (ask: Ask): Promise<Answer> => {
      const viaLane = await send(ask.path, ask);
      const escaped = `%${ask.path.charCodeAt(0).toString(16).toUpperCase()}${ask.path.slice(1)}`;
      const viaController = await send(escaped, ask);
      const plain = Buffer.byteLength(ask.body ?? '') <= LIMIT;
      expect(taken).toEqual([parser === 'own' && plain ? 'own' : 'lane', 'controller']);
      // A 500's usrMsg carries a fresh correlation id; everything else must match exactly.
      const normalise = (a: Answer) => ({
        ...a,
        body: a.body.replace(/reference [0-9a-f-]{36}/, 'reference <id>'),
      });
      expect(normalise(viaLane)).toEqual(normalise(viaController));
      taken = [];
      return viaLane;
    };

    const errorCodeOf = (a: Answer) => (JSON.parse(a.body) as { errorCode: number }).errorCode;

    it('a 200 passes through unchanged (a 201 becomes 200), with the same headers', async () => {
      const ok = await askBoth({ path: 'ok:predict' });
      expect(ok.status).toBe(200);
      expect(ok.body).toBe('{"predictions": [NaN, 12345678901234567890]}');
      expect(ok.headers['content-type']).toMatch(/application\/json/);
      expect((await askBoth({ path: 'created/versions/3:classify', query: '?x=1' })).status).toBe(200);
      expect(backend.received.at(-1)?.path).toBe('/v1/models/created/versions/3:classify');
    });

    it('credentials: none, malformed, forged, wrong scheme, API key, non-member', async () => {
      expect(errorCodeOf(await askBoth({ path: 'ok:predict', auth: null }))).toBe(200003);
      expect((await askBoth({ path: 'ok:predict', auth: 'Bearer' })).status).toBe(401);
      expect((await askBoth({ path: 'ok:predict', auth: `${token}x` })).status).toBe(401);
      expect((await askBoth({ path: 'ok:predict', auth: 'Basic YTpi' })).status).toBe(401);
      expect((await askBoth({ path: 'ok:predict', auth: apiKey })).status).toBe(200);
      expect((await askBoth({ path: 'ok:predict', auth: 'ApiKey nope.nope' })).status).toBe(401);
      expect(errorCodeOf(await askBoth({ path: 'ok:predict', auth: outsider }))).toBe(160000);
      expect(errorCodeOf(await askBoth({ path: 'ok:predict', project: '999' }))).toBe(150004);
    });

    it('routing and serving errors: unknown model, no verb, unknown verb, stopped, unreachable, empty', async () => {
      expect(errorCodeOf(await askBoth({ path: 'nosuch:predict' }))).toBe(250000);
      expect(errorCodeOf(await askBoth({ path: 'ok' }))).toBe(250005);
      expect((await askBoth({ path: 'ok:foo' })).status).toBe(404);
      expect((await askBoth({ path: 'ok/versions/99999999999:predict' })).status).toBe(404);
      expect(errorCodeOf(await askBoth({ path: 'stopped:predict' }))).toBe(250001);
      expect(errorCodeOf(await askBoth({ path: 'down:predict' }))).toBe(250002);
      expect(errorCodeOf(await askBoth({ path: 'empty:predict' }))).toBe(250003);
    });

    it('backend errors and bodies the backend judges, including an oversized one (413 before auth)', async () => {
      expect(errorCodeOf(await askBoth({ path: 'fail500:predict' }))).toBe(250007);
      expect(errorCodeOf(await askBoth({ path: 'fail400:predict', body: 'not json' }))).toBe(250008);
      const big = `{"instances": [${'1.0,'.repeat(2000)}1.0]}`;
      const tooBig = await askBoth({ path: 'ok:predict', body: big, auth: null });
      expect([tooBig.status, errorCodeOf(tooBig)]).toEqual([413, 120004]);
    });

    it('counts both under the controller route label', async () => {
      await askBoth({ path: 'ok:predict' });
      const text = await gateway.app.get(MetricsService).registry.metrics();
      const series = text
        .split('\n')
        .filter((line) => line.startsWith('http_requests_total') && line.includes('/inference/models/*'));
      expect(series.join('\n')).toMatch(
        /http_requests_total\{method="POST",route="\/hopsworks-api\/api\/project\/:projectId\/inference\/models\/\*",status="200"\} \d+/,
      );
    });

    it('serves a client that logs in, manages and predicts on one keep-alive connection', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const ports = new Set<number>();
      const call = (method: string, path: string, headers: Record<string, string>, body = '') =>
        new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, method, path: `${BASE}${path}`, headers, agent },
            (res) => {
              ports.add(res.socket.localPort!);
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                resolve({
                  status: res.statusCode!,
                  headers: res.headers,
                  body: Buffer.concat(chunks).toString(),
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      try {
        const login = await call(
          'POST',
          '/auth/login',
          { 'content-type': 'application/x-www-form-urlencoded' },
          `email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}`,
        );
        expect(login.status).toBe(200);
        const auth = { authorization: login.headers['authorization'] as string };
        const json = { ...auth, 'content-type': 'application/json' };
        const predict = () =>
          call('POST', '/project/1/inference/models/ok:predict', json, '{"instances": [1]}');
        expect((await predict()).body).toBe('{"predictions": [NaN, 12345678901234567890]}');
        expect((await call('GET', '/project/1', auth)).status).toBe(200);
        expect((await predict()).status).toBe(200);
        expect(ports.size).toBe(1);
        const lane = parser === 'own' ? 'own' : 'lane';
        expect(taken).toEqual(['controller', lane, 'controller', lane]);
      } finally {
        agent.destroy();
      }
    });

    it('leaves other content types and percent-escaped paths to the controller', async () => {
      const form = await send('ok:predict', { path: 'ok:predict', contentType: 'text/plain' });
      expect(form.status).toBe(200);
      expect(taken).toEqual(['controller']);
    });
  },
);
