import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProjectRepository, type ProjectRole } from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import { PROJECT_ROLES } from './auth.decorators';
import { principalOf } from './principal';

/**
 * Hopsworks' ProjectAuthFilter: the project must exist (404), the caller must be a member (403) and hold
 * one of the route's roles (403). Runs after AuthGuard, so a principal is present. Membership, role and
 * account status come from the store's short-lived lookup cache: a change applies at once on the replica
 * that made it and within the cache bound (LOOKUP_CACHE_MS) on the others.
 */
@Injectable()
export class ProjectRoleGuard implements CanActivate {
  /** Each handler's allowed roles, read once (null: the route sets none). */
  private readonly routeRoles = new WeakMap<object, ProjectRole[] | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly projects: ProjectRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let roles = this.routeRoles.get(handler);
    if (roles === undefined) {
      roles =
        this.reflector.getAllAndOverride<ProjectRole[] | undefined>(PROJECT_ROLES, [
          handler,
          context.getClass(),
        ]) ?? null;
      this.routeRoles.set(handler, roles);
    }
    if (!roles) return true;
    const request = context.switchToHttp().getRequest<{ params: Record<string, string> }>();
    const principal = principalOf(request);
    if (!principal) throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'Authorization header not set.');
    const projectId = Number(request.params['projectId']);
    const project = Number.isSafeInteger(projectId) ? await this.projects.findById(projectId) : undefined;
    if (!project)
      throw new AuthError(
        AuthErrorCode.PROJECT_NOT_FOUND,
        `Project not found: ${request.params['projectId']}`,
      );
    const { role, userStatus } = await this.projects.access(project.id, principal.userId);
    // Read per request, so an admin's block applies to JWTs already issued, not only to new logins.
    if (userStatus !== 'ACTIVATED') {
      throw new AuthError(AuthErrorCode.ACCOUNT_BLOCKED, 'This account has been blocked');
    }
    if (!role)
      throw new AuthError(AuthErrorCode.NOT_A_MEMBER, `You are not a member of project ${project.name}`);
    if (!roles.includes(role)) {
      throw new AuthError(
        AuthErrorCode.ROLE_NOT_ALLOWED,
        `Your role in project ${project.name} (${role}) is not allowed here`,
      );
    }
    return true;
  }
}
