import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, request, sendEvent } from '../support/api-client.js';
import { createTestDatabase, query, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { SseClient, expectOk, openCase, parseLogLines, waitUntil } from '../support/cluster.js';

// PostgreSQL closes a server's connections on a restart or failover, or when an operator terminates them.
// The server must survive that and reconnect: its pool, its LISTEN connection and its scheduler.
describe.skipIf(!testDialects().includes('postgres'))('a server whose database connections are closed', () => {
  let database: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = await startServerProcess({ DATABASE_URL: database.url, SCHEDULER_INTERVAL_MS: '100' });
  }, 30_000);

  afterAll(async () => {
    await server.stop();
    await database.drop();
  }, 30_000);

  it('keeps serving and reconnects', async () => {
    const { id } = await openCase(server.baseUrl, DECEMBER_BACK_PAYMENT);
    const stream = await SseClient.open(server.baseUrl, `/api/cases/${id}/events/stream`);
    try {
      await stream.waitFor('the opening event', (event) => event.event === 'case');
      // Readers keep connections busy while they are closed, so that some close idle and some mid-query.
      let reading = true;
      const readers = Array.from({ length: 4 }, async () => {
        for (let count = 0; reading && count < 200; count++) await request(server.baseUrl, 'GET', `/api/cases/${id}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const terminated = await query(
        database,
        'select pg_terminate_backend(pid) as done from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      reading = false;
      await Promise.all(readers);
      expect(terminated.length).toBeGreaterThanOrEqual(2);

      await stream.waitFor('the resync event', (event) => event.event === 'resync');
      await expectOk(await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' }));
      await stream.waitFor('the change after the reconnect', (event) => event.event === 'case-changed' && event.data.version === 2);

      const ready = await waitUntil('the server to be ready again', async () => {
        const response = await request(server.baseUrl, 'GET', '/readyz', { actor: null });
        return response.status === 200 ? response.body : undefined;
      });
      expect(ready.checks.liveListener).toEqual({ ok: true });
      expect(server.child.exitCode).toBeNull();

      for (const message of ['database connection lost; the pool opens a new one when needed', 'live listener connection lost; reconnecting']) {
        await waitUntil(`the log line "${message}"`, async () => parseLogLines(server.output).some((entry) => entry.msg === message));
      }
    } finally {
      await stream.close();
    }
  }, 30_000);
});
