import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { collectStatePaths } from '../../machines/engine/process-definition.js';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { getLatestProcess, listLatestProcesses } from '../../machines/catalogue.js';
import { renderStateDiagram } from '../../viewer/mermaid/state-diagram.js';
import { diagramQuerySchema, errorBodySchema } from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import { processNotFound } from '../case-service.js';

const MERMAID_CONTENT_TYPE = 'text/vnd.mermaid; charset=utf-8';

/** Routes that describe processes: the catalogue, one process in full, and its Mermaid diagram. */
export function registerProcessRoutes(app: OpenAPIHono, context: RouteContext): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/processes',
    summary: 'List every process (latest versions)',
    responses: { 200: { description: 'The process catalogue' } },
  });
  app.get('/api/processes', (c) => c.json({ items: listLatestProcesses().map(summarizeProcess) }));

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/processes/{processId}',
    summary: 'Describe a process: states, events with their parties and schemas',
    request: { params: z.object({ processId: z.string() }) },
    responses: {
      200: { description: 'The process' },
      404: { description: 'Unknown process', content: { 'application/json': { schema: errorBodySchema } } },
    },
  });
  app.get('/api/processes/:processId', (c) => c.json(describeProcess(requireProcess(c.req.param('processId')))));

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/processes/{processId}/diagram.mmd',
    summary: 'The process as a Mermaid stateDiagram-v2',
    request: { params: z.object({ processId: z.string() }), query: diagramQuerySchema.pick({ lang: true }) },
    responses: { 200: { description: 'Mermaid text', content: { 'text/vnd.mermaid': { schema: z.string() } } } },
  });
  app.get('/api/processes/:processId/diagram.mmd', (c) => {
    const definition = requireProcess(c.req.param('processId'));
    const { lang } = context.readQuery(c, diagramQuerySchema.pick({ lang: true }).strict());
    return c.body(renderStateDiagram(definition, lang), 200, { 'content-type': MERMAID_CONTENT_TYPE });
  });
}

function requireProcess(processId: string): ProcessDefinition {
  const definition = getLatestProcess(processId);
  if (!definition) throw processNotFound(processId);
  return definition;
}

function summarizeProcess(definition: ProcessDefinition) {
  return { id: definition.id, version: definition.version, title: definition.title, description: definition.description };
}

function describeProcess(definition: ProcessDefinition) {
  return {
    ...summarizeProcess(definition),
    inputSchema: toJsonSchema(definition.inputSchema),
    states: collectStatePaths(definition.machine).map((path) => ({ path, title: definition.stateTitles[path] })),
    events: Object.entries(definition.events).map(([type, event]) => ({
      type,
      title: event.title,
      parties: event.parties,
      ...(event.channels ? { channels: event.channels } : {}),
      schema: toJsonSchema(event.schema),
    })),
  };
}

/** JSON Schema of what a client sends; parts zod cannot express (refinements) are left open. */
function toJsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}
