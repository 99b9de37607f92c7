import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import type { ProjectRole, ProjectRow } from './database';
import { DATABASE } from './store.tokens';

@Injectable()
export class ProjectRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  findById(id: number): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
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

  async setMember(projectId: number, userId: number, role: ProjectRole): Promise<void> {
    await this.db
      .insertInto('project_members')
      .values({ project_id: projectId, user_id: userId, role, added_at: Date.now() })
      .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }
}
