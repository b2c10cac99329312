import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { InspectionRecord } from '../../machines/engine/apply-event.js';
import { withAncestorPaths } from '../../machines/engine/state-paths.js';
import type { CaseEventsTable } from '../../db/schema.js';
import { renderSequenceDiagram } from '../../viewer/mermaid/sequence-diagram.js';
import { renderStateDiagram } from '../../viewer/mermaid/state-diagram.js';
import { getProcessVersion } from '../../machines/catalogue.js';
import type { DiagramHighlight } from '../../viewer/mermaid/state-diagram.js';
import { creationSender, decideEventSender, requireNewCaseInScope } from '../auth/case-access.js';
import { maskPersonalData } from '../auth/personal-data.js';
import { requirePrincipal } from '../auth/request-access.js';
import type { Principal } from '../auth/roles.js';
import type { Actor, CaseView } from '../case-service.js';
import {
  caseSchema,
  createCaseBodySchema,
  diagramQuerySchema,
  errorBodySchema,
  eventBodySchema,
  listCasesQuerySchema,
} from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import { CaseError } from '../../machines/engine/case-error.js';
import { badRequest } from '../http-errors.js';

/** Maximum length of an Idempotency-Key header. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

const MERMAID_CONTENT_TYPE = 'text/vnd.mermaid; charset=utf-8';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorBodySchema } },
});

const idempotencyHeader = z.object({ 'idempotency-key': z.string().max(MAX_IDEMPOTENCY_KEY_LENGTH).optional() });

/** Values of `personalData` on the case page: `full` asks for names and ID numbers where the role may see them on request. */
const personalDataQuery = z.object({ personalData: z.enum(['full', 'masked']).optional() });

/** Routes of cases: open, list, read, advance, history, diagram and chain verification. */
export function registerCaseRoutes(app: OpenAPIHono, context: RouteContext): void {
  const { service } = context;

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/cases',
    summary: 'Open a case of a process',
    request: { body: { content: { 'application/json': { schema: createCaseBodySchema } } } },
    responses: {
      201: { description: 'The new case (names and ID numbers masked)', content: { 'application/json': { schema: caseSchema } } },
      400: errorResponse('Malformed request'),
      403: errorResponse('The role may not open this case (another employer, or a real case for a trainer)'),
      404: errorResponse('Unknown process'),
      422: errorResponse('The input fails the process schema'),
    },
  });
  app.post('/api/cases', async (c) => {
    const { principal, grant } = requirePrincipal(c);
    const body = await context.readJson(c, createCaseBodySchema);
    requireNewCaseInScope(grant.cases ?? 'all', principal, body);
    const sender = creationSender(principal);
    const actor = actorOf(principal, sender.party);
    const created = await service.createCase({ processId: body.processId, input: body.input, sandboxId: body.sandboxId }, actor, sender.channel);
    context.logger.info({ caseId: created.id, processId: created.processId, actor: actor.id }, 'case created');
    return c.json(maskCaseView(created), 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases',
    summary: 'List cases, newest first, with filters and cursor pagination',
    request: { query: listCasesQuerySchema },
    responses: { 200: { description: 'A page of cases' }, 400: errorResponse('Invalid filter') },
  });
  app.get('/api/cases', async (c) => {
    const { principal } = requirePrincipal(c);
    const query = context.readQuery(c, listCasesQuerySchema);
    const employerCode = employerFilterOf(principal, query.employer);
    const page = await service.listCases(
      {
        ...(query.process !== undefined ? { processId: query.process } : {}),
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(employerCode !== undefined ? { employerCode } : {}),
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
    summary:
      'Read a case with its allowed events and links. Names and ID numbers are shown in full to the roles that need them (auditors with ?personalData=full), and each such view is written to the access log',
    request: { params: z.object({ id: z.string() }), query: personalDataQuery },
    responses: { 200: { description: 'The case', content: { 'application/json': { schema: caseSchema } } }, 404: errorResponse('Unknown case') },
  });
  app.get('/api/cases/:id', async (c) => {
    const { principal, grant, routeKey } = requirePrincipal(c);
    const { personalData } = context.readQuery(c, personalDataQuery.strict());
    const view = await service.getCase(c.req.param('id'));
    const showFull = grant.personalData === 'full' ? personalData !== 'masked' : grant.personalData === 'on-request' && personalData === 'full';
    const masked = maskPersonalData(view.context, 'context');
    if (!showFull) return c.json({ ...view, context: masked.value, personalData: 'masked' });
    if (masked.fields.length > 0) await context.accessLog.record(principal, view.id, masked.fields, routeKey, context.clock.now());
    return c.json({ ...view, personalData: 'full' });
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/cases/{id}/events',
    summary: 'Apply an event to a case',
    request: {
      params: z.object({ id: z.string() }),
      headers: idempotencyHeader,
      body: { content: { 'application/json': { schema: eventBodySchema } } },
    },
    responses: {
      200: { description: 'The updated case and the stored event' },
      400: errorResponse('Malformed request'),
      403: errorResponse('The role or agency may not send this event, or not through this channel'),
      404: errorResponse('Unknown case'),
      409: errorResponse('Stale expectedVersion, or the current state does not accept the event'),
      422: errorResponse('The event data fails its schema or a business rule'),
    },
  });
  app.post('/api/cases/:id/events', async (c) => {
    const { principal, grant, caseRow } = requirePrincipal(c);
    const idempotencyKey = readIdempotencyKey(c.req.header('idempotency-key'));
    const body = await context.readJson(c, eventBodySchema);
    const definition = caseRow ? getProcessVersion(caseRow.process_id, caseRow.process_version) : undefined;
    const sender = decideEventSender(grant.events ?? 'as-employer', principal, body.type, definition?.events[body.type], body.channel);
    const actor = actorOf(principal, sender.party);
    const result = await service.submitEvent(c.req.param('id'), { ...body, channel: sender.channel }, actor, idempotencyKey, caseRow ? { knownRow: caseRow } : {});
    context.logger.info(
      { caseId: result.case.id, eventType: result.event.type, seq: result.event.seq, replayed: result.replayed, actor: actor.id },
      'event applied',
    );
    return c.json({
      ...maskCaseView(result.case),
      event: maskEventData(formatEvent(result.event)),
      replayed: result.replayed,
      linkedCases: result.linkedCases.map(maskCaseView),
    });
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
    return c.json({
      caseId: caseRow.id,
      version: caseRow.version,
      headHash: caseRow.head_hash,
      events: events.map((event) => maskEventData(formatEvent(event))),
    });
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
    return c.body(renderStateDiagram(definition, query.lang, caseDiagramHighlight(events)), 200, {
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

/** The highlights of a case's diagram after its events: the current states and every state it passed through. */
export function caseDiagramHighlight(events: readonly CaseEventsTable[]): DiagramHighlight {
  const last = events.at(-1);
  const current = new Set(withAncestorPaths(last ? last.state_after.split(',') : []));
  const visited = new Set<string>();
  for (const event of events) {
    for (const path of withAncestorPaths(visitedPathsOf(event))) visited.add(path);
  }
  return { current, visited };
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

/** The actor recorded for a signed-in user's step: the user name, the role and the party the step is for. */
function actorOf(principal: Principal, party: Actor['party']): Actor {
  const role = principal.role === 'employer' || principal.role === 'caseworker' || principal.role === 'trainer' ? principal.role : 'system';
  return { id: principal.username, role, party };
}

/**
 * The employer filter of a case list: employer staff always list their own employer's cases, and asking
 * for another employer is a 403 `CASE_OUT_OF_SCOPE`.
 */
function employerFilterOf(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role !== 'employer') return requested;
  if (requested !== undefined && requested !== principal.employerCode) {
    throw new CaseError(
      'CASE_OUT_OF_SCOPE',
      'forbidden',
      {
        zh: `用人单位经办人只能查询本单位（${principal.employerCode ?? ''}）的案件，不能查询“${requested}”的案件。`,
        en: `Employer staff may list only their own employer's cases (${principal.employerCode ?? ''}), not those of "${requested}".`,
      },
      { employer: requested },
    );
  }
  return principal.employerCode ?? undefined;
}

/** A case view with names and ID numbers masked, as every response but the case page shows it. */
function maskCaseView(view: CaseView): CaseView {
  return { ...view, context: maskPersonalData(view.context).value };
}

function maskEventData<T extends { data: unknown }>(event: T): T {
  return { ...event, data: maskPersonalData(event.data).value };
}

/** An event row as the API returns it, with JSON columns parsed. */
export function formatEvent(event: CaseEventsTable) {
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
