import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { CaseError } from '../machines/engine/case-error.js';
import { describeSchemaIssues, listSchemaIssues } from '../machines/engine/schema-issues.js';
import type { CaseStore } from '../db/case-store.js';
import type { AccessLog } from './audit/access-log.js';
import { installAccessControl } from './auth/install-access-control.js';
import { findNulCharacter, nulCharacterRejected } from './auth/nul-characters.js';
import type { AppAccessOptions } from './auth/install-access-control.js';
import { CaseService } from './case-service.js';
import type { Clock } from './clock.js';
import { badRequest, HttpCaseError, sendCaseError } from './http-errors.js';
import type { LiveHub } from './live/live-hub.js';
import { ServerMetrics } from './observability/server-metrics.js';
import { registerOperations, registerRequestMetrics } from './operations.js';
import type { SchedulerStatus } from './scheduler/timer-scheduler.js';
import { registerCaseRoutes } from './routes/case-routes.js';
import { registerImportRoutes } from './routes/import-routes.js';
import { registerProcessRoutes } from './routes/process-routes.js';
import { registerStaticAssets } from '../viewer/static-assets.js';
import { redirectPagesToSignIn, registerViewerRoutes } from './routes/viewer-routes.js';

export interface AppOptions {
  readonly store: CaseStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  /** Metrics of this process, served at /metrics; a new set when absent. */
  readonly metrics?: ServerMetrics;
  /** Live-update hub; when absent, a hub fed by this store's own commits, which receives only this process's changes. */
  readonly live?: LiveHub;
  /** The process's timer scheduler, checked by /readyz and woken when a sandbox's date moves. */
  readonly scheduler?: SchedulerStatus;
  /** Whether the PostgreSQL LISTEN connection for live updates is up, reported by /readyz. */
  readonly liveListenerConnected?: () => boolean;
  /** Sign-in, request limits and checkpoints; a random session secret and no checkpoint key when absent. */
  readonly access?: AppAccessOptions;
}

/** Dependencies shared by route handlers: the case service, the logger and request helpers. */
export interface RouteContext {
  readonly service: CaseService;
  readonly logger: Logger;
  readonly readJson: <T extends z.ZodType>(c: Context, schema: T) => Promise<z.output<T>>;
  readonly readQuery: <T extends z.ZodType>(c: Context, schema: T) => z.output<T>;
  /** The log of full views of personal data. */
  readonly accessLog: AccessLog;
  readonly clock: Clock;
}

/**
 * Builds the Hono app: the JSON API under /api and its OpenAPI document. Every expected rejection is a
 * `CaseError` written as the common error body; anything else is logged as a bug and returns 500.
 */
export function createApp(options: AppOptions): OpenAPIHono {
  const app = new OpenAPIHono();
  const service = new CaseService({ store: options.store, clock: options.clock, newId: options.newId });
  const metrics = options.metrics ?? new ServerMetrics();
  // First of all, so that request latency also counts requests that the access check rejects.
  registerRequestMetrics(app, metrics);
  // Before access control, so that it can turn the 401 of a page request without a session into a redirect.
  app.use('*', redirectPagesToSignIn());
  // Before every route, so that no request reaches a handler without the access check.
  const access = installAccessControl(app, options);
  const routeContext: RouteContext = { service, logger: options.logger, readJson, readQuery, accessLog: access.accessLog, clock: options.clock };

  app.onError((error, c) => {
    if (error instanceof CaseError) {
      metrics.rejections.inc({ code: error.code, source: 'api' });
      options.logger.info(
        { code: error.code, caseId: c.req.param('id'), method: c.req.method, path: c.req.routePath },
        'request rejected',
      );
      return sendCaseError(c, error, error instanceof HttpCaseError ? error.status : undefined);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return sendCaseError(c, badRequest('MALFORMED_REQUEST', '请求格式不正确。', 'The request is malformed.'), error.status);
    }
    options.logger.error({ err: error, caseId: c.req.param('id'), method: c.req.method, path: c.req.routePath }, 'request failed');
    return c.json(
      { error: { code: 'INTERNAL_ERROR', message: { zh: '服务器内部错误，已记录日志。', en: 'Internal server error; it has been logged.' } } },
      500,
    );
  });
  app.notFound((c) =>
    sendCaseError(
      c,
      new CaseError('ROUTE_NOT_FOUND', 'not-found', {
        zh: `没有此接口：${c.req.method} ${c.req.path}`,
        en: `No such endpoint: ${c.req.method} ${c.req.path}`,
      }),
    ),
  );

  registerOperations(app, routeContext, { ...options, metrics });
  registerProcessRoutes(app, routeContext);
  registerCaseRoutes(app, routeContext);
  registerImportRoutes(app, routeContext, { store: options.store, newId: options.newId });
  access.registerRoutes(routeContext);
  registerStaticAssets(app);
  registerViewerRoutes(app, routeContext);

  app.get('/api/openapi.json', (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Beijing social insurance fee case engine (社保费申报缴纳案件引擎)',
          version: '0.1.0',
          description: 'Cases of the social insurance fee processes after the January 2024 reform, with their hash-chained histories.',
        },
      }),
    ),
  );
  return app;
}

/**
 * Parses a JSON request body against a schema. A wrong content type is 415, malformed JSON or a body that
 * fails the schema is 400; each names the problem in both languages.
 */
async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpCaseError(
      415,
      'CONTENT_TYPE_UNSUPPORTED',
      {
        zh: `请求体须为 JSON，并设置 Content-Type: application/json（收到“${contentType.slice(0, 100)}”）。`,
        en: `The body must be JSON sent with Content-Type: application/json (got "${contentType.slice(0, 100)}").`,
      },
    );
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('MALFORMED_JSON', '请求体不是有效的 JSON。', 'The request body is not valid JSON.');
  }
  const nulAt = findNulCharacter(body);
  if (nulAt !== null) throw nulCharacterRejected(nulAt);
  return parseOrThrow(schema, body, 'MALFORMED_REQUEST');
}

function readQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return parseOrThrow(schema, c.req.query(), 'QUERY_INVALID');
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, code: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = describeSchemaIssues(schema, value, parsed.error);
  throw badRequest(code, `请求不正确：${message.zh}`, `The request is invalid: ${message.en}`, {
    issues: listSchemaIssues(schema, value, parsed.error),
  });
}
