import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DatabaseConnection } from '../../db/connect.js';

/**
 * Reads every row of every table (migration bookkeeping aside), ordered by the first column, through the
 * server's own connection. Covers tables added by any migration, so a test can show that a rejected
 * request wrote nothing anywhere: no case, event, user, token, session, access-log entry or checkpoint.
 */
export async function readAllTables(connection: DatabaseConnection): Promise<Record<string, unknown[]>> {
  const db = connection.db as unknown as Kysely<unknown>;
  const tables = await listTables(db, connection.dialect);
  const state: Record<string, unknown[]> = {};
  for (const table of tables) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(db);
    state[table] = result.rows;
  }
  return state;
}

async function listTables(db: Kysely<unknown>, dialect: DatabaseConnection['dialect']): Promise<string[]> {
  const result =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
  return result.rows.map((row) => row.name).filter((name) => !name.startsWith('kysely_migration'));
}
