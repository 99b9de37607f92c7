import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthError, AuthErrorCode } from './auth.error';
import { principalOf } from './principal';
import { RouteAccess } from './route-access';

/**
 * Hopsworks' ProjectAuthFilter for routes with @AllowedProjectRoles (see RouteAccess.checkProject).
 * Runs after AuthGuard, so a principal is present.
 */
@Injectable()
export class ProjectRoleGuard implements CanActivate {
  constructor(private readonly access: RouteAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { projectRoles } = this.access.policyOf(context.getHandler(), context.getClass());
    if (!projectRoles) return true;
    const request = context.switchToHttp().getRequest<{ params: Record<string, string> }>();
    const principal = principalOf(request);
    if (!principal) throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'Authorization header not set.');
    await this.access.checkProject(principal, request.params['projectId'], projectRoles);
    return true;
  }
}
