import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../../db/case-store.js';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createApp } from '../../server/app.js';
import { ManualClock } from '../../server/clock.js';

/** A running app on 127.0.0.1 over a real SQLite file, with a manual clock and captured log lines. */
export interface TestServer {
  readonly baseUrl: string;
  readonly databasePath: string;
  readonly clock: ManualClock;
  readonly logLines: string[];
  /** Stops the HTTP server and closes the database; the file stays until `removeFiles`. */
  close(): Promise<void>;
  removeFiles(): void;
}

export interface StartOptions {
  /** Reuse an existing database file (a restart); a new temporary one when absent. */
  readonly databasePath?: string;
  readonly now?: Date;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const directory = options.databasePath ? undefined : mkdtempSync(join(tmpdir(), 'case-engine-test-'));
  const databasePath = options.databasePath ?? join(directory as string, 'cases.db');
  const connection: DatabaseConnection = openDatabase(databasePath);
  await migrateToLatest(connection.db as never);

  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const clock = new ManualClock(options.now ?? new Date('2024-01-15T02:00:00Z'));
  const app = createApp({ store: new CaseStore(connection.db, uuidv7), clock, logger, newId: uuidv7 });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    databasePath,
    clock,
    logLines,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
    removeFiles: () => {
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Every row of every table, to show that a rejected request changed nothing. */
export function dumpDatabase(databasePath: string): Record<string, unknown[]> {
  const sqlite = new SqliteDatabase(databasePath, { readonly: true });
  try {
    const tables = ['cases', 'case_events', 'case_links'];
    return Object.fromEntries(tables.map((table) => [table, sqlite.prepare(`select * from ${table} order by rowid`).all()]));
  } finally {
    sqlite.close();
  }
}

/** Runs a statement against the database file directly, as a tamperer or an operator would. */
export function runSql(databasePath: string, statement: string, ...parameters: unknown[]): void {
  const sqlite = new SqliteDatabase(databasePath);
  try {
    sqlite.prepare(statement).run(...parameters);
  } finally {
    sqlite.close();
  }
}
