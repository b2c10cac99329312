import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYER_CODE, HR, MEDICAL, TAX, AUDITOR, employerStaff, request, sendEvent } from '../support/api-client.js';
import { openPushedMonthlyReport } from '../support/cluster.js';
import { query, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { generatePushFile, lastMonth } from './push-file-generator.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Converts the generated CSV to a one-sheet workbook with every cell as text. */
async function toXlsx(csv: string): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('推送');
  for (const line of csv.replace(/^\uFEFF/, '').trim().split('\r\n')) sheet.addRow(line.split(','));
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe.each(testDialects())('import routes on %s', (dialect) => {
  let server: TestServer;
  // A fixed date whose fee periods have working-day calendars, so that a monthly report can be opened.
  const now = new Date('2025-10-15T02:00:00Z');
  const file = generatePushFile(10, { plantBadRows: true, seed: 2, now });
  const goodRows = file.goodRows.addition + file.goodRows.termination + file.goodRows.change;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  it('upload returns the dry-run report only', async () => {
    const upload = await request(server.baseUrl, 'POST', '/api/imports?fileName=push.csv', { actor: HR, rawBody: file.csv, headers: { 'content-type': 'text/csv' } });
    expect(upload.status, upload.text).toBe(201);
    expect(upload.body.dryRun).toBe(true);
    expect(upload.body.issues.map((issue: { rowNumber: number }) => issue.rowNumber)).toEqual([...file.badRows.keys()]);
    expect(upload.body.issues[0].message.zh).toContain('校验码');
    expect(upload.body.issues[0].columnTitle).toEqual({ zh: '证件号码', en: 'ID number (the old one on a change row)' });
    const [row] = await query(server.database, 'select count(*) as count from cases');
    expect(Number(row?.['count'])).toBe(0);
  });

  it('tax caseworker cannot upload', async () => {
    const upload = await request(server.baseUrl, 'POST', '/api/imports', { actor: TAX, rawBody: file.csv, headers: { 'content-type': 'text/csv' } });
    expect(upload.status).toBe(403);
    expect(upload.body.error.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('confirm applies good rows once', async () => {
    const upload = await request(server.baseUrl, 'POST', '/api/imports', { actor: HR, rawBody: file.csv, headers: { 'content-type': 'text/csv' } });
    const sha256 = upload.body.sha256 as string;

    const confirmed = await request(server.baseUrl, 'POST', `/api/imports/${sha256}/confirm`, { actor: HR });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.appliedRows).toBe(goodRows);

    const again = await request(server.baseUrl, 'POST', `/api/imports/${sha256}/confirm`, { actor: MEDICAL });
    expect(again.body.appliedRows).toBe(0);
    expect(again.body.alreadyAppliedRows).toBe(goodRows);

    const report = await request(server.baseUrl, 'GET', `/api/imports/${sha256}`, { actor: HR });
    expect(report.status).toBe(200);
    expect(report.body.alreadyAppliedRows).toBe(goodRows);
  });

  it('xlsx upload reads the same rows', async () => {
    const bytes = await toXlsx(generatePushFile(10, { plantBadRows: true, seed: 3, now }).csv);
    const upload = await request(server.baseUrl, 'POST', '/api/imports?fileName=push.xlsx', { actor: HR, rawBody: bytes, headers: { 'content-type': XLSX_TYPE } });
    expect(upload.status, upload.text).toBe(201);
    expect(upload.body.rowCount).toBe(10);
    expect(upload.body.issues.map((issue: { code: string }) => issue.code)).toEqual([
      'RESIDENT_ID_CHECK_MISMATCH',
      'UNKNOWN_INSURANCE',
      'CHANGE_MONTH_OUT_OF_RANGE',
      'DUPLICATE_PERSON',
      'PERSON_NOT_INSURED',
    ]);
  });

  it('unknown upload is 404', async () => {
    const response = await request(server.baseUrl, 'GET', `/api/imports/${'0'.repeat(64)}`, { actor: HR });
    expect(response.status).toBe(404);
  });

  it('reconciliation counts only registered additions', async () => {
    const response = await request(server.baseUrl, 'GET', `/api/reconciliation?employer=${EMPLOYER_CODE}&feePeriod=${lastMonth(now)}`, {
      actor: employerStaff(EMPLOYER_CODE),
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.monthlyReportCaseId).toBeNull();
    expect(response.body.lines.map((line: { insured: number }) => line.insured)).toEqual([0, 0, 0, 0]);
    const failedPushes = response.body.people.filter((person: { cause: string }) => person.cause === 'failed-push');
    expect(failedPushes).toHaveLength(file.goodRows.addition);
    expect(failedPushes[0].idNumber).toMatch(/^110105\*{8}/);
  });

  it('reconciliation compares registered people with the push', async () => {
    const currentMonth = new Date(server.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    const additions = await request(server.baseUrl, 'GET', '/api/cases?process=personnel-addition&limit=2', { actor: HR });
    for (const addition of additions.body.items as { id: string; version: number }[]) {
      const registered = await sendEvent(server.baseUrl, addition.id, HR, { type: 'REGISTRATION_SUCCEEDED', data: {}, expectedVersion: addition.version });
      expect(registered.status, registered.text).toBe(200);
    }
    const reportId = await openPushedMonthlyReport(server.baseUrl, currentMonth);

    const response = await request(server.baseUrl, 'GET', `/api/reconciliation?employer=${EMPLOYER_CODE}&feePeriod=${currentMonth}`, { actor: HR });
    expect(response.status, response.text).toBe(200);
    expect(response.body.monthlyReportCaseId).toBe(reportId);
    const pension = response.body.lines.find((line: { insurance: string }) => line.insurance === 'pension');
    expect(pension).toMatchObject({ insured: 2, pushedToTax: 10, difference: 8 });
    const failedPushes = response.body.people.filter((person: { cause: string }) => person.cause === 'failed-push');
    expect(failedPushes).toHaveLength(file.goodRows.addition - 2);
  });

  it('reconciliation of another employer is 403', async () => {
    const response = await request(server.baseUrl, 'GET', `/api/reconciliation?employer=91110000600037341L&feePeriod=${lastMonth(now)}`, {
      actor: employerStaff(EMPLOYER_CODE),
    });
    expect(response.status).toBe(403);
  });

  it('export writes CSV and xlsx with Chinese headers', async () => {
    const csv = await request(server.baseUrl, 'GET', '/api/exports/cases?format=csv&process=personnel-addition', { actor: AUDITOR });
    expect(csv.status, csv.text).toBe(200);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]?.split(',').slice(0, 4)).toEqual(['案件编号', '业务流程', '当前状态', '办理状态']);
    expect(lines).toHaveLength(1 + file.goodRows.addition);

    const xlsx = await fetch(`${server.baseUrl}/api/exports/cases?format=xlsx&state=awaitingRegistration`, {
      headers: { authorization: (await authorizationOf(AUDITOR)) },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0];
    expect(sheet?.getRow(1).getCell(8).text).toBe('证件号码');
    // Two of the additions were registered by the reconciliation test, so they left this worklist.
    expect(sheet?.rowCount).toBe(1 + file.goodRows.addition - 2);
  });

  async function authorizationOf(actor: typeof AUDITOR): Promise<string> {
    const { tokenFor } = await import('../support/api-client.js');
    return `Bearer ${await tokenFor(server.baseUrl, actor)}`;
  }
});
