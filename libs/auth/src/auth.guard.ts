import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from './auth.error';
import { PUBLIC_ROUTE } from './auth.decorators';
import { PRINCIPAL_KEY } from './principal';
import { TokenService } from './token.service';

/**
 * Global guard: every route needs `Authorization: Bearer <JWT>` unless marked @Public(). Mirrors
 * Hopsworks' JWTFilter (401 when the header is missing or the token is invalid).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const header = request.headers['authorization'];
    if (!header) throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'Authorization header not set.');
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space) : header;
    if (scheme.toLowerCase() !== 'bearer') {
      throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, `Authentication scheme not supported: ${scheme}`);
    }
    (request as Record<string, unknown>)[PRINCIPAL_KEY] = this.tokens.verify(header.slice(space + 1).trim());
    return true;
  }
}
