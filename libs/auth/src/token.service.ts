import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import type { UserRole } from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import type { Principal } from './principal';

export const JWT_SECRET = Symbol('infergate.auth.jwt-secret');
export const JWT_SETTINGS = Symbol('infergate.auth.jwt-settings');

export interface JwtSettings {
  readonly expirySeconds: number;
  readonly issuer: string;
}

/** Audiences Hopsworks' inference endpoint accepts; tokens from /auth/login carry `api`. */
const AUDIENCES = ['api', 'job', 'serving'] as const;

interface Claims {
  sub: string;
  email: string;
  roles: UserRole[];
}

@Injectable()
export class TokenService {
  /**
   * Built once: given a string, jsonwebtoken first tries to parse it as a PEM public key on every call
   * (and throws), which cost about 1 ms per verified request.
   */
  private readonly key: KeyObject;

  constructor(
    @Inject(JWT_SECRET) secret: string,
    @Inject(JWT_SETTINGS) private readonly settings: JwtSettings,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(principal: Principal): string {
    const claims: Claims = {
      sub: String(principal.userId),
      email: principal.email,
      roles: [...principal.roles],
    };
    return jwt.sign(claims, this.key, {
      algorithm: 'HS256',
      expiresIn: this.settings.expirySeconds,
      issuer: this.settings.issuer,
      audience: 'api',
    });
  }

  /**
   * Verified tokens, kept until they expire (at most a minute): a JWT that verified once stays valid until
   * its `exp` whatever we do, so this changes no answer, and it spares the HMAC and JSON work on every
   * request of a busy client. Bounded; cleared wholesale when full.
   */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();
  private static readonly CACHE_LIMIT = 10_000;
  private static readonly CACHE_MS = 60_000;

  /** Verifies signature (HS256 only: `alg: none` and algorithm swaps are refused), issuer, audience, expiry. */
  verify(token: string): Principal {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.principal;
    const principal = this.verifyUncached(token);
    const exp = (jwt.decode(token, { json: true })?.exp ?? 0) * 1000;
    if (this.verified.size >= TokenService.CACHE_LIMIT) this.verified.clear();
    this.verified.set(token, { principal, until: Math.min(exp, now + TokenService.CACHE_MS) });
    return principal;
  }

  private verifyUncached(token: string): Principal {
    let claims: jwt.JwtPayload & Partial<Claims>;
    try {
      claims = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.settings.issuer,
        audience: [...AUDIENCES],
        clockTolerance: 5,
      }) as jwt.JwtPayload & Partial<Claims>;
    } catch (error) {
      throw new AuthError(AuthErrorCode.INVALID_TOKEN, `Invalidated token: ${(error as Error).message}`);
    }
    const userId = Number(claims.sub);
    if (!Number.isInteger(userId) || typeof claims.email !== 'string' || !Array.isArray(claims.roles)) {
      throw new AuthError(AuthErrorCode.INVALID_TOKEN, 'Invalidated token: missing claims');
    }
    return { userId, email: claims.email, roles: claims.roles };
  }
}
