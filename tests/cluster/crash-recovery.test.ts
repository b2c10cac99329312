import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYER, HR, MEDICAL, request, sendEvent } from '../support/api-client.js';
import { createTestDatabase, query, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { HR_PUSH, MEDICAL_PUSH, inspectStoredCases, monthlyReportRequest } from '../support/cluster.js';

/** Clients sending at once, and the maximum cases each opens, so the load ends by itself even if the kill misses. */
const CLIENTS = 4;
const MAX_CASES_PER_CLIENT = 40;

/** Acknowledged events before the kill; the kill waits for this many, or for `KILL_AFTER_MS`. */
const ACKNOWLEDGED_BEFORE_KILL = 30;
const KILL_AFTER_MS = 8_000;

interface Acknowledged {
  readonly caseId: string;
  readonly eventId: string;
  readonly seq: number;
}

// A server is killed with SIGKILL while clients open monthly reports and push to them. The reports are
// opened on 2025-09-30, so after both pushes each waits for the window with a pending WINDOW_OPENED timer.
// The PostgreSQL cluster of the tests runs with fsync on, as any crash test must.
describe.each(testDialects())('a server killed under load on %s', (dialect) => {
  let database: TestDatabase;
  let restarted: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });

  afterAll(async () => {
    await restarted?.stop();
    await database.drop();
  }, 30_000);

  it('keeps every acknowledged event and no half-written case', async () => {
    const env = { DATABASE_URL: database.url, CLOCK_START: '2025-09-30T10:00:00+08:00' };
    const server = await startServerProcess(env);
    const acknowledged: Acknowledged[] = [];
    let stopped = false;

    const client = async (): Promise<void> => {
      for (let index = 0; index < MAX_CASES_PER_CLIENT && !stopped; index++) {
        try {
          const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: monthlyReportRequest() });
          if (created.status !== 201) throw new Error(`open failed with ${created.status}: ${created.text}`);
          acknowledged.push({ caseId: created.body.id, eventId: '', seq: 1 });
          for (const [actor, type, data] of [
            [HR, 'HR_MONTH_END_PUSH', HR_PUSH],
            [MEDICAL, 'MEDICAL_MONTH_END_PUSH', MEDICAL_PUSH],
          ] as const) {
            const version: number = acknowledged.filter((ack) => ack.caseId === created.body.id).length;
            const response = await sendEvent(server.baseUrl, created.body.id, actor, { type, data, expectedVersion: version });
            if (response.status !== 200) throw new Error(`${type} failed with ${response.status}: ${response.text}`);
            acknowledged.push({ caseId: created.body.id, eventId: response.body.event.id, seq: response.body.event.seq });
          }
        } catch (error) {
          // Requests in flight at the kill fail to connect; before it, any failure is a bug.
          if (!stopped) throw error;
        }
      }
    };

    const clients = Array.from({ length: CLIENTS }, () => client());
    const killAt = Date.now() + KILL_AFTER_MS;
    while (acknowledged.length < ACKNOWLEDGED_BEFORE_KILL && Date.now() < killAt) await new Promise((resolve) => setTimeout(resolve, 10));
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    stopped = true;
    server.child.kill('SIGKILL');
    await exited;
    await Promise.all(clients);
    // Releases what the test client holds for the dead process (its database connection for sign-ins).
    await server.stop();
    expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);

    restarted = await startServerProcess(env);

    // Every acknowledged event is stored, once, at the sequence number the client was given.
    const creations = new Set(acknowledged.filter((ack) => ack.seq === 1).map((ack) => ack.caseId));
    for (const caseId of creations) {
      const rows = await query(database, 'select id from cases where id = ?', [caseId]);
      expect(rows, `case ${caseId}`).toHaveLength(1);
    }
    for (const ack of acknowledged.filter((entry) => entry.seq > 1)) {
      const rows = await query(database, 'select case_id, seq from case_events where id = ?', [ack.eventId]);
      expect(rows.map((row) => ({ caseId: row['case_id'], seq: Number(row['seq']) })), `event ${ack.eventId}`).toEqual([
        { caseId: ack.caseId, seq: ack.seq },
      ]);
    }

    // No case is half-written: each version equals its event count and head hash, and its chain verifies.
    expect(await inspectStoredCases(database)).toEqual([]);

    // No event lost its timers: a report waiting for the window has exactly its WINDOW_OPENED timer.
    const cases = await query(database, 'select id, state from cases');
    for (const row of cases) {
      const timers = await query(database, `select event_type from case_timers where case_id = ? and status = 'pending'`, [row['id']]);
      const expected = row['state'] === 'awaitingWindow' ? [{ event_type: 'WINDOW_OPENED' }] : [];
      expect(timers, `case ${String(row['id'])} in ${String(row['state'])}`).toEqual(expected);
    }

    // The restarted server serves the acknowledged cases and their intact chains.
    const sample = [...creations].slice(0, 5);
    for (const caseId of sample) {
      const verdict = await request(restarted.baseUrl, 'GET', `/api/cases/${caseId}/verify`);
      expect(verdict.body.intact).toBe(true);
    }
  }, 90_000);
});
