import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  NOT_CACHED,
  ProjectRepository,
  type ProjectAccess,
  type ProjectRole,
  type ProjectRow,
  type UserRole,
} from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import { API_KEY_SCOPE, PROJECT_ROLES, PUBLIC_ROUTE, USER_ROLES } from './auth.decorators';
import type { ApiKeyScope } from './api-key.scopes';
import { ApiKeyService } from './api-key.service';
import type { Principal } from './principal';
import { TokenService } from './token.service';

/** A route's access rules, as its decorators declare them (read once per handler). */
export interface RoutePolicy {
  readonly isPublic: boolean;
  readonly keyScope: ApiKeyScope | undefined;
  readonly userRoles: readonly UserRole[] | undefined;
  /** Roles one of which the caller must hold in the route's `projectId` project; null: no project check. */
  readonly projectRoles: readonly ProjectRole[] | null;
}

/**
 * The checks behind AuthGuard and ProjectRoleGuard, free of Nest's ExecutionContext so that the
 * inference route's own HTTP lane applies exactly the same rules (and the same errors) as the guards.
 */
@Injectable()
export class RouteAccess {
  private readonly policies = new WeakMap<object, RoutePolicy>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeyService,
    private readonly projects: ProjectRepository,
  ) {}

  /** The policy of a handler, from its own and its controller's decorators (Reflector lookups cost ~1 µs). */
  policyOf(handler: object, controller: object): RoutePolicy {
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true,
        keyScope: this.reflector.getAllAndOverride<ApiKeyScope | undefined>(API_KEY_SCOPE, targets),
        userRoles: this.reflector.getAllAndOverride<UserRole[] | undefined>(USER_ROLES, targets),
        projectRoles:
          this.reflector.getAllAndOverride<ProjectRole[] | undefined>(PROJECT_ROLES, targets) ?? null,
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }

  /**
   * Hopsworks' JWTFilter and ApiKeyFilter: `Authorization: Bearer <JWT>`, or `ApiKey <key>` where the
   * route takes keys; 401 when the header is missing or invalid, 403 for a user role not allowed.
   * A JWT is checked synchronously (no promise on the hot path); an API key needs the store.
   */
  authenticate(header: string | undefined, policy: RoutePolicy): Principal | Promise<Principal> {
    if (!header) throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'Authorization header not set.');
    const space = header.indexOf(' ');
    const scheme = (space > 0 ? header.slice(0, space) : header).toLowerCase();
    const credential = space > 0 ? header.slice(space + 1).trim() : '';
    if (scheme === 'bearer') return this.allowUserRole(this.tokens.verify(credential), policy);
    if (scheme === 'apikey' && policy.keyScope) {
      return this.apiKeys
        .authenticate(credential, policy.keyScope)
        .then((principal) => this.allowUserRole(principal, policy));
    }
    // As Hopsworks' JWTFilter: a route that takes no API keys answers any other scheme with 401.
    throw new AuthError(
      AuthErrorCode.NOT_AUTHENTICATED,
      `Authentication scheme not supported here: ${header.slice(0, space > 0 ? space : undefined)}`,
    );
  }

  /**
   * Hopsworks' ProjectAuthFilter: the project must exist (404), the caller must be an active member (403)
   * holding one of the route's roles (403). Membership, role and account status come from the store's
   * short-lived lookup cache: a change applies at once on the replica that made it and within the cache
   * bound (LOOKUP_CACHE_MS) on the others. When the cache holds both answers the check is synchronous (it
   * returns nothing or throws) instead of a promise: the request path skips two awaits.
   */
  checkProject(
    principal: Principal,
    projectIdParam: string,
    roles: readonly ProjectRole[],
  ): void | Promise<void> {
    const projectId = Number(projectIdParam);
    if (Number.isSafeInteger(projectId)) {
      const project = this.projects.peekById(projectId);
      if (project !== NOT_CACHED && project !== undefined) {
        const access = this.projects.peekAccess(project.id, principal.userId);
        if (access !== NOT_CACHED) return judgeAccess(project, access, roles);
      }
    }
    return this.checkProjectLoading(principal, projectIdParam, roles);
  }

  private async checkProjectLoading(
    principal: Principal,
    projectIdParam: string,
    roles: readonly ProjectRole[],
  ): Promise<void> {
    const projectId = Number(projectIdParam);
    const project = Number.isSafeInteger(projectId) ? await this.projects.findById(projectId) : undefined;
    if (!project)
      throw new AuthError(AuthErrorCode.PROJECT_NOT_FOUND, `Project not found: ${projectIdParam}`);
    judgeAccess(project, await this.projects.access(project.id, principal.userId), roles);
  }

  private allowUserRole(principal: Principal, { userRoles }: RoutePolicy): Principal {
    if (userRoles && !principal.roles.some((role) => userRoles.includes(role))) {
      throw new AuthError(AuthErrorCode.USER_ROLE_NOT_ALLOWED, 'Client not authorized for this invocation.');
    }
    return principal;
  }
}

/** The membership part of ProjectAuthFilter, once the project and the caller's access are known. */
function judgeAccess(
  project: ProjectRow,
  { role, userStatus }: ProjectAccess,
  roles: readonly ProjectRole[],
): void {
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
}
