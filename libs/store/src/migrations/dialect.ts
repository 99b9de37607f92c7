import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** Migrations run on SQLite and PostgreSQL; the few DDL differences branch on the connected dialect. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * An auto-numbered primary key: `integer primary key autoincrement` on SQLite (ids never reused), an
 * identity column on PostgreSQL (Kysely's autoIncrement() is SQLite/MySQL syntax only).
 */
export function idColumn(db: Kysely<unknown>): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return isPostgres(db)
    ? (c) => c.primaryKey().generatedByDefaultAsIdentity()
    : (c) => c.primaryKey().autoIncrement();
}
