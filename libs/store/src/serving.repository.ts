import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import type { NewServingRow, ServingRow, ServingStatus, ServingUpdate } from './database';
import { DATABASE } from './store.tokens';
import { lookupCacheOf, NOT_CACHED } from './lookup-cache';

@Injectable()
export class ServingRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  /** Cached briefly (see LookupCache): every inference request asks for it. */
  findByProjectAndName(projectId: number, name: string): Promise<ServingRow | undefined> {
    return lookupCacheOf(this.db).get(servingKey(projectId, name), () =>
      this.db
        .selectFrom('servings')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst(),
    );
  }

  /** findByProjectAndName's answer when the lookup cache holds it, else NOT_CACHED. */
  peekByProjectAndName(projectId: number, name: string): ServingRow | undefined | typeof NOT_CACHED {
    return lookupCacheOf(this.db).peek<ServingRow | undefined>(servingKey(projectId, name));
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

  async update(
    id: number,
    changes: Omit<ServingUpdate, 'id' | 'project_id' | 'created_at'>,
  ): Promise<ServingRow> {
    return this.db
      .updateTable('servings')
      .set(changes)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Moves a serving to `to` only if it is in one of `from`, atomically (one conditional UPDATE), so two
   * replicas racing to start the same serving cannot both win. Returns the updated row, or undefined
   * when the serving was not in an allowed state (or is gone).
   */
  transition(
    id: number,
    from: readonly ServingStatus[],
    to: ServingStatus,
    extra: Omit<ServingUpdate, 'id' | 'status'> = {},
  ): Promise<ServingRow | undefined> {
    return this.db
      .updateTable('servings')
      .set({ ...extra, status: to })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('servings').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Whether some serving already logs to this topic (the topic registry when Kafka is not configured). */
  async topicInUse(topic: string, projectId?: number): Promise<boolean> {
    let query = this.db.selectFrom('servings').select('id').where('kafka_topic', '=', topic);
    if (projectId !== undefined) query = query.where('project_id', '=', projectId);
    return (await query.executeTakeFirst()) !== undefined;
  }
}

const servingKey = (projectId: number, name: string) => `serving:${projectId}:${name}`;
