import type { ColumnDefinitionBuilder, ColumnDataType, Kysely, Migration } from 'kysely';
import { idColumn } from './dialect';

/**
 * Serving management (issue 6): the ServingView fields the first schema lacked, and API keys. SQLite
 * adds one column per ALTER TABLE, so each column is its own statement on both dialects.
 */
export const managementMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    type Build = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
    const nullable: Build = (c) => c;
    const columns: [string, ColumnDataType, Build][] = [
      ['serving_tool', 'varchar(32)', (c) => c.notNull().defaultTo('DEFAULT')],
      ['requested_instances', 'integer', (c) => c.notNull().defaultTo(1)],
      ['batching_configuration', 'text', nullable],
      ['deployed_at', 'bigint', nullable],
      ['revision', 'varchar(64)', nullable],
      ['kafka_num_partitions', 'integer', nullable],
      ['kafka_num_replicas', 'integer', nullable],
    ];
    for (const [name, type, build] of columns) {
      await db.schema.alterTable('servings').addColumn(name, type, build).execute();
    }
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'integer', idColumn(db))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('prefix', 'varchar(32)', (c) => c.notNull().unique())
      .addColumn('secret_hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('salt', 'varchar(128)', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('modified_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('api_keys_user_name_uq', ['user_id', 'name'])
      .execute();
  },
};
