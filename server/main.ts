import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../db/case-store.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createApp } from './app.js';
import { logFirstAdminHint, resolveAccessOptions, startScheduledCheckpoints } from './auth/access-startup.js';
import { CaseService } from './case-service.js';
import { offsetClock, systemClock } from './clock.js';
import { readConfig } from './config.js';
import { seedDemoCases } from './demo-seed.js';
import { startLiveFeed } from './live/live-feed.js';
import { ServerMetrics } from './observability/server-metrics.js';
import { createTimerScheduler } from './scheduler/create-timer-scheduler.js';

/** How long a graceful shutdown waits for open requests before it exits anyway, in milliseconds. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'shebao-case-engine' } });
  const clock = config.clockStart ? offsetClock(config.clockStart) : systemClock;

  const connection = openDatabase(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost; the pool opens a new one when needed'),
  });
  await migrateToLatest(connection.db as never);
  logger.info({ database: connection.dialect, location: connection.location }, 'migrations applied');
  await logFirstAdminHint(connection.db, logger);
  const access = resolveAccessOptions(config.access, logger);
  const store = new CaseStore(connection.db, uuidv7);
  if (config.seedDemo) {
    await seedDemoCases(connection.db, new CaseService({ store, clock, newId: uuidv7 }), logger);
  }

  const metrics = new ServerMetrics();
  const live = await startLiveFeed({ dialect: connection.dialect, databaseUrl: config.databaseUrl, store, logger });
  const scheduler = createTimerScheduler({ store, clock, logger, newId: uuidv7, metrics, intervalMs: config.schedulerIntervalMs });
  const listener = live.listener;
  const app = createApp({
    store,
    clock,
    logger,
    newId: uuidv7,
    metrics,
    live: live.hub,
    scheduler,
    ...(listener ? { liveListenerConnected: () => listener.connected } : {}),
    access,
  });
  const checkpointSchedule = startScheduledCheckpoints(config.access, access, store, clock, uuidv7, logger);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
    logger.info({ host: info.address, port: info.port, database: connection.dialect, location: connection.location }, 'server listening');
    scheduler.start();
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
    checkpointSchedule.stop();
    // The scheduler finishes its tick and open live streams end before the server waits for requests.
    void scheduler
      .stop()
      .then(() => live.close())
      .then(() => {
        server.close(() => {
          void connection.close().then(() => {
            logger.info('server stopped');
            process.exit(0);
          });
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
