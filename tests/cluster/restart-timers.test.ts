import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/api-client.js';
import { createTestDatabase, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { WEEKEND_WINDOW, listTimerRows, openPushedMonthlyReport, parseLogLines, waitUntil } from '../support/cluster.js';

describe.each(testDialects())('timers across a restart on %s', (dialect) => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });

  afterAll(async () => {
    await server?.stop();
    await database.drop();
  }, 30_000);

  it('fires a timer written by a stopped process after the next start', async () => {
    server = await startServerProcess({ DATABASE_URL: database.url, CLOCK_START: '2025-09-30T10:00:00+08:00', SCHEDULER_INTERVAL_MS: '100' });
    const caseId = await openPushedMonthlyReport(server.baseUrl);
    expect(await server.stop()).toBe(0);
    server = undefined;

    const [pending] = await listTimerRows(database, caseId);
    expect(pending).toMatchObject({ event_type: 'WINDOW_OPENED', due_on: WEEKEND_WINDOW.opensOn, status: 'pending' });

    server = await startServerProcess({ DATABASE_URL: database.url, CLOCK_START: '2025-10-10T09:00:00+08:00', SCHEDULER_INTERVAL_MS: '100' });
    const baseUrl = server.baseUrl;
    const opened = await waitUntil('the WINDOW_OPENED timer to fire', async () => {
      const events = (await request(baseUrl, 'GET', `/api/cases/${caseId}/history`)).body.events as any[];
      return events.find((event) => event.type === 'WINDOW_OPENED');
    });
    expect(opened.actor).toEqual({ id: 'system:timer', role: 'system', party: 'system' });
    expect(opened.businessDate).toBe(WEEKEND_WINDOW.opensOn);
    expect((await listTimerRows(database, caseId))[0]).toMatchObject({ id: pending?.['id'], status: 'fired', fired_event_id: opened.id });

    const output = server.output;
    // Log lines travel through a pipe and may arrive after the HTTP response that showed the event.
    const fired = await waitUntil('the timer fired log line', async () => parseLogLines(output).find((entry) => entry.msg === 'timer fired'));
    expect(parseLogLines(output).find((entry) => entry.msg === 'timer scheduler started')).toBeDefined();
    expect(fired).toMatchObject({ caseId, eventType: 'WINDOW_OPENED', dueOn: WEEKEND_WINDOW.opensOn });
  }, 60_000);
});
