import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYER, HR, MEDICAL, TAX, TRAINER, request } from '../support/api-client.js';
import type { ApiResponse } from '../support/api-client.js';
import { createTestDatabase, query, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import type { ServerProcess } from '../support/server-process.js';
import {
  HR_PUSH,
  MATCHING_HEADCOUNT,
  MEDICAL_PUSH,
  WEEKEND_WINDOW,
  createSandbox,
  expectOk,
  inspectStoredCases,
  openPushedMonthlyReport,
  setSandboxDate,
  monthlyReportRequest,
  openCase,
  sendToCurrentVersion,
  startProcesses,
  waitUntil,
} from '../support/cluster.js';

/** Cases the clients work on; each is advanced through both processes at once. */
const CASE_COUNT = 8;

/** An event a server acknowledged with 200, as the client received it. */
interface Acknowledged {
  readonly caseId: string;
  readonly eventId: string;
  readonly type: string;
}

// Two server processes share one database. Their clocks start seconds before the end of 2025-10-27, the
// deadline of fee period 2025-09 (the 25th was a Saturday). So the reports' DEADLINE_PASSED timers fall due
// within seconds, on a fast machine while clients still declare, assess and pay through both processes.
// The checks hold whichever comes first.
describe.each(testDialects())('two server processes on one %s database', (dialect) => {
  let database: TestDatabase;
  let servers: ServerProcess[];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    servers = await startProcesses(database, 2, { CLOCK_START: '2025-10-27T23:59:52+08:00' });
  }, 60_000);

  afterAll(async () => {
    for (const server of servers ?? []) await server.stop();
    await database?.drop();
  }, 30_000);

  it('stores every acknowledged event once and fires every timer once', async () => {
    const acknowledged: Acknowledged[] = [];
    const record = (response: ApiResponse): ApiResponse => {
      if (response.status === 200 && !response.body.replayed) {
        acknowledged.push({ caseId: response.body.id, eventId: response.body.event.id, type: response.body.event.type });
      }
      return response;
    };
    const [first, second] = servers.map((server) => server.baseUrl) as [string, string];

    const caseIds = await Promise.all(
      Array.from({ length: CASE_COUNT }, async (_, index) => {
        const { id } = await openCase(index % 2 === 0 ? first : second, monthlyReportRequest());
        // hr pushes through one process while medical pushes through the other, on the same version.
        await Promise.all([
          sendToCurrentVersion(first, id, HR, { type: 'HR_MONTH_END_PUSH', data: HR_PUSH }).then(record),
          sendToCurrentVersion(second, id, MEDICAL, { type: 'MEDICAL_MONTH_END_PUSH', data: MEDICAL_PUSH }).then(record),
        ]);
        return id;
      }),
    );

    // Clients race each other and the timers: both processes get every step, and losers retry or are rejected.
    await Promise.all(
      caseIds.map(async (id, index) => {
        const [mine, other] = index % 2 === 0 ? [first, second] : [second, first];
        await Promise.all([
          sendToCurrentVersion(mine, id, EMPLOYER, { type: 'DECLARE', data: MATCHING_HEADCOUNT, channel: 'e-tax' }).then(record),
          sendToCurrentVersion(other, id, EMPLOYER, { type: 'DECLARE', data: MATCHING_HEADCOUNT, channel: 'fee-client' }).then(record),
        ]);
        if (index % 3 === 0) return;
        await sendToCurrentVersion(other, id, TAX, { type: 'ASSESS', data: { amountFen: 50_000 } }).then(record);
        if (index % 3 === 1) await sendToCurrentVersion(mine, id, EMPLOYER, { type: 'PAY', data: { amountFen: 50_000 }, channel: 'e-tax' }).then(record);
      }),
    );

    // Every report ends paid, or overdue once its DEADLINE_PASSED timer fired in one of the processes.
    const finished = await waitUntil(
      'every report to be paid or overdue',
      async () => {
        const views = await Promise.all(caseIds.map(async (id) => (await request(first, 'GET', `/api/cases/${id}`)).body));
        return views.every((view) => view.status === 'done') ? views : undefined;
      },
      30_000,
      200,
    );

    for (const view of finished) {
      const history = (await request(second, 'GET', `/api/cases/${view.id}/history`)).body.events as any[];
      const deadlineEvents = history.filter((event) => event.type === 'DEADLINE_PASSED');
      const arrearsLinks = view.links.filter((link: any) => link.relation === 'arrears-of');
      if (view.state[0] === 'overdue') {
        expect(deadlineEvents, `case ${view.id}`).toHaveLength(1);
        expect(deadlineEvents[0].actor.id).toBe('system:timer');
        expect(arrearsLinks, `case ${view.id}`).toHaveLength(1);
      } else {
        expect(view.state).toEqual(['paid']);
        expect(deadlineEvents).toHaveLength(0);
        expect(arrearsLinks).toHaveLength(0);
      }
      expect(history.filter((event) => event.type === 'DECLARE').length).toBeLessThanOrEqual(1);
      const verdict = await request(first, 'GET', `/api/cases/${view.id}/verify`);
      expect(verdict.body.intact, `case ${view.id}`).toBe(true);
    }

    // Every acknowledged event is stored exactly once, in its own case.
    for (const ack of acknowledged) {
      const rows = await query(database, 'select case_id, type from case_events where id = ?', [ack.eventId]);
      expect(rows, `event ${ack.eventId}`).toEqual([{ case_id: ack.caseId, type: ack.type }]);
    }
    expect(acknowledged.filter((ack) => ack.type === 'HR_MONTH_END_PUSH')).toHaveLength(CASE_COUNT);

    // Every fired timer has exactly one event, recorded under its key, and no due timer is left pending.
    const fired = await query(database, `select id, case_id, fired_event_id from case_timers where status = 'fired'`);
    expect(fired.length).toBe(finished.filter((view) => view.state[0] === 'overdue').length);
    for (const timer of fired) {
      const events = await query(database, 'select id from case_events where idempotency_key = ?', [`timer:${String(timer['id'])}`]);
      expect(events).toEqual([{ id: timer['fired_event_id'] }]);
    }
    const pending = await query(database, `select id from case_timers where status = 'pending'`);
    expect(pending).toEqual([]);
    expect(await inspectStoredCases(database)).toEqual([]);
  }, 90_000);

  it('moves a sandbox across a Saturday deadline with both schedulers running', async () => {
    const [first, second] = servers.map((server) => server.baseUrl) as [string, string];
    const sandbox = await createSandbox(first, '2025-09-30');
    const caseIds = await Promise.all(
      Array.from({ length: 6 }, (_, index) => openPushedMonthlyReport(index % 2 === 0 ? first : second, '2025-09', sandbox.id)),
    );
    const readAll = async (): Promise<any[]> =>
      Promise.all(caseIds.map(async (id) => (await request(second, 'GET', `/api/cases/${id}`, { actor: TRAINER })).body));
    const typesOf = async (id: string): Promise<string[]> =>
      ((await request(first, 'GET', `/api/cases/${id}/history`, { actor: TRAINER })).body.events as any[]).map((event) => event.type);

    await expectOk(await setSandboxDate(first, sandbox.id, WEEKEND_WINDOW.opensOn));
    await waitUntil('every window to open', async () => (await readAll()).every((view) => view.state[0] === 'windowOpen'));

    // The 25th is a Saturday and the deadline Monday the 27th: up to that day nothing becomes overdue.
    for (const day of [WEEKEND_WINDOW.closesOn, '2025-10-26', WEEKEND_WINDOW.deadline]) {
      await expectOk(await setSandboxDate(second, sandbox.id, day));
      // Several ticks of both schedulers (every 100 ms).
      await new Promise((resolve) => setTimeout(resolve, 600));
      for (const id of caseIds) expect(await typesOf(id), `${id} on ${day}`).not.toContain('DEADLINE_PASSED');
    }

    await expectOk(await setSandboxDate(first, sandbox.id, WEEKEND_WINDOW.overdueOn));
    const overdue = await waitUntil('every report to be overdue', async () => {
      const views = await readAll();
      return views.every((view) => view.state[0] === 'overdue') ? views : undefined;
    });
    for (const view of overdue) {
      expect((await typesOf(view.id)).filter((type) => type === 'DEADLINE_PASSED'), view.id).toHaveLength(1);
      expect(view.links.filter((link: any) => link.relation === 'arrears-of'), view.id).toHaveLength(1);
    }
    const arrears = await request(first, 'GET', `/api/sandboxes/${sandbox.id}/cases?limit=200`, { actor: TRAINER });
    expect(arrears.body.items.filter((item: any) => item.processId === 'arrears')).toHaveLength(caseIds.length);
    expect(await inspectStoredCases(database)).toEqual([]);
  }, 60_000);
});
