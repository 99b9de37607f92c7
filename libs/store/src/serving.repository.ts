import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import type { NewServingRow, ServingRow, ServingStatus } from './database';
import { DATABASE } from './store.tokens';

@Injectable()
export class ServingRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  findByProjectAndName(projectId: number, name: string): Promise<ServingRow | undefined> {
    return this.db
      .selectFrom('servings')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  findById(id: number): Promise<ServingRow | undefined> {
    return this.db.selectFrom('servings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listByProject(projectId: number): Promise<ServingRow[]> {
    return this.db
      .selectFrom('servings')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute();
  }

  create(serving: Omit<NewServingRow, 'id' | 'created_at'>): Promise<ServingRow> {
    return this.db
      .insertInto('servings')
      .values({ ...serving, created_at: Date.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async setStatus(id: number, status: ServingStatus): Promise<void> {
    await this.db.updateTable('servings').set({ status }).where('id', '=', id).execute();
  }

  async setKafkaTopic(id: number, topic: string | null): Promise<void> {
    await this.db.updateTable('servings').set({ kafka_topic: topic }).where('id', '=', id).execute();
  }
}
