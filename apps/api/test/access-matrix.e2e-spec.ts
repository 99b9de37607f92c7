import jwt from 'jsonwebtoken';
import type { Test } from 'supertest';
import { ServingRepository } from '@infergate/store';
import { seedRequestBody, startGateway, type Gateway } from './gateway.harness';

const BASE = '/hopsworks-api/api';
const SECRET = 'matrix-secret-matrix-secret-matrix-secret';

/** Which authorization rule a route follows (the anchor's matrix, §2 and §4). */
type RouteClass =
  | 'serving-read' // DO + DS; JWT or API key with SERVING
  | 'serving-write' // DO only; JWT or API key with SERVING
  | 'kafka-read' // DO + DS; JWT or API key with KAFKA
  | 'project-read' // DO + DS; JWT only
  | 'project-write' // DO only; JWT only
  | 'user' // any signed-in user; JWT only
  | 'admin' // HOPS_ADMIN only; JWT only
  | 'public'; // no credentials needed

type Credential =
  | 'none'
  | 'malformed header'
  | 'forged JWT'
  | 'expired JWT'
  | 'alg:none JWT'
  | 'non-member'
  | 'Data scientist'
  | 'Data owner'
  | 'HOPS_ADMIN'
  | 'API key without SERVING'
  | 'API key with SERVING';

const CREDENTIALS: Credential[] = [
  'none',
  'malformed header',
  'forged JWT',
  'expired JWT',
  'alg:none JWT',
  'non-member',
  'Data scientist',
  'Data owner',
  'HOPS_ADMIN',
  'API key without SERVING',
  'API key with SERVING',
];

type Expected = [status: number, errorCode?: number];

/** The answer a credential gets on a route of a class, when the route itself would succeed with `ok`. */
function expected(cls: RouteClass, credential: Credential, ok: Expected): Expected {
  if (cls === 'public') return ok;
  const unauthenticated: Expected = [401, 200003];
  switch (credential) {
    case 'none':
    case 'malformed header':
    case 'forged JWT':
    case 'expired JWT':
    case 'alg:none JWT':
      return unauthenticated;
    case 'API key without SERVING':
    case 'API key with SERVING': {
      // Routes that take no API keys answer like a JWT route with a foreign scheme (JWTFilter: 401).
      if (cls !== 'serving-read' && cls !== 'serving-write' && cls !== 'kafka-read') return unauthenticated;
      const hasScope = credential === 'API key with SERVING' && cls !== 'kafka-read';
      return hasScope ? ok : [403, 320004];
    }
    case 'non-member':
      if (cls === 'user') return ok;
      if (cls === 'admin') return [403, 200014];
      return [403, 160000];
    case 'Data scientist':
      if (cls === 'admin') return [403, 200014];
      return cls === 'serving-write' || cls === 'project-write' ? [403, 150068] : ok;
    case 'Data owner':
      return cls === 'admin' ? [403, 200014] : ok;
    case 'HOPS_ADMIN':
      return ok; // the admin created project 1, so it is its Data owner too
  }
}

describe('access matrix: every route × every kind of credential', () => {
  let gateway: Gateway;
  const headers = new Map<Credential, string | undefined>();
  let topic: string;
  let createdServingId: number;
  let outsiderId: number;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}${++counter}`;

  beforeAll(async () => {
    gateway = await startGateway({ JWT_SECRET: SECRET });
    const admin = await gateway.login();
    await gateway.addUser('owner@example.com', 'owner-password-1', 'Data owner');
    await gateway.addUser('ds@example.com', 'ds-password-1', 'Data scientist');
    outsiderId = await gateway.addUser('out@example.com', 'out-password-1');
    const owner = await gateway.login('owner@example.com', 'owner-password-1');
    const claims = { sub: '2', email: 'owner@example.com', roles: ['HOPS_USER'] };
    const key = async (scope: string) =>
      (
        await gateway.http
          .post(`${BASE}/users/apiKey?name=${scope.toLowerCase()}&scope=${scope}`)
          .set('authorization', owner)
      ).body.key as string;
    headers.set('none', undefined);
    headers.set('malformed header', 'Bearer');
    headers.set(
      'forged JWT',
      `Bearer ${jwt.sign(claims, 'another-secret-another-secret-another', { algorithm: 'HS256', issuer: 'infergate', audience: 'api', expiresIn: 600 })}`,
    );
    headers.set(
      'expired JWT',
      `Bearer ${jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 600 }, SECRET, { algorithm: 'HS256', issuer: 'infergate', audience: 'api' })}`,
    );
    headers.set(
      'alg:none JWT',
      `Bearer ${jwt.sign({ ...claims, iss: 'infergate', aud: 'api' }, '', { algorithm: 'none' })}`,
    );
    headers.set('non-member', await gateway.login('out@example.com', 'out-password-1'));
    headers.set('Data scientist', await gateway.login('ds@example.com', 'ds-password-1'));
    headers.set('Data owner', owner);
    headers.set('HOPS_ADMIN', admin);
    headers.set('API key without SERVING', `ApiKey ${await key('PROJECT')}`);
    headers.set('API key with SERVING', `ApiKey ${await key('SERVING')}`);
    const servings = gateway.app.get(ServingRepository);
    topic = (await servings.findByProjectAndName(1, 'mnist'))!.kafka_topic!;
    createdServingId = (
      await gateway.http
        .put(`${BASE}/project/1/serving`)
        .set('authorization', owner)
        .send({ name: 'idle', modelName: 'mnist', modelVersion: 1, modelServer: 'ONNX' })
    ).body.id as number;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  interface Route {
    readonly name: string;
    readonly cls: RouteClass;
    /** What an authorized caller gets (2xx, or a domain error that proves authorization passed). */
    readonly ok: Expected;
    send(): Test;
  }
  const http = () => gateway.http;
  const json = (test: Test, body: object) => test.set('content-type', 'application/json').send(body);
  const routes: Route[] = [
    {
      name: 'GET /serving',
      cls: 'serving-read',
      ok: [200],
      send: () => http().get(`${BASE}/project/1/serving`),
    },
    {
      name: 'GET /serving/{id}',
      cls: 'serving-read',
      ok: [200],
      send: () => http().get(`${BASE}/project/1/serving/${createdServingId}`),
    },
    {
      name: 'POST inference :predict',
      cls: 'serving-read',
      ok: [200],
      send: () =>
        http()
          .post(`${BASE}/project/1/inference/models/mnist:predict`)
          .set('content-type', 'application/json')
          .send(seedRequestBody(1)),
    },
    {
      name: 'PUT /serving',
      cls: 'serving-write',
      ok: [201],
      send: () =>
        json(http().put(`${BASE}/project/1/serving`), {
          name: unique('m'),
          modelName: 'mnist',
          modelVersion: 1,
          modelServer: 'ONNX',
        }),
    },
    {
      name: 'POST /serving/{id}?action=stop',
      cls: 'serving-write',
      ok: [400, 240003], // the serving is Created: authorized callers reach the lifecycle check
      send: () => http().post(`${BASE}/project/1/serving/${createdServingId}?action=stop`),
    },
    {
      name: 'DELETE /serving/{id}',
      cls: 'serving-write',
      ok: [404, 240000],
      send: () => http().delete(`${BASE}/project/1/serving/999999`),
    },
    {
      name: 'GET /kafka/topics/{topic}/subjects',
      cls: 'kafka-read',
      ok: [200],
      send: () => http().get(`${BASE}/project/1/kafka/topics/${topic}/subjects`),
    },
    {
      name: 'GET /project/{id}',
      cls: 'project-read',
      ok: [200],
      send: () => http().get(`${BASE}/project/1`),
    },
    {
      name: 'GET /projectMembers',
      cls: 'project-read',
      ok: [200],
      send: () => http().get(`${BASE}/project/1/projectMembers`),
    },
    {
      name: 'POST /projectMembers',
      cls: 'project-write',
      ok: [200],
      send: () =>
        json(http().post(`${BASE}/project/1/projectMembers`), {
          email: 'ds@example.com',
          role: 'Data scientist',
        }),
    },
    {
      name: 'DELETE /projectMembers/{email}',
      cls: 'project-write',
      ok: [404, 150023],
      send: () => http().delete(`${BASE}/project/1/projectMembers/nobody@example.com`),
    },
    {
      name: 'POST /project',
      cls: 'user',
      ok: [201],
      send: () => json(http().post(`${BASE}/project`), { projectName: unique('p'), description: '' }),
    },
    { name: 'GET /project', cls: 'user', ok: [200], send: () => http().get(`${BASE}/project`) },
    {
      name: 'POST /users/apiKey',
      cls: 'user',
      ok: [201],
      send: () => http().post(`${BASE}/users/apiKey?name=${unique('k')}&scope=SERVING`),
    },
    { name: 'GET /users/apiKey', cls: 'user', ok: [200], send: () => http().get(`${BASE}/users/apiKey`) },
    {
      name: 'DELETE /users/apiKey/{name}',
      cls: 'user',
      ok: [200],
      send: () => http().delete(`${BASE}/users/apiKey/nosuchkey`),
    },
    {
      name: 'POST /admin/users',
      cls: 'admin',
      ok: [201],
      send: () =>
        json(http().post(`${BASE}/admin/users`), {
          email: `${unique('u')}@example.com`,
          password: 'user-password-1',
          firstName: 'A',
          lastName: 'B',
        }),
    },
    { name: 'GET /admin/users', cls: 'admin', ok: [200], send: () => http().get(`${BASE}/admin/users`) },
    {
      name: 'PUT /admin/users/{id}',
      cls: 'admin',
      ok: [200],
      send: () => json(http().put(`${BASE}/admin/users/${outsiderId}`), { status: 'ACTIVATED' }),
    },
    { name: 'GET /servingconf', cls: 'public', ok: [200], send: () => http().get(`${BASE}/servingconf`) },
    {
      name: 'POST /auth/register (disabled)',
      cls: 'public',
      ok: [404, 120004],
      send: () =>
        json(http().post(`${BASE}/auth/register`), {
          email: 'new@example.com',
          password: 'new-password-1',
          firstName: 'N',
          lastName: 'U',
        }),
    },
  ];

  const cases = routes.flatMap((route) =>
    CREDENTIALS.map((credential) => ({ route, credential, want: expected(route.cls, credential, route.ok) })),
  );

  it.each(cases)('$route.name with $credential → $want', async ({ route, credential, want }) => {
    let test = route.send();
    const header = headers.get(credential);
    if (header !== undefined) test = test.set('authorization', header);
    const res = await test;
    const got: Expected = want.length > 1 ? [res.status, res.body?.errorCode] : [res.status];
    expect(got).toEqual(want);
    if (want[0] === 401 || want[0] === 403) {
      expect(Object.keys(res.body).sort()).toEqual(['errorCode', 'errorMsg', 'usrMsg']);
    }
  });
});
