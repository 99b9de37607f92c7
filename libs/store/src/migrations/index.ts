import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './001-initial.migration';
import { servingStatsMigration } from './002-serving-stats.migration';
import { managementMigration } from './003-management.migration';

/**
 * Migrations live in code (not files found at run time) so the built app carries them. Names sort in
 * the order they apply; never edit one that has shipped, add the next file and one line here.
 */
const migrations: Record<string, Migration> = {
  '2026-11-27-001-initial': initialMigration,
  '2026-11-27-002-serving-stats': servingStatsMigration,
  '2026-11-27-003-management': managementMigration,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
