import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, PERSON, request, sendEvent } from '../support/api-client.js';
import { createTestDatabase, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { startTestServer } from '../support/test-server.js';
import { openPushedMonthlyReport, parseLogLines, waitUntil } from '../support/cluster.js';

/** Reads the value of one series in a Prometheus text exposition; undefined when the series is absent. */
function seriesValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(testDialects())('health, readiness and metrics of a server process on %s', (dialect) => {
  let database: TestDatabase;
  let server: ServerProcess;

  let waitingCaseId: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    // A report pushed on 2025-09-30 waits for its window, due at 2025-10-10 00:00 Beijing time. The
    // process that serves the tests starts at 09:00 that day, so it fires the timer nine hours late.
    const before = await startServerProcess({ DATABASE_URL: database.url, CLOCK_START: '2025-09-30T10:00:00+08:00' });
    waitingCaseId = await openPushedMonthlyReport(before.baseUrl);
    await before.stop();
    server = await startServerProcess({ DATABASE_URL: database.url, CLOCK_START: '2025-10-10T09:00:00+08:00', SCHEDULER_INTERVAL_MS: '100' });
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    await database.drop();
  }, 30_000);

  it('answers /healthz', async () => {
    const response = await request(server.baseUrl, 'GET', '/healthz', { actor: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is ready with database, migrations and scheduler checked', async () => {
    const response = await request(server.baseUrl, 'GET', '/readyz', { actor: null });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.checks.database).toEqual({ ok: true });
    expect(response.body.checks.migrations).toEqual({ ok: true });
    expect(response.body.checks.scheduler).toEqual({ ok: true });
    if (dialect === 'postgres') expect(response.body.checks.liveListener).toEqual({ ok: true });
  });

  it('observes the lag of a fired timer', async () => {
    const text = await waitUntil('the timer to fire', async () => {
      const exposition = (await request(server.baseUrl, 'GET', '/metrics', { actor: null })).text;
      return seriesValue(exposition, 'case_timer_lag_seconds_count') === 1 ? exposition : undefined;
    });
    expect(seriesValue(text, 'case_timers_finished_total{outcome="fired"}')).toBe(1);
    expect(seriesValue(text, 'case_events_applied_total{process="monthly-report",event_type="WINDOW_OPENED"}')).toBe(1);
    // Nine hours: above the six-hour bound, within the one-day bound.
    expect(seriesValue(text, 'case_timer_lag_seconds_bucket{le="21600"}')).toBe(0);
    expect(seriesValue(text, 'case_timer_lag_seconds_bucket{le="86400"}')).toBe(1);
    expect(seriesValue(text, 'case_timer_lag_seconds_sum')).toBeGreaterThanOrEqual(9 * 3600);

    // The log line may reach this process after the metrics response did.
    const fired = await waitUntil('the timer fired log line', async () => parseLogLines(server.output).find((entry) => entry.msg === 'timer fired'));
    expect(fired).toMatchObject({ caseId: waitingCaseId, eventType: 'WINDOW_OPENED', dueOn: '2025-10-10' });
  });

  it('counts events, rejections and request latency', async () => {
    const caseId = await openPushedMonthlyReport(server.baseUrl);
    const rejected = await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'DECLARE', data: {}, expectedVersion: 1, channel: 'e-tax' });
    expect(rejected.status).toBe(409);
    expect(rejected.body.error.code).toBe('VERSION_CONFLICT');

    const metrics = await request(server.baseUrl, 'GET', '/metrics', { actor: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = metrics.text;
    expect(seriesValue(text, 'case_events_applied_total{process="monthly-report",event_type="CASE_CREATED"}')).toBe(1);
    expect(seriesValue(text, 'case_events_applied_total{process="monthly-report",event_type="HR_MONTH_END_PUSH"}')).toBe(1);
    expect(seriesValue(text, 'case_rejections_total{code="VERSION_CONFLICT",source="api"}')).toBe(1);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/cases\/:id\/events",status="200"\} 2/);
    expect(text).toContain('live_streams_open 0');
  });

  it('logs its start with the scheduler and no personal data', async () => {
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    expect(created.status).toBe(201);
    await sendEvent(server.baseUrl, created.body.id, EMPLOYER, { type: 'DECLARE', data: {}, expectedVersion: 1, channel: 'e-tax' });

    // Log lines travel through a pipe and may arrive after the HTTP responses.
    await waitUntil('the log lines of the case', async () => server.output.some((line) => line.includes(created.body.id)));
    const logs = parseLogLines(server.output);
    expect(logs.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['migrations applied', 'server listening', 'timer scheduler started']));
    const output = server.output.join('\n');
    expect(output).not.toContain(PERSON.name);
    expect(output).not.toContain(PERSON.idNumber);
  });
});

describe('readiness without a scheduler', () => {
  it('reports the missing scheduler as not ready', async () => {
    const server = await startTestServer();
    try {
      const response = await request(server.baseUrl, 'GET', '/readyz', { actor: null });
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        status: 'not-ready',
        checks: { database: { ok: true }, migrations: { ok: true }, scheduler: { ok: false, detail: 'not running' } },
      });
    } finally {
      await server.close();
      await server.database.drop();
    }
  });
});
