import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PRINCIPAL_KEY } from './principal';
import { RouteAccess } from './route-access';

/**
 * Global guard: every route needs `Authorization: Bearer <JWT>` unless marked @Public(); routes marked
 * @AcceptApiKey(scope) also take `Authorization: ApiKey <key>`. Mirrors Hopsworks' JWTFilter (401 when
 * the header is missing or the token is invalid, 403 for a user role not allowed) and ApiKeyFilter.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly access: RouteAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.access.policyOf(context.getHandler(), context.getClass());
    if (policy.isPublic) return true;
    const request = context.switchToHttp().getRequest<Record<string, unknown>>();
    const headers = request['headers'] as Record<string, string | undefined>;
    request[PRINCIPAL_KEY] = await this.access.authenticate(headers['authorization'], policy);
    return true;
  }
}
