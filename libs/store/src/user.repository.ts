import { Inject, Injectable } from '@nestjs/common';
import type { Db } from './store';
import type { NewUserRow, UserRow, UserStatus } from './database';
import { DATABASE } from './store.tokens';
import { lookupCacheOf } from './lookup-cache';

@Injectable()
export class UserRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** Cached briefly (see LookupCache): API-key requests check their owner's status and role. */
  findById(id: number): Promise<UserRow | undefined> {
    return lookupCacheOf(this.db).get(`user:${id}`, () =>
      this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  }

  async create(user: Omit<NewUserRow, 'id' | 'created_at' | 'false_login'>): Promise<UserRow> {
    return this.db
      .insertInto('users')
      .values({ ...user, false_login: 0, created_at: Date.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Counts a failed login and blocks the account once the count exceeds `allowed` (Hopsworks blocks on
   * the 6th consecutive failure with ALLOWED_FALSE_LOGINS = 5). Returns the updated row.
   */
  async recordFailedLogin(id: number, allowed: number): Promise<UserRow> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('users')
        .set((eb) => ({ false_login: eb('false_login', '+', 1) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (row.false_login > allowed && row.status !== 'BLOCKED') {
        return tx
          .updateTable('users')
          .set({ status: 'BLOCKED' })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
      }
      return row;
    });
  }

  async resetFailedLogins(id: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ false_login: 0 })
      .where('id', '=', id)
      .where('false_login', '!=', 0)
      .execute();
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('id').execute();
  }

  /** An admin's block/unblock; unblocking also clears the failed-login count (Hopsworks resets it). */
  setStatus(id: number, status: UserStatus): Promise<UserRow | undefined> {
    return this.db
      .updateTable('users')
      .set(status === 'ACTIVATED' ? { status, false_login: 0 } : { status })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }
}
