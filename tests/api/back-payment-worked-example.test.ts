import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, HR, request, sendEvent, TAX } from '../support/api-client.js';
import { createTestDatabase, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';

// The worked example of the individual back-payment: a person added in January 2024 (so hr and medical
// sent tax a start month of January) has December 2023 paid back. The server runs as `npm start` does,
// on a real database, and is restarted half-way.
describe.each(testDialects())('individual back-payment worked example over HTTP on %s', (dialect) => {
  let database: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    server = await startServerProcess({ DATABASE_URL: database.url, CLOCK_START: '2024-01-15T10:00:00+08:00' });
  });

  afterAll(async () => {
    await server?.stop();
    await database.drop();
  });

  it('runs from rejection to payment across a restart', async () => {
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    expect(created.status).toBe(201);
    expect(created.body.state).toEqual(['taxRoute.awaitingStartMonthMaintenance']);
    const caseId: string = created.body.id;

    const declare = created.body.allowedEvents.find((event: { type: string }) => event.type === 'DECLARE');
    expect(declare.available).toBe(false);
    expect(declare.blockedBy.code).toBe('START_MONTH_NOT_MAINTAINED');

    const early = await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'DECLARE', expectedVersion: 1, channel: 'fee-client' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('START_MONTH_NOT_MAINTAINED');
    expect(early.body.error.message.zh).toContain('单位申报个人补缴');
    expect(early.body.error.message.zh).toContain('MAINTAIN_START_MONTH');
    expect(early.body.error.message.en).toContain('MAINTAIN_START_MONTH');
    expect(early.body.error.allowedEvents.map((event: { type: string }) => event.type)).toContain('MAINTAIN_START_MONTH');

    const maintained = await sendEvent(server.baseUrl, caseId, EMPLOYER, {
      type: 'MAINTAIN_START_MONTH',
      data: { startMonth: '2023-12' },
      expectedVersion: 1,
      channel: 'hr-online',
    });
    expect(maintained.status).toBe(200);
    expect(maintained.body.state).toEqual(['taxRoute.awaitingHrPush']);

    const beforePush = await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'DECLARE', expectedVersion: 2, channel: 'fee-client' });
    expect(beforePush.status).toBe(422);
    expect(beforePush.body.error.code).toBe('START_MONTH_NOT_PUSHED');
    expect(beforePush.body.error.message.zh).toContain('HR_PUSH_START_MONTH');
    expect(beforePush.body.error.message.en).toContain('HR_PUSH_START_MONTH');

    const pushed = await sendEvent(server.baseUrl, caseId, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
    expect(pushed.status).toBe(200);
    expect(pushed.body.state).toEqual(['taxRoute.readyToDeclare']);

    // Restart: the case must read back unchanged from the database and continue.
    const beforeRestart = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`);
    expect(await server.stop()).toBe(0);
    server = await startServerProcess({ DATABASE_URL: database.url, CLOCK_START: '2024-01-16T10:00:00+08:00' });
    const afterRestart = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`);
    expect(afterRestart.status).toBe(200);
    expect(afterRestart.body).toEqual(beforeRestart.body);

    const declared = await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'DECLARE', expectedVersion: 3, channel: 'fee-client' });
    expect(declared.status).toBe(200);
    expect(declared.body.state).toEqual(['taxRoute.declared']);
    expect(declared.body.event.channel).toBe('fee-client');
    expect(declared.body.event.businessDate).toBe('2024-01-16');

    const assessed = await sendEvent(server.baseUrl, caseId, TAX, { type: 'ASSESS', data: { amountFen: 123_456 }, expectedVersion: 4 });
    expect(assessed.status).toBe(200);
    const paid = await sendEvent(server.baseUrl, caseId, EMPLOYER, {
      type: 'PAY',
      data: { amountFen: 123_456 },
      expectedVersion: 5,
      channel: 'fee-client',
    });
    expect(paid.status).toBe(200);
    expect(paid.body.state).toEqual(['paid']);
    expect(paid.body.status).toBe('done');
    expect(paid.body.allowedEvents).toEqual([]);

    const history = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/history`);
    expect(history.body.events.map((event: { type: string }) => event.type)).toEqual([
      'CASE_CREATED',
      'MAINTAIN_START_MONTH',
      'HR_PUSH_START_MONTH',
      'DECLARE',
      'ASSESS',
      'PAY',
    ]);
    expect(history.body.events.map((event: { actor: { party: string } }) => event.actor.party)).toEqual([
      'employer',
      'employer',
      'hr',
      'employer',
      'tax',
      'employer',
    ]);

    const diagram = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/diagram.mmd`);
    expect(diagram.status).toBe(200);
    expect(diagram.headers.get('content-type')).toContain('text/vnd.mermaid');
    const visitedLine = diagram.text.split('\n').find((line) => line.trim().endsWith(' visited')) ?? '';
    for (const id of ['s_routing', 's_taxRoute', 's_taxRoute__awaitingStartMonthMaintenance', 's_taxRoute__awaitingHrPush', 's_taxRoute__readyToDeclare', 's_taxRoute__declared', 's_taxRoute__assessed']) {
      expect(visitedLine.split(/[ ,]/)).toContain(id);
    }
    expect(visitedLine).not.toContain('s_legacyRoute');
    expect(diagram.text).toContain('  class s_paid current');

    const asOfPush = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/diagram.mmd?at=3`);
    expect(asOfPush.text).toContain('class s_taxRoute,s_taxRoute__readyToDeclare current');

    const verdict = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/verify`);
    expect(verdict.body).toMatchObject({ intact: true, eventCount: 6 });
  });
});
