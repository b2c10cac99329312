import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

/** The default embedded database when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = './data/cases.db';

/** How long a SQLite writer waits for another process's write lock before failing, in milliseconds. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * How long a PostgreSQL request waits for a free pooled connection before failing, in milliseconds. Without
 * it a full pool waits forever.
 */
const POSTGRES_CONNECTION_TIMEOUT_MS = 10_000;

/** Default number of connections per server process in the PostgreSQL pool. */
export const DEFAULT_POSTGRES_POOL_SIZE = 10;

export type DatabaseDialect = 'sqlite' | 'postgres';

export interface DatabaseConnection {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseDialect;
  /** Location of the data for logs: a file path, or a PostgreSQL URL without user or password. */
  readonly location: string;
  close(): Promise<void>;
}

/** Returns whether a database URL names a PostgreSQL server. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * Opens the database named by a URL: `postgres://…` or `postgresql://…` for PostgreSQL through a pg pool;
 * otherwise a file path, `file:PATH` or `sqlite:PATH` for SQLite (the parent folder is created), or
 * `:memory:`. SQLite runs in WAL mode with `synchronous=NORMAL`, which keeps every committed transaction
 * across a process crash (not across a power cut), and with foreign keys on. Throws on an unsupported URL
 * scheme. Nothing connects to PostgreSQL until the first query. `onConnectionError` receives the error of
 * a pooled PostgreSQL connection that broke or that the server closed; the pool opens a new one when needed.
 */
export function openDatabase(
  url: string = DEFAULT_DATABASE_URL,
  options: { poolSize?: number; onConnectionError?: (error: Error) => void } = {},
): DatabaseConnection {
  if (isPostgresUrl(url)) return openPostgres(url, options.poolSize ?? DEFAULT_POSTGRES_POOL_SIZE, options.onConnectionError);
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}

/** Most prepared SQLite statements kept per connection; the write path and the reads use far fewer. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Wraps a better-sqlite3 connection so that Kysely reuses one prepared statement per SQL text. Kysely's
 * SQLite driver prepares every query afresh, and compiling the SQL was a fifth of a write's time in the
 * store benchmark (docs/benchmarks.md). Reuse is safe because Kysely keeps the single connection for the
 * whole of a query or stream, so a statement never runs twice at once. SQLite prepares a statement again
 * by itself when the schema changes. The least recently used statement is dropped when the cache is full.
 */
export function withStatementCache(
  sqlite: SqliteDatabase.Database,
  size: number = STATEMENT_CACHE_SIZE,
): { prepare(sql: string): SqliteDatabase.Statement; close(): void } {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string): SqliteDatabase.Statement {
      let statement = statements.get(sql);
      if (statement) {
        // Move it to the end, the most recently used position of the Map's insertion order.
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      sqlite.close();
    },
  };
}

function openPostgres(url: string, poolSize: number, onConnectionError?: (error: Error) => void): DatabaseConnection {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: POSTGRES_CONNECTION_TIMEOUT_MS,
  });
  // pg emits 'error' on a client whose connection breaks or is closed by the server (a restart, a
  // failover, pg_terminate_backend), and on the pool too while the client is idle. The pool drops such a
  // client and a running query fails with the error, but an 'error' event without a listener would end
  // the process. Each client reports its error once; the pool's listener only keeps the process alive.
  pool.on('connect', (client) => client.on('error', (error) => onConnectionError?.(error)));
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: describePostgresUrl(url), close: () => db.destroy() };
}

/** Host, port and database of a PostgreSQL URL, without user or password, for logs. */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
