import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import { API_KEY_SCOPE, PUBLIC_ROUTE, USER_ROLES } from './auth.decorators';
import type { ApiKeyScope } from './api-key.scopes';
import { ApiKeyService } from './api-key.service';
import { PRINCIPAL_KEY, type Principal } from './principal';
import { TokenService } from './token.service';

/**
 * Global guard: every route needs `Authorization: Bearer <JWT>` unless marked @Public(); routes marked
 * @AcceptApiKey(scope) also take `Authorization: ApiKey <key>`. Mirrors Hopsworks' JWTFilter (401 when
 * the header is missing or the token is invalid, 403 for a user role not allowed) and ApiKeyFilter.
 */
/** A route's auth metadata, read once per handler (Reflector lookups cost ~1 µs each per request). */
interface RoutePolicy {
  readonly isPublic: boolean;
  readonly keyScope: ApiKeyScope | undefined;
  readonly userRoles: UserRole[] | undefined;
}

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly policies = new WeakMap<object, RoutePolicy>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, keyScope, userRoles: allowed } = this.policyOf(context);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const header = request.headers['authorization'];
    if (!header) throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'Authorization header not set.');
    const space = header.indexOf(' ');
    const scheme = (space > 0 ? header.slice(0, space) : header).toLowerCase();
    const credential = space > 0 ? header.slice(space + 1).trim() : '';
    let principal: Principal;
    if (scheme === 'bearer') {
      principal = this.tokens.verify(credential);
    } else if (scheme === 'apikey' && keyScope) {
      principal = await this.apiKeys.authenticate(credential, keyScope);
    } else {
      // As Hopsworks' JWTFilter: a route that takes no API keys answers any other scheme with 401.
      throw new AuthError(
        AuthErrorCode.NOT_AUTHENTICATED,
        `Authentication scheme not supported here: ${header.slice(0, space > 0 ? space : undefined)}`,
      );
    }
    if (allowed && !principal.roles.some((role) => allowed.includes(role))) {
      throw new AuthError(AuthErrorCode.USER_ROLE_NOT_ALLOWED, 'Client not authorized for this invocation.');
    }
    (request as Record<string, unknown>)[PRINCIPAL_KEY] = principal;
    return true;
  }

  private policyOf(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, context.getClass()];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true,
        keyScope: this.reflector.getAllAndOverride<ApiKeyScope | undefined>(API_KEY_SCOPE, targets),
        userRoles: this.reflector.getAllAndOverride<UserRole[] | undefined>(USER_ROLES, targets),
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }
}
