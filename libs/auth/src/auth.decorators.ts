import { SetMetadata } from '@nestjs/common';
import type { ProjectRole } from '@infergate/store';

export const PUBLIC_ROUTE = 'infergate:public';
export const PROJECT_ROLES = 'infergate:project-roles';

/** The route needs no credentials (login, health, docs, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller must hold one of these roles in the project named by the `projectId` route parameter. */
export const AllowedProjectRoles = (...roles: ProjectRole[]) => SetMetadata(PROJECT_ROLES, roles);
