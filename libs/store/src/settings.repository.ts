import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import { DATABASE } from './store.tokens';

/** Small key/value settings shared by every replica that uses the same database (e.g. the JWT secret). */
@Injectable()
export class SettingsRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  /** Stores `value` unless the key exists, and returns whichever value won (safe when replicas race). */
  async getOrInit(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key)) as string;
  }
}
