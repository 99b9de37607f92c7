import type { Kysely, Migration } from 'kysely';

/**
 * Per-serving inference-log statistics kept by apps/log-consumer (issue 4). Keyed by the record's
 * modelId (= the serving id, as Hopsworks writes it), with no foreign key: records of a deleted serving
 * still arrive on its topic and are counted.
 */
export const servingStatsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('serving_stats')
      .addColumn('serving_id', 'integer', (c) => c.primaryKey())
      .addColumn('model_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status_1xx', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status_2xx', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status_3xx', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status_4xx', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status_5xx', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('request_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('response_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('first_seen', 'bigint', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('serving_stats').execute();
  },
};
