import { SetMetadata } from '@nestjs/common';
import type { ProjectRole, UserRole } from '@infergate/store';
import type { ApiKeyScope } from './api-key.scopes';

export const PUBLIC_ROUTE = 'infergate:public';
export const PROJECT_ROLES = 'infergate:project-roles';
export const USER_ROLES = 'infergate:user-roles';
export const API_KEY_SCOPE = 'infergate:api-key-scope';

/** The route needs no credentials (login, health, docs, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller must hold one of these roles in the project named by the `projectId` route parameter. */
export const AllowedProjectRoles = (...roles: ProjectRole[]) => SetMetadata(PROJECT_ROLES, roles);

/** The caller's user role must be one of these (Hopsworks' `allowedUserRoles`); otherwise 403. */
export const AllowedUserRoles = (...roles: UserRole[]) => SetMetadata(USER_ROLES, roles);

/**
 * The route also accepts `Authorization: ApiKey <prefix>.<secret>` when the key has this scope
 * (Hopsworks' `@ApiKeyRequired(acceptedScopes=...)`). Routes without it accept JWTs only.
 */
export const AcceptApiKey = (scope: ApiKeyScope) => SetMetadata(API_KEY_SCOPE, scope);
