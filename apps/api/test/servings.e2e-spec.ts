import { freePort } from '@infergate/testing';
import { seedRequestBody, startGateway, type Gateway } from './gateway.harness';

const BASE = '/hopsworks-api/api';
const SERVING = `${BASE}/project/1/serving`;

/** Serving management (issue 6) on the embedded defaults: SQLite, the ONNX backend, no Kafka. */
describe('serving management: PUT/GET/POST start|stop/DELETE', () => {
  let gateway: Gateway;
  let owner: string;
  let scientist: string;
  let outsider: string;

  beforeAll(async () => {
    gateway = await startGateway();
    owner = await gateway.login();
    await gateway.addUser('ds@example.com', 'ds-password-1', 'Data scientist');
    await gateway.addUser('out@example.com', 'out-password-1');
    scientist = await gateway.login('ds@example.com', 'ds-password-1');
    outsider = await gateway.login('out@example.com', 'out-password-1');
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  const put = (body: object, token = owner) =>
    gateway.http.put(SERVING).set('authorization', token).set('content-type', 'application/json').send(body);
  const act = (id: number, action?: string, token = owner) =>
    gateway.http
      .post(`${SERVING}/${id}${action === undefined ? '' : `?action=${action}`}`)
      .set('authorization', token);
  const get = (path: string, token = owner) =>
    gateway.http.get(`${SERVING}${path}`).set('authorization', token);
  const predict = (name: string) =>
    gateway.http
      .post(`${BASE}/project/1/inference/models/${name}:predict`)
      .set('authorization', owner)
      .set('content-type', 'application/json')
      .send(seedRequestBody(2));
  const onnx = (name: string, extra: object = {}) => ({
    name,
    modelName: 'mnist',
    modelVersion: 1,
    modelServer: 'ONNX',
    kafkaTopicDTO: { name: 'NONE' },
    ...extra,
  });
  const code = (res: { status: number; body: { errorCode?: number } }) => [res.status, res.body.errorCode];

  it('creates an ONNX serving: 201, Location, the view with its defaults', async () => {
    const res = await put(onnx('digits', { description: 'MNIST again' }));
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${SERVING}/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: 'digits',
      description: 'MNIST again',
      modelName: 'mnist',
      modelVersion: 1,
      modelServer: 'ONNX',
      servingTool: 'DEFAULT',
      modelPath: `${gateway.config.backends.modelRepository}/mnist`,
      endpoints: [],
      requestedInstances: 1,
      availableInstances: 0,
      batchingConfiguration: { batchingEnabled: false },
      status: 'Created',
      deployed: null,
      revision: null,
      creator: 'Admin Admin',
    });
    expect(res.body.kafkaTopicDTO).toBeUndefined();
    expect(res.body.inferenceLogging).toBeUndefined();
    expect((await get(`/${res.body.id}`)).body).toEqual(res.body);
  });

  it('validates as Hopsworks does, with its status codes', async () => {
    expect(code(await put(onnx('bad name')))).toEqual([422, 120001]);
    expect(code(await put(onnx('bad-name')))).toEqual([422, 120001]);
    expect((await put(onnx('bad_name'))).body.usrMsg).toBe('Serving name must follow regex: "[a-zA-Z0-9]+"');
    expect(code(await put({ ...onnx('x1'), name: undefined }))).toEqual([422, 120001]);
    expect(code(await put(onnx('digits')))).toEqual([400, 240011]);
    expect(code(await put({ ...onnx('x2'), modelServer: undefined }))).toEqual([422, 120001]);
    expect(code(await put({ ...onnx('x3'), modelServer: 'TRITON' }))).toEqual([422, 120001]);
    expect(code(await put({ ...onnx('x4'), modelVersion: undefined }))).toEqual([422, 120001]);
    expect(code(await put(onnx('x5', { modelVersion: 9 })))).toEqual([400, 240017]);
    expect(code(await put(onnx('x6', { modelName: 'nosuch' })))).toEqual([400, 240006]);
    expect(code(await put(onnx('x7', { modelPath: '/tmp/elsewhere/mnist' })))).toEqual([400, 240006]);
    expect(code(await put(onnx('x8', { servingTool: 'KSERVE' })))).toEqual([400, 240014]);
    expect(code(await put(onnx('x9', { batchingConfiguration: { batchingEnabled: true } })))).toEqual([
      400, 240025,
    ]);
    expect(
      code(await put(onnx('x10', { kafkaTopicDTO: { name: 'nosuchtopic' }, inferenceLogging: 'ALL' }))),
    ).toEqual([400, 240022]);
    expect(
      code(
        await put(
          onnx('x11', { kafkaTopicDTO: { name: 'CREATE', numOfPartitions: 0 }, inferenceLogging: 'ALL' }),
        ),
      ),
    ).toEqual([400, 190015]);
    expect(code(await put(onnx('x12', { kafkaTopicDTO: { name: 'CREATE' } })))).toEqual([422, 120001]);
    expect(code(await put(onnx('x13', { inferenceLogging: 'ALL' })))).toEqual([422, 120001]);
    expect(
      code(
        await put({ name: 'x14', modelName: 'mnist', modelVersion: 1, modelServer: 'TENSORFLOW_SERVING' }),
      ),
    ).toEqual([422, 120001]);
    expect(code(await put(onnx('x15', { modelVersion: 'one' })))).toEqual([422, 120001]);
    // nothing above was created
    const names = (await get('')).body.map((s: { name: string }) => s.name);
    expect(names.filter((n: string) => n.startsWith('x'))).toEqual([]);
  });

  it('starts only from Created/Stopped and stops only from Running; inference follows the status', async () => {
    const id = (await put(onnx('lifecycle'))).body.id as number;
    expect(code(await act(id, 'stop'))).toEqual([400, 240003]);
    expect(code(await predict('lifecycle'))).toEqual([400, 250001]);

    const started = await act(id, 'start');
    expect([started.status, started.text]).toEqual([200, '']);
    const running = (await get(`/${id}`)).body;
    expect(running).toMatchObject({ status: 'Running', availableInstances: 1 });
    expect(running.deployed).not.toBeNull();
    expect(running.revision).not.toBeNull();
    expect((await predict('lifecycle')).status).toBe(200);

    const again = await act(id, 'START');
    expect(code(again)).toEqual([400, 240003]);
    expect(again.body.usrMsg).toBe('Instance is already started');

    expect((await act(id, 'stop')).status).toBe(200);
    expect((await get(`/${id}`)).body).toMatchObject({ status: 'Stopped', availableInstances: 0 });
    expect(code(await predict('lifecycle'))).toEqual([400, 250001]);
    expect((await act(id, 'stop')).body.usrMsg).toBe('Instance is already stopped');

    expect((await act(id, 'start')).status).toBe(200);
    expect((await predict('lifecycle')).status).toBe(200);
    expect(code(await act(id))).toEqual([422, 120001]);
    expect(code(await act(id, 'restart'))).toEqual([422, 120001]);
    expect(code(await act(999999, 'start'))).toEqual([404, 240000]);
  });

  it('updates in place (201 + Location), keeps the model server fixed', async () => {
    const created = (await put(onnx('upd'))).body;
    const res = await put({ ...created, name: 'upd2', description: 'renamed' });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${SERVING}/${created.id}`);
    expect(res.body).toMatchObject({ id: created.id, name: 'upd2', description: 'renamed' });
    expect(
      code(await put({ ...res.body, modelServer: 'TENSORFLOW_SERVING', endpoints: ['http://127.0.0.1:1'] })),
    ).toEqual([400, 240013]);
    expect(code(await put({ ...res.body, name: 'digits' }))).toEqual([400, 240011]);
    expect(code(await put({ ...res.body, id: 999999 }))).toEqual([404, 240000]);
  });

  it('filters the list; name= answers one serving or 404/240000', async () => {
    const one = await get('?name=digits');
    expect(one.status).toBe(200);
    expect(one.body.name).toBe('digits');
    expect(code(await get('?name=nosuch'))).toEqual([404, 240000]);
    const all = (await get('')).body as { name: string; modelName: string; status: string }[];
    expect(all.map((s) => s.name)).toContain('mnist');
    expect((await get('?model=mnist&modelVersion=1')).body).toHaveLength(all.length);
    expect((await get('?model=other')).body).toEqual([]);
    expect(code(await get('?modelVersion=1'))).toEqual([422, 120001]);
    const running = (await get('?status=Running')).body as { status: string }[];
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((s) => s.status === 'Running')).toBe(true);
  });

  it('CREATE names a topic {name}-inf{4 digits}; NONE disables logging; an existing topic may be reused', async () => {
    const created = await put(
      onnx('logged', {
        kafkaTopicDTO: { name: 'CREATE', numOfPartitions: 2 },
        inferenceLogging: 'PREDICTIONS',
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.kafkaTopicDTO).toMatchObject({
      numOfPartitions: 2,
      numOfReplicas: 1,
      schemaName: 'inferenceschema',
      schemaVersion: 1,
    });
    expect(created.body.kafkaTopicDTO.name).toMatch(/^logged-inf\d{4}$/);
    expect(created.body.inferenceLogging).toBe('PREDICTIONS');
    const topic = created.body.kafkaTopicDTO.name as string;
    const reuse = await put(
      onnx('logged2', { kafkaTopicDTO: { name: topic }, inferenceLogging: 'MODEL_INPUTS' }),
    );
    expect(reuse.status).toBe(201);
    expect(reuse.body.kafkaTopicDTO.name).toBe(topic);

    const subjects = await gateway.http
      .get(`${BASE}/project/1/kafka/topics/${topic}/subjects`)
      .set('authorization', scientist);
    expect(subjects.status).toBe(200);
    expect(subjects.body).toMatchObject({ subject: 'inferenceschema', version: 1 });
    expect(JSON.parse(subjects.body.schema)).toMatchObject({ name: 'inferencelog' });
    expect(
      code(
        await gateway.http.get(`${BASE}/project/1/kafka/topics/nosuch/subjects`).set('authorization', owner),
      ),
    ).toEqual([404, 190000]);
  });

  it('GET /servingconf needs no credentials and reports the schema version written (1)', async () => {
    const res = await gateway.http.get(`${BASE}/servingconf`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kafkaTopicSchema: 'inferenceschema', kafkaTopicSchemaVersion: 1 });
  });

  it('a TF Serving serving with no reachable instance is Starting with 0 available', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const created = await put({
      name: 'remote',
      modelName: 'mnist',
      modelVersion: 1,
      modelServer: 'TENSORFLOW_SERVING',
      endpoints: [`http://127.0.0.1:${a}`, `http://127.0.0.1:${b}`],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ requestedInstances: 2, availableInstances: 0, status: 'Created' });
    expect((await act(created.body.id, 'start')).status).toBe(200);
    expect((await get(`/${created.body.id}`)).body).toMatchObject({
      status: 'Starting',
      availableInstances: 0,
    });
    expect((await act(created.body.id, 'stop')).status).toBe(200);
  });

  it('stub kinds can be described but not started', async () => {
    const created = await put({
      name: 'stub',
      modelName: 'mnist',
      modelVersion: 1,
      modelServer: 'TORCHSERVE',
    });
    expect(created.status).toBe(201);
    const res = await act(created.body.id, 'start');
    expect(code(res)).toEqual([400, 240003]);
    expect(res.body.usrMsg).toMatch(/not available yet/);
    expect((await get(`/${created.body.id}`)).body.status).toBe('Created');
  });

  it('Data scientists read, Data owners change, non-members get 403', async () => {
    const id = (await get('?name=digits')).body.id as number;
    expect((await get('', scientist)).status).toBe(200);
    expect((await get(`/${id}`, scientist)).status).toBe(200);
    expect(code(await put(onnx('byds'), scientist))).toEqual([403, 150068]);
    expect(code(await act(id, 'start', scientist))).toEqual([403, 150068]);
    expect(code(await gateway.http.delete(`${SERVING}/${id}`).set('authorization', scientist))).toEqual([
      403, 150068,
    ]);
    expect(code(await get('', outsider))).toEqual([403, 160000]);
    expect(code(await gateway.http.get(`${BASE}/project/77/serving`).set('authorization', owner))).toEqual([
      404, 150004,
    ]);
  });

  it('deletes a serving (running or not)', async () => {
    const id = (await put(onnx('gone'))).body.id as number;
    expect((await act(id, 'start')).status).toBe(200);
    const res = await gateway.http.delete(`${SERVING}/${id}`).set('authorization', owner);
    expect(res.status).toBe(200);
    expect(code(await get(`/${id}`))).toEqual([404, 240000]);
    expect(code(await predict('gone'))).toEqual([404, 250000]);
  });
});
