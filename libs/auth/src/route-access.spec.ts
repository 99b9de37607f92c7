import type { Reflector } from '@nestjs/core';
import type { ProjectAccess, ProjectRepository, ProjectRow } from '@infergate/store';
import { NOT_CACHED } from '@infergate/store';
import type { ApiKeyService } from './api-key.service';
import { AuthError, AuthErrorCode } from './auth.error';
import type { Principal } from './principal';
import { RouteAccess } from './route-access';
import type { TokenService } from './token.service';

/** Projects and memberships behind a cache that answers `peek…` only after a load, as the store's does. */
function setup(access: ProjectAccess) {
  const loads = { project: 0, access: 0 };
  const cached = new Map<string, unknown>();
  const project = { id: 7, name: 'demo' } as ProjectRow;
  const projects = {
    findById: async (id: number) => {
      loads.project++;
      const row = id === project.id ? project : undefined;
      cached.set(`project:${id}`, row);
      return row;
    },
    access: async (projectId: number, userId: number) => {
      loads.access++;
      cached.set(`access:${projectId}:${userId}`, access);
      return access;
    },
    peekById: (id: number) => (cached.has(`project:${id}`) ? cached.get(`project:${id}`) : NOT_CACHED),
    peekAccess: (projectId: number, userId: number) =>
      cached.has(`access:${projectId}:${userId}`) ? cached.get(`access:${projectId}:${userId}`) : NOT_CACHED,
  } as unknown as ProjectRepository;
  const routeAccess = new RouteAccess({} as Reflector, {} as TokenService, {} as ApiKeyService, projects);
  return { routeAccess, loads };
}

const caller: Principal = { userId: 3, email: 'u@example.com', roles: ['HOPS_USER'] };
const codeOf = (run: () => unknown): AuthErrorCode | 'accepted' => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
};

describe('RouteAccess.checkProject', () => {
  it('loads through the store the first time, then answers synchronously from the cache', async () => {
    const { routeAccess, loads } = setup({ role: 'Data scientist', userStatus: 'ACTIVATED' });
    const first = routeAccess.checkProject(caller, '7', ['Data owner', 'Data scientist']);
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(loads).toEqual({ project: 1, access: 1 });
    expect(routeAccess.checkProject(caller, '7', ['Data owner', 'Data scientist'])).toBeUndefined();
    expect(loads).toEqual({ project: 1, access: 1 });
  });

  it('refuses with the same errors whether the answers come from the store or the cache', async () => {
    const cases: [ProjectAccess, AuthErrorCode][] = [
      [{ role: 'Data scientist', userStatus: 'BLOCKED' }, AuthErrorCode.ACCOUNT_BLOCKED],
      [{ role: null, userStatus: 'ACTIVATED' }, AuthErrorCode.NOT_A_MEMBER],
      [{ role: 'Data scientist', userStatus: 'ACTIVATED' }, AuthErrorCode.ROLE_NOT_ALLOWED],
    ];
    for (const [access, code] of cases) {
      const { routeAccess } = setup(access);
      const loaded = routeAccess.checkProject(caller, '7', ['Data owner']);
      await expect(loaded).rejects.toMatchObject({ code });
      expect(codeOf(() => routeAccess.checkProject(caller, '7', ['Data owner']))).toBe(code);
    }
  });

  it('answers 404 for an unknown or malformed project id, from the store each time', async () => {
    const { routeAccess, loads } = setup({ role: 'Data owner', userStatus: 'ACTIVATED' });
    for (const id of ['8', '8', 'abc', '1e400']) {
      await expect(
        Promise.resolve(routeAccess.checkProject(caller, id, ['Data owner'])),
      ).rejects.toMatchObject({
        code: AuthErrorCode.PROJECT_NOT_FOUND,
      });
    }
    expect(loads.project).toBe(2);
  });
});
