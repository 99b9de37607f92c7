import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import type { ProjectRole, ProjectRow, UserRow } from './database';

export interface ProjectMember {
  readonly user: Pick<UserRow, 'id' | 'email' | 'first_name' | 'last_name'>;
  readonly role: ProjectRole;
  readonly addedAt: number;
}
import { DATABASE } from './store.tokens';
import { lookupCacheOf, NOT_CACHED } from './lookup-cache';

/** The caller's role in a project and account status: what ProjectRoleGuard checks per request. */
export interface ProjectAccess {
  readonly role: ProjectRole | null;
  readonly userStatus: UserRow['status'] | null;
}

@Injectable()
export class ProjectRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  /** Cached briefly (see LookupCache): every project route asks for it. */
  findById(id: number): Promise<ProjectRow | undefined> {
    return lookupCacheOf(this.db).get(projectKey(id), () =>
      this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  }

  /** findById's answer when the lookup cache holds it, else NOT_CACHED. */
  peekById(id: number): ProjectRow | undefined | typeof NOT_CACHED {
    return lookupCacheOf(this.db).peek<ProjectRow | undefined>(projectKey(id));
  }

  /** access()'s answer when the lookup cache holds it, else NOT_CACHED. */
  peekAccess(projectId: number, userId: number): ProjectAccess | typeof NOT_CACHED {
    return lookupCacheOf(this.db).peek<ProjectAccess>(accessKey(projectId, userId));
  }

  findByName(name: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Creates the project with its creator as Data owner, as Hopsworks does. */
  async create(name: string, description: string, ownerId: number): Promise<ProjectRow> {
    return this.db.transaction().execute(async (tx) => {
      const project = await tx
        .insertInto('projects')
        .values({ name, description, owner_id: ownerId, created_at: Date.now() })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('project_members')
        .values({ project_id: project.id, user_id: ownerId, role: 'Data owner', added_at: Date.now() })
        .execute();
      return project;
    });
  }

  async memberRole(projectId: number, userId: number): Promise<ProjectRole | null> {
    const row = await this.db
      .selectFrom('project_members')
      .select('role')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** The caller's role and account status in one query (the per-request check of ProjectRoleGuard). */
  /** Cached briefly (see LookupCache): every project route asks for it. */
  access(projectId: number, userId: number): Promise<ProjectAccess> {
    return lookupCacheOf(this.db).get(accessKey(projectId, userId), async () => {
      const row = await this.db
        .selectFrom('users')
        .leftJoin('project_members', (join) =>
          join
            .onRef('project_members.user_id', '=', 'users.id')
            .on('project_members.project_id', '=', projectId),
        )
        .select(['users.status', 'project_members.role'])
        .where('users.id', '=', userId)
        .executeTakeFirst();
      return { role: row?.role ?? null, userStatus: row?.status ?? null };
    });
  }

  async setMember(projectId: number, userId: number, role: ProjectRole): Promise<void> {
    await this.db
      .insertInto('project_members')
      .values({ project_id: projectId, user_id: userId, role, added_at: Date.now() })
      .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  /** Projects the user is a member of, in creation order. */
  listForUser(userId: number): Promise<ProjectRow[]> {
    return this.db
      .selectFrom('projects')
      .innerJoin('project_members', 'project_members.project_id', 'projects.id')
      .selectAll('projects')
      .where('project_members.user_id', '=', userId)
      .orderBy('projects.id')
      .execute();
  }

  async members(projectId: number): Promise<ProjectMember[]> {
    const rows = await this.db
      .selectFrom('project_members')
      .innerJoin('users', 'users.id', 'project_members.user_id')
      .select([
        'users.id',
        'users.email',
        'users.first_name',
        'users.last_name',
        'project_members.role',
        'project_members.added_at',
      ])
      .where('project_members.project_id', '=', projectId)
      .orderBy('project_members.added_at')
      .orderBy('users.id')
      .execute();
    return rows.map((r) => ({
      user: { id: r.id, email: r.email, first_name: r.first_name, last_name: r.last_name },
      role: r.role,
      addedAt: r.added_at,
    }));
  }

  async removeMember(projectId: number, userId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('project_members')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

const projectKey = (id: number) => `project:${id}`;
const accessKey = (projectId: number, userId: number) => `access:${projectId}:${userId}`;
