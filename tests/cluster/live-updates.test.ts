import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, HR, PERSON, request, sendEvent } from '../support/api-client.js';
import { createTestDatabase, query, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { LISTENER_APPLICATION_NAME } from '../../server/live/pg-change-listener.js';
import { SseClient, expectOk, openCase, parseLogLines, startProcesses, waitUntil } from '../support/cluster.js';

const MAINTAIN_START_MONTH = { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, channel: 'hr-online' };
const HR_PUSH_START_MONTH = { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' } };

async function openStreamCount(baseUrl: string): Promise<number> {
  const text = (await request(baseUrl, 'GET', '/metrics', { actor: null })).text;
  const line = text.split('\n').find((candidate) => candidate.startsWith('live_streams_open '));
  return Number(line?.split(' ')[1]);
}

describe.each(testDialects())('live updates in one process on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  it('streams each change of a case without personal data', async () => {
    const { id } = await openCase(server.baseUrl, DECEMBER_BACK_PAYMENT);
    const stream = await SseClient.open(server.baseUrl, `/api/cases/${id}/events/stream`);
    try {
      const opening = await stream.waitFor('the opening event', (event) => event.event === 'case');
      expect(opening.data).toEqual({ caseId: id, version: 1, state: ['taxRoute.awaitingStartMonthMaintenance'], status: 'active' });

      await expectOk(await sendEvent(server.baseUrl, id, EMPLOYER, { ...MAINTAIN_START_MONTH, expectedVersion: 1 }));
      const changed = await stream.waitFor('the change', (event) => event.event === 'case-changed');
      expect(changed.id).toBe(`${id}:2`);
      expect(changed.data).toMatchObject({
        caseId: id,
        processId: 'individual-back-payment',
        version: 2,
        status: 'active',
        eventType: 'MAINTAIN_START_MONTH',
        // hr may push now, and the employer may still correct the maintained month.
        awaitingParties: ['employer', 'hr'],
        previouslyAwaitingParties: ['employer'],
        sandboxId: null,
      });
      const raw = JSON.stringify(stream.events);
      expect(raw).not.toContain(PERSON.name);
      expect(raw).not.toContain(PERSON.idNumber);
    } finally {
      await stream.close();
    }
  });

  it('streams a worklist the cases that arrive and leave', async () => {
    const stream = await SseClient.open(server.baseUrl, '/api/live?party=hr', HR);
    try {
      await stream.waitFor('the ready event', (event) => event.event === 'ready');
      const { id } = await openCase(server.baseUrl, DECEMBER_BACK_PAYMENT);
      await expectOk(await sendEvent(server.baseUrl, id, EMPLOYER, { ...MAINTAIN_START_MONTH, expectedVersion: 1 }));
      await expectOk(await sendEvent(server.baseUrl, id, HR, { ...HR_PUSH_START_MONTH, expectedVersion: 2 }));

      const left = await stream.waitFor('the case leaving hr', (event) => event.data.caseId === id && event.data.version === 3);
      expect(left.data.previouslyAwaitingParties).toEqual(['employer', 'hr']);
      expect(left.data.awaitingParties).toEqual(['employer']);
      const ofCase = stream.events.filter((event) => event.data.caseId === id).map((event) => event.data.eventType);
      // The creation waits for the employer only, so hr's worklist does not see it.
      expect(ofCase).toEqual(['MAINTAIN_START_MONTH', 'HR_PUSH_START_MONTH']);
    } finally {
      await stream.close();
    }
  });

  it('ends the stream when the client goes away', async () => {
    const { id } = await openCase(server.baseUrl, DECEMBER_BACK_PAYMENT);
    const stream = await SseClient.open(server.baseUrl, `/api/cases/${id}/events/stream`);
    await stream.waitFor('the opening event', (event) => event.event === 'case');
    expect(await openStreamCount(server.baseUrl)).toBe(1);

    await stream.close();
    await waitUntil('the server to close the stream', async () => (await openStreamCount(server.baseUrl)) === 0);
    // A change after the client left is not written anywhere, and the server keeps serving.
    await expectOk(await sendEvent(server.baseUrl, id, EMPLOYER, { ...MAINTAIN_START_MONTH, expectedVersion: 1 }));
    expect(await openStreamCount(server.baseUrl)).toBe(0);
  });

  it('rejects a stream of an unknown case', async () => {
    const response = await request(server.baseUrl, 'GET', '/api/cases/no-such-case/events/stream');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('CASE_NOT_FOUND');
  });

  it('rejects an unknown party filter', async () => {
    const response = await request(server.baseUrl, 'GET', '/api/live?party=bank', { actor: HR });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('QUERY_INVALID');
  });
});

describe.skipIf(!testDialects().includes('postgres'))('live updates across processes on postgres', () => {
  let database: TestDatabase;
  let servers: ServerProcess[];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    servers = await startProcesses(database, 2);
  }, 60_000);

  afterAll(async () => {
    for (const server of servers ?? []) await server.stop();
    await database?.drop();
  }, 30_000);

  it('delivers a change made through the other process', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const { id } = await openCase(second.baseUrl, DECEMBER_BACK_PAYMENT);
    const caseStream = await SseClient.open(first.baseUrl, `/api/cases/${id}/events/stream`);
    const worklist = await SseClient.open(first.baseUrl, '/api/live?party=hr', HR);
    try {
      await caseStream.waitFor('the opening event', (event) => event.event === 'case');
      await worklist.waitFor('the ready event', (event) => event.event === 'ready');

      await expectOk(await sendEvent(second.baseUrl, id, EMPLOYER, { ...MAINTAIN_START_MONTH, expectedVersion: 1 }));
      const changed = await caseStream.waitFor('the change', (event) => event.event === 'case-changed');
      expect(changed.data).toMatchObject({ caseId: id, version: 2, eventType: 'MAINTAIN_START_MONTH' });
      await worklist.waitFor('the case arriving in hr', (event) => event.data.caseId === id && event.data.version === 2);
    } finally {
      await caseStream.close();
      await worklist.close();
    }
  });

  it('resyncs viewers after the listener reconnects', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const { id } = await openCase(second.baseUrl, DECEMBER_BACK_PAYMENT);
    const stream = await SseClient.open(first.baseUrl, `/api/cases/${id}/events/stream`);
    try {
      await stream.waitFor('the opening event', (event) => event.event === 'case');
      const terminated = await query(database, 'select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = ?', [
        `${LISTENER_APPLICATION_NAME}:${String(first.child.pid)}`,
      ]);
      expect(terminated).toEqual([{ done: true }]);

      await stream.waitFor('the resync event', (event) => event.event === 'resync');
      expect(stream.events.find((event) => event.event === 'resync')?.data).toEqual({ reason: 'listener-reconnected' });
      await expectOk(await sendEvent(second.baseUrl, id, EMPLOYER, { ...MAINTAIN_START_MONTH, expectedVersion: 1 }));
      await stream.waitFor('the change after the reconnect', (event) => event.event === 'case-changed' && event.data.version === 2);
    } finally {
      await stream.close();
    }
  });
});

describe.each(testDialects())('live streams at shutdown on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('stops gracefully with streams open', async () => {
    const server = await startServerProcess({ DATABASE_URL: database.url });
    const { id } = await openCase(server.baseUrl, DECEMBER_BACK_PAYMENT);
    const caseStream = await SseClient.open(server.baseUrl, `/api/cases/${id}/events/stream`);
    const worklist = await SseClient.open(server.baseUrl, '/api/live?party=employer', HR);
    await caseStream.waitFor('the opening event', (event) => event.event === 'case');
    await worklist.waitFor('the ready event', (event) => event.event === 'ready');

    const startedAt = Date.now();
    expect(await server.stop()).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    await caseStream.waitForEnd();
    await worklist.waitForEnd();
    // The exit can be reported before the last output lines have been read from the pipe.
    await waitUntil('the stop log lines', async () => parseLogLines(server.output).some((entry) => entry.msg === 'server stopped'));
    expect(parseLogLines(server.output).map((entry) => entry.msg)).toEqual(
      expect.arrayContaining(['server stopping', 'timer scheduler stopped', 'server stopped']),
    );
  }, 30_000);
});
