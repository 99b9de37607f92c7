import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeInferenceLog } from '@infergate/inference-log-schema';
import { consumeTopic, freePort, testBrokers } from '@infergate/testing';
import { ADMIN, REPO_MODELS, seedRequestBody } from './gateway.harness';
import { createTestDatabase, testPostgresUrl } from './postgres.harness';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = '/hopsworks-api/api';
const postgresServer = testPostgresUrl();

/** One gateway process as `npm start` runs it (built code, configuration from the environment). */
class GatewayProcess {
  private child: ChildProcess | undefined;
  output = '';
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'replica-'));
  constructor(
    private readonly main: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [this.main], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway exited:\n${this.output}`);
      const live = await fetch(`${this.url}/health/live`).catch(() => undefined);
      if (live?.ok) return;
      if (Date.now() > deadline) throw new Error(`gateway did not start:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * SIGTERM and wait for the graceful close; after 20 s the process is killed and its last output is
   * printed, so a slow shutdown shows up with its log instead of as an opaque hook timeout (one CI run
   * timed out here once, not reproduced since).
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000).unref()),
      ]);
      if (!inTime) {
        console.warn(
          `gateway ${this.url} still running 20 s after SIGTERM; killed. Its last output:\n${this.output.slice(-4000)}`,
        );
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async call(
    method: string,
    route: string,
    options: { token?: string; json?: unknown; form?: Record<string, string>; raw?: string } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON answers, asserted field by field
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = options.token;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.raw !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw;
    }
    const res = await fetch(`${this.url}${BASE}${route}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.call('POST', '/auth/login', { form: { email, password } });
    if (res.status !== 200)
      throw new Error(`login ${email} on :${this.port}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.headers.get('authorization')!;
  }
}

const describePostgres = postgresServer ? describe : describe.skip;

/**
 * Two gateway processes on different ports sharing one PostgreSQL database and one Kafka broker: what
 * one replica changes, the other serves; tokens work on both; every record from both reaches the topic.
 */
describePostgres('two gateway replicas on one PostgreSQL and one Kafka broker', () => {
  const buildDir = `tmp/replicas-${process.pid}-${Date.now().toString(36)}`;
  let database: { url: string; drop: () => Promise<void> };
  let one: GatewayProcess;
  let two: GatewayProcess;
  let admin1: string;
  let topic: string;
  let servingId: number;
  const bodies: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, ['tools/scripts/build.mjs', '--out', buildDir], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    database = await createTestDatabase(postgresServer!);
    const env = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testBrokers().join(','),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      MODEL_REPOSITORY: REPO_MODELS,
      LOG_LEVEL: 'warn',
      LOG_LINGER_MS: '2',
    };
    const main = path.join(ROOT, buildDir, 'apps/api/src/main.js');
    one = new GatewayProcess(main, await freePort(), env);
    two = new GatewayProcess(main, await freePort(), env);
    // One after the other: the first migrates and seeds, the second finds both done.
    await one.start();
    await two.start();
    admin1 = await one.login(ADMIN.email, ADMIN.password);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await database?.drop();
    rmSync(path.join(ROOT, buildDir), { recursive: true, force: true });
  }, 60_000);

  it('accepts on one replica a token issued by the other (the JWT secret lives in the database)', async () => {
    expect((await two.call('GET', '/project/1/serving', { token: admin1 })).status).toBe(200);
    const admin2 = await two.login(ADMIN.email, ADMIN.password);
    expect((await one.call('GET', '/project/1', { token: admin2 })).status).toBe(200);
  });

  it('serves on one replica a serving created and started through the other', async () => {
    const created = await one.call('PUT', '/project/1/serving', {
      token: admin1,
      json: {
        name: 'replicated',
        modelName: 'mnist',
        modelVersion: 1,
        modelServer: 'ONNX',
        kafkaTopicDTO: { name: 'CREATE', numOfPartitions: 1, numOfReplicas: 1 },
        inferenceLogging: 'ALL',
      },
    });
    expect(created.status).toBe(201);
    servingId = created.body.id;
    topic = created.body.kafkaTopicDTO.name;
    expect(topic).toMatch(/^replicated-inf\d{4}$/);
    // With Kafka configured, a named topic must exist on the broker.
    const missing = await two.call('PUT', '/project/1/serving', {
      token: admin1,
      json: {
        name: 'missingtopic',
        modelName: 'mnist',
        modelVersion: 1,
        modelServer: 'ONNX',
        kafkaTopicDTO: { name: `${topic}-nosuch` },
        inferenceLogging: 'ALL',
      },
    });
    expect([missing.status, missing.body.errorCode]).toEqual([400, 240022]);
    expect(
      (await one.call('POST', `/project/1/serving/${servingId}?action=start`, { token: admin1 })).status,
    ).toBe(200);
    bodies.push(seedRequestBody(100));
    const answer = await two.call('POST', '/project/1/inference/models/replicated:predict', {
      token: admin1,
      raw: bodies[0],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.predictions[0]).toHaveLength(10);
    expect((await two.call('GET', `/project/1/serving/${servingId}`, { token: admin1 })).body).toMatchObject({
      status: 'Running',
      availableInstances: 1,
    });
  }, 60_000);

  it('applies a role change made through one replica on the next request to the other (bound: LOOKUP_CACHE_MS, 1 s by default)', async () => {
    const user = await one.call('POST', '/admin/users', {
      token: admin1,
      json: { email: 'ds@example.com', password: 'ds-password-1', firstName: 'D', lastName: 'S' },
    });
    expect(user.status).toBe(201);
    const member = (role: string) =>
      one.call('POST', '/project/1/projectMembers', {
        token: admin1,
        json: { email: 'ds@example.com', role },
      });
    expect((await member('Data scientist')).status).toBe(200);
    const ds = await two.login('ds@example.com', 'ds-password-1');
    const update = () =>
      two.call('PUT', '/project/1/serving', {
        token: ds,
        json: { name: 'byds', modelName: 'mnist', modelVersion: 1, modelServer: 'ONNX' },
      });
    expect([(await update()).status, (await update()).body.errorCode]).toEqual([403, 150068]);
    // Each replica caches membership for at most LOOKUP_CACHE_MS (default 1000 ms); the change must show
    // on the other replica within that bound (plus request time), and the test reports how long it took.
    const BOUND_MS = 1000;
    const within = async (done: () => Promise<boolean>): Promise<number> => {
      const started = Date.now();
      while (!(await done())) {
        if (Date.now() - started > BOUND_MS + 500) throw new Error(`not applied within ${BOUND_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return Date.now() - started;
    };
    expect((await member('Data owner')).status).toBe(200);
    const promoted = await within(async () => (await update()).status === 201);
    expect((await member('Data scientist')).status).toBe(200);
    const demoted = await within(async () => (await update()).body.errorCode === 150068);
    console.log(
      `role change seen by the other replica after ${promoted} ms (promotion), ${demoted} ms (demotion)`,
    );
    expect(Math.max(promoted, demoted)).toBeLessThanOrEqual(BOUND_MS + 500);
  });

  it('writes every request’s record, from both replicas, to the serving’s topic', async () => {
    for (let i = 1; i <= 20; i++) {
      bodies.push(seedRequestBody(100 + i));
      const replica = i % 2 === 0 ? one : two;
      const res = await replica.call('POST', '/project/1/inference/models/replicated:predict', {
        token: admin1,
        raw: bodies[i],
      });
      expect(res.status).toBe(200);
    }
    const messages = await consumeTopic(topic, bodies.length, 30_000);
    const requests = messages.map((m) => decodeInferenceLog(m.value!, 1).inferenceRequest).sort();
    expect(requests).toEqual([...bodies].sort());
    for (const m of messages) {
      expect(decodeInferenceLog(m.value!, 1)).toMatchObject({
        modelId: servingId,
        modelName: 'replicated',
        responseHttpCode: 200,
      });
    }
  }, 60_000);

  it('stops through one replica; the other answers 250001 within LOOKUP_CACHE_MS (1 s)', async () => {
    expect(
      (await two.call('POST', `/project/1/serving/${servingId}?action=stop`, { token: admin1 })).status,
    ).toBe(200);
    const started = Date.now();
    let res;
    do {
      res = await one.call('POST', '/project/1/inference/models/replicated:predict', {
        token: admin1,
        raw: bodies[0],
      });
      if (res.status === 400) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    } while (Date.now() - started <= 1500);
    expect([res.status, res.body.errorCode]).toEqual([400, 250001]);
    console.log(`stop seen by the other replica after ${Date.now() - started} ms`);
  });
});

if (!postgresServer) {
  describe.skip('two gateway replicas (set TEST_POSTGRES_URL, see tools/postgres/pg.sh)', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
