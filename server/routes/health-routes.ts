import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { listPendingMigrations } from '../../db/migrate.js';
import { PROMETHEUS_CONTENT_TYPE } from '../observability/metrics-registry.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { SchedulerStatus } from '../scheduler/timer-scheduler.js';

/** How long the readiness check waits for the database, in milliseconds. */
const DATABASE_CHECK_TIMEOUT_MS = 2_000;

export interface HealthRouteOptions {
  readonly db: Kysely<unknown>;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** The process's timer scheduler; readiness fails without one. */
  readonly scheduler?: SchedulerStatus;
  /** Whether the PostgreSQL LISTEN connection for live updates is up; reported, but readiness does not need it. */
  readonly liveListenerConnected?: () => boolean;
}

type CheckResult = { readonly ok: true; readonly detail?: unknown } | { readonly ok: false; readonly detail: unknown };

/**
 * Registers the health endpoints outside /api, for load balancers and monitoring: `/healthz` (the process
 * responds), `/readyz` (database reachable, every migration of this build applied, timer scheduler
 * running) and `/metrics` (Prometheus text format).
 */
export function registerHealthRoutes(app: OpenAPIHono, options: HealthRouteOptions): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const database = await checkDatabase(options.db);
    const migrations = database.ok ? await checkMigrations(options.db) : { ok: false as const, detail: 'database unreachable' };
    const scheduler: CheckResult = options.scheduler?.isHealthy()
      ? { ok: true }
      : { ok: false, detail: options.scheduler?.running ? 'no tick within the expected time' : 'not running' };
    const checks = {
      database,
      migrations,
      scheduler,
      ...(options.liveListenerConnected ? { liveListener: { ok: options.liveListenerConnected() } } : {}),
    };
    const ready = database.ok && migrations.ok && scheduler.ok;
    if (!ready) options.logger.warn({ checks }, 'readiness check failed');
    return c.json({ status: ready ? 'ready' : 'not-ready', checks }, ready ? 200 : 503);
  });

  app.get('/metrics', (c) => c.body(options.metrics.render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }));
}

async function checkDatabase(db: Kysely<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${DATABASE_CHECK_TIMEOUT_MS} ms` }), DATABASE_CHECK_TIMEOUT_MS);
  });
  const probe = sql`select 1`
    .execute(db)
    .then((): CheckResult => ({ ok: true }))
    .catch((error: unknown): CheckResult => ({ ok: false, detail: error instanceof Error ? error.message : String(error) }));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkMigrations(db: Kysely<unknown>): Promise<CheckResult> {
  try {
    const pending = await listPendingMigrations(db);
    return pending.length === 0 ? { ok: true } : { ok: false, detail: { pending } };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
