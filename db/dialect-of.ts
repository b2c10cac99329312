import { PostgresAdapter } from 'kysely';
import type { Kysely } from 'kysely';
import type { DatabaseDialect } from './connect.js';

/**
 * Reads the dialect of a Kysely instance from its adapter, for the few statements that differ between
 * SQLite and PostgreSQL (row locks, NOTIFY).
 */
export function dialectOf<DB>(db: Kysely<DB>): DatabaseDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
