import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, EMPLOYER_CODE, HR, PERSON, request, sendEvent, TAX } from '../support/api-client.js';
import type { ApiResponse } from '../support/api-client.js';
import { dumpDatabase, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

// Every rejection must name its code and explain itself in both languages, and leave the database exactly
// as it was.
describe.each(testDialects())('API rejections on %s', (dialect) => {
  let server: TestServer;
  let openCaseId: string;
  let legacyCaseId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    const open = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    openCaseId = open.body.id;
    const legacy = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: EMPLOYER,
      json: { ...DECEMBER_BACK_PAYMENT, input: { ...DECEMBER_BACK_PAYMENT.input, fromPeriod: '2023-06', toPeriod: '2023-11' } },
    });
    legacyCaseId = legacy.body.id;
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  /** Sends a request and checks that it was rejected as expected without changing any row. */
  async function expectRejected(
    send: () => Promise<ApiResponse>,
    status: number,
    code: string,
    messageParts: { zh?: string; en?: string } = {},
  ): Promise<ApiResponse> {
    const before = await dumpDatabase(server.database);
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message.zh.length).toBeGreaterThan(0);
    expect(response.body.error.message.en.length).toBeGreaterThan(0);
    if (messageParts.zh) expect(response.body.error.message.zh).toContain(messageParts.zh);
    if (messageParts.en) expect(response.body.error.message.en).toContain(messageParts.en);
    expect(await dumpDatabase(server.database)).toEqual(before);
    return response;
  }

  it('malformed JSON is 400', async () => {
    await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, rawBody: '{"processId": ', headers: { 'content-type': 'application/json' } }),
      400,
      'MALFORMED_JSON',
      { zh: 'JSON', en: 'not valid JSON' },
    );
  });

  it('wrong content type is 415', async () => {
    await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, rawBody: 'processId=x', headers: { 'content-type': 'text/plain' } }),
      415,
      'CONTENT_TYPE_UNSUPPORTED',
      { zh: 'text/plain', en: 'text/plain' },
    );
  });

  it('request body with an unknown field is 400', async () => {
    const response = await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { ...DECEMBER_BACK_PAYMENT, extra: 1 } }),
      400,
      'MALFORMED_REQUEST',
      { en: 'extra' },
    );
    expect(response.body.error.details.issues[0].code).toBe('unrecognized_keys');
  });

  it('missing token is 401', async () => {
    await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: null, json: DECEMBER_BACK_PAYMENT }),
      401,
      'AUTHENTICATION_REQUIRED',
      { zh: 'Authorization', en: 'Authorization' },
    );
  });

  it('unknown token is 401', async () => {
    await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: null, headers: { authorization: 'Bearer sbt_not-a-token' }, json: DECEMBER_BACK_PAYMENT }),
      401,
      'TOKEN_INVALID',
      { zh: '令牌无效', en: 'token is invalid' },
    );
  });

  it('unknown process is 404', async () => {
    await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { processId: 'no-such-process', input: {} } }),
      404,
      'PROCESS_NOT_FOUND',
      { zh: 'no-such-process', en: 'no-such-process' },
    );
  });

  it('unknown case is 404', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, 'missing-case', EMPLOYER, { type: 'DECLARE', expectedVersion: 1 }),
      404,
      'CASE_NOT_FOUND',
      { zh: 'missing-case', en: 'missing-case' },
    );
  });

  it('resident ID with a wrong check character is 422 naming it', async () => {
    const response = await expectRejected(
      () =>
        request(server.baseUrl, 'POST', '/api/cases', {
          actor: EMPLOYER,
          json: { ...DECEMBER_BACK_PAYMENT, input: { ...DECEMBER_BACK_PAYMENT.input, person: { ...PERSON, idNumber: '110105194912310021' } } },
        }),
      422,
      'INPUT_INVALID',
      { zh: 'X', en: 'X' },
    );
    expect(response.body.error.details.issues[0].path).toBe('person.idNumber');
  });

  it('credit code failing its check needs confirmation', async () => {
    const failingCheck = `${EMPLOYER_CODE.slice(0, 17)}4`;
    const input = { ...DECEMBER_BACK_PAYMENT.input, employerCode: failingCheck };
    await expectRejected(
      () => request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { ...DECEMBER_BACK_PAYMENT, input } }),
      422,
      'INPUT_INVALID',
      { zh: 'CREDIT_CODE_CHECK_MISMATCH', en: 'CREDIT_CODE_CHECK_MISMATCH' },
    );
    const confirmed = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: EMPLOYER,
      json: { ...DECEMBER_BACK_PAYMENT, input: { ...input, confirmations: ['CREDIT_CODE_CHECK_MISMATCH'] } },
    });
    expect(confirmed.status).toBe(201);
  });

  it('period crossing the handover is 422', async () => {
    await expectRejected(
      () =>
        request(server.baseUrl, 'POST', '/api/cases', {
          actor: EMPLOYER,
          json: { ...DECEMBER_BACK_PAYMENT, input: { ...DECEMBER_BACK_PAYMENT.input, fromPeriod: '2023-11', toPeriod: '2023-12' } },
        }),
      422,
      'INPUT_INVALID',
      { zh: '两个案件', en: 'two cases' },
    );
  });

  it('missing expectedVersion is 400 saying what to send', async () => {
    await expectRejected(
      () => request(server.baseUrl, 'POST', `/api/cases/${openCaseId}/events`, { actor: EMPLOYER, json: { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, channel: 'hr-online' } }),
      400,
      'MALFORMED_REQUEST',
      { zh: '缺少 expectedVersion：请填写案件当前的 version', en: "expectedVersion is missing: send the case's current version" },
    );
  });

  it('stale expectedVersion is 409 with the current version', async () => {
    const response = await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 7, channel: 'hr-online' }),
      409,
      'VERSION_CONFLICT',
      { zh: '当前版本为 1', en: 'current version is 1' },
    );
    expect(response.body.error.details.currentVersion).toBe(1);
  });

  it('event the state does not accept is 409 with allowed events', async () => {
    const response = await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, TAX, { type: 'ASSESS', data: { amountFen: 100 }, expectedVersion: 1 }),
      409,
      'EVENT_NOT_ACCEPTED',
      { zh: '待单位维护开始缴费年月', en: 'Awaiting start-month maintenance' },
    );
    expect(response.body.error.allowedEvents.map((event: { type: string }) => event.type)).toEqual(['MAINTAIN_START_MONTH', 'DECLARE']);
  });

  it('tax event on the legacy route is 409 naming hr', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, legacyCaseId, EMPLOYER, { type: 'DECLARE', expectedVersion: 1, channel: 'fee-client' }),
      409,
      'LEGACY_ROUTE_AT_HR',
      { zh: '人社', en: 'legacy route' },
    );
  });

  it('event from the wrong agency is 403', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, HR, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' }),
      403,
      'PARTY_NOT_ALLOWED',
      { zh: '用人单位', en: 'the employer' },
    );
  });

  it('event data failing its schema is 422', async () => {
    const response = await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-13' }, expectedVersion: 1, channel: 'hr-online' }),
      422,
      'EVENT_DATA_INVALID',
      { zh: '2023-13', en: '2023-13' },
    );
    expect(response.body.error.details.issues[0].path).toBe('startMonth');
  });

  it('rule violation is 422 naming the missing step', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'DECLARE', expectedVersion: 1, channel: 'e-tax' }),
      422,
      'START_MONTH_NOT_MAINTAINED',
      { zh: '维护开始缴费年月', en: 'MAINTAIN_START_MONTH' },
    );
  });

  it('start month after the first month paid is 422', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2024-01' }, expectedVersion: 1, channel: 'hr-online' }),
      422,
      'START_MONTH_AFTER_BACK_PAYMENT',
      { zh: '2024年01月', en: '2024-01' },
    );
  });

  it('missing channel is 422 listing the channels', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1 }),
      422,
      'CHANNEL_REQUIRED',
      { zh: 'hr-online', en: 'hr-online' },
    );
  });

  it('channel not allowed for the event is 422', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'e-tax' }),
      422,
      'CHANNEL_NOT_ALLOWED',
      { zh: 'e-tax', en: 'e-tax' },
    );
  });

  it('unknown event type is 422', async () => {
    await expectRejected(
      () => sendEvent(server.baseUrl, openCaseId, EMPLOYER, { type: 'FLY', expectedVersion: 1 }),
      422,
      'EVENT_TYPE_UNKNOWN',
      { zh: 'FLY', en: 'FLY' },
    );
  });

  it('idempotent repeat returns the stored event', async () => {
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    const event = { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' };
    const first = await sendEvent(server.baseUrl, created.body.id, EMPLOYER, event, { 'idempotency-key': 'maintain-1' });
    expect(first.status).toBe(200);
    expect(first.body.replayed).toBe(false);

    const before = await dumpDatabase(server.database);
    const repeat = await sendEvent(server.baseUrl, created.body.id, EMPLOYER, event, { 'idempotency-key': 'maintain-1' });
    expect(repeat.status).toBe(200);
    expect(repeat.body.replayed).toBe(true);
    expect(repeat.body.event.id).toBe(first.body.event.id);
    expect(await dumpDatabase(server.database)).toEqual(before);

    await expectRejected(
      () => sendEvent(server.baseUrl, created.body.id, EMPLOYER, { ...event, data: { startMonth: '2023-11' } }, { 'idempotency-key': 'maintain-1' }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      { zh: 'maintain-1', en: 'maintain-1' },
    );
  });

  it('event on a finished case is 409', async () => {
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    const id = created.body.id;
    await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
    await sendEvent(server.baseUrl, id, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
    await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'DECLARE', expectedVersion: 3, channel: 'tax-window' });
    await sendEvent(server.baseUrl, id, TAX, { type: 'ASSESS', data: { amountFen: 500 }, expectedVersion: 4 });
    await expectRejected(
      () => sendEvent(server.baseUrl, id, EMPLOYER, { type: 'PAY', data: { amountFen: 499 }, expectedVersion: 5, channel: 'tax-window' }),
      422,
      'PAYMENT_AMOUNT_MISMATCH',
      { zh: '499', en: '499' },
    );
    const paid = await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'PAY', data: { amountFen: 500 }, expectedVersion: 5, channel: 'tax-window' });
    expect(paid.status).toBe(200);
    await expectRejected(
      () => sendEvent(server.baseUrl, id, EMPLOYER, { type: 'PAY', data: { amountFen: 500 }, expectedVersion: 6, channel: 'tax-window' }),
      409,
      'CASE_FINISHED',
      { zh: '已办结', en: 'finished' },
    );
  });

  it('invalid list filter is 400', async () => {
    await expectRejected(() => request(server.baseUrl, 'GET', '/api/cases?feePeriod=2024-13'), 400, 'QUERY_INVALID', { en: 'feePeriod' });
  });

  it('diagram step out of range is 400', async () => {
    await expectRejected(() => request(server.baseUrl, 'GET', `/api/cases/${openCaseId}/diagram.mmd?at=99`), 400, 'EVENT_SEQ_OUT_OF_RANGE', {
      zh: '99',
      en: '99',
    });
  });

  it('log lines carry no personal data', () => {
    expect(server.logLines.length).toBeGreaterThan(0);
    for (const line of server.logLines) {
      expect(line).not.toContain(PERSON.name);
      expect(line).not.toContain(PERSON.idNumber);
    }
  });
});
