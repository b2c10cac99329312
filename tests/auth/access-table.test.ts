import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLatestProcesses } from '../../machines/catalogue.js';
import type { EventDefinition } from '../../machines/engine/process-definition.js';
import { ACCESS_TABLE } from '../../server/auth/access-table.js';
import type { Role } from '../../server/auth/roles.js';
import {
  ADMIN,
  AUDITOR,
  DECEMBER_BACK_PAYMENT,
  EMPLOYER,
  HR,
  MEDICAL,
  request,
  sendEvent,
  TAX,
  tokenFor,
  TRAINER,
} from '../support/api-client.js';
import type { ApiResponse, TestActor } from '../support/api-client.js';
import { testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { readAllTables } from './database-state.js';
import { SAMPLE_INPUTS, SAMPLE_NOW } from './sample-inputs.js';

/** Every role, and every agency of caseworkers, as a test actor. */
const ACTORS: readonly { readonly name: string; readonly actor: TestActor; readonly role: Role; readonly agency?: 'hr' | 'medical' | 'tax' }[] = [
  { name: 'employer', actor: EMPLOYER, role: 'employer' },
  { name: 'hr caseworker', actor: HR, role: 'caseworker', agency: 'hr' },
  { name: 'medical caseworker', actor: MEDICAL, role: 'caseworker', agency: 'medical' },
  { name: 'tax caseworker', actor: TAX, role: 'caseworker', agency: 'tax' },
  { name: 'trainer', actor: TRAINER, role: 'trainer' },
  { name: 'auditor', actor: AUDITOR, role: 'auditor' },
  { name: 'admin', actor: ADMIN, role: 'admin' },
];

type ActorSpec = (typeof ACTORS)[number];
type CaseKind = 'real' | 'sandbox';

const LOGIN_PASSWORD = 'route-test-password';

const WINDOWS = { hr: 'hr-window', medical: 'medical-window', tax: 'tax-window' } as const;

/**
 * Returns the expected decision on an event, written from the rules as users learn them rather than from
 * the access table's code. Employer staff send the employer's events. A caseworker sends the agency's
 * events, and the employer's at the agency's window. A trainer sends anything, in sandbox cases only.
 */
function mayOpenEvent(spec: ActorSpec, event: EventDefinition, kind: CaseKind): boolean {
  if (kind === 'sandbox') return spec.role === 'trainer';
  if (spec.role === 'employer') return event.parties.includes('employer');
  if (spec.role === 'caseworker' && spec.agency) {
    if (event.parties.includes(spec.agency)) return true;
    return event.parties.includes('employer') && (event.channels === undefined || event.channels.includes(WINDOWS[spec.agency]));
  }
  return false;
}

/** Returns the code of a denied event: the role cannot use the route, the case is out of reach, or the event is not the role's. */
function expectedDenialCode(spec: ActorSpec, kind: CaseKind): string {
  if (spec.role === 'auditor' || spec.role === 'admin') return 'ROLE_NOT_ALLOWED';
  if (kind === 'sandbox' || spec.role === 'trainer') return 'CASE_OUT_OF_SCOPE';
  return 'PARTY_NOT_ALLOWED';
}

/** Returns the channel an actor names: the event's first one, except for a caseworker acting for the employer, who names none (the window is implied). */
function channelFor(spec: ActorSpec, event: EventDefinition): string | undefined {
  if (spec.role === 'caseworker' && spec.agency && !event.parties.includes(spec.agency)) return undefined;
  return event.channels?.[0];
}

function expectDenied(response: ApiResponse, code: string, label: string): void {
  expect(response.status, `${label}: ${response.text}`).toBe(403);
  expect(response.body.error.code, label).toBe(code);
  expect(response.body.error.message.zh.length, label).toBeGreaterThan(0);
  expect(response.body.error.message.en.length, label).toBeGreaterThan(0);
}

function expectAllowed(response: ApiResponse, label: string): void {
  expect([401, 403], `${label}: ${response.text}`).not.toContain(response.status);
  expect(response.status, `${label}: ${response.text}`).toBeLessThan(500);
}

describe.each(testDialects())('access table on %s', (dialect) => {
  let server: TestServer;
  let sandboxId: string;
  const cases: Record<CaseKind, Record<string, string>> = { real: {}, sandbox: {} };

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: SAMPLE_NOW });
    // Tokens first, so that no user or token row is written while a denied request is under test.
    for (const spec of ACTORS) await tokenFor(server.baseUrl, spec.actor);

    const sandbox = await request(server.baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name: '权限测试', simulatedDate: '2024-08-20' } });
    expect(sandbox.status, sandbox.text).toBe(201);
    sandboxId = sandbox.body.id;

    for (const definition of listLatestProcesses()) {
      const input = SAMPLE_INPUTS[definition.id];
      if (!input) continue;
      const real = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { processId: definition.id, input } });
      expect(real.status, `${definition.id}: ${real.text}`).toBe(201);
      cases.real[definition.id] = real.body.id;
      const training = await request(server.baseUrl, 'POST', '/api/cases', { actor: TRAINER, json: { processId: definition.id, input, sandboxId } });
      expect(training.status, `${definition.id}: ${training.text}`).toBe(201);
      cases.sandbox[definition.id] = training.body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  it('has a sample input for every process', () => {
    const missing = listLatestProcesses()
      .map((definition) => definition.id)
      .filter((id) => SAMPLE_INPUTS[id] === undefined);
    expect(missing, 'add these processes to tests/auth/sample-inputs.ts').toEqual([]);
  });

  it.each(listLatestProcesses().map((definition) => [definition.id, definition] as const))(
    'every event of %s as every role',
    async (processId, definition) => {
      for (const kind of ['real', 'sandbox'] as const) {
        const caseId = cases[kind][processId];
        expect(caseId, `no ${kind} case of ${processId}`).toBeDefined();
        for (const [type, event] of Object.entries(definition.events)) {
          const denied = ACTORS.filter((spec) => !mayOpenEvent(spec, event, kind));
          const allowed = ACTORS.filter((spec) => mayOpenEvent(spec, event, kind));

          const before = await readAllTables(server.connection);
          for (const spec of denied) {
            const label = `${spec.name} sends ${type} to a ${kind} ${processId} case`;
            const channel = channelFor(spec, event);
            const response = await sendEvent(server.baseUrl, caseId as string, spec.actor, {
              type,
              expectedVersion: 1,
              ...(channel !== undefined ? { channel } : {}),
            });
            expectDenied(response, expectedDenialCode(spec, kind), label);
            if (response.body.error.code === 'PARTY_NOT_ALLOWED') {
              expect(response.body.error.message.en, label).toContain(`(${type})`);
              expect(response.body.error.message.zh, label).toContain(type);
            }
          }
          expect(await readAllTables(server.connection), `a denied ${type} on a ${kind} ${processId} case changed the database`).toEqual(before);

          for (const spec of allowed) {
            const current = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`, { actor: AUDITOR });
            const channel = channelFor(spec, event);
            const response = await sendEvent(server.baseUrl, caseId as string, spec.actor, {
              type,
              expectedVersion: current.body.version,
              ...(channel !== undefined ? { channel } : {}),
            });
            expectAllowed(response, `${spec.name} sends ${type} to a ${kind} ${processId} case`);
          }
        }
      }
    },
    60_000,
  );

  it('every case still replays after the sweep', async () => {
    for (const kind of ['real', 'sandbox'] as const) {
      for (const [processId, caseId] of Object.entries(cases[kind])) {
        const report = await request(server.baseUrl, 'GET', `/api/audit/cases/${caseId}/replay`, { actor: AUDITOR });
        expect(report.body.consistent, `${kind} ${processId}: ${report.text}`).toBe(true);
        expect(report.body.eventCount, `${kind} ${processId}`).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('caseworker acting for the employer must use the window', async () => {
    const caseId = cases.real['individual-back-payment'] as string;
    const before = await readAllTables(server.connection);
    const online = await sendEvent(server.baseUrl, caseId, HR, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
    expectDenied(online, 'PARTY_NOT_ALLOWED', 'hr caseworker through hr-online');
    expect(online.body.error.message.zh).toContain('hr-window');
    expect(online.body.error.message.en).toContain('channel hr-window');
    expect(await readAllTables(server.connection)).toEqual(before);

    const version = (await request(server.baseUrl, 'GET', `/api/cases/${caseId}`)).body.version;
    const atWindow = await sendEvent(server.baseUrl, caseId, HR, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: version });
    expect(atWindow.status, atWindow.text).toBe(200);
    expect(atWindow.body.event.channel).toBe('hr-window');
    expect(atWindow.body.event.actor).toEqual({ id: HR.actor, role: 'caseworker', party: 'employer' });
  });

  describe('routes', () => {
    let sampleCheckpoint: unknown;
    let throwawayUserId: string;
    let throwawayTokenId: string;
    let checkpointId: string;
    let created = 0;

    beforeAll(async () => {
      const checkpoint = await request(server.baseUrl, 'POST', '/api/audit/checkpoints', { actor: AUDITOR });
      expect(checkpoint.status, checkpoint.text).toBe(201);
      sampleCheckpoint = checkpoint.body;
      checkpointId = checkpoint.body.id;
      const user = await server.users.createUser({ username: 'throwaway-user', role: 'auditor', password: LOGIN_PASSWORD }, 'test', SAMPLE_NOW);
      throwawayUserId = user.id;
      throwawayTokenId = (await server.users.createToken(user.id, { label: 'throwaway' }, 'test', SAMPLE_NOW)).view.id;
    });

    /** Builds a request each actor can make on a route: path parameters inside the actor's scope, and a body. */
    function sampleRequest(routeKey: string, spec: ActorSpec | null): { method: string; path: string; json?: unknown } {
      const [method, pattern] = routeKey.split(' ') as [string, string];
      const trainer = spec?.role === 'trainer';
      const caseKind: CaseKind = trainer ? 'sandbox' : 'real';
      const caseProcess = routeKey === 'POST /api/cases/:id/events' ? 'monthly-report' : 'individual-back-payment';
      let path = pattern
        .replace(':processId', 'individual-back-payment')
        .replace(':userId', throwawayUserId)
        .replace(':tokenId', throwawayTokenId)
        .replace(':checkpointId', checkpointId);
      path = path.replace(':id', pattern.startsWith('/api/sandboxes/') ? sandboxId : (cases[caseKind][caseProcess] as string));
      if (routeKey === 'GET /api/live' && trainer) path += `?sandbox=${sandboxId}`;

      const bodies: Record<string, unknown> = {
        'POST /auth/login': { username: 'throwaway-user', password: LOGIN_PASSWORD },
        'POST /api/cases': trainer ? { ...DECEMBER_BACK_PAYMENT, sandboxId } : DECEMBER_BACK_PAYMENT,
        'POST /api/cases/:id/events': monthlyReportEventFor(spec),
        'POST /api/sandboxes': { name: '路由测试', simulatedDate: '2024-08-20' },
        'PUT /api/sandboxes/:id/date': { advanceDays: 1 },
        'POST /api/audit/checkpoints/verify': sampleCheckpoint,
        'POST /api/admin/users': { username: `created-${++created}`, role: 'auditor' },
        'PATCH /api/admin/users/:userId': { displayName: '临时用户' },
        'POST /api/admin/users/:userId/tokens': { label: 'route test' },
      };
      return { method, path, ...(routeKey in bodies ? { json: bodies[routeKey] } : {}) };
    }

    function monthlyReportEventFor(spec: ActorSpec | null) {
      const byAgency = { hr: 'HR_MONTH_END_PUSH', medical: 'MEDICAL_MONTH_END_PUSH', tax: 'ASSESS' } as const;
      if (spec?.agency) return { type: byAgency[spec.agency], data: {}, expectedVersion: 999 };
      if (spec?.role === 'employer') return { type: 'DECLARE', data: {}, expectedVersion: 999, channel: 'e-tax' };
      return { type: 'HR_MONTH_END_PUSH', data: {}, expectedVersion: 999 };
    }

    /** Sends a sample request; a server-sent event stream is closed as soon as its status is known. */
    async function send(routeKey: string, spec: ActorSpec | null): Promise<ApiResponse> {
      const sample = sampleRequest(routeKey, spec);
      if (!routeKey.endsWith('/stream') && routeKey !== 'GET /api/live') {
        return request(server.baseUrl, sample.method, sample.path, { actor: spec?.actor ?? null, ...(sample.json !== undefined ? { json: sample.json } : {}) });
      }
      const controller = new AbortController();
      const headers: Record<string, string> = spec ? { authorization: `Bearer ${await tokenFor(server.baseUrl, spec.actor)}` } : {};
      const response = await fetch(`${server.baseUrl}${sample.path}`, { headers, signal: controller.signal });
      const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
      const text = isStream ? '' : await response.text();
      controller.abort();
      return { status: response.status, body: text ? JSON.parse(text) : {}, text, headers: response.headers };
    }

    it('table has a row for every route and no row without a route', () => {
      const registered = new Set(server.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`));
      expect([...registered].filter((key) => !(key in ACCESS_TABLE)), 'routes without a row in server/auth/access-table.ts').toEqual([]);
      expect(Object.keys(ACCESS_TABLE).filter((key) => !registered.has(key)), 'rows without a route').toEqual([]);
    });

    it.each(Object.keys(ACCESS_TABLE))('%s as every role', async (routeKey) => {
      const access = ACCESS_TABLE[routeKey];
      const granted = (spec: ActorSpec): boolean => {
        if (access?.public === true) return true;
        const grant = access?.grants[spec.role];
        return grant !== undefined && (grant.agencies === undefined || (spec.agency !== undefined && grant.agencies.includes(spec.agency)));
      };

      const before = await readAllTables(server.connection);
      for (const spec of ACTORS.filter((candidate) => !granted(candidate))) {
        const response = await send(routeKey, spec);
        expectDenied(response, 'ROLE_NOT_ALLOWED', `${spec.name} on ${routeKey}`);
        expect(response.body.error.message.en).toContain(routeKey);
        expect(response.body.error.message.zh).toContain(routeKey);
      }
      if (!access?.public) {
        const anonymous = await send(routeKey, null);
        expect(anonymous.status, `anonymous on ${routeKey}: ${anonymous.text}`).toBe(401);
        expect(anonymous.body.error.code).toBe('AUTHENTICATION_REQUIRED');
      }
      expect(await readAllTables(server.connection), `a denied request on ${routeKey} changed the database`).toEqual(before);

      for (const spec of ACTORS.filter(granted)) {
        const response = await send(routeKey, spec);
        // Readiness returns 503 here because test servers run no timer scheduler. That is its result, not a denial.
        if (routeKey === 'GET /readyz') expect(response.body.checks.database.ok).toBe(true);
        else expectAllowed(response, `${spec.name} on ${routeKey}`);
      }
    });
  });
});
