import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, request } from '../support/api-client.js';
import type { ApiResponse } from '../support/api-client.js';
import { query, testDialects } from '../support/databases.js';
import { startTestServer, TEST_SESSION_SECRET } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const PASSWORD = 'correct horse battery staple';
const EMPLOYER_CODE = DECEMBER_BACK_PAYMENT.input.employerCode;

/** Returns the `name=value` part of the session cookie set by a response. */
function sessionCookieOf(response: ApiResponse): string {
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('sb_session='));
  if (!cookie) throw new Error(`no session cookie in ${response.status} ${response.text}`);
  return cookie.split(';')[0] as string;
}

describe.each(testDialects())('browser sessions on %s', (dialect) => {
  let server: TestServer;
  let origin: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, access: { loginThrottle: { windowMs: 15 * 60_000, perAccount: 5, perAddress: 8 } } });
    origin = server.baseUrl;
    const now = server.clock.now();
    await server.users.createUser({ username: 'clerk', role: 'employer', employerCode: EMPLOYER_CODE, password: PASSWORD }, 'test', now);
    await server.users.createUser({ username: 'locked-out', role: 'auditor', password: PASSWORD }, 'test', now);
    await server.users.createUser({ username: 'other-server', role: 'auditor', password: PASSWORD }, 'test', now);
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  const login = (body: unknown, headers: Record<string, string> = {}) =>
    request(server.baseUrl, 'POST', '/auth/login', { actor: null, json: body, headers });

  it('login sets a signed httpOnly SameSite=Strict cookie', async () => {
    const response = await login({ username: 'clerk', password: PASSWORD });
    expect(response.status, response.text).toBe(200);
    expect(response.body.user).toMatchObject({ username: 'clerk', role: 'employer', employerCode: EMPLOYER_CODE });
    expect(response.text).not.toContain('scrypt');
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('sb_session=')) ?? '';
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');

    const me = await request(server.baseUrl, 'GET', '/api/me', { actor: null, headers: { cookie: sessionCookieOf(response) } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'clerk', role: 'employer', authenticatedBy: 'session' });
  });

  it('login accepts a form post', async () => {
    const response = await request(server.baseUrl, 'POST', '/auth/login', {
      actor: null,
      rawBody: new URLSearchParams({ username: 'clerk', password: PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.user.username).toBe('clerk');
  });

  it('database keeps only the hash of a session id', async () => {
    const response = await login({ username: 'clerk', password: PASSWORD });
    const sessionId = decodeURIComponent(sessionCookieOf(response).slice('sb_session='.length)).split('.')[0] as string;
    const rows = await query(server.database, 'select session_hash from sessions');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row['session_hash']).not.toBe(sessionId);
    expect(JSON.stringify(rows)).not.toContain(sessionId);
  });

  it('form login from another site is 403', async () => {
    const response = await request(server.baseUrl, 'POST', '/auth/login', {
      actor: null,
      rawBody: new URLSearchParams({ username: 'clerk', password: PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://attacker.example' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('CSRF_ORIGIN_REJECTED');
    expect(response.body.error.message.en).toContain('https://attacker.example');
    expect(response.body.error.message.zh).toContain('https://attacker.example');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('cookie write needs the same origin', async () => {
    const cookie = sessionCookieOf(await login({ username: 'clerk', password: PASSWORD }));
    const before = await query(server.database, 'select id from cases');

    const noOrigin = await request(server.baseUrl, 'POST', '/api/cases', { actor: null, json: DECEMBER_BACK_PAYMENT, headers: { cookie } });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.error.code).toBe('CSRF_ORIGIN_REJECTED');
    const foreign = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: null,
      json: DECEMBER_BACK_PAYMENT,
      headers: { cookie, origin: 'https://attacker.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await query(server.database, 'select id from cases')).toEqual(before);

    const sameOrigin = await request(server.baseUrl, 'POST', '/api/cases', { actor: null, json: DECEMBER_BACK_PAYMENT, headers: { cookie, origin } });
    expect(sameOrigin.status, sameOrigin.text).toBe(201);
    const fetchMetadata = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: null,
      json: DECEMBER_BACK_PAYMENT,
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(fetchMetadata.status, fetchMetadata.text).toBe(201);
    const history = await request(server.baseUrl, 'GET', `/api/cases/${sameOrigin.body.id}/history`);
    expect(history.body.events[0].actor).toEqual({ id: 'clerk', role: 'employer', party: 'employer' });
  });

  it('logout ends the session', async () => {
    const cookie = sessionCookieOf(await login({ username: 'clerk', password: PASSWORD }));
    const logout = await request(server.baseUrl, 'POST', '/auth/logout', { actor: null, headers: { cookie, origin } });
    expect(logout.status).toBe(200);
    expect(logout.body.signedOut).toBe(true);
    expect(logout.headers.getSetCookie().some((line) => line.startsWith('sb_session=;'))).toBe(true);

    const after = await request(server.baseUrl, 'GET', '/api/me', { actor: null, headers: { cookie } });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('SESSION_INVALID');
  });

  it('forged cookie is 401', async () => {
    const forgedValue = 'made-up-session-id';
    const wrongKey = createHmac('sha256', 'another-secret-of-sufficient-length').update(forgedValue).digest('base64');
    const forged = await request(server.baseUrl, 'GET', '/api/me', {
      actor: null,
      headers: { cookie: `sb_session=${encodeURIComponent(`${forgedValue}.${wrongKey}`)}` },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('SESSION_INVALID');

    // Signed with the right key, but no such session exists.
    const rightKey = createHmac('sha256', TEST_SESSION_SECRET).update(forgedValue).digest('base64');
    const unknown = await request(server.baseUrl, 'GET', '/api/me', {
      actor: null,
      headers: { cookie: `sb_session=${encodeURIComponent(`${forgedValue}.${rightKey}`)}` },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('SESSION_INVALID');
  });

  it('session expires after its lifetime', async () => {
    const cookie = sessionCookieOf(await login({ username: 'clerk', password: PASSWORD }));
    const start = server.clock.now();
    server.clock.set(new Date(start.getTime() + 11 * 60 * 60 * 1000));
    try {
      const expired = await request(server.baseUrl, 'GET', '/api/me', { actor: null, headers: { cookie } });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('SESSION_INVALID');
    } finally {
      server.clock.set(start);
    }
  });

  it('wrong password is 401 without telling which part was wrong', async () => {
    const wrongPassword = await login({ username: 'clerk', password: 'not the password' });
    const unknownUser = await login({ username: 'nobody-here', password: PASSWORD });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body.error).toEqual(unknownUser.body.error);
    expect(wrongPassword.body.error.code).toBe('LOGIN_FAILED');
    // A success clears the account's count, so these failures do not lock the next tests out.
    expect((await login({ username: 'clerk', password: PASSWORD })).status).toBe(200);
  });

  it('five failed logins lock the account for 15 minutes', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const failed = await login({ username: 'locked-out', password: `wrong-${attempt}` });
      expect(failed.status, `attempt ${attempt}`).toBe(401);
    }
    const locked = await login({ username: 'locked-out', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_THROTTLED');
    expect(locked.body.error.message.zh).toContain('分钟');
    expect(locked.body.error.message.en).toContain('Retry-After');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const start = server.clock.now();
    server.clock.set(new Date(start.getTime() + 15 * 60 * 1000 + 1000));
    try {
      expect((await login({ username: 'locked-out', password: PASSWORD })).status).toBe(200);
    } finally {
      server.clock.set(start);
    }
  });

  it('lockout holds across server processes', async () => {
    const second = await startTestServer({ database: server.database, now: server.clock.now() });
    try {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const target = attempt % 2 === 0 ? second : server;
        const failed = await request(target.baseUrl, 'POST', '/auth/login', { actor: null, json: { username: 'other-server', password: `wrong-${attempt}` } });
        expect(failed.status, `attempt ${attempt}`).toBe(401);
      }
      const onSecond = await request(second.baseUrl, 'POST', '/auth/login', { actor: null, json: { username: 'other-server', password: PASSWORD } });
      expect(onSecond.status).toBe(429);
      const onFirst = await login({ username: 'other-server', password: PASSWORD });
      expect(onFirst.status).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('too many failures from one address are throttled', async () => {
    // The limit per address is 8 here; earlier tests in this file already failed from this address.
    let response: ApiResponse | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      response = await login({ username: `guess-${attempt}`, password: 'guessing' });
      if (response.status === 429) break;
    }
    expect(response?.status).toBe(429);
    expect(response?.body.error.code).toBe('LOGIN_THROTTLED');
    expect(response?.body.error.details.by).toBe('address');
  });

  it('malformed login is 400', async () => {
    const response = await request(server.baseUrl, 'POST', '/auth/login', {
      actor: null,
      rawBody: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_REQUEST');
  });
});
