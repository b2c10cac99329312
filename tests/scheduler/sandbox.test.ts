import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINER, request, sendEvent } from '../support/api-client.js';
import { testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import {
  MATCHING_HEADCOUNT,
  WEEKEND_WINDOW,
  createSandbox,
  expectOk,
  listTimerRows,
  monthlyReportRequest,
  openCase,
  openPushedMonthlyReport,
  schedulerFor,
  setBeijingDate,
  setSandboxDate,
} from '../support/cluster.js';

describe.each(testDialects())('training sandboxes on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    // The real clock stays in January 2024 throughout: only the sandbox's date moves.
    setBeijingDate(server, '2024-01-15');
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  async function history(caseId: string): Promise<any[]> {
    return (await request(server.baseUrl, 'GET', `/api/cases/${caseId}/history`, { actor: TRAINER })).body.events;
  }

  it('creates, reads and rejects unknown sandboxes', async () => {
    const sandbox = await createSandbox(server.baseUrl, '2025-09-30', '十月申报期培训');
    expect(sandbox).toMatchObject({ name: '十月申报期培训', simulatedDate: '2025-09-30' });
    const read = await request(server.baseUrl, 'GET', `/api/sandboxes/${sandbox.id}`, { actor: TRAINER });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(sandbox);

    const missing = await request(server.baseUrl, 'GET', '/api/sandboxes/no-such-sandbox', { actor: TRAINER });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('SANDBOX_NOT_FOUND');
    expect(missing.body.error.message.en).toBe('Sandbox "no-such-sandbox" was not found; check the sandbox id.');
  });

  it('rejects an invalid simulated date', async () => {
    const response = await request(server.baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name: 'x', simulatedDate: '2025-02-30' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_REQUEST');
  });

  it('dates sandbox events with the simulated date', async () => {
    const sandbox = await createSandbox(server.baseUrl, '2025-09-30');
    const caseId = await openPushedMonthlyReport(server.baseUrl, '2025-09', sandbox.id);

    const view = (await request(server.baseUrl, 'GET', `/api/cases/${caseId}`, { actor: TRAINER })).body;
    expect(view.sandboxId).toBe(sandbox.id);
    expect(view.context.startedOn).toBe('2025-09-30');
    expect((await history(caseId)).map((event) => event.businessDate)).toEqual(['2025-09-30', '2025-09-30', '2025-09-30']);

    const listed = await request(server.baseUrl, 'GET', `/api/sandboxes/${sandbox.id}/cases`, { actor: TRAINER });
    expect(listed.body.items.map((item: any) => item.id)).toEqual([caseId]);
  });

  it('keeps sandbox cases out of the real case list', async () => {
    const sandbox = await createSandbox(server.baseUrl, '2025-09-30');
    const { id } = await openCase(server.baseUrl, monthlyReportRequest('2025-09', sandbox.id), TRAINER);
    const real = await request(server.baseUrl, 'GET', '/api/cases?limit=200');
    expect(real.body.items.map((item: any) => item.id)).not.toContain(id);
  });

  it('fires timers when the simulated date reaches them', async () => {
    const sandbox = await createSandbox(server.baseUrl, '2025-09-30');
    const caseId = await openPushedMonthlyReport(server.baseUrl, '2025-09', sandbox.id);
    const scheduler = schedulerFor(server);

    await expectOk(await setSandboxDate(server.baseUrl, sandbox.id, '2025-10-09'));
    await scheduler.runOnce();
    expect((await history(caseId)).map((event) => event.type)).not.toContain('WINDOW_OPENED');

    await expectOk(await setSandboxDate(server.baseUrl, sandbox.id, WEEKEND_WINDOW.opensOn));
    await scheduler.runOnce();
    const opened = (await history(caseId)).find((event) => event.type === 'WINDOW_OPENED');
    expect(opened).toMatchObject({ businessDate: WEEKEND_WINDOW.opensOn, actor: { id: 'system:timer', role: 'system', party: 'system' } });

    // Across the Saturday 25th: nothing until the day after the Monday deadline, then one overdue step.
    for (const day of [WEEKEND_WINDOW.closesOn, '2025-10-26', WEEKEND_WINDOW.deadline]) {
      await expectOk(await setSandboxDate(server.baseUrl, sandbox.id, day));
      await scheduler.runOnce();
      expect((await history(caseId)).map((event) => event.type), day).not.toContain('DEADLINE_PASSED');
    }
    await expectOk(await setSandboxDate(server.baseUrl, sandbox.id, WEEKEND_WINDOW.overdueOn));
    await scheduler.runOnce();
    await scheduler.runOnce();
    const overdue = (await history(caseId)).filter((event) => event.type === 'DEADLINE_PASSED');
    expect(overdue).toHaveLength(1);
    expect(overdue[0].businessDate).toBe(WEEKEND_WINDOW.overdueOn);

    // The arrears case the overdue report opened stays in the sandbox.
    const view = (await request(server.baseUrl, 'GET', `/api/cases/${caseId}`, { actor: TRAINER })).body;
    const arrearsId = view.links.find((link: any) => link.relation === 'arrears-of')?.caseId;
    const arrears = (await request(server.baseUrl, 'GET', `/api/cases/${arrearsId}`, { actor: TRAINER })).body;
    expect(arrears).toMatchObject({ processId: 'arrears', sandboxId: sandbox.id });
    expect(arrears.context.startedOn).toBe(WEEKEND_WINDOW.overdueOn);
  });

  it('leaves real cases alone when a sandbox date moves', async () => {
    setBeijingDate(server, '2025-09-30');
    const realCaseId = await openPushedMonthlyReport(server.baseUrl, '2025-09');
    setBeijingDate(server, '2024-01-15');
    const sandbox = await createSandbox(server.baseUrl, '2025-09-30');
    await expectOk(await setSandboxDate(server.baseUrl, sandbox.id, '2025-12-31'));

    await schedulerFor(server).runOnce();
    const [timer] = await listTimerRows(server.database, realCaseId);
    expect(timer).toMatchObject({ event_type: 'WINDOW_OPENED', status: 'pending' });
  });

  it('moves forward by days and never backwards', async () => {
    const sandbox = await createSandbox(server.baseUrl, '2025-10-10');
    const advanced = await request(server.baseUrl, 'PUT', `/api/sandboxes/${sandbox.id}/date`, { actor: TRAINER, json: { advanceDays: 18 } });
    expect(advanced.status).toBe(200);
    expect(advanced.body.simulatedDate).toBe('2025-10-28');

    const backwards = await setSandboxDate(server.baseUrl, sandbox.id, '2025-10-27');
    expect(backwards.status).toBe(409);
    expect(backwards.body.error.code).toBe('SANDBOX_DATE_BACKWARDS');
    expect(backwards.body.error.message.en).toBe(
      "A sandbox's simulated date only moves forward: it is 2025-10-28 and cannot become 2025-10-27. Create a new sandbox to start from an earlier date.",
    );
  });

  it('rejects a case in an unknown sandbox', async () => {
    const response = await request(server.baseUrl, 'POST', '/api/cases', { actor: TRAINER, json: monthlyReportRequest('2025-09', 'no-such-sandbox') });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('SANDBOX_NOT_FOUND');
  });

  it('documents sandbox and live routes in OpenAPI', async () => {
    const document = (await request(server.baseUrl, 'GET', '/api/openapi.json')).body;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/sandboxes',
        '/api/sandboxes/{id}',
        '/api/sandboxes/{id}/date',
        '/api/sandboxes/{id}/cases',
        '/api/live',
        '/api/cases/{id}/events/stream',
      ]),
    );
    expect(document.components.schemas.CreateCaseRequest.properties.sandboxId).toBeDefined();
  });

  it('checks sandbox events against the simulated date', async () => {
    const sandbox = await createSandbox(server.baseUrl, '2025-09-30');
    const caseId = await openPushedMonthlyReport(server.baseUrl, '2025-09', sandbox.id);
    const early = await sendEvent(server.baseUrl, caseId, TRAINER, { type: 'DECLARE', data: MATCHING_HEADCOUNT, expectedVersion: 3, channel: 'e-tax' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('DECLARATION_WINDOW_NOT_OPEN');
    expect(early.body.error.details.businessDate).toBe('2025-09-30');
  });
});
