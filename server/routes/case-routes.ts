import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { InspectionRecord } from '../../machines/engine/apply-event.js';
import { withAncestorPaths } from '../../machines/engine/state-paths.js';
import type { CaseEventsTable } from '../../db/schema.js';
import { renderSequenceDiagram } from '../../viewer/mermaid/sequence-diagram.js';
import { renderStateDiagram } from '../../viewer/mermaid/state-diagram.js';
import { readActorHeaders } from '../actor-headers.js';
import {
  caseSchema,
  createCaseBodySchema,
  diagramQuerySchema,
  errorBodySchema,
  eventBodySchema,
  listCasesQuerySchema,
} from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import { badRequest } from '../http-errors.js';

/** Maximum length of an Idempotency-Key header. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

const MERMAID_CONTENT_TYPE = 'text/vnd.mermaid; charset=utf-8';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorBodySchema } },
});

const actorHeaders = z.object({
  'x-actor': z.string().openapi({ description: 'Acting user id (temporary, until access control exists)' }),
  'x-agency': z.enum(['employer', 'hr', 'medical', 'tax']),
});

/** Routes of cases: open, list, read, advance, history, diagram and chain verification. */
export function registerCaseRoutes(app: OpenAPIHono, context: RouteContext): void {
  const { service } = context;

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/cases',
    summary: 'Open a case of a process',
    request: { headers: actorHeaders, body: { content: { 'application/json': { schema: createCaseBodySchema } } } },
    responses: {
      201: { description: 'The new case', content: { 'application/json': { schema: caseSchema } } },
      400: errorResponse('Malformed request or actor headers'),
      404: errorResponse('Unknown process'),
      422: errorResponse('The input fails the process schema'),
    },
  });
  app.post('/api/cases', async (c) => {
    const actor = readActorHeaders(c.req.raw.headers);
    const body = await context.readJson(c, createCaseBodySchema);
    const created = await service.createCase({ processId: body.processId, input: body.input }, actor);
    context.logger.info({ caseId: created.id, processId: created.processId, actor: actor.id }, 'case created');
    return c.json(created, 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases',
    summary: 'List cases, newest first, with filters and cursor pagination',
    request: { query: listCasesQuerySchema },
    responses: { 200: { description: 'A page of cases' }, 400: errorResponse('Invalid filter') },
  });
  app.get('/api/cases', async (c) => {
    const query = context.readQuery(c, listCasesQuerySchema);
    const page = await service.listCases(
      {
        ...(query.process !== undefined ? { processId: query.process } : {}),
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(query.employer !== undefined ? { employerCode: query.employer } : {}),
        ...(query.feePeriod !== undefined ? { feePeriod: query.feePeriod } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.demo !== undefined ? { demo: query.demo === 'true' } : {}),
      },
      query.limit,
      query.after,
    );
    return c.json(page);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases/{id}',
    summary: 'Read a case with its allowed events and links',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The case', content: { 'application/json': { schema: caseSchema } } }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/cases/:id', async (c) => c.json(await service.getCase(c.req.param('id'))));

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/cases/{id}/events',
    summary: 'Apply an event to a case',
    request: {
      params: z.object({ id: z.string() }),
      headers: actorHeaders.extend({ 'idempotency-key': z.string().max(MAX_IDEMPOTENCY_KEY_LENGTH).optional() }),
      body: { content: { 'application/json': { schema: eventBodySchema } } },
    },
    responses: {
      200: { description: 'The updated case and the stored event' },
      400: errorResponse('Malformed request'),
      403: errorResponse('The acting agency may not send this event'),
      404: errorResponse('Unknown case'),
      409: errorResponse('Stale expectedVersion, or the current state does not accept the event'),
      422: errorResponse('The event data fails its schema or a business rule'),
    },
  });
  app.post('/api/cases/:id/events', async (c) => {
    const actor = readActorHeaders(c.req.raw.headers);
    const idempotencyKey = readIdempotencyKey(c.req.header('idempotency-key'));
    const body = await context.readJson(c, eventBodySchema);
    const result = await service.submitEvent(c.req.param('id'), body, actor, idempotencyKey);
    context.logger.info(
      { caseId: result.case.id, eventType: result.event.type, seq: result.event.seq, replayed: result.replayed, actor: actor.id },
      'event applied',
    );
    return c.json({ ...result.case, event: formatEvent(result.event), replayed: result.replayed, linkedCases: result.linkedCases });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases/{id}/history',
    summary: 'The case history: every event with actor, channel, times, states and hashes',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The events in order' }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/cases/:id/history', async (c) => {
    const { caseRow, events } = await service.getHistory(c.req.param('id'));
    return c.json({ caseId: caseRow.id, version: caseRow.version, headHash: caseRow.head_hash, events: events.map(formatEvent) });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases/{id}/diagram.mmd',
    summary: 'The process diagram with the current state and the visited states marked; ?at=N shows the case as of event N',
    request: { params: z.object({ id: z.string() }), query: diagramQuerySchema },
    responses: { 200: { description: 'Mermaid text' }, 404: errorResponse('Unknown case or event') },
  });
  app.get('/api/cases/:id/diagram.mmd', async (c) => {
    const query = context.readQuery(c, diagramQuerySchema);
    const { caseRow, definition, events } = await service.getHistory(c.req.param('id'), query.at);
    if (query.at !== undefined && query.at > caseRow.version) {
      throw badRequest(
        'EVENT_SEQ_OUT_OF_RANGE',
        `参数 at=${query.at} 超出范围：本案件共有 ${caseRow.version} 个事件。`,
        `at=${query.at} is out of range: the case has ${caseRow.version} events.`,
        { at: query.at, version: caseRow.version },
      );
    }
    const last = events.at(-1);
    const current = new Set(withAncestorPaths(last ? last.state_after.split(',') : []));
    const visited = new Set<string>();
    for (const event of events) {
      for (const path of withAncestorPaths(visitedPathsOf(event))) visited.add(path);
    }
    return c.body(renderStateDiagram(definition, query.lang, { current, visited }), 200, {
      'content-type': MERMAID_CONTENT_TYPE,
    });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases/{id}/sequence.mmd',
    summary: 'The exchange between employer, hr, medical and tax as a Mermaid sequenceDiagram; ?at=N stops at event N',
    request: { params: z.object({ id: z.string() }), query: diagramQuerySchema },
    responses: { 200: { description: 'Mermaid text' }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/cases/:id/sequence.mmd', async (c) => {
    const query = context.readQuery(c, diagramQuerySchema);
    const { definition, events } = await service.getHistory(c.req.param('id'), query.at);
    const steps = events.map((event) => ({
      seq: event.seq,
      type: event.type,
      party: event.party,
      channel: event.channel,
      businessDate: event.business_date,
    }));
    return c.body(renderSequenceDiagram(definition, steps, query.lang), 200, { 'content-type': MERMAID_CONTENT_TYPE });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases/{id}/verify',
    summary: 'Recompute the hash chain and name the first broken event',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The verdict' }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/cases/:id/verify', async (c) => {
    const caseId = c.req.param('id');
    const verdict = await service.verifyCase(caseId);
    if (!verdict.intact) context.logger.warn({ caseId, verdict }, 'hash chain broken');
    return c.json({ caseId, ...verdict });
  });
}

/** Every state an event passed through: the states before and after and each microstep's targets. */
function visitedPathsOf(event: CaseEventsTable): string[] {
  const paths = event.state_after.split(',');
  if (event.state_before) paths.push(...event.state_before.split(','));
  const inspection = JSON.parse(event.inspection) as InspectionRecord;
  for (const microstep of inspection.microsteps) {
    for (const transition of microstep.transitions) paths.push(transition.source, ...transition.targets);
  }
  return paths.filter((path) => path.length > 0);
}

function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badRequest(
      'IDEMPOTENCY_KEY_INVALID',
      `Idempotency-Key 须为 1 至 ${MAX_IDEMPOTENCY_KEY_LENGTH} 个字符。`,
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`,
    );
  }
  return header;
}

/** An event row as the API returns it, with JSON columns parsed. */
function formatEvent(event: CaseEventsTable) {
  return {
    id: event.id,
    seq: event.seq,
    type: event.type,
    data: JSON.parse(event.data) as unknown,
    actor: { id: event.actor_id, role: event.actor_role, party: event.party },
    channel: event.channel,
    occurredAt: event.occurred_at,
    businessDate: event.business_date,
    stateBefore: event.state_before ? event.state_before.split(',') : null,
    stateAfter: event.state_after.split(','),
    idempotencyKey: event.idempotency_key,
    inspection: JSON.parse(event.inspection) as unknown,
    prevHash: event.prev_hash,
    hash: event.hash,
  };
}
