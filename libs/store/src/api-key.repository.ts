import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import type { ApiKeyRow, NewApiKeyRow } from './database';
import { DATABASE } from './store.tokens';
import { lookupCacheOf } from './lookup-cache';

@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  create(key: Omit<NewApiKeyRow, 'id' | 'created_at' | 'modified_at'>): Promise<ApiKeyRow> {
    const now = Date.now();
    return this.db
      .insertInto('api_keys')
      .values({ ...key, created_at: now, modified_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Cached briefly (see LookupCache): every request authenticated with an API key asks for it. */
  findByPrefix(prefix: string): Promise<ApiKeyRow | undefined> {
    return lookupCacheOf(this.db).get(`api-key:${prefix}`, () =>
      this.db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst(),
    );
  }

  findByName(userId: number, name: string): Promise<ApiKeyRow | undefined> {
    return this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  listForUser(userId: number): Promise<ApiKeyRow[]> {
    return this.db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  /** Deletes one key by name, or all the user's keys when `name` is undefined; returns how many. */
  async delete(userId: number, name?: string): Promise<number> {
    let query = this.db.deleteFrom('api_keys').where('user_id', '=', userId);
    if (name !== undefined) query = query.where('name', '=', name);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
