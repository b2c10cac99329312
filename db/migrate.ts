import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as timersAndSandboxes from './migrations/0002-timers-and-sandboxes.js';
import * as accessControl from './migrations/0003-access-control.js';
import * as imports from './migrations/0004-imports.js';

/** Migrations in order; names sort in the order they must run. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-timers-and-sandboxes': timersAndSandboxes,
  '0003-access-control': accessControl,
  '0004-imports': imports,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema up to date. Kysely's migrator takes a lock table, so several server processes that
 * start at once on one PostgreSQL database apply each migration once. Throws the migration's error.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error) {
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  }
}

/** Lists, in order, the migrations of this build that the database has not applied yet. */
export async function listPendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  const migrations = await new Migrator({ db, provider }).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}
