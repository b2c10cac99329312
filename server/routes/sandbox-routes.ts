import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { addDays, isIsoDate } from '../../machines/policy/iso-date.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { CaseError } from '../../machines/engine/case-error.js';
import { SandboxStore } from '../../db/sandbox-store.js';
import type { Kysely } from 'kysely';
import type { Database, SandboxesTable } from '../../db/schema.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, errorBodySchema } from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import { sandboxNotFound } from '../case-service.js';
import type { Clock } from '../clock.js';
import type { SchedulerStatus } from '../scheduler/timer-scheduler.js';

/** Maximum days one request moves a sandbox's date forward: one year reaches any deadline of a fee period. */
const MAX_ADVANCE_DAYS = 366;

const isoDateSchema = z
  .string()
  .refine(isIsoDate, { message: 'expected an existing date YYYY-MM-DD' })
  .openapi({ example: '2025-10-10' });

const createSandboxBodySchema = z
  .object({
    name: z.string().min(1).max(100).openapi({ example: '2025年10月申报期培训' }),
    simulatedDate: isoDateSchema,
    replacesSandboxId: z.string().min(1).max(64).optional().openapi({
      description:
        'A sandbox to delete, with its cases, when this one is created: the trainer page passes its current sandbox when it starts over or steps back, so replays leave no sandboxes behind.',
    }),
  })
  .strict()
  .openapi('CreateSandboxRequest');

const setDateBodySchema = z
  .union([
    z.object({ date: isoDateSchema }).strict(),
    z.object({ advanceDays: z.number().int().min(1).max(MAX_ADVANCE_DAYS) }).strict(),
  ])
  .openapi('SetSandboxDateRequest', { description: 'Either the new simulated date, or a number of days to move it forward.' });

const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    after: z.string().max(64).optional(),
  })
  .strict();

const sandboxSchema = z
  .object({ id: z.string(), name: z.string(), simulatedDate: z.string(), createdAt: z.string() })
  .openapi('Sandbox');

export interface SandboxRouteOptions {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly newId: () => string;
  /** Woken after a date change, so that this process fires the sandbox's newly due timers at once. */
  readonly scheduler?: SchedulerStatus;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

/**
 * Registers the routes of training sandboxes. A sandbox has a simulated business date that only moves
 * forward. Cases opened in a sandbox (`POST /api/cases` with `sandboxId`) take that date as their business
 * date, and their timers fire when it reaches their due date. They never appear in the lists of real cases.
 */
export function registerSandboxRoutes(app: OpenAPIHono, context: RouteContext, options: SandboxRouteOptions): void {
  const sandboxes = new SandboxStore(options.db);

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/sandboxes',
    summary: 'Create a training sandbox with a simulated business date, optionally replacing (deleting) an earlier one',
    request: { body: { content: { 'application/json': { schema: createSandboxBodySchema } } } },
    responses: {
      201: { description: 'The sandbox', content: { 'application/json': { schema: sandboxSchema } } },
      400: errorResponse('Invalid request'),
      404: errorResponse('The sandbox to replace does not exist; nothing was created'),
    },
  });
  app.post('/api/sandboxes', async (c) => {
    const body = await context.readJson(c, createSandboxBodySchema);
    const row: SandboxesTable = {
      id: options.newId(),
      name: body.name,
      simulated_date: body.simulatedDate,
      created_at: options.clock.now().toISOString(),
    };
    if (body.replacesSandboxId === undefined) {
      await sandboxes.createSandbox(row);
      context.logger.info({ sandboxId: row.id, simulatedDate: row.simulated_date }, 'sandbox created');
      return c.json(toView(row), 201);
    }

    const replaced = await sandboxes.replaceSandbox(row, body.replacesSandboxId);
    if (!replaced) throw sandboxNotFound(body.replacesSandboxId);
    context.logger.info(
      { sandboxId: row.id, simulatedDate: row.simulated_date, replacedSandboxId: body.replacesSandboxId, deletedCases: replaced.deletedCases },
      'sandbox created in place of an earlier one',
    );
    return c.json(toView(row), 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/sandboxes/{id}',
    summary: 'Read a sandbox',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The sandbox', content: { 'application/json': { schema: sandboxSchema } } }, 404: errorResponse('Unknown sandbox') },
  });
  app.get('/api/sandboxes/:id', async (c) => {
    const sandbox = await sandboxes.getSandbox(c.req.param('id'));
    if (!sandbox) throw sandboxNotFound(c.req.param('id'));
    return c.json(toView(sandbox));
  });

  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/api/sandboxes/{id}/date',
    summary: "Set or advance a sandbox's simulated date; timers of its cases that become due fire",
    request: { params: z.object({ id: z.string() }), body: { content: { 'application/json': { schema: setDateBodySchema } } } },
    responses: {
      200: { description: 'The sandbox with its new date', content: { 'application/json': { schema: sandboxSchema } } },
      400: errorResponse('Invalid request'),
      404: errorResponse('Unknown sandbox'),
      409: errorResponse('The date would move backwards'),
    },
  });
  app.put('/api/sandboxes/:id/date', async (c) => {
    const id = c.req.param('id');
    const body = await context.readJson(c, setDateBodySchema);
    const current = await sandboxes.getSandbox(id);
    if (!current) throw sandboxNotFound(id);

    const date = 'date' in body ? (body.date as IsoDate) : addDays(current.simulated_date as IsoDate, body.advanceDays);
    const updated = await sandboxes.setSimulatedDate(id, date);
    if (!updated.ok && updated.reason === 'not-found') throw sandboxNotFound(id);
    if (!updated.ok) throw dateBackwards(id, updated.current.simulated_date, date);

    context.logger.info({ sandboxId: id, from: current.simulated_date, to: date }, 'sandbox date moved');
    options.scheduler?.wake();
    return c.json(toView(updated.sandbox));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/sandboxes/{id}/cases',
    summary: "List a sandbox's cases, newest first, a page at a time",
    request: { params: z.object({ id: z.string() }), query: listQuerySchema },
    responses: { 200: { description: 'A page of cases' }, 404: errorResponse('Unknown sandbox') },
  });
  app.get('/api/sandboxes/:id/cases', async (c) => {
    const id = c.req.param('id');
    const query = context.readQuery(c, listQuerySchema);
    if (!(await sandboxes.getSandbox(id))) throw sandboxNotFound(id);
    return c.json(await context.service.listCases({ sandboxId: id }, query.limit, query.after));
  });
}

function toView(sandbox: SandboxesTable) {
  return { id: sandbox.id, name: sandbox.name, simulatedDate: sandbox.simulated_date, createdAt: sandbox.created_at };
}

function dateBackwards(sandboxId: string, current: string, requested: string): CaseError {
  return new CaseError(
    'SANDBOX_DATE_BACKWARDS',
    'conflict',
    {
      zh: `沙箱模拟日期只能向后调整：当前为 ${current}，不能改为 ${requested}。如需从更早的日期重新开始，请新建沙箱。`,
      en: `A sandbox's simulated date only moves forward: it is ${current} and cannot become ${requested}. Create a new sandbox to start from an earlier date.`,
    },
    { sandboxId, simulatedDate: current, requestedDate: requested },
  );
}
