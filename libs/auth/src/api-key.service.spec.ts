import type { ApiKeyRepository, ApiKeyRow, UserRepository, UserRow } from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import { ApiKeyService, hashApiKeySecret } from './api-key.service';

function setup(user: Partial<UserRow> = {}) {
  const rows: ApiKeyRow[] = [];
  const keys = {
    create: async (key: Omit<ApiKeyRow, 'id' | 'created_at' | 'modified_at'>) => {
      const row = { ...key, id: rows.length + 1, created_at: 1, modified_at: 1 };
      rows.push(row);
      return row;
    },
    findByPrefix: async (prefix: string) => rows.find((r) => r.prefix === prefix),
  } as unknown as ApiKeyRepository;
  const users = {
    findById: async (id: number) =>
      ({ id, email: 'u@example.com', role: 'HOPS_USER', status: 'ACTIVATED', ...user }) as UserRow,
  } as unknown as UserRepository;
  return { service: new ApiKeyService(keys, users), rows };
}

async function codeOf(promise: Promise<unknown>): Promise<AuthErrorCode | 'accepted'> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

describe('ApiKeyService', () => {
  it('makes <16>.<64> keys and stores only sha256(secret + salt)', async () => {
    const { service, rows } = setup();
    const { key, row } = await service.create(7, 'ci', ['SERVING', 'SERVING', 'KAFKA']);
    const [prefix, secret] = key.split('.');
    expect(prefix).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(row).toMatchObject({
      prefix,
      scopes: 'SERVING,KAFKA',
      secret_hash: hashApiKeySecret(secret, row.salt),
    });
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('authenticates with the owner and the key scopes', async () => {
    const { service } = setup();
    const { key } = await service.create(7, 'ci', ['SERVING']);
    expect(await service.authenticate(key, 'SERVING')).toEqual({
      userId: 7,
      email: 'u@example.com',
      roles: ['HOPS_USER'],
      apiKeyScopes: ['SERVING'],
    });
  });

  it('answers the anchor’s failures in ApiKeyFilter’s order', async () => {
    const { service } = setup();
    const { key } = await service.create(7, 'ci', ['KAFKA']);
    const [prefix] = key.split('.');
    expect(await codeOf(service.authenticate('nodot', 'SERVING'))).toBe(AuthErrorCode.API_KEY_INVALID);
    expect(await codeOf(service.authenticate(`${prefix}.`, 'SERVING'))).toBe(AuthErrorCode.API_KEY_INVALID);
    expect(await codeOf(service.authenticate(`${'x'.repeat(16)}.secret`, 'SERVING'))).toBe(
      AuthErrorCode.API_KEY_NOT_FOUND,
    );
    expect(await codeOf(service.authenticate(`${prefix}.wrong`, 'SERVING'))).toBe(
      AuthErrorCode.API_KEY_INVALID,
    );
    expect(await codeOf(service.authenticate(key, 'SERVING'))).toBe(AuthErrorCode.API_KEY_SCOPE_NOT_ALLOWED);
    expect(await codeOf(service.authenticate(key, 'KAFKA'))).toBe('accepted');
  });

  it('refuses the keys of a blocked owner (role control before scope)', async () => {
    const { service } = setup({ status: 'BLOCKED' });
    const { key } = await service.create(7, 'ci', ['KAFKA']);
    expect(await codeOf(service.authenticate(key, 'SERVING'))).toBe(AuthErrorCode.API_KEY_ROLE_NOT_ALLOWED);
  });
});
