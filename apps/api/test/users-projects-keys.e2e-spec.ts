import { ApiKeyRepository } from '@infergate/store';
import { hashApiKeySecret } from '@infergate/auth';
import { ADMIN, seedRequestBody, startGateway, type Gateway } from './gateway.harness';

const BASE = '/hopsworks-api/api';
const code = (res: { status: number; body: { errorCode?: number } }) => [res.status, res.body.errorCode];

describe('users, projects, members, API keys and lockout', () => {
  let gateway: Gateway;
  let admin: string;

  beforeAll(async () => {
    gateway = await startGateway();
    admin = await gateway.login();
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  const login = (email: string, password: string) =>
    gateway.http.post(`${BASE}/auth/login`).type('form').send({ email, password });
  const createUser = (email: string, token = admin) =>
    gateway.http
      .post(`${BASE}/admin/users`)
      .set('authorization', token)
      .send({ email, password: 'user-password-1', firstName: 'Ada', lastName: 'Lovelace' });
  const setStatus = (id: number, status: string) =>
    gateway.http.put(`${BASE}/admin/users/${id}`).set('authorization', admin).send({ status });

  it('admins create, list, block and unblock users', async () => {
    const created = await createUser('ada@example.com');
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(`${BASE}/admin/users/${created.body.id}`);
    expect(created.body).toMatchObject({
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      role: 'HOPS_USER',
      status: 'ACTIVATED',
    });
    expect(created.body.password_hash).toBeUndefined();
    expect(code(await createUser('ada@example.com'))).toEqual([409, 160003]);
    expect(
      code(await gateway.http.post(`${BASE}/admin/users`).set('authorization', admin).send({ email: 'x' })),
    ).toEqual([422, 120001]);
    const list = await gateway.http.get(`${BASE}/admin/users`).set('authorization', admin);
    expect(list.body.items.map((u: { email: string }) => u.email)).toEqual([ADMIN.email, 'ada@example.com']);
    expect(list.body.count).toBe(2);

    expect((await setStatus(created.body.id, 'BLOCKED')).body.status).toBe('BLOCKED');
    expect(code(await login('ada@example.com', 'user-password-1'))).toEqual([401, 160007]);
    expect((await setStatus(created.body.id, 'ACTIVATED')).body.status).toBe('ACTIVATED');
    expect((await login('ada@example.com', 'user-password-1')).status).toBe(200);
    expect(code(await setStatus(999999, 'BLOCKED'))).toEqual([404, 160002]);
    expect(code(await setStatus(created.body.id, 'GONE'))).toEqual([422, 120001]);
    const ada = (await login('ada@example.com', 'user-password-1')).headers['authorization'] as string;
    expect(code(await createUser('eve@example.com', ada))).toEqual([403, 200014]);
  });

  it('blocks on the 6th consecutive failed login until an admin unblocks; a success resets the count', async () => {
    const id = (await createUser('lock@example.com')).body.id as number;
    for (let i = 0; i < 4; i++) expect(code(await login('lock@example.com', 'wrong'))).toEqual([401, 160008]);
    expect((await login('lock@example.com', 'user-password-1')).status).toBe(200); // resets to 0
    for (let i = 1; i <= 5; i++)
      expect(code(await login('lock@example.com', 'wrong'))).toEqual([401, 160008]);
    expect(code(await login('lock@example.com', 'wrong'))).toEqual([401, 160007]);
    expect(code(await login('lock@example.com', 'user-password-1'))).toEqual([401, 160007]);
    const unblocked = await setStatus(id, 'ACTIVATED');
    expect(unblocked.body).toMatchObject({ status: 'ACTIVATED', falseLogin: 0 });
    expect((await login('lock@example.com', 'user-password-1')).status).toBe(200);
  });

  it('self-registration is off by default', async () => {
    const res = await gateway.http
      .post(`${BASE}/auth/register`)
      .send({ email: 'self@example.com', password: 'self-password-1', firstName: 'S', lastName: 'R' });
    expect(res.status).toBe(404);
  });

  it('projects: the creator is Data owner; members are managed by Data owners only', async () => {
    await createUser('owner@example.com');
    await createUser('member@example.com');
    const owner = (await login('owner@example.com', 'user-password-1')).headers['authorization'] as string;
    const member = (await login('member@example.com', 'user-password-1')).headers['authorization'] as string;
    const created = await gateway.http
      .post(`${BASE}/project`)
      .set('authorization', owner)
      .send({ projectName: 'fraud', description: 'cards' });
    expect(created.status).toBe(201);
    const pid = created.body.id as number;
    expect(created.headers['location']).toBe(`${BASE}/project/${pid}`);
    expect(created.body).toMatchObject({ name: 'fraud', description: 'cards', owner: 'owner@example.com' });
    expect(
      code(
        await gateway.http.post(`${BASE}/project`).set('authorization', owner).send({ projectName: 'fraud' }),
      ),
    ).toEqual([409, 150001]);
    expect(
      code(
        await gateway.http.post(`${BASE}/project`).set('authorization', owner).send({ projectName: 'a b' }),
      ),
    ).toEqual([400, 150003]);

    const members = `${BASE}/project/${pid}/projectMembers`;
    expect(code(await gateway.http.get(members).set('authorization', member))).toEqual([403, 160000]);
    const added = await gateway.http
      .post(members)
      .set('authorization', owner)
      .send({ email: 'member@example.com', role: 'Data scientist' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ email: 'member@example.com', role: 'Data scientist' });
    const listed = await gateway.http.get(members).set('authorization', member);
    expect(listed.body.items.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ['owner@example.com', 'Data owner'],
      ['member@example.com', 'Data scientist'],
    ]);
    const serving = { name: 'fraudnet', modelName: 'mnist', modelVersion: 1, modelServer: 'ONNX' };
    expect(
      code(
        await gateway.http.put(`${BASE}/project/${pid}/serving`).set('authorization', member).send(serving),
      ),
    ).toEqual([403, 150068]);
    expect(
      code(
        await gateway.http
          .post(members)
          .set('authorization', member)
          .send({ email: 'x@example.com', role: 'Data owner' }),
      ),
    ).toEqual([403, 150068]);
    // A role change takes effect on the member's next request (roles are read per request, not from the JWT).
    await gateway.http
      .post(members)
      .set('authorization', owner)
      .send({ email: 'member@example.com', role: 'Data owner' });
    expect(
      (await gateway.http.put(`${BASE}/project/${pid}/serving`).set('authorization', member).send(serving))
        .status,
    ).toBe(201);
    expect(
      code(
        await gateway.http
          .post(members)
          .set('authorization', owner)
          .send({ email: 'nobody@example.com', role: 'Data owner' }),
      ),
    ).toEqual([404, 160002]);
    expect(
      code(
        await gateway.http
          .post(members)
          .set('authorization', owner)
          .send({ email: 'member@example.com', role: 'Boss' }),
      ),
    ).toEqual([422, 120001]);
    expect(
      code(
        await gateway.http
          .post(members)
          .set('authorization', member)
          .send({ email: 'owner@example.com', role: 'Data scientist' }),
      ),
    ).toEqual([403, 150014]);
    expect(
      code(await gateway.http.delete(`${members}/owner@example.com`).set('authorization', member)),
    ).toEqual([403, 150013]);
    expect(
      (await gateway.http.delete(`${members}/member@example.com`).set('authorization', owner)).status,
    ).toBe(200);
    expect(code(await gateway.http.get(members).set('authorization', member))).toEqual([403, 160000]);
    expect(
      code(await gateway.http.delete(`${members}/member@example.com`).set('authorization', owner)),
    ).toEqual([404, 150023]);
    const mine = await gateway.http.get(`${BASE}/project`).set('authorization', owner);
    expect(mine.body.map((p: { name: string }) => p.name)).toEqual(['fraud']);
  });

  it('API keys: shown once as <prefix16>.<secret64>, stored salted; the anchor’s 3200xx errors', async () => {
    const keys = `${BASE}/users/apiKey`;
    const created = await gateway.http
      .post(`${keys}?name=ci&scope=SERVING&scope=KAFKA`)
      .set('authorization', admin);
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^[A-Za-z0-9]{16}\.[A-Za-z0-9]{64}$/);
    expect(created.body).toMatchObject({ name: 'ci', scope: ['SERVING', 'KAFKA'], prefix: key.slice(0, 16) });
    const [prefix, secret] = key.split('.');
    const row = (await gateway.app.get(ApiKeyRepository).findByPrefix(prefix))!;
    expect(row.secret_hash).toBe(hashApiKeySecret(secret, row.salt));
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await gateway.http.get(keys).set('authorization', admin);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].key).toBeUndefined();

    const predict = (authorization: string) =>
      gateway.http
        .post(`${BASE}/project/1/inference/models/mnist:predict`)
        .set('authorization', authorization)
        .set('content-type', 'application/json')
        .send(seedRequestBody(5));
    expect((await predict(`ApiKey ${key}`)).status).toBe(200);
    expect(code(await predict(`ApiKey ${prefix}.${'x'.repeat(64)}`))).toEqual([401, 320012]);
    expect(code(await predict(`ApiKey ${'Z'.repeat(16)}.${secret}`))).toEqual([401, 320013]);
    expect(code(await predict(`ApiKey ${prefix}`))).toEqual([401, 320012]);
    expect(code(await predict('ApiKey'))).toEqual([401, 320012]);

    expect(code(await gateway.http.post(`${keys}?scope=SERVING`).set('authorization', admin))).toEqual([
      400, 320008,
    ]);
    expect(
      code(await gateway.http.post(`${keys}?name=no%20spaces&scope=SERVING`).set('authorization', admin)),
    ).toEqual([400, 320009]);
    expect(code(await gateway.http.post(`${keys}?name=noscope`).set('authorization', admin))).toEqual([
      400, 320005,
    ]);
    expect(code(await gateway.http.post(`${keys}?name=bad&scope=NOPE`).set('authorization', admin))).toEqual([
      422, 120001,
    ]);
    expect(
      code(await gateway.http.post(`${keys}?name=ci&scope=SERVING`).set('authorization', admin)),
    ).toEqual([400, 320007]);

    // A blocked owner's keys stop working at once: 403/320003.
    const user = (await createUser('keyed@example.com')).body.id as number;
    const token = (await login('keyed@example.com', 'user-password-1')).headers['authorization'] as string;
    await gateway.http.post(`${BASE}/project/1/projectMembers`).set('authorization', admin).send({
      email: 'keyed@example.com',
      role: 'Data scientist',
    });
    const userKey = (await gateway.http.post(`${keys}?name=mine&scope=SERVING`).set('authorization', token))
      .body.key;
    expect((await predict(`ApiKey ${userKey}`)).status).toBe(200);
    await setStatus(user, 'BLOCKED');
    expect(code(await predict(`ApiKey ${userKey}`))).toEqual([403, 320003]);
    // ... and so do the JWTs issued before the block, on every project route.
    expect(code(await predict(token))).toEqual([401, 160007]);

    expect((await gateway.http.delete(`${keys}/ci`).set('authorization', admin)).status).toBe(200);
    expect(code(await predict(`ApiKey ${key}`))).toEqual([401, 320013]);
  });
});

describe('self-registration when enabled', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway({ SELF_REGISTRATION: 'true' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it('creates an active HOPS_USER who can log in', async () => {
    const res = await gateway.http.post(`${BASE}/auth/register`).send({
      email: 'self@example.com',
      password: 'self-password-1',
      firstName: 'S',
      lastName: 'R',
      role: 'HOPS_ADMIN',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'self@example.com', role: 'HOPS_USER', status: 'ACTIVATED' });
    expect(
      (
        await gateway.http
          .post(`${BASE}/auth/login`)
          .type('form')
          .send({ email: 'self@example.com', password: 'self-password-1' })
      ).status,
    ).toBe(200);
  });
});
