import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

/** The default embedded database when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = './data/cases.db';

/** How long a SQLite writer waits for another process's write lock before failing, in milliseconds. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export interface DatabaseConnection {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite';
  /** Where the data lives, for logs: a file path (never a password). */
  readonly location: string;
  close(): Promise<void>;
}

/**
 * Opens the database named by a URL: a file path, `file:PATH` or `sqlite:PATH` for SQLite (the parent
 * folder is created), or `:memory:`. SQLite runs in WAL mode with `synchronous=NORMAL`, which keeps every
 * committed transaction across a process crash (not across a power cut), and with foreign keys on.
 * Throws on an unsupported URL scheme.
 */
export function openDatabase(url: string = DEFAULT_DATABASE_URL): DatabaseConnection {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('PostgreSQL URLs are not supported yet; use a SQLite file path in DATABASE_URL');
  }
  const path = url.replace(/^(file|sqlite):(\/\/)?/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new Error(`Unsupported DATABASE_URL scheme in "${url}"; use a SQLite file path`);
  }
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });

  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}
