import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TABLE } from '../../server/auth/access-table.js';
import { ADMIN, AUDITOR, DECEMBER_BACK_PAYMENT, EMPLOYER, HR, request, tokenFor, TRAINER } from '../support/api-client.js';
import type { ApiResponse, TestActor } from '../support/api-client.js';
import { query, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { readAllTables } from './database-state.js';

/** Strings that look like SQL, script or template injection, control characters and unusual Unicode. */
const NASTY_STRINGS = [
  "'; drop table cases; --",
  '" or ""="',
  '1 OR 1=1',
  "Robert'); DELETE FROM case_events WHERE ('1'='1",
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '${7*7}{{7*7}}#{7*7}',
  '../../etc/passwd',
  '\u0000\u0001\u001f',
  '\u202eevil\u202c',
  'a\u200db\ufeffc',
  '𠮷'.repeat(50),
  '𠮷'.repeat(51),
  '张'.repeat(10_000),
  'é'.normalize('NFD'),
  '👩‍👩‍👧‍👦',
  '',
  ' ',
];

/** Values of the wrong type for any field. */
const WRONG_VALUES: unknown[] = [null, 0, -1, 1.5, 2 ** 53 + 1, true, [], {}, [1, 'a'], 'text', { nested: { deeper: [null] } }];

/** Bodies that are not valid JSON, or not a JSON object. */
const RAW_BODIES = ['{', '{"processId": ', '[1, 2', '{"a": 1,}', "{'a': 1}", 'null', '"text"', '123', 'true', '[]', '\u0000', '{"a": "\\ud800"}', 'NaN'];

/** Names a case must store and return exactly as sent: rare characters, the longest allowed, injection-looking text. */
const ROUND_TRIP_NAMES = ['𠮷野家', '𠮷'.repeat(50), '阿卜杜热合曼·买买提依明', "O'Brien; drop table cases; --", '<script>alert("张")</script>', '龘靐齉齾爩鱻麤龗灪龖'];

interface WriteRoute {
  readonly actor: TestActor | null;
  /** The path with its parameters filled in. */
  path(): string;
  /** A valid body, the base of every mutation; undefined for routes without a body. */
  body(): unknown;
}

/** Builds the mutations of a valid body: each field with wrong types and nasty strings, unknown fields, and nested fields. */
function mutate(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const record = body as Record<string, unknown>;
  const mutations: unknown[] = [{ ...record, unknownField: 1 }, { ...record, __proto__: { admin: true } }, JSON.parse('{"__proto__": {"polluted": 1}}')];
  for (const [key, value] of Object.entries(record)) {
    for (const wrong of WRONG_VALUES) mutations.push({ ...record, [key]: wrong });
    for (const nasty of NASTY_STRINGS) mutations.push({ ...record, [key]: nasty });
    const { [key]: _removed, ...without } = record;
    mutations.push(without);
    for (const nested of mutate(value).slice(0, 40)) mutations.push({ ...record, [key]: nested });
  }
  return mutations;
}

describe.each(testDialects())('fuzzing every write route on %s', (dialect) => {
  let server: TestServer;
  let realCaseId: string;
  let sandboxId: string;
  let userId: string;
  let tokenId: string;
  let checkpoint: unknown;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    for (const actor of [EMPLOYER, HR, TRAINER, AUDITOR, ADMIN]) await tokenFor(server.baseUrl, actor);
    realCaseId = (await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT })).body.id;
    sandboxId = (await request(server.baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name: '模糊测试', simulatedDate: '2024-01-15' } })).body.id;
    const user = await request(server.baseUrl, 'POST', '/api/admin/users', { actor: ADMIN, json: { username: 'fuzz-target', role: 'auditor' } });
    userId = user.body.id;
    tokenId = (await request(server.baseUrl, 'POST', `/api/admin/users/${userId}/tokens`, { actor: ADMIN, json: {} })).body.id;
    checkpoint = (await request(server.baseUrl, 'POST', '/api/audit/checkpoints', { actor: AUDITOR })).body;
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  const ROUTES: Record<string, WriteRoute> = {
    'POST /auth/login': { actor: null, path: () => '/auth/login', body: () => ({ username: 'fuzz-target', password: 'not-the-password' }) },
    'POST /auth/logout': { actor: AUDITOR, path: () => '/auth/logout', body: () => undefined },
    'POST /api/cases': { actor: EMPLOYER, path: () => '/api/cases', body: () => DECEMBER_BACK_PAYMENT },
    'POST /api/cases/:id/events': {
      actor: EMPLOYER,
      path: () => `/api/cases/${realCaseId}/events`,
      body: () => ({ type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' }),
    },
    'POST /api/sandboxes': { actor: TRAINER, path: () => '/api/sandboxes', body: () => ({ name: '培训', simulatedDate: '2024-01-15' }) },
    'PUT /api/sandboxes/:id/date': { actor: TRAINER, path: () => `/api/sandboxes/${sandboxId}/date`, body: () => ({ advanceDays: 1 }) },
    'POST /api/audit/checkpoints': { actor: AUDITOR, path: () => '/api/audit/checkpoints', body: () => undefined },
    'POST /api/audit/checkpoints/verify': { actor: AUDITOR, path: () => '/api/audit/checkpoints/verify', body: () => checkpoint },
    'POST /api/admin/users': { actor: ADMIN, path: () => '/api/admin/users', body: () => ({ username: 'fuzz-new', role: 'caseworker', agency: 'tax', displayName: '张三' }) },
    'PATCH /api/admin/users/:userId': { actor: ADMIN, path: () => `/api/admin/users/${userId}`, body: () => ({ displayName: '李四' }) },
    'POST /api/admin/users/:userId/tokens': { actor: ADMIN, path: () => `/api/admin/users/${userId}/tokens`, body: () => ({ label: 'x', expiresInDays: 1 }) },
    'POST /api/admin/tokens/:tokenId/revoke': { actor: ADMIN, path: () => `/api/admin/tokens/${tokenId}/revoke`, body: () => undefined },
    'POST /api/imports': { actor: HR, path: () => '/api/imports', body: () => ({ file: 'push.csv' }) },
    'POST /api/imports/:sha256/confirm': { actor: HR, path: () => `/api/imports/${'0'.repeat(64)}/confirm`, body: () => undefined },
  };

  it('covers every write route of the access table', () => {
    const writeRoutes = Object.keys(ACCESS_TABLE).filter((key) => !key.startsWith('GET '));
    expect(writeRoutes.filter((key) => !(key in ROUTES)), 'add these routes to the fuzz test').toEqual([]);
  });

  /**
   * Sends one payload and checks the outcome: never a 5xx, and a rejection writes nothing. A failed
   * sign-in is the one rejection that writes, to `login_failures`, which the check leaves out.
   */
  async function sendAndCheck(routeKey: string, method: string, path: string, actor: TestActor | null, send: { rawBody?: string | Uint8Array; json?: unknown; contentType?: string }): Promise<ApiResponse> {
    const before = await readAllTables(server.connection);
    const response = await request(server.baseUrl, method, path, {
      actor,
      ...(send.json !== undefined ? { json: send.json } : {}),
      ...(send.rawBody !== undefined ? { rawBody: send.rawBody } : {}),
      headers: { 'content-type': send.contentType ?? 'application/json' },
    });
    const label = `${routeKey} with ${JSON.stringify(send.json ?? send.rawBody)?.slice(0, 120)}`;
    expect(response.status, `${label}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
    if (response.status >= 400) {
      expect(response.body?.error?.code, label).toEqual(expect.any(String));
      expect(response.body.error.message.zh.length, label).toBeGreaterThan(0);
      expect(response.body.error.message.en.length, label).toBeGreaterThan(0);
      const after = await readAllTables(server.connection);
      if (routeKey === 'POST /auth/login') {
        delete before['login_failures'];
        delete after['login_failures'];
      }
      expect(after, `${label} was rejected but changed the database`).toEqual(before);
    }
    return response;
  }

  it.each(Object.keys(ROUTES))('%s survives malformed and hostile input', async (routeKey) => {
    const route = ROUTES[routeKey] as WriteRoute;
    const method = routeKey.split(' ')[0] as string;
    const path = route.path();

    for (const rawBody of RAW_BODIES) await sendAndCheck(routeKey, method, path, route.actor, { rawBody });
    await sendAndCheck(routeKey, method, path, route.actor, { rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    await sendAndCheck(routeKey, method, path, route.actor, { rawBody: JSON.stringify(route.body() ?? {}), contentType: 'text/plain' });
    await sendAndCheck(routeKey, method, path, route.actor, { rawBody: JSON.stringify(route.body() ?? {}), contentType: 'application/x-www-form-urlencoded' });

    const oversize = await sendAndCheck(routeKey, method, path, route.actor, { json: { padding: 'x'.repeat(routeKey.endsWith('/verify') ? 33 * 1024 * 1024 : 65 * 1024) } });
    expect(oversize.status).toBe(413);

    for (const json of mutate(route.body())) await sendAndCheck(routeKey, method, path, route.actor, { json });
  }, 120_000);

  it.each(['/api/cases/%27%20or%20%271%27%3D%271/events', '/api/cases/..%2F..%2Fetc/events', `/api/cases/${'9'.repeat(3000)}/events`, '/api/cases/%00/events'])(
    'hostile case id %s is rejected',
    async (path) => {
      const response = await sendAndCheck('POST /api/cases/:id/events', 'POST', path, EMPLOYER, {
        json: { type: 'DECLARE', data: {}, expectedVersion: 1, channel: 'e-tax' },
      });
      expect([400, 404]).toContain(response.status);
    },
  );

  it.each(ROUND_TRIP_NAMES)('name %s round-trips exactly', async (name) => {
    const person = { ...DECEMBER_BACK_PAYMENT.input.person, name };
    const created = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: EMPLOYER,
      json: { ...DECEMBER_BACK_PAYMENT, input: { ...DECEMBER_BACK_PAYMENT.input, person } },
    });
    expect(created.status, created.text).toBe(201);

    const page = await request(server.baseUrl, 'GET', `/api/cases/${created.body.id}`, { actor: EMPLOYER });
    expect(page.body.context.person.name).toBe(name);
    const stored = await query(server.database, "select data from case_events where case_id = ? and type = 'CASE_CREATED'", [created.body.id]);
    expect((JSON.parse(stored[0]?.['data'] as string) as { person: { name: string } }).person.name).toBe(name);

    const sandbox = await request(server.baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name: name.slice(0, 100), simulatedDate: '2024-01-15' } });
    expect(sandbox.status, sandbox.text).toBe(201);
    const readBack = await request(server.baseUrl, 'GET', `/api/sandboxes/${sandbox.body.id}`, { actor: TRAINER });
    expect(readBack.body.name).toBe(name.slice(0, 100));
  });
});
