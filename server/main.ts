import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../db/case-store.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createApp } from './app.js';
import { CaseService } from './case-service.js';
import { offsetClock, systemClock } from './clock.js';
import { readConfig } from './config.js';
import { seedDemoCases } from './demo-seed.js';

/** How long a graceful shutdown waits for open requests before it exits anyway, in milliseconds. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'shebao-case-engine' } });
  const clock = config.clockStart ? offsetClock(config.clockStart) : systemClock;

  const connection = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrateToLatest(connection.db as never);
  const store = new CaseStore(connection.db, uuidv7);
  if (config.seedDemo) {
    await seedDemoCases(connection.db, new CaseService({ store, clock, newId: uuidv7 }), logger);
  }

  const app = createApp({ store, clock, logger, newId: uuidv7 });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
    logger.info({ host: info.address, port: info.port, database: connection.dialect, location: connection.location }, 'server listening');
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'server stopping');
    const timer = setTimeout(() => {
      logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'open requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    server.close(() => {
      void connection.close().then(() => {
        logger.info('server stopped');
        process.exit(0);
      });
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad configuration), so write one JSON line by hand.
  process.stderr.write(`${JSON.stringify({ level: 60, msg: 'server failed to start', err: String(error) })}\n`);
  process.exit(1);
});
