import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYER, TAX, request, sendEvent } from '../support/api-client.js';
import { query, runSql, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { TimerStore } from '../../db/timer-store.js';
import { ManualClock } from '../../server/clock.js';
import {
  MATCHING_HEADCOUNT,
  WEEKEND_WINDOW,
  expectOk,
  listTimerRows,
  openPushedMonthlyReport,
  schedulerFor,
  setBeijingDate,
} from '../support/cluster.js';

describe.each(testDialects())('timer scheduler on %s', (dialect) => {
  let server: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    second = await startTestServer({ database: server.database });
  });

  afterAll(async () => {
    await second.close();
    await server.close();
    await server.database.drop();
  });

  /** Opens a monthly report of fee period 2025-09 and pushes it on 2025-09-30, so it waits for its window. */
  async function reportWaitingForWindow(): Promise<string> {
    setBeijingDate(server, '2025-09-30');
    setBeijingDate(second, '2025-09-30');
    return openPushedMonthlyReport(server.baseUrl);
  }

  async function history(caseId: string): Promise<any[]> {
    return (await request(server.baseUrl, 'GET', `/api/cases/${caseId}/history`)).body.events;
  }

  it('fires WINDOW_OPENED on the opening day as the system', async () => {
    const caseId = await reportWaitingForWindow();
    const scheduler = schedulerFor(server);
    const [pending] = await listTimerRows(server.database, caseId);
    expect(pending).toMatchObject({ timer_key: 'window-opens', event_type: 'WINDOW_OPENED', due_on: WEEKEND_WINDOW.opensOn, status: 'pending' });

    setBeijingDate(server, '2025-10-09', 23);
    expect((await scheduler.runOnce()).fired).toBe(0);

    setBeijingDate(server, WEEKEND_WINDOW.opensOn, 0);
    expect((await scheduler.runOnce()).fired).toBe(1);

    const events = await history(caseId);
    expect(events).toHaveLength(4);
    const fired = events[3];
    expect(fired.type).toBe('WINDOW_OPENED');
    expect(fired.actor).toEqual({ id: 'system:timer', role: 'system', party: 'system' });
    expect(fired.channel).toBe('system');
    expect(fired.businessDate).toBe(WEEKEND_WINDOW.opensOn);
    expect(fired.idempotencyKey).toBe(`timer:${String(pending?.['id'])}`);
    expect(fired.stateAfter).toEqual(['windowOpen']);

    const timers = await listTimerRows(server.database, caseId);
    expect(timers[0]).toMatchObject({ status: 'fired', fired_event_id: fired.id });
    // The next timer of the open window: the day after the moved deadline.
    expect(timers[1]).toMatchObject({ timer_key: 'deadline-passes', event_type: 'DEADLINE_PASSED', due_on: WEEKEND_WINDOW.overdueOn, status: 'pending' });
  });

  it('fires nothing before the day after a deadline moved past a weekend', async () => {
    const caseId = await reportWaitingForWindow();
    const scheduler = schedulerFor(server);
    setBeijingDate(server, WEEKEND_WINDOW.opensOn);
    await scheduler.runOnce();

    for (const day of [WEEKEND_WINDOW.closesOn, '2025-10-26', WEEKEND_WINDOW.deadline]) {
      setBeijingDate(server, day, 23);
      await scheduler.runOnce();
      const types = (await history(caseId)).map((event) => event.type);
      expect(types, `on ${day}`).not.toContain('DEADLINE_PASSED');
    }
  });

  it('opens one arrears case when two schedulers race on the overdue day', async () => {
    const caseIds: string[] = [];
    for (let index = 0; index < 6; index++) caseIds.push(await reportWaitingForWindow());
    const first = schedulerFor(server, { claimant: 'first' });
    const other = schedulerFor(second, { claimant: 'second' });
    setBeijingDate(server, WEEKEND_WINDOW.opensOn);
    setBeijingDate(second, WEEKEND_WINDOW.opensOn);
    await Promise.all([first.runOnce(), other.runOnce()]);

    setBeijingDate(server, WEEKEND_WINDOW.overdueOn, 0);
    setBeijingDate(second, WEEKEND_WINDOW.overdueOn, 0);
    for (let round = 0; round < 3; round++) await Promise.all([first.runOnce(), other.runOnce()]);

    for (const caseId of caseIds) {
      const events = await history(caseId);
      expect(events.filter((event) => event.type === 'WINDOW_OPENED')).toHaveLength(1);
      const deadlineEvents = events.filter((event) => event.type === 'DEADLINE_PASSED');
      expect(deadlineEvents).toHaveLength(1);
      expect(deadlineEvents[0].businessDate).toBe(WEEKEND_WINDOW.overdueOn);

      const view = (await request(server.baseUrl, 'GET', `/api/cases/${caseId}`)).body;
      expect(view.state).toEqual(['overdue']);
      const arrearsLinks = view.links.filter((link: any) => link.relation === 'arrears-of');
      expect(arrearsLinks).toHaveLength(1);
      const arrears = (await request(server.baseUrl, 'GET', `/api/cases/${arrearsLinks[0].caseId}`)).body;
      expect(arrears.processId).toBe('arrears');
      expect(arrears.context.months.map((month: any) => month.feePeriod)).toEqual(['2025-09']);
    }
    const links = await query(server.database, `select count(*) as count from case_links where relation = 'arrears-of'`);
    expect(Number(links[0]?.['count'])).toBeGreaterThanOrEqual(caseIds.length);
    const firedRows = await query(server.database, `select claimed_by from case_timers where status = 'fired' and event_type = 'DEADLINE_PASSED'`);
    expect(firedRows.length).toBeGreaterThanOrEqual(caseIds.length);
  });

  it('cancels the deadline timer of a report paid in time', async () => {
    const caseId = await reportWaitingForWindow();
    const scheduler = schedulerFor(server);
    setBeijingDate(server, '2025-10-15');
    await scheduler.runOnce();
    await expectOk(await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'DECLARE', data: MATCHING_HEADCOUNT, expectedVersion: 4, channel: 'e-tax' }));
    const deadlineTimer = (await listTimerRows(server.database, caseId)).find((row) => row['timer_key'] === 'deadline-passes');
    await expectOk(await sendEvent(server.baseUrl, caseId, TAX, { type: 'ASSESS', data: { amountFen: 123_400 }, expectedVersion: 5 }));
    // An event that keeps the deadline as it was keeps the same timer row.
    const afterAssess = (await listTimerRows(server.database, caseId)).filter((row) => row['status'] === 'pending');
    expect(afterAssess.map((row) => row['id'])).toEqual([deadlineTimer?.['id']]);

    await expectOk(await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'PAY', data: { amountFen: 123_400 }, expectedVersion: 6, channel: 'e-tax' }));
    const timers = await listTimerRows(server.database, caseId);
    expect(timers.find((row) => row['id'] === deadlineTimer?.['id'])).toMatchObject({ status: 'cancelled', outcome: 'SUPERSEDED' });
    expect(timers.filter((row) => row['status'] === 'pending')).toEqual([]);

    setBeijingDate(server, WEEKEND_WINDOW.overdueOn);
    expect((await scheduler.runOnce()).fired).toBe(0);
    expect((await history(caseId)).map((event) => event.type)).not.toContain('DEADLINE_PASSED');
  });

  it('marks a timer obsolete when the case rejects its event', async () => {
    const caseId = await reportWaitingForWindow();
    const scheduler = schedulerFor(server);
    setBeijingDate(server, WEEKEND_WINDOW.opensOn);
    await scheduler.runOnce();
    // A stray timer whose event the case no longer accepts: the window is already open.
    await runSql(
      server.database,
      `insert into case_timers (id, case_id, sandbox_id, timer_key, event_type, data, due_on, due_at, status, attempts, created_at)
       values (?, ?, null, 'stray', 'WINDOW_OPENED', '{}', '2025-10-10', '2025-10-09T16:00:00.000Z', 'pending', 0, '2025-10-10T01:00:00.000Z')`,
      `stray-${caseId}`,
      caseId,
    );

    const summary = await scheduler.runOnce();
    expect(summary).toMatchObject({ fired: 0, obsolete: 1 });
    const stray = (await listTimerRows(server.database, caseId)).find((row) => row['id'] === `stray-${caseId}`);
    expect(stray).toMatchObject({ status: 'obsolete', outcome: 'EVENT_NOT_ACCEPTED' });
    expect(await history(caseId)).toHaveLength(4);
    const logged = server.logLines.map((line) => JSON.parse(line)).find((entry) => entry.timerId === `stray-${caseId}`);
    expect(logged).toMatchObject({ msg: 'timer event rejected; timer marked obsolete', code: 'EVENT_NOT_ACCEPTED', caseId });
  });

  it('takes over a claim whose scheduler died only after its lease', async () => {
    const caseId = await reportWaitingForWindow();
    const wallClock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    const dead = schedulerFor(server, { wallClock, leaseMs: 60_000, claimant: 'dead' });
    const survivor = schedulerFor(second, { wallClock, leaseMs: 60_000, claimant: 'survivor' });
    setBeijingDate(server, WEEKEND_WINDOW.opensOn);
    setBeijingDate(second, WEEKEND_WINDOW.opensOn);

    // The first scheduler claims the timer and dies before sending its event.
    const claimed = await new TimerStore(server.store.db).claimDue({
      claimant: 'dead',
      businessNow: server.clock.now().toISOString(),
      wallNow: wallClock.now().toISOString(),
      leaseUntil: new Date(wallClock.now().getTime() + 60_000).toISOString(),
      limit: 100,
    });
    expect(claimed.map((row) => row.case_id)).toContain(caseId);

    wallClock.set(new Date('2030-01-01T00:00:59Z'));
    expect((await survivor.runOnce()).fired).toBe(0);

    wallClock.set(new Date('2030-01-01T00:01:01Z'));
    expect((await survivor.runOnce()).fired).toBeGreaterThanOrEqual(1);
    expect((await history(caseId)).filter((event) => event.type === 'WINDOW_OPENED')).toHaveLength(1);
    expect((await dead.runOnce()).fired).toBe(0);
  });

  it('adds no second event for a timer left pending after its event was stored', async () => {
    const caseId = await reportWaitingForWindow();
    const scheduler = schedulerFor(server);
    setBeijingDate(server, WEEKEND_WINDOW.opensOn);
    await scheduler.runOnce();
    const [fired] = await listTimerRows(server.database, caseId);
    // As if the firing had been interrupted after its event was stored but before the timer was closed.
    await runSql(server.database, `update case_timers set status = 'pending', fired_event_id = null where id = ?`, fired?.['id']);

    const summary = await scheduler.runOnce();
    expect(summary.skipped).toBe(1);
    expect((await history(caseId)).filter((event) => event.type === 'WINDOW_OPENED')).toHaveLength(1);
    const [closed] = await listTimerRows(server.database, caseId);
    expect(closed).toMatchObject({ status: 'fired', fired_event_id: fired?.['fired_event_id'] });
  });

  it('fires a timer written before a restart', async () => {
    const caseId = await reportWaitingForWindow();
    const restarted = await startTestServer({ database: server.database });
    try {
      setBeijingDate(restarted, WEEKEND_WINDOW.opensOn);
      expect((await schedulerFor(restarted).runOnce()).fired).toBeGreaterThanOrEqual(1);
      const events = (await request(restarted.baseUrl, 'GET', `/api/cases/${caseId}/history`)).body.events;
      expect(events.map((event: any) => event.type)).toContain('WINDOW_OPENED');
    } finally {
      await restarted.close();
    }
  });
});
