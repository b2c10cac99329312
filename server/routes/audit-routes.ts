import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CaseStore } from '../../db/case-store.js';
import { errorBodySchema } from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import type { AccessLog } from '../audit/access-log.js';
import { buildCaseExport, CASE_EXPORT_FORMAT, maskReplayReport, toCsv } from '../audit/case-export.js';
import type { CaseExport } from '../audit/case-export.js';
import { verifyAllChains } from '../audit/chain-audit.js';
import { checkpointDocumentSchema } from '../audit/checkpoints.js';
import type { CheckpointService } from '../audit/checkpoints.js';
import { replayCase } from '../audit/replay.js';
import { caseNotFound } from '../auth/case-access.js';
import { requirePrincipal } from '../auth/request-access.js';
import type { Clock } from '../clock.js';

export interface AuditRouteOptions {
  readonly store: CaseStore;
  readonly accessLog: AccessLog;
  readonly checkpoints: CheckpointService;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Page size limits of the access log and of exports of several cases. */
const MAX_LOG_PAGE = 500;
const MAX_EXPORT_CASES = 100;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

const isoInstant = z.iso.datetime({ offset: true });

const accessLogQuerySchema = z
  .object({
    caseId: z.string().min(1).max(64).optional(),
    username: z.string().min(1).max(64).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LOG_PAGE).default(100),
    after: z.string().max(64).optional(),
  })
  .strict();

const formatQuery = z.enum(['json', 'csv']).default('json');

const exportQuerySchema = z
  .object({
    process: z.string().max(100).optional(),
    employer: z.string().max(18).optional(),
    feePeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
    status: z.enum(['active', 'done']).optional(),
    sandbox: z.string().min(1).max(64).optional(),
    format: formatQuery,
    limit: z.coerce.number().int().min(1).max(MAX_EXPORT_CASES).default(20),
    after: z.string().max(64).optional(),
  })
  .strict();

/**
 * Registers the routes for auditors: the personal-data access log, case exports, replay verification,
 * verification of every chain, and signed checkpoints. A JSON export holds the history, hashes, Mermaid
 * texts and verification, and a CSV export the history. Nothing here changes a case, and personal data is
 * masked in every export.
 */
export function registerAuditRoutes(app: OpenAPIHono, context: RouteContext, options: AuditRouteOptions): void {
  const { store, accessLog, clock, logger } = options;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/access-log',
    summary: 'Every full view of personal data: who, when, which case and which fields, newest first',
    request: { query: accessLogQuerySchema },
    responses: { 200: { description: 'A page of entries' }, 400: errorResponse('Invalid filter') },
  });
  app.get('/api/audit/access-log', async (c) => {
    const query = context.readQuery(c, accessLogQuerySchema);
    const filter = {
      ...(query.caseId !== undefined ? { caseId: query.caseId } : {}),
      ...(query.username !== undefined ? { username: query.username } : {}),
      ...(query.from !== undefined ? { from: new Date(query.from).toISOString() } : {}),
      ...(query.to !== undefined ? { to: new Date(query.to).toISOString() } : {}),
    };
    return c.json(await accessLog.list(filter, query.limit, query.after));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/cases/{id}/export',
    summary: 'The audit record of one case: JSON (history with hashes, Mermaid texts, verification) or CSV (history)',
    request: { query: z.object({ format: formatQuery }) },
    responses: { 200: { description: 'The export' }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/audit/cases/:id/export', async (c) => {
    const { principal } = requirePrincipal(c);
    const { format } = context.readQuery(c, z.object({ format: formatQuery }).strict());
    const caseId = c.req.param('id');
    const record = await loadExport(store, caseId);
    logger.info({ caseId, format, by: principal.username }, 'case exported');
    return sendExport(c, format, `case-${caseId}`, [record], { exportedBy: principal.username, exportedAt: clock.now().toISOString() });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/export',
    summary: 'Audit records of the cases a filter selects, newest first, a page at a time',
    request: { query: exportQuerySchema },
    responses: { 200: { description: 'The export' }, 400: errorResponse('Invalid filter') },
  });
  app.get('/api/audit/export', async (c) => {
    const { principal } = requirePrincipal(c);
    const query = context.readQuery(c, exportQuerySchema);
    const page = await store.listCases(
      {
        ...(query.process !== undefined ? { processId: query.process } : {}),
        ...(query.employer !== undefined ? { employerCode: query.employer } : {}),
        ...(query.feePeriod !== undefined ? { feePeriod: query.feePeriod } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.sandbox !== undefined ? { sandboxId: query.sandbox } : {}),
      },
      query.limit,
      query.after,
    );
    const records: CaseExport[] = [];
    for (const row of page.items) records.push(buildCaseExport(row, await store.listEvents(row.id)));
    logger.info({ caseCount: records.length, format: query.format, by: principal.username }, 'cases exported');
    return sendExport(c, query.format, 'cases', records, {
      exportedBy: principal.username,
      exportedAt: clock.now().toISOString(),
      nextCursor: page.nextCursor,
    });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/cases/{id}/replay',
    summary: 'Replay a case on its pinned machine version and report the first step that differs from the record',
    responses: { 200: { description: 'The replay report' }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/audit/cases/:id/replay', async (c) => {
    const caseId = c.req.param('id');
    const caseRow = await store.getCase(caseId);
    if (!caseRow) throw caseNotFound(caseId);
    const report = replayCase(caseRow, await store.listEvents(caseId));
    if (!report.consistent) logger.warn({ caseId, seq: report.firstDifference.seq, reason: report.firstDifference.reason }, 'replay differs from the record');
    return c.json(maskReplayReport(report));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/verify',
    summary: 'Recompute the hash chain of every case and list every broken one',
    responses: { 200: { description: 'The verdicts' } },
  });
  app.get('/api/audit/verify', async (c) => {
    const audit = await verifyAllChains(store);
    if (audit.brokenChains.length > 0) logger.warn({ brokenCases: audit.brokenChains.length }, 'hash chains broken');
    return c.json({ ...audit, intact: audit.brokenChains.length === 0 });
  });

  registerCheckpointRoutes(app, context, options);
}

function registerCheckpointRoutes(app: OpenAPIHono, context: RouteContext, options: AuditRouteOptions): void {
  const { checkpoints, logger } = options;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/checkpoints',
    summary: 'List stored checkpoints, newest first',
    responses: { 200: { description: 'The checkpoints' } },
  });
  app.get('/api/audit/checkpoints', async (c) => c.json({ items: await checkpoints.list(MAX_LOG_PAGE) }));

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit/checkpoints/{checkpointId}',
    summary: 'Download a signed checkpoint to keep outside the database',
    responses: { 200: { description: 'The checkpoint document' }, 404: errorResponse('Unknown checkpoint') },
  });
  app.get('/api/audit/checkpoints/:checkpointId', async (c) => {
    const document = await checkpoints.get(c.req.param('checkpointId'));
    c.header('content-disposition', `attachment; filename="checkpoint-${document.id}.json"`);
    return c.json(document);
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/audit/checkpoints',
    summary: 'Sign the current head of every chain now and store the checkpoint',
    responses: { 201: { description: 'The checkpoint document' }, 409: errorResponse('No signing key configured') },
  });
  app.post('/api/audit/checkpoints', async (c) => {
    const { principal } = requirePrincipal(c);
    const document = await checkpoints.create('request', principal.username);
    logger.info({ checkpointId: document.id, caseCount: document.heads.length, by: principal.username }, 'checkpoint created');
    return c.json(document, 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/audit/checkpoints/verify',
    summary: 'Upload a kept checkpoint; lists every case whose chain is now missing, shorter or different',
    request: { body: { content: { 'application/json': { schema: checkpointDocumentSchema } } } },
    responses: { 200: { description: 'The verification' }, 400: errorResponse('Not a checkpoint document') },
  });
  app.post('/api/audit/checkpoints/verify', async (c) => {
    const { principal } = requirePrincipal(c);
    const document = await context.readJson(c, checkpointDocumentSchema);
    const result = await checkpoints.verify(document);
    const level = result.problems.length > 0 || !result.signatureValid ? 'warn' : 'info';
    logger[level](
      { checkpointId: document.id, problems: result.problems.length, signatureValid: result.signatureValid, by: principal.username },
      'checked against a checkpoint',
    );
    return c.json(result);
  });
}

async function loadExport(store: CaseStore, caseId: string): Promise<CaseExport> {
  const caseRow = await store.getCase(caseId);
  if (!caseRow) throw caseNotFound(caseId);
  return buildCaseExport(caseRow, await store.listEvents(caseId));
}

function sendExport(
  c: Context,
  format: 'json' | 'csv',
  name: string,
  records: readonly CaseExport[],
  meta: { exportedBy: string; exportedAt: string; nextCursor?: string | null },
): Response {
  if (format === 'csv') {
    return c.body(toCsv(records), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.csv"`,
    });
  }
  c.header('content-disposition', `attachment; filename="${name}.json"`);
  return c.json({ format: CASE_EXPORT_FORMAT, ...meta, personalData: 'masked', cases: records });
}
