import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isUniqueViolation, openStore, type Db, type StoreOptions } from './store';
import { ApiKeyRepository } from './api-key.repository';
import { ProjectRepository } from './project.repository';
import { ServingRepository } from './serving.repository';
import { SettingsRepository } from './settings.repository';
import { UserRepository } from './user.repository';

/**
 * The PostgreSQL server the tests may use (tools/postgres/pg.sh start; `eval "$(pg.sh env)"`), or
 * undefined: PostgreSQL specs then skip and say so.
 */
function testPostgresUrl(): string | undefined {
  return process.env['TEST_POSTGRES_URL'] || undefined;
}

/** Runs one statement on its own connection to `url` (creating, dropping, terminating). */
async function adminQuery(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database on that server, so each test starts from an empty schema; drop() removes it. */
async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `infergate_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

const newUser = (email: string) => ({
  email,
  first_name: 'A',
  last_name: 'B',
  password_hash: 'x',
  role: 'HOPS_USER' as const,
  status: 'ACTIVATED' as const,
});

interface Backend {
  readonly name: string;
  /** Options for a fresh, empty store, and how to throw it away. */
  create(): Promise<{ options: StoreOptions; dispose: () => Promise<void> }>;
}

const sqlite: Backend = {
  name: 'SQLite file',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    return {
      options: { sqlitePath: join(dir, 'nested', 'gateway.db') },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const postgresServer = testPostgresUrl();
const postgres: Backend = {
  name: 'PostgreSQL',
  async create() {
    const database = await createTestDatabase(postgresServer!);
    return { options: { postgresUrl: database.url }, dispose: database.drop };
  },
};

if (!postgresServer) {
  // Visible in the test output: the PostgreSQL half needs `tools/postgres/pg.sh start` + TEST_POSTGRES_URL.
  describe.skip('store on PostgreSQL (set TEST_POSTGRES_URL, see tools/postgres/pg.sh)', () => {
    it('runs the same repository spec', () => undefined);
  });
}

/** The same repository spec on each dialect the store supports. */
describe.each(postgresServer ? [sqlite, postgres] : [sqlite])('store on $name', (backend) => {
  let options: StoreOptions;
  let dispose: () => Promise<void>;
  let db: Db;
  beforeEach(async () => {
    ({ options, dispose } = await backend.create());
    db = await openStore(options);
  });
  afterEach(async () => {
    await db.destroy();
    await dispose();
  });

  it('migrates once and reopens an existing file', async () => {
    await new UserRepository(db).create(newUser('a@example.com'));
    await db.destroy();
    db = await openStore(options);
    expect(await new UserRepository(db).count()).toBe(1);
  });

  it('rejects a duplicate email', async () => {
    const users = new UserRepository(db);
    await users.create(newUser('a@example.com'));
    const duplicate = await users.create(newUser('a@example.com')).catch((error: unknown) => error);
    expect(isUniqueViolation(duplicate)).toBe(true);
  });

  it('blocks a user on the failed login after the allowed count, and a reset clears the count', async () => {
    const users = new UserRepository(db);
    const user = await users.create(newUser('a@example.com'));
    for (let i = 1; i <= 5; i++) expect((await users.recordFailedLogin(user.id, 5)).status).toBe('ACTIVATED');
    const sixth = await users.recordFailedLogin(user.id, 5);
    expect(sixth).toMatchObject({ false_login: 6, status: 'BLOCKED' });
    await users.resetFailedLogins(user.id);
    expect((await users.findById(user.id))?.false_login).toBe(0);
  });

  it('makes a project creator its Data owner and answers membership', async () => {
    const users = new UserRepository(db);
    const projects = new ProjectRepository(db);
    const owner = await users.create(newUser('o@example.com'));
    const other = await users.create(newUser('d@example.com'));
    const project = await projects.create('demo', '', owner.id);
    expect(await projects.memberRole(project.id, owner.id)).toBe('Data owner');
    expect(await projects.memberRole(project.id, other.id)).toBeNull();
    await projects.setMember(project.id, other.id, 'Data scientist');
    expect(await projects.memberRole(project.id, other.id)).toBe('Data scientist');
  });

  it('keeps serving names unique per project', async () => {
    const owner = await new UserRepository(db).create(newUser('o@example.com'));
    const project = await new ProjectRepository(db).create('demo', '', owner.id);
    const servings = new ServingRepository(db);
    const serving = {
      project_id: project.id,
      name: 'mnist',
      description: '',
      model_name: 'mnist',
      model_version: 1,
      model_path: null,
      backend_kind: 'ONNX',
      backend_endpoints: '[]',
      request_timeout_ms: null,
      kafka_topic: null,
      inference_logging: 'ALL' as const,
      status: 'Running' as const,
      creator_id: owner.id,
    };
    const created = await servings.create(serving);
    expect(await servings.findByProjectAndName(project.id, 'mnist')).toEqual(created);
    expect(isUniqueViolation(await servings.create(serving).catch((error: unknown) => error))).toBe(true);
  });

  it('keeps the first value of a setting when two writers race', async () => {
    const settings = new SettingsRepository(db);
    expect(await settings.getOrInit('jwt', 'first')).toBe('first');
    expect(await settings.getOrInit('jwt', 'second')).toBe('first');
  });

  it('reads epoch-millisecond bigints back as numbers', async () => {
    const user = await new UserRepository(db).create(newUser('t@example.com'));
    expect(typeof user.created_at).toBe('number');
    expect(Math.abs(user.created_at - Date.now())).toBeLessThan(60_000);
  });

  it('moves a serving between lifecycle states only from the allowed ones', async () => {
    const owner = await new UserRepository(db).create(newUser('o@example.com'));
    const project = await new ProjectRepository(db).create('demo', '', owner.id);
    const servings = new ServingRepository(db);
    const row = await servings.create({
      project_id: project.id,
      name: 'm',
      description: '',
      model_name: 'mnist',
      model_version: 1,
      model_path: null,
      backend_kind: 'ONNX',
      backend_endpoints: '[]',
      request_timeout_ms: null,
      kafka_topic: 't-inf0001',
      inference_logging: 'ALL',
      status: 'Created',
      creator_id: owner.id,
      deployed_at: null,
      revision: null,
    });
    expect(row).toMatchObject({ serving_tool: 'DEFAULT', requested_instances: 1 });
    expect(await servings.transition(row.id, ['Running'], 'Stopping')).toBeUndefined();
    expect(
      (await servings.transition(row.id, ['Created', 'Stopped'], 'Starting', { deployed_at: 5 }))?.status,
    ).toBe('Starting');
    expect((await servings.findById(row.id))?.deployed_at).toBe(5);
    expect(await servings.topicInUse('t-inf0001', project.id)).toBe(true);
    expect(await servings.topicInUse('t-inf0001', project.id + 1)).toBe(false);
    expect(await servings.delete(row.id)).toBe(true);
    expect(await servings.delete(row.id)).toBe(false);
  });

  it('answers membership, role and account status in one query; lists and removes members', async () => {
    const users = new UserRepository(db);
    const projects = new ProjectRepository(db);
    const owner = await users.create(newUser('o@example.com'));
    const other = await users.create(newUser('d@example.com'));
    const project = await projects.create('demo', '', owner.id);
    expect(await projects.access(project.id, other.id)).toEqual({ role: null, userStatus: 'ACTIVATED' });
    await projects.setMember(project.id, other.id, 'Data scientist');
    await users.setStatus(other.id, 'BLOCKED');
    expect(await projects.access(project.id, other.id)).toEqual({
      role: 'Data scientist',
      userStatus: 'BLOCKED',
    });
    expect((await projects.members(project.id)).map((m) => [m.user.email, m.role])).toEqual([
      ['o@example.com', 'Data owner'],
      ['d@example.com', 'Data scientist'],
    ]);
    expect((await projects.listForUser(other.id)).map((p) => p.name)).toEqual(['demo']);
    expect(await projects.removeMember(project.id, other.id)).toBe(true);
    expect(await projects.removeMember(project.id, other.id)).toBe(false);
  });

  it('serves hot lookups from a cache that local writes clear at once and other replicas within its bound', async () => {
    const users = new UserRepository(db);
    const projects = new ProjectRepository(db);
    const owner = await users.create(newUser('o@example.com'));
    const ds = await users.create(newUser('d@example.com'));
    const project = await projects.create('demo', '', owner.id);
    await projects.setMember(project.id, ds.id, 'Data scientist');
    // A second handle on the same database stands for another replica.
    const replica = await openStore({ ...options, lookupCacheMs: 300 });
    try {
      const remote = new ProjectRepository(replica);
      expect((await remote.access(project.id, ds.id)).role).toBe('Data scientist');
      await projects.setMember(project.id, ds.id, 'Data owner');
      expect((await projects.access(project.id, ds.id)).role).toBe('Data owner'); // local write: at once
      expect((await remote.access(project.id, ds.id)).role).toBe('Data scientist'); // remote: cached
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await remote.access(project.id, ds.id)).role).toBe('Data owner'); // within the bound
    } finally {
      await replica.destroy();
    }
  });

  it('unblocking clears the failed-login count', async () => {
    const users = new UserRepository(db);
    const user = await users.create(newUser('a@example.com'));
    for (let i = 0; i < 6; i++) await users.recordFailedLogin(user.id, 5);
    expect(await users.setStatus(user.id, 'ACTIVATED')).toMatchObject({
      status: 'ACTIVATED',
      false_login: 0,
    });
    expect(await users.setStatus(user.id + 100, 'BLOCKED')).toBeUndefined();
  });

  it('keeps API keys by unique prefix and per-user name', async () => {
    const users = new UserRepository(db);
    const keys = new ApiKeyRepository(db);
    const user = await users.create(newUser('a@example.com'));
    const key = {
      user_id: user.id,
      name: 'ci',
      prefix: 'P'.repeat(16),
      secret_hash: 'h',
      salt: 's',
      scopes: 'SERVING',
    };
    const row = await keys.create(key);
    expect(await keys.findByPrefix(key.prefix)).toEqual(row);
    expect(
      isUniqueViolation(await keys.create({ ...key, prefix: 'Q'.repeat(16) }).catch((e: unknown) => e)),
    ).toBe(true);
    expect(isUniqueViolation(await keys.create({ ...key, name: 'other' }).catch((e: unknown) => e))).toBe(
      true,
    );
    expect((await keys.listForUser(user.id)).map((k) => k.name)).toEqual(['ci']);
    expect(await keys.delete(user.id, 'nosuch')).toBe(0);
    expect(await keys.delete(user.id)).toBe(1);
  });
});

(postgresServer ? describe : describe.skip)('store on PostgreSQL, when the server closes connections', () => {
  it('keeps answering after an idle pooled connection is terminated, and reports it', async () => {
    const database = await createTestDatabase(postgresServer!);
    const errors: Error[] = [];
    const db = await openStore({
      postgresUrl: database.url,
      onConnectionError: (error) => errors.push(error),
    });
    try {
      const users = new UserRepository(db);
      const user = await users.create(newUser('a@example.com'));
      // What a PostgreSQL restart or failover does to the pool's idle connections.
      const { rowCount } = await adminQuery(
        database.url,
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(rowCount).toBeGreaterThan(0);
      for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(errors[0]?.message).toMatch(/terminating connection/);
      expect((await users.findById(user.id))?.email).toBe('a@example.com');
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
