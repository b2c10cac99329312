import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseDialect } from '../../db/connect.js';

/** Returns the dialects every store and API test runs on: SQLite always, PostgreSQL when a server is available. */
export function testDialects(): DatabaseDialect[] {
  return inject('postgresUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database for one test file, and how to remove it. */
export interface TestDatabase {
  readonly dialect: DatabaseDialect;
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database: a file in a new temporary folder, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: DatabaseDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'case-engine-test-'));
    return { dialect, url: join(directory, 'cases.db'), drop: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  const adminUrl = inject('postgresUrl');
  const name = `case_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Reads every row of every table, ordered by primary key, to show that a rejected request changed nothing. */
export async function dumpDatabase(database: TestDatabase): Promise<Record<string, unknown[]>> {
  const tables = ['cases', 'case_events', 'case_links'];
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) dump[table] = await query(database, `select * from ${table} order by id`);
  return dump;
}

/** Runs a statement directly, as a tamperer or an operator would; `?` marks parameters in both dialects. */
export async function runSql(database: TestDatabase, statement: string, ...parameters: unknown[]): Promise<void> {
  await query(database, statement, parameters);
}

/** Runs a query directly against the database and returns its rows. */
export async function query(database: TestDatabase, statement: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (database.dialect === 'sqlite') {
    const sqlite = new SqliteDatabase(database.url);
    try {
      const prepared = sqlite.prepare(statement);
      return prepared.reader ? (prepared.all(...parameters) as Record<string, unknown>[]) : (prepared.run(...parameters), []);
    } finally {
      sqlite.close();
    }
  }
  let index = 0;
  const numbered = statement.replace(/\?/g, () => `$${++index}`);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(numbered, parameters)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function withAdmin<T>(adminUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
