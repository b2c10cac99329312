import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR, EMPLOYER, EMPLOYER_CODE, HR, PERSON, request, TRAINER } from '../support/api-client.js';
import { query, runSql, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { SAMPLE_INPUTS, SAMPLE_NOW } from '../auth/sample-inputs.js';
import { paidBackPayment, pushedBackPayment, rewriteEventData } from './case-fixtures.js';

describe.each(testDialects())('replay verification on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  const replay = (caseId: string) => request(server.baseUrl, 'GET', `/api/audit/cases/${caseId}/replay`, { actor: AUDITOR });

  it('untouched case replays consistently', async () => {
    const caseId = await paidBackPayment(server.baseUrl);
    const report = await replay(caseId);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({ caseId, consistent: true, processId: 'individual-back-payment', processVersion: 1, eventCount: 6 });
  });

  it('a new case of every process replays consistently', async () => {
    const sampleServer = await startTestServer({ database: server.database, now: SAMPLE_NOW });
    try {
      for (const [processId, input] of Object.entries(SAMPLE_INPUTS)) {
        const created = await request(sampleServer.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { processId, input } });
        expect(created.status, created.text).toBe(201);
        const report = await request(sampleServer.baseUrl, 'GET', `/api/audit/cases/${created.body.id}/replay`, { actor: AUDITOR });
        expect(report.body.consistent, `${processId}: ${report.text}`).toBe(true);
      }
    } finally {
      await sampleServer.close();
    }
  });

  it('sandbox case replays with its simulated dates', async () => {
    const sandbox = await request(server.baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name: '重放', simulatedDate: '2025-10-09' } });
    const created = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: TRAINER,
      json: { processId: 'monthly-report', input: { employerCode: EMPLOYER_CODE, feePeriod: '2025-09' }, sandboxId: sandbox.body.id },
    });
    expect(created.status, created.text).toBe(201);
    const pushed = await request(server.baseUrl, 'POST', `/api/cases/${created.body.id}/events`, {
      actor: TRAINER,
      json: { type: 'HR_MONTH_END_PUSH', data: { headcount: { pension: 1, unemployment: 1, workInjury: 1 } }, expectedVersion: 1 },
    });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body.event.businessDate).toBe('2025-10-09');
    expect((await replay(created.body.id)).body.consistent).toBe(true);
  });

  it('flags a snapshot edited in the database', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    const [row] = await query(server.database, 'select snapshot from cases where id = ?', [caseId]);
    const snapshot = JSON.parse(row?.['snapshot'] as string) as { context: { pushedStartMonth: string } };
    snapshot.context.pushedStartMonth = '2023-01';
    await runSql(server.database, 'update cases set snapshot = ? where id = ?', JSON.stringify(snapshot), caseId);

    // The snapshot is not part of the hash chain, so only the replay detects the edit.
    expect((await request(server.baseUrl, 'GET', `/api/cases/${caseId}/verify`)).body.intact).toBe(true);
    const report = await replay(caseId);
    expect(report.body.consistent).toBe(false);
    expect(report.body.firstDifference).toMatchObject({ seq: 3, eventType: 'HR_PUSH_START_MONTH', reason: 'snapshot-differs' });
    expect(report.body.firstDifference.recorded).toContain('"pushedStartMonth":"2023-01"');
    expect(report.body.firstDifference.replayed).toContain('"pushedStartMonth":"2023-12"');
    expect(report.text).not.toContain(PERSON.name);
    expect(report.text).not.toContain(PERSON.idNumber);
  });

  it('flags a recorded state that the machine does not reach', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    await runSql(server.database, "update case_events set state_after = 'taxRoute.readyToDeclare' where case_id = ? and seq = 2", caseId);
    const report = await replay(caseId);
    expect(report.body.firstDifference).toMatchObject({
      seq: 2,
      eventType: 'MAINTAIN_START_MONTH',
      reason: 'state-after-differs',
      recorded: 'taxRoute.readyToDeclare',
      replayed: 'taxRoute.awaitingHrPush',
    });
  });

  it('flags history rewritten with recomputed hashes', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    await rewriteEventData(server.database, caseId, 2, { startMonth: '2023-10' });
    expect((await request(server.baseUrl, 'GET', `/api/cases/${caseId}/verify`)).body.intact).toBe(true);

    const report = await replay(caseId);
    expect(report.body.consistent).toBe(false);
    expect(report.body.firstDifference).toMatchObject({ seq: 3, eventType: 'HR_PUSH_START_MONTH', reason: 'event-rejected' });
    expect(report.body.firstDifference.replayed).toContain('PUSHED_START_MONTH_MISMATCH');
  });

  it('unknown case is 404', async () => {
    const response = await replay('no-such-case');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('CASE_NOT_FOUND');
  });

  it('only auditors replay', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    for (const actor of [EMPLOYER, HR]) {
      const response = await request(server.baseUrl, 'GET', `/api/audit/cases/${caseId}/replay`, { actor });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('ROLE_NOT_ALLOWED');
    }
  });
});
