import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, request, sendEvent } from '../support/api-client.js';
import { testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

// Two servers, each with its own connection to one database, stand in for two writers racing on a case.
describe.each(testDialects())('concurrent events on one case on %s', (dialect) => {
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    first = await startTestServer({ dialect });
    second = await startTestServer({ database: first.database });
  });

  afterAll(async () => {
    await second.close();
    await first.close();
    await first.database.drop();
  });

  it('accepts exactly one of two events with the same expectedVersion', async () => {
    for (let round = 0; round < 10; round++) {
      const created = await request(first.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
      const caseId: string = created.body.id;
      const event = { type: 'MAINTAIN_START_MONTH', expectedVersion: 1, channel: 'hr-online' };

      const responses = await Promise.all([
        sendEvent(first.baseUrl, caseId, EMPLOYER, { ...event, data: { startMonth: '2023-12' } }),
        sendEvent(second.baseUrl, caseId, EMPLOYER, { ...event, data: { startMonth: '2023-11' } }),
      ]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 409]);
      const loser = responses.find((response) => response.status === 409);
      expect(loser?.body.error.code).toBe('VERSION_CONFLICT');
      expect(loser?.body.error.message.zh).toContain('请刷新案件后重新提交');
      expect(loser?.body.error.message.en).toContain('Reload the case');

      const history = await request(first.baseUrl, 'GET', `/api/cases/${caseId}/history`);
      expect(history.body.events).toHaveLength(2);
      const winner = responses.find((response) => response.status === 200);
      expect(history.body.events[1].data).toEqual(winner?.body.event.data);
      const verdict = await request(second.baseUrl, 'GET', `/api/cases/${caseId}/verify`);
      expect(verdict.body.intact).toBe(true);
    }
  });

  it('same idempotency key racing twice stores one event', async () => {
    const created = await request(first.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    const caseId: string = created.body.id;
    const event = { type: 'MAINTAIN_START_MONTH', expectedVersion: 1, channel: 'hr-online', data: { startMonth: '2023-12' } };
    const responses = await Promise.all([
      sendEvent(first.baseUrl, caseId, EMPLOYER, event, { 'idempotency-key': 'race-1' }),
      sendEvent(second.baseUrl, caseId, EMPLOYER, event, { 'idempotency-key': 'race-1' }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(responses[0]?.body.event.id).toBe(responses[1]?.body.event.id);
    const history = await request(first.baseUrl, 'GET', `/api/cases/${caseId}/history`);
    expect(history.body.events).toHaveLength(2);
  });
});
