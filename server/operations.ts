import type { OpenAPIHono } from '@hono/zod-openapi';
import { routePath } from 'hono/route';
import type { CaseStore } from '../db/case-store.js';
import type { RouteContext } from './app.js';
import type { Clock } from './clock.js';
import type { LiveHub } from './live/live-hub.js';
import { feedFromStore } from './live/live-feed.js';
import type { ServerMetrics } from './observability/server-metrics.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerLiveRoutes } from './routes/live-routes.js';
import { registerSandboxRoutes } from './routes/sandbox-routes.js';
import type { SchedulerStatus } from './scheduler/timer-scheduler.js';

export interface OperationsOptions {
  readonly store: CaseStore;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly metrics: ServerMetrics;
  /** The source of live viewers' changes; a hub fed by `store`'s own commits when absent. */
  readonly live?: LiveHub;
  readonly scheduler?: SchedulerStatus;
  readonly liveListenerConnected?: () => boolean;
  /** Idle time after which a live stream sends a heartbeat comment, in milliseconds. */
  readonly liveHeartbeatMs?: number;
}

/**
 * Registers the middleware that times every request registered after it, by method, route pattern and
 * status. Register it before any other middleware or route.
 */
export function registerRequestMetrics(app: OpenAPIHono, metrics: ServerMetrics): void {
  app.use('*', async (c, next) => {
    const startedAt = performance.now();
    await next();
    // The pattern of the last matched route, so that case ids do not make one series each. Only
    // middleware patterns such as `*` match a request that no route serves.
    const pattern = routePath(c, -1);
    const route = pattern === '' || pattern === '*' || pattern === '/*' ? 'unmatched' : pattern;
    metrics.requestDuration.observe(
      { method: c.req.method, route, status: String(c.res.status) },
      (performance.now() - startedAt) / 1000,
    );
  });
}

/**
 * Registers what running several server processes needs beside the case API: `/healthz`, `/readyz`,
 * `/metrics`, the live-update streams and the training sandboxes. Returns the live hub in use.
 */
export function registerOperations(app: OpenAPIHono, context: RouteContext, options: OperationsOptions): LiveHub {
  const { store, metrics } = options;
  store.changes.setListenerErrorHandler((error) => context.logger.error({ err: error }, 'case change listener failed'));
  metrics.countCommittedEvents(store.changes);

  const hub = options.live ?? feedFromStore(store);
  metrics.setLiveStreamCount(() => hub.size);

  registerHealthRoutes(app, {
    db: store.db as never,
    logger: context.logger,
    metrics,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.liveListenerConnected ? { liveListenerConnected: options.liveListenerConnected } : {}),
  });
  registerLiveRoutes(app, context, { hub, ...(options.liveHeartbeatMs !== undefined ? { heartbeatMs: options.liveHeartbeatMs } : {}) });
  registerSandboxRoutes(app, context, {
    db: store.db,
    clock: options.clock,
    newId: options.newId,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  return hub;
}
