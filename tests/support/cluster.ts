import { v7 as uuidv7 } from 'uuid';
import type { CaseEventsTable } from '../../db/schema.js';
import { verifyChain } from '../../db/hash-chain.js';
import type { Clock } from '../../server/clock.js';
import { createTimerScheduler } from '../../server/scheduler/create-timer-scheduler.js';
import type { TimerScheduler } from '../../server/scheduler/timer-scheduler.js';
import { ServerMetrics } from '../../server/observability/server-metrics.js';
import type { ApiResponse, TestActor } from './api-client.js';
import { AUDITOR, EMPLOYER, EMPLOYER_CODE, HR, MEDICAL, TRAINER, request, sendEvent, tokenFor } from './api-client.js';
import { query } from './databases.js';
import type { TestDatabase } from './databases.js';
import { startServerProcess } from './server-process.js';
import type { ServerProcess } from './server-process.js';
import type { TestServer } from './test-server.js';

// Monthly reports are the process with deadline timers: fee period 2025-09 is declared from 2025-10-10 to
// 2025-10-25, and the 25th is a Saturday, so the deadline moves to Monday 2025-10-27 and the report
// becomes overdue on 2025-10-28.
export const WEEKEND_FEE_PERIOD = '2025-09';
export const WEEKEND_WINDOW = {
  opensOn: '2025-10-10',
  closesOn: '2025-10-25',
  deadline: '2025-10-27',
  overdueOn: '2025-10-28',
} as const;

export const HR_PUSH = { headcount: { pension: 10, unemployment: 10, workInjury: 11 } };
export const MEDICAL_PUSH = { headcount: { medical: 12 } };
export const MATCHING_HEADCOUNT = { actualHeadcount: { pension: 10, unemployment: 10, workInjury: 11, medical: 12 } };

/** Builds the request that opens a monthly report, in a sandbox when `sandboxId` is given. */
export function monthlyReportRequest(feePeriod: string = WEEKEND_FEE_PERIOD, sandboxId?: string) {
  return {
    processId: 'monthly-report',
    input: { employerCode: EMPLOYER_CODE, feePeriod },
    ...(sandboxId !== undefined ? { sandboxId } : {}),
  };
}

/** Opens a case and fails the test with the response body when the server rejects it. */
export async function openCase(baseUrl: string, body: unknown, actor: TestActor = EMPLOYER): Promise<{ id: string; version: number }> {
  const response = await request(baseUrl, 'POST', '/api/cases', { actor, json: body });
  if (response.status !== 201) throw new Error(`opening a case failed with ${response.status}: ${response.text}`);
  return { id: response.body.id, version: response.body.version };
}

/**
 * Sends an event against the case's current version, reading the version again after each
 * VERSION_CONFLICT, as a client that shares a case with others would. Returns the last response.
 */
export async function sendToCurrentVersion(
  baseUrl: string,
  caseId: string,
  actor: TestActor,
  event: { type: string; data?: unknown; channel?: string },
  maxAttempts = 20,
): Promise<ApiResponse> {
  let response: ApiResponse | undefined;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = await request(baseUrl, 'GET', `/api/cases/${caseId}`);
    response = await sendEvent(baseUrl, caseId, actor, { ...event, expectedVersion: current.body.version });
    if (response.status !== 409 || response.body.error.code !== 'VERSION_CONFLICT') return response;
  }
  if (!response) throw new Error('maxAttempts must be at least 1');
  return response;
}

/**
 * Opens a monthly report and sends both month-end pushes, so that it waits for the window (with its
 * timer). In a sandbox the trainer does every step, as the access rules require.
 */
export async function openPushedMonthlyReport(baseUrl: string, feePeriod = WEEKEND_FEE_PERIOD, sandboxId?: string): Promise<string> {
  const inSandbox = sandboxId !== undefined;
  const { id } = await openCase(baseUrl, monthlyReportRequest(feePeriod, sandboxId), inSandbox ? TRAINER : EMPLOYER);
  await expectOk(await sendEvent(baseUrl, id, inSandbox ? TRAINER : HR, { type: 'HR_MONTH_END_PUSH', data: HR_PUSH, expectedVersion: 1 }));
  await expectOk(await sendEvent(baseUrl, id, inSandbox ? TRAINER : MEDICAL, { type: 'MEDICAL_MONTH_END_PUSH', data: MEDICAL_PUSH, expectedVersion: 2 }));
  return id;
}

export async function expectOk(response: ApiResponse): Promise<ApiResponse> {
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${response.text}`);
  return response;
}

/**
 * Creates a timer scheduler over a test server's store and clock, not started: tests call `runOnce()`
 * after moving the clock. `wallClock` drives claim leases; the system clock when absent.
 */
export function schedulerFor(server: TestServer, options: { wallClock?: Clock; leaseMs?: number; claimant?: string } = {}): TimerScheduler {
  return createTimerScheduler({
    store: server.store,
    clock: server.clock,
    logger: server.logger,
    newId: uuidv7,
    metrics: new ServerMetrics(),
    ...options,
  });
}

/** Sets a test server's manual clock to the start of a Beijing day plus `hours`. */
export function setBeijingDate(server: TestServer, date: string, hours = 9): void {
  server.clock.set(new Date(`${date}T${String(hours).padStart(2, '0')}:00:00+08:00`));
}

/** Creates a sandbox through the API as the trainer and returns its body. */
export async function createSandbox(baseUrl: string, simulatedDate: string, name = 'training'): Promise<{ id: string; simulatedDate: string }> {
  const response = await request(baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name, simulatedDate } });
  if (response.status !== 201) throw new Error(`creating a sandbox failed with ${response.status}: ${response.text}`);
  return response.body;
}

/** Moves a sandbox's simulated date as the trainer. */
export async function setSandboxDate(baseUrl: string, sandboxId: string, date: string): Promise<ApiResponse> {
  return request(baseUrl, 'PUT', `/api/sandboxes/${sandboxId}/date`, { actor: TRAINER, json: { date } });
}

/** Polls `probe` until it returns a value other than undefined or false, or fails after `timeoutMs`. */
export async function waitUntil<T>(description: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One server-sent event as received. */
export interface ReceivedEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: any;
}

/** A server-sent events client over fetch that keeps every event it receives. */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly #controller: AbortController;
  readonly #ended: Promise<void>;
  #waiters: (() => void)[] = [];
  #done = false;

  private constructor(controller: AbortController, body: ReadableStream<Uint8Array>) {
    this.#controller = controller;
    this.#ended = this.#read(body);
  }

  /** Connects as `actor` and returns once the response headers arrived; throws on a status other than 200. */
  static async open(baseUrl: string, path: string, actor: TestActor = AUDITOR): Promise<SseClient> {
    const url = `${baseUrl}${path}`;
    const controller = new AbortController();
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${await tokenFor(baseUrl, actor)}` };
    const response = await fetch(url, { signal: controller.signal, headers });
    if (response.status !== 200 || !response.body) {
      controller.abort();
      throw new Error(`stream ${url} answered ${response.status}: ${await response.text().catch(() => '')}`);
    }
    return new SseClient(controller, response.body);
  }

  /** Whether the server ended the stream (or the client closed it). */
  get ended(): boolean {
    return this.#done;
  }

  /** Waits for the first event, received before or after the call, that matches. */
  async waitFor(description: string, predicate: (event: ReceivedEvent) => boolean, timeoutMs = 10_000): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (this.#done) throw new Error(`stream ended before ${description}; received ${JSON.stringify(this.events)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${description}; received ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves when the stream has ended, or rejects after `timeoutMs`. */
  async waitForEnd(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#ended,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`stream did not end within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Disconnects, as a browser tab that closes. */
  async close(): Promise<void> {
    this.#controller.abort();
    await this.#ended;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          this.#parse(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // An aborted read ends the stream like a closed one.
    } finally {
      this.#done = true;
      this.#wake();
    }
  }

  #parse(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    this.events.push({ event, id, data: JSON.parse(data.join('\n')) });
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Starts `count` server processes on one database, each with a fast scheduler. */
export async function startProcesses(database: TestDatabase, count: number, env: Record<string, string> = {}): Promise<ServerProcess[]> {
  const processes: ServerProcess[] = [];
  for (let index = 0; index < count; index++) {
    processes.push(await startServerProcess({ DATABASE_URL: database.url, SCHEDULER_INTERVAL_MS: '100', ...env }));
  }
  return processes;
}

/**
 * Checks every stored case: its version equals its event count and its hash chain verifies up to its head
 * hash. Returns one line per problem, empty when every case is whole.
 */
export async function inspectStoredCases(database: TestDatabase): Promise<string[]> {
  const problems: string[] = [];
  const cases = await query(database, 'select id, version, head_hash from cases order by id');
  const events = (await query(database, 'select * from case_events order by case_id, seq')) as unknown as CaseEventsTable[];
  const byCase = new Map<string, CaseEventsTable[]>();
  for (const event of events) {
    const list = byCase.get(event.case_id) ?? [];
    list.push({ ...event, seq: Number(event.seq) });
    byCase.set(event.case_id, list);
  }
  for (const row of cases) {
    const caseId = String(row['id']);
    const caseEvents = byCase.get(caseId) ?? [];
    const version = Number(row['version']);
    if (caseEvents.length !== version) problems.push(`case ${caseId}: version ${version} but ${caseEvents.length} events`);
    const verdict = verifyChain(caseEvents, { head_hash: String(row['head_hash']), version });
    if (!verdict.intact) problems.push(`case ${caseId}: chain broken (${verdict.reason} at ${verdict.firstBrokenSeq})`);
    byCase.delete(caseId);
  }
  for (const caseId of byCase.keys()) problems.push(`events of case ${caseId}, which has no case row`);
  return problems;
}

/** Rows of `case_timers` with the columns the tests look at. */
export async function listTimerRows(database: TestDatabase, caseId?: string): Promise<Record<string, unknown>[]> {
  const columns = 'id, case_id, timer_key, event_type, due_on, status, outcome, fired_event_id, claimed_by';
  if (caseId === undefined) return query(database, `select ${columns} from case_timers order by case_id, created_at, id`);
  return query(database, `select ${columns} from case_timers where case_id = ? order by created_at, id`, [caseId]);
}

/** Parses the JSON log lines of a server process; other output (a stack trace on stderr, say) is skipped. */
export function parseLogLines(lines: readonly string[]): Record<string, any>[] {
  const entries: Record<string, any>[] = [];
  for (const line of lines) {
    try {
      entries.push(JSON.parse(line) as Record<string, any>);
    } catch {
      // Not a log line.
    }
  }
  return entries;
}
