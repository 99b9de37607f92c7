import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Db } from './store';
import { ProjectRepository } from './project.repository';
import { ServingRepository } from './serving.repository';
import { SettingsRepository } from './settings.repository';
import { UserRepository } from './user.repository';

describe('store on a real SQLite file', () => {
  let dir: string;
  let db: Db;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'store-'));
    db = await openStore({ sqlitePath: join(dir, 'nested', 'gateway.db') });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const newUser = (email: string) => ({
    email,
    first_name: 'A',
    last_name: 'B',
    password_hash: 'x',
    role: 'HOPS_USER' as const,
    status: 'ACTIVATED' as const,
  });

  it('migrates once and reopens an existing file', async () => {
    await new UserRepository(db).create(newUser('a@example.com'));
    await db.destroy();
    db = await openStore({ sqlitePath: join(dir, 'nested', 'gateway.db') });
    expect(await new UserRepository(db).count()).toBe(1);
  });

  it('rejects a duplicate email', async () => {
    const users = new UserRepository(db);
    await users.create(newUser('a@example.com'));
    await expect(users.create(newUser('a@example.com'))).rejects.toThrow(/UNIQUE/);
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
    await expect(servings.create(serving)).rejects.toThrow(/UNIQUE/);
  });

  it('keeps the first value of a setting when two writers race', async () => {
    const settings = new SettingsRepository(db);
    expect(await settings.getOrInit('jwt', 'first')).toBe('first');
    expect(await settings.getOrInit('jwt', 'second')).toBe('first');
  });
});
