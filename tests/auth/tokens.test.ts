import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, DECEMBER_BACK_PAYMENT, request } from '../support/api-client.js';
import { query, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { readAllTables } from './database-state.js';

describe.each(testDialects())('users and API tokens on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  const asToken = (token: string, method: string, path: string, json?: unknown) =>
    request(server.baseUrl, method, path, { actor: null, headers: { authorization: `Bearer ${token}` }, ...(json !== undefined ? { json } : {}) });

  /** Creates a user and a token through the admin API and returns both. */
  async function createUserWithToken(user: Record<string, unknown>, token: Record<string, unknown> = {}) {
    const created = await request(server.baseUrl, 'POST', '/api/admin/users', { actor: ADMIN, json: user });
    expect(created.status, created.text).toBe(201);
    const issued = await request(server.baseUrl, 'POST', `/api/admin/users/${created.body.id}/tokens`, { actor: ADMIN, json: token });
    expect(issued.status, issued.text).toBe(201);
    return { user: created.body, token: issued.body.token as string, tokenId: issued.body.id as string };
  }

  it('token is shown once and stored only as its SHA-256 hash', async () => {
    const { user, token, tokenId } = await createUserWithToken({ username: 'hr-clerk', role: 'caseworker', agency: 'hr' }, { label: 'counter 3' });
    expect(token).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);

    const rows = await query(server.database, 'select * from api_tokens where id = ?', [tokenId]);
    expect(rows[0]?.['token_hash']).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(await readAllTables(server.connection))).not.toContain(token);

    const listed = await request(server.baseUrl, 'GET', `/api/admin/users/${user.id}/tokens`, { actor: ADMIN });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id: tokenId, label: 'counter 3', prefix: token.slice(0, 10), revokedAt: null });
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(rows[0]?.['token_hash'] as string);

    const me = await asToken(token, 'GET', '/api/me');
    expect(me.body).toMatchObject({ username: 'hr-clerk', role: 'caseworker', agency: 'hr', authenticatedBy: 'token' });
  });

  it('revoked token is 401 at once', async () => {
    const { token, tokenId } = await createUserWithToken({ username: 'to-revoke', role: 'auditor' });
    expect((await asToken(token, 'GET', '/api/me')).status).toBe(200);
    const revoked = await request(server.baseUrl, 'POST', `/api/admin/tokens/${tokenId}/revoke`, { actor: ADMIN });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedBy).toBe(ADMIN.actor);
    const after = await asToken(token, 'GET', '/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('expired token is 401', async () => {
    const { token } = await createUserWithToken({ username: 'short-lived', role: 'auditor' }, { expiresInDays: 1 });
    expect((await asToken(token, 'GET', '/api/me')).status).toBe(200);
    const start = server.clock.now();
    server.clock.set(new Date(start.getTime() + 25 * 60 * 60 * 1000));
    try {
      expect((await asToken(token, 'GET', '/api/me')).status).toBe(401);
    } finally {
      server.clock.set(start);
    }
  });

  it('disabled user loses access and can be enabled again', async () => {
    const { user, token } = await createUserWithToken({ username: 'leaver', role: 'auditor' });
    const disabled = await request(server.baseUrl, 'PATCH', `/api/admin/users/${user.id}`, { actor: ADMIN, json: { disabled: true } });
    expect(disabled.body.disabledAt).not.toBeNull();
    expect((await asToken(token, 'GET', '/api/me')).status).toBe(401);
    await request(server.baseUrl, 'PATCH', `/api/admin/users/${user.id}`, { actor: ADMIN, json: { disabled: false } });
    expect((await asToken(token, 'GET', '/api/me')).status).toBe(200);
  });

  it('employer token acts only for its employer', async () => {
    const { token } = await createUserWithToken({ username: 'staff-of-other', role: 'employer', employerCode: '91110108MA01ABCD0B' });
    const before = await readAllTables(server.connection);
    const response = await asToken(token, 'POST', '/api/cases', DECEMBER_BACK_PAYMENT);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('CASE_OUT_OF_SCOPE');
    expect(response.body.error.message.en).toContain('belongs to another employer');
    expect(response.body.error.message.zh).toContain('不属于您的单位');
    expect(await readAllTables(server.connection)).toEqual(before);

    const list = await asToken(token, 'GET', `/api/cases?employer=${DECEMBER_BACK_PAYMENT.input.employerCode}`);
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe('CASE_OUT_OF_SCOPE');
  });

  it('user input is checked per role', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'no-agency', role: 'caseworker' }, 'agency'],
      [{ username: 'auditor-with-agency', role: 'auditor', agency: 'tax' }, 'agency'],
      [{ username: 'no-code', role: 'employer' }, 'employerCode'],
      [{ username: 'bad-code', role: 'employer', employerCode: 'not-a-code' }, 'employerCode'],
      [{ username: '张三', role: 'auditor' }, 'username'],
      [{ username: 'short-password', role: 'auditor', password: 'short' }, 'password'],
      [{ username: 'unknown-role', role: 'superuser' }, 'role'],
    ];
    for (const [user, field] of cases) {
      const before = await readAllTables(server.connection);
      const response = await request(server.baseUrl, 'POST', '/api/admin/users', { actor: ADMIN, json: user });
      expect(response.status, `${JSON.stringify(user)}: ${response.text}`).toBe(400);
      expect(response.body.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(field);
      expect(await readAllTables(server.connection)).toEqual(before);
    }
  });

  it('taken user name is 409', async () => {
    await createUserWithToken({ username: 'twice', role: 'auditor' });
    const again = await request(server.baseUrl, 'POST', '/api/admin/users', { actor: ADMIN, json: { username: 'twice', role: 'trainer' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('USERNAME_TAKEN');
    expect(again.body.error.message.zh).toContain('twice');
  });

  it('malformed authorization header is 401', async () => {
    for (const header of ['Bearer', 'Basic dXNlcjpwYXNz', 'Bearer sbt_x y', `Bearer ${'a'.repeat(5000)}`]) {
      const response = await request(server.baseUrl, 'GET', '/api/me', { actor: null, headers: { authorization: header } });
      expect(response.status, header.slice(0, 20)).toBe(401);
      expect(response.body.error.code).toBe('TOKEN_INVALID');
    }
  });
});
