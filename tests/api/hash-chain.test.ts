import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, HR, request, sendEvent } from '../support/api-client.js';
import { runSql, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

describe.each(testDialects())('hash chain verification on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  /** Opens a case with three events: creation, start-month maintenance and hr's push. */
  async function caseWithThreeEvents(): Promise<string> {
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    const id: string = created.body.id;
    await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
    await sendEvent(server.baseUrl, id, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
    return id;
  }

  it('reports an untouched chain as intact', async () => {
    const id = await caseWithThreeEvents();
    const verdict = await request(server.baseUrl, 'GET', `/api/cases/${id}/verify`);
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ caseId: id, intact: true, eventCount: 3 });
  });

  it('names an event whose data was edited in the database', async () => {
    const id = await caseWithThreeEvents();
    await runSql(server.database, `update case_events set data = ? where case_id = ? and seq = 2`, JSON.stringify({ startMonth: '2023-01' }), id);
    const verdict = await request(server.baseUrl, 'GET', `/api/cases/${id}/verify`);
    expect(verdict.body).toMatchObject({ intact: false, firstBrokenSeq: 2, reason: 'hash-mismatch' });
    const history = await request(server.baseUrl, 'GET', `/api/cases/${id}/history`);
    expect(verdict.body.firstBrokenEventId).toBe(history.body.events[1].id);
  });

  it('names an event with a forged actor and hash', async () => {
    const id = await caseWithThreeEvents();
    await runSql(server.database, `update case_events set actor_id = 'someone-else', hash = ? where case_id = ? and seq = 2`, 'f'.repeat(64), id);
    const verdict = await request(server.baseUrl, 'GET', `/api/cases/${id}/verify`);
    expect(verdict.body).toMatchObject({ intact: false, firstBrokenSeq: 2, reason: 'hash-mismatch' });
  });

  it('names the gap when a middle event is deleted', async () => {
    const id = await caseWithThreeEvents();
    await runSql(server.database, `delete from case_events where case_id = ? and seq = 2`, id);
    const verdict = await request(server.baseUrl, 'GET', `/api/cases/${id}/verify`);
    expect(verdict.body).toMatchObject({ intact: false, firstBrokenSeq: 3, reason: 'sequence-gap' });
  });

  it('reports a deleted newest event against the case row', async () => {
    const id = await caseWithThreeEvents();
    await runSql(server.database, `delete from case_events where case_id = ? and seq = 3`, id);
    const verdict = await request(server.baseUrl, 'GET', `/api/cases/${id}/verify`);
    expect(verdict.body).toMatchObject({ intact: false, firstBrokenSeq: 3, reason: 'head-mismatch' });
  });
});
