import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';
import { migrationProvider } from './migrations/index';
import { InvalidateOnWritePlugin, LookupCache, attachLookupCache } from './lookup-cache';

/** Where the store lives: a SQLite file (the embedded default) or a PostgreSQL database (replicas). */
export type StoreOptions = StoreLocation & {
  /**
   * How long project, membership and serving lookups may be served from memory (default 1000 ms; 0 = off).
   * Writes through this process clear the cache at once; this is the bound for other replicas' writes.
   */
  readonly lookupCacheMs?: number;
  /**
   * PostgreSQL: called when the server closes an idle pooled connection (a restart, a failover,
   * pg_terminate_backend). pg drops that connection and the next query opens a new one; without a
   * listener, pg's pool would re-emit the error with none attached and end the process.
   */
  readonly onConnectionError?: (error: Error) => void;
};

type StoreLocation =
  | {
      /** SQLite database file (`:memory:` for tests). */
      readonly sqlitePath: string;
      readonly postgresUrl?: undefined;
    }
  | {
      /** `postgres://user:password@host:port/database`; several gateways may share it. */
      readonly postgresUrl: string;
      readonly sqlitePath?: undefined;
      /** Connections per gateway process (default 10). */
      readonly poolSize?: number;
    };

export type Db = Kysely<Database>;

export type StoreDialect = 'sqlite' | 'postgres';

export function storeDialect(options: StoreOptions): StoreDialect {
  return options.postgresUrl !== undefined ? 'postgres' : 'sqlite';
}

/**
 * Opens the database and brings its schema up to date. SQLite runs in WAL mode so readers never wait
 * on the writer; a busy timeout covers a second process (a CLI) holding the write lock briefly.
 * On PostgreSQL, Kysely's migrator serialises concurrent gateways with an advisory lock.
 */
export async function openStore(options: StoreOptions): Promise<Db> {
  const cache = new LookupCache(options.lookupCacheMs ?? 1000);
  const db = new Kysely<Database>({
    dialect: createDialect(options),
    plugins: [new InvalidateOnWritePlugin(cache)],
  });
  attachLookupCache(db, cache);
  // Migrations from parallel branches may land out of name order (e.g. 003 applied before 002 was
  // merged); each is independent of the others' tables, so apply whatever is missing.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  // Kysely has no cross-process migration lock on SQLite. Each run is one transaction, so when two
  // processes migrate one new file together the loser's run rolls back ("table already exists"); run
  // again, it finds the winner's migrations recorded and has nothing left to do.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return db;
    if (attempt >= 5) {
      await db.destroy();
      throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

function createDialect(options: StoreOptions): Dialect {
  switch (storeDialect(options)) {
    case 'postgres': {
      const pool = new pg.Pool({
        connectionString: options.postgresUrl,
        max: options.postgresUrl !== undefined ? (options.poolSize ?? 10) : 10,
        // bigint (int8) columns hold epoch milliseconds and counts: well inside 2^53, so read them as
        // numbers like SQLite does rather than pg's default strings.
        types: {
          getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
            oid === pg.types.builtins.INT8
              ? (value: string) => Number(value)
              : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
        },
      });
      pool.on('error', (error) => options.onConnectionError?.(error));
      return new PostgresDialect({ pool });
    }
    case 'sqlite': {
      const path = options.sqlitePath as string;
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const sqlite = new BetterSqlite3(path);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('busy_timeout = 5000');
      return new SqliteDialect({ database: sqlite });
    }
  }
}

/** A unique-constraint violation, on either dialect (SQLite: SQLITE_CONSTRAINT_UNIQUE; PostgreSQL: 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
