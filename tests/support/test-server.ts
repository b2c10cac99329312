import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../../db/case-store.js';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection, DatabaseDialect } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createApp } from '../../server/app.js';
import { ManualClock } from '../../server/clock.js';
import { createTestDatabase } from './databases.js';
import type { TestDatabase } from './databases.js';

/** A running app on 127.0.0.1 over a real database, with a manual clock and captured log lines. */
export interface TestServer {
  readonly baseUrl: string;
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  readonly logLines: string[];
  readonly connection: DatabaseConnection;
  readonly store: CaseStore;
  readonly logger: Logger;
  /** Stops the HTTP server and closes the connection; the database stays until `database.drop()`. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly dialect?: DatabaseDialect;
  /** Reuse an existing database (a restart, or a second server); a new empty one when absent. */
  readonly database?: TestDatabase;
  readonly now?: Date;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.dialect ?? 'sqlite'));
  const connection: DatabaseConnection = openDatabase(database.url);
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
  const store = new CaseStore(connection.db, uuidv7);
  const app = createApp({ store, clock, logger, newId: uuidv7 });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    database,
    clock,
    logLines,
    connection,
    store,
    logger,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
  };
}
