import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, UserRepository, type ApiKeyRow, type UserRole } from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import type { ApiKeyScope } from './api-key.scopes';
import type { Principal } from './principal';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Hopsworks' ApiKeyUtilities: a 16-character prefix (the lookup id) and a 64-character secret. */
export const API_KEY_PREFIX_LENGTH = 16;
export const API_KEY_SECRET_LENGTH = 64;
/** User roles that may use API keys on the routes that accept them (Hopsworks' serving authenticator). */
const KEY_USER_ROLES: readonly UserRole[] = ['HOPS_ADMIN', 'HOPS_USER'];

export interface CreatedApiKey {
  /** `<prefix>.<secret>`: shown once, never stored. */
  readonly key: string;
  readonly row: ApiKeyRow;
}

function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** sha256(secret + salt) in hex, as Hopsworks' Secret.getSha256HexDigest stores it. */
export function hashApiKeySecret(secret: string, salt: string): string {
  return createHash('sha256')
    .update(secret + salt)
    .digest('hex');
}

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
  ) {}

  async create(userId: number, name: string, scopes: readonly ApiKeyScope[]): Promise<CreatedApiKey> {
    const prefix = randomString(API_KEY_PREFIX_LENGTH);
    const secret = randomString(API_KEY_SECRET_LENGTH);
    const salt = randomBytes(32).toString('base64url');
    const row = await this.keys.create({
      user_id: userId,
      name,
      prefix,
      salt,
      secret_hash: hashApiKeySecret(secret, salt),
      scopes: [...new Set(scopes)].join(','),
    });
    return { key: `${prefix}.${secret}`, row };
  }

  /**
   * Hopsworks' ApiKeyFilter: malformed key or wrong secret → KEY_INVALID; unknown prefix →
   * KEY_NOT_FOUND_IN_DATABASE; owner not active or without an allowed role → KEY_ROLE_CONTROL; scope
   * missing → KEY_SCOPE_CONTROL. The key and its owner's status and role come from the store's lookup
   * cache: blocking a user or deleting a key applies at once on the replica that did it and within
   * LOOKUP_CACHE_MS on the others.
   */
  async authenticate(key: string, requiredScope: ApiKeyScope): Promise<Principal> {
    const dot = key.indexOf('.');
    if (dot <= 0 || dot === key.length - 1) {
      throw new AuthError(AuthErrorCode.API_KEY_INVALID, 'Invalid API key: expected <prefix>.<secret>');
    }
    const prefix = key.slice(0, dot);
    const secret = key.slice(dot + 1);
    const row = await this.keys.findByPrefix(prefix);
    if (!row) throw new AuthError(AuthErrorCode.API_KEY_NOT_FOUND, 'API key not found');
    const expected = Buffer.from(row.secret_hash, 'hex');
    const actual = Buffer.from(hashApiKeySecret(secret, row.salt), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new AuthError(AuthErrorCode.API_KEY_INVALID, 'Invalid API key');
    }
    const user = await this.users.findById(row.user_id);
    if (!user || user.status !== 'ACTIVATED' || !KEY_USER_ROLES.includes(user.role)) {
      throw new AuthError(
        AuthErrorCode.API_KEY_ROLE_NOT_ALLOWED,
        'No valid role found for the owner of this API key',
      );
    }
    const scopes = row.scopes.split(',').filter((s) => s !== '');
    if (!scopes.includes(requiredScope)) {
      throw new AuthError(
        AuthErrorCode.API_KEY_SCOPE_NOT_ALLOWED,
        `This API key lacks the ${requiredScope} scope`,
      );
    }
    return { userId: user.id, email: user.email, roles: [user.role], apiKeyScopes: scopes };
  }
}
