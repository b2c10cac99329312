import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import type { RouteContext } from '../app.js';
import type { LiveFilter, LiveHub, LiveSubscription } from '../live/live-hub.js';

/** Default pause after which an idle stream sends a comment line, so proxies and clients see it alive. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

const liveQuerySchema = z
  .object({
    party: z.enum(['employer', 'hr', 'medical', 'tax']).optional(),
    process: z.string().min(1).max(100).optional(),
    sandbox: z.string().min(1).max(64).optional(),
  })
  .strict();

export interface LiveRouteOptions {
  readonly hub: LiveHub;
  readonly heartbeatMs?: number;
}

/**
 * Registers the server-sent event streams of case changes: one case, or a worklist filtered by the party a
 * case waits for, by process and by sandbox. Each change is a `case-changed` event whose data is a
 * `CaseChange` (ids, version, state, event type; no personal data) and whose id is `<caseId>:<version>`.
 * A `resync` event means that changes may have been missed, so the viewer should reload.
 */
export function registerLiveRoutes(app: OpenAPIHono, context: RouteContext, options: LiveRouteOptions): void {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cases/{id}/events/stream',
    summary: 'Server-sent events: a `case` event with the current version, then a `case-changed` event per change',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'text/event-stream' }, 404: { description: 'Unknown case' } },
  });
  app.get('/api/cases/:id/events/stream', async (c) => {
    const caseId = c.req.param('id');
    // Subscribe before reading the case, so that no change falls between the read and the subscription.
    const subscription = options.hub.subscribe({ caseId });
    let current;
    try {
      current = await context.service.getCase(caseId);
    } catch (error) {
      subscription.close();
      throw error;
    }
    const opening = { caseId, version: current.version, state: current.state, status: current.status };
    return openStream(c, context, subscription, heartbeatMs, { event: 'case', data: opening }, current.version);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/live',
    summary: 'Server-sent events of a worklist: changes of cases that wait (or waited) for `party`, optionally of one process or sandbox',
    request: { query: liveQuerySchema },
    responses: { 200: { description: 'text/event-stream' }, 400: { description: 'Invalid filter' } },
  });
  app.get('/api/live', async (c) => {
    const query = context.readQuery(c, liveQuerySchema);
    const filter: LiveFilter = {
      ...(query.party !== undefined ? { party: query.party } : {}),
      ...(query.process !== undefined ? { processId: query.process } : {}),
      sandboxId: query.sandbox ?? null,
    };
    const subscription = options.hub.subscribe(filter);
    return openStream(c, context, subscription, heartbeatMs, { event: 'ready', data: { filter } }, 0);
  });
}

/**
 * Streams a subscription until the client goes away or the hub closes (server shutdown). Both end the
 * loop: the client's disconnect aborts the stream and closes the subscription, which wakes the waiting
 * read, so no write happens after the client has gone and an open stream never holds up shutdown.
 * Changes at or below `skipUpToVersion` are dropped, because the opening event already covered them; a
 * worklist passes 0.
 */
function openStream(
  c: Context,
  context: RouteContext,
  subscription: LiveSubscription,
  heartbeatMs: number,
  opening: { readonly event: string; readonly data: unknown },
  skipUpToVersion: number,
): Response {
  c.header('X-Accel-Buffering', 'no');
  const close = (): void => subscription.close();
  c.req.raw.signal.addEventListener('abort', close, { once: true });
  context.logger.debug({ filter: subscription.filter }, 'live stream opened');

  return streamSSE(
    c,
    async (stream: SSEStreamingApi) => {
      stream.onAbort(close);
      try {
        await stream.writeSSE({ event: opening.event, data: JSON.stringify(opening.data) });
        while (!stream.aborted && !subscription.closed) {
          const message = await subscription.next(heartbeatMs);
          if (message === 'closed') break;
          if (message === 'timeout') {
            await stream.write(': heartbeat\n\n');
          } else if (message.kind === 'resync') {
            await stream.writeSSE({ event: 'resync', data: JSON.stringify({ reason: message.reason }) });
          } else if (message.change.version > skipUpToVersion) {
            const { change } = message;
            await stream.writeSSE({ event: 'case-changed', id: `${change.caseId}:${change.version}`, data: JSON.stringify(change) });
          }
        }
      } finally {
        close();
        c.req.raw.signal.removeEventListener('abort', close);
        context.logger.debug({ filter: subscription.filter }, 'live stream closed');
      }
    },
    async (error) => {
      context.logger.error({ err: error, filter: subscription.filter }, 'live stream failed');
    },
  );
}
