import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName, maskPersonalData } from '../../server/auth/personal-data.js';
import { AUDITOR, DECEMBER_BACK_PAYMENT, EMPLOYER, HR, PERSON, request } from '../support/api-client.js';
import { testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const MASKED_PERSON = { name: '张*', idNumber: '110105********002X' };

describe('maskName', () => {
  it('keeps the first character', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('counts code points, not UTF-16 units', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('王𠮷')).toBe('王*');
  });

  it('masks one character completely', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
  });
});

describe('maskPersonalData', () => {
  it('masks persons at any depth and lists their paths', () => {
    const masked = maskPersonalData({ person: PERSON, months: [{ before: { name: '张一', idType: 'resident-id', idNumber: PERSON.idNumber } }] }, 'context');
    expect(masked.value).toEqual({
      person: MASKED_PERSON,
      months: [{ before: { name: '张*', idType: 'resident-id', idNumber: '110105********002X' } }],
    });
    expect(masked.fields).toEqual(['context.person.name', 'context.person.idNumber', 'context.months.0.before.name', 'context.months.0.before.idNumber']);
  });

  it('leaves names that are not a person alone', () => {
    const value = { employerName: '北京示例科技有限公司', sandbox: { name: '培训' } };
    expect(maskPersonalData(value)).toEqual({ value, fields: [] });
  });

  it('does not change its input', () => {
    const input = { person: { ...PERSON } };
    maskPersonalData(input);
    expect(input.person).toEqual(PERSON);
  });
});

describe.each(testDialects())('personal data over HTTP on %s', (dialect) => {
  let server: TestServer;
  let caseId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    expect(created.status, created.text).toBe(201);
    expect(created.body.context.person).toEqual(MASKED_PERSON);
    caseId = created.body.id;
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  const accessLog = async (query = '') => (await request(server.baseUrl, 'GET', `/api/audit/access-log?caseId=${caseId}${query}`, { actor: AUDITOR })).body.items;

  it('lists mask names and ID numbers', async () => {
    for (const actor of [EMPLOYER, HR, AUDITOR]) {
      const list = await request(server.baseUrl, 'GET', '/api/cases', { actor });
      const item = list.body.items.find((entry: { id: string }) => entry.id === caseId);
      expect(item.context.person).toEqual(MASKED_PERSON);
      expect(list.text).not.toContain(PERSON.idNumber);
    }
  });

  it('history masks the creation data', async () => {
    const history = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/history`, { actor: EMPLOYER });
    expect(history.body.events[0].data.person).toEqual(MASKED_PERSON);
    expect(history.text).not.toContain(PERSON.idNumber);
    expect(history.text).not.toContain(PERSON.name);
  });

  it('case page shows employer staff everything and logs it', async () => {
    const before = await accessLog();
    const page = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`, { actor: EMPLOYER });
    expect(page.body.context.person).toEqual(PERSON);
    expect(page.body.personalData).toBe('full');

    const after = await accessLog();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({
      user: { username: EMPLOYER.actor, role: 'employer', agency: null },
      caseId,
      fields: ['context.person.name', 'context.person.idNumber'],
      route: 'GET /api/cases/:id',
      occurredAt: server.clock.now().toISOString(),
    });
  });

  it('case page shows caseworkers everything and logs it', async () => {
    const page = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`, { actor: HR });
    expect(page.body.context.person).toEqual(PERSON);
    expect((await accessLog())[0].user).toMatchObject({ username: HR.actor, role: 'caseworker', agency: 'hr' });
  });

  it('auditors see personal data only on request', async () => {
    const before = await accessLog();
    const masked = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`, { actor: AUDITOR });
    expect(masked.body.context.person).toEqual(MASKED_PERSON);
    expect(masked.body.personalData).toBe('masked');
    expect(await accessLog()).toHaveLength(before.length);

    const full = await request(server.baseUrl, 'GET', `/api/cases/${caseId}?personalData=full`, { actor: AUDITOR });
    expect(full.body.context.person).toEqual(PERSON);
    expect((await accessLog())[0].user.username).toBe(AUDITOR.actor);
  });

  it('masked view on request writes no log entry', async () => {
    const before = await accessLog();
    const page = await request(server.baseUrl, 'GET', `/api/cases/${caseId}?personalData=masked`, { actor: EMPLOYER });
    expect(page.body.context.person).toEqual(MASKED_PERSON);
    expect(await accessLog()).toHaveLength(before.length);
  });

  it('access log filters by user and time', async () => {
    const byEmployer = await request(server.baseUrl, 'GET', `/api/audit/access-log?username=${EMPLOYER.actor}`, { actor: AUDITOR });
    expect(byEmployer.body.items.length).toBeGreaterThan(0);
    for (const entry of byEmployer.body.items) expect(entry.user.username).toBe(EMPLOYER.actor);
    const future = await request(server.baseUrl, 'GET', '/api/audit/access-log?from=2099-01-01T00:00:00Z', { actor: AUDITOR });
    expect(future.body.items).toEqual([]);
    const invalid = await request(server.baseUrl, 'GET', '/api/audit/access-log?from=yesterday', { actor: AUDITOR });
    expect(invalid.status).toBe(400);
  });

  it('only auditors read the access log', async () => {
    for (const actor of [EMPLOYER, HR]) {
      const response = await request(server.baseUrl, 'GET', '/api/audit/access-log', { actor });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('ROLE_NOT_ALLOWED');
      expect(response.body.error.message.zh).toContain('审计员');
      expect(response.body.error.message.en).toContain('auditor');
    }
  });

  it('log lines carry no personal data', () => {
    expect(server.logLines.length).toBeGreaterThan(0);
    for (const line of server.logLines) {
      expect(line).not.toContain(PERSON.name);
      expect(line).not.toContain(PERSON.idNumber);
    }
  });
});
