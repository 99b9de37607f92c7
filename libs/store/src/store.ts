import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Database } from './database';
import { migrationProvider } from './migrations/index';

export interface StoreOptions {
  /** SQLite database file (`:memory:` for tests). */
  readonly sqlitePath: string;
}

export type Db = Kysely<Database>;

/**
 * Opens the database and brings its schema up to date. SQLite runs in WAL mode so readers never wait
 * on the writer; a busy timeout covers a second process (a CLI) holding the write lock briefly.
 */
export async function openStore(options: StoreOptions): Promise<Db> {
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true });
  const sqlite = new BetterSqlite3(options.sqlitePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return db;
}
