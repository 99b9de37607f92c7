import type { Kysely, Migration } from 'kysely';
import { idColumn } from './dialect';

/**
 * Users, projects, members, servings, settings. The id columns branch on the dialect (PostgreSQL support
 * came later); on SQLite the DDL is exactly what shipped.
 */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = idColumn(db);
    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', id)
      .addColumn('email', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('first_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('last_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
      .addColumn('role', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('false_login', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('projects')
      .addColumn('id', 'integer', id)
      .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('project_members')
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'varchar(32)', (c) => c.notNull())
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('servings')
      .addColumn('id', 'integer', id)
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('model_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('model_version', 'integer', (c) => c.notNull())
      .addColumn('model_path', 'text')
      .addColumn('backend_kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('backend_endpoints', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('request_timeout_ms', 'integer')
      .addColumn('kafka_topic', 'varchar(255)')
      .addColumn('inference_logging', 'varchar(32)', (c) => c.notNull().defaultTo('ALL'))
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('creator_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('servings_project_name_uq', ['project_id', 'name'])
      .execute();
    await db.schema
      .createTable('settings')
      .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
