import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../db/case-store.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Actor } from '../../server/case-service.js';
import { CaseService } from '../../server/case-service.js';
import { ManualClock } from '../../server/clock.js';
import { ImportService } from '../../server/imports/import-service.js';
import type { ImportReport } from '../../server/imports/import-service.js';
import { reconcileHeadcount } from '../../server/imports/reconcile-headcount.js';
import { PushFileError, readPushFile } from '../../server/imports/read-push-file.js';
import { EMPLOYER, HR, MEDICAL, request } from '../support/api-client.js';
import { openCase } from '../support/cluster.js';
import { createTestDatabase, dumpDatabase, query, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import { creditCodeOf, withWrongCheckCharacter } from './push-file-generator.js';

// A fixed date whose fee periods have working-day calendars, so that monthly reports can be opened.
const NOW = new Date('2025-10-15T02:00:00Z');
const FEE_PERIOD = '2025-09' as FeePeriod;

const EMPLOYER_HEADERS = ['单位统一社会信用代码', '变动类型', '变动年月', '单位名称', '开户日期', '险种', '工伤风险类别', '单位户类型', '开户当月补缴'];
const HEADCOUNT_HEADERS = ['单位统一社会信用代码', '变动类型', '变动年月', '养老人数', '失业人数', '工伤人数', '医疗人数'];

const EMPLOYER_A = creditCodeOf(1);
const EMPLOYER_B = creditCodeOf(2);
const EMPLOYER_C = creditCodeOf(3);

const EMPLOYER_STAFF: Actor = { id: 'clerk-a', role: 'employer', party: 'employer' };
const HR_CASEWORKER: Actor = { id: 'hr-1', role: 'caseworker', party: 'hr' };

function csvOf(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[headers, ...rows].map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

function employerRow(code: string, overrides: Partial<Record<'name' | 'openedOn' | 'riskClass' | 'kind' | 'backPayment' | 'month', string>> = {}): string[] {
  return [
    code,
    '单位登记',
    overrides.month ?? FEE_PERIOD,
    overrides.name ?? '北京示例科技有限公司',
    overrides.openedOn ?? '2025-09-03',
    '养老、失业、工伤、医疗',
    overrides.riskClass ?? '一类',
    overrides.kind ?? '',
    overrides.backPayment ?? '',
  ];
}

function headcountRow(code: string, counts: readonly [string, string, string, string], month: string = FEE_PERIOD): string[] {
  return [code, '人数', month, ...counts];
}

/** Maps each reported row to its column and code; a row with several problems keeps its last. */
function issuesByRow(report: ImportReport): Map<number, { column: string | null; code: string }> {
  return new Map(report.issues.map((issue) => [issue.rowNumber, { column: issue.column, code: issue.code }]));
}

async function countOf(database: TestDatabase, statement: string, parameters: unknown[] = []): Promise<number> {
  const [row] = await query(database, statement, parameters);
  return Number(row?.['count']);
}

/** A case store whose transactions first run `beforeTransaction`, so a test can change a case between two batches. */
class HookedCaseStore extends CaseStore {
  beforeTransaction: (() => Promise<void>) | undefined;

  override async inTransaction<T>(work: (store: CaseStore) => Promise<T>): Promise<T> {
    await this.beforeTransaction?.();
    return super.inTransaction(work);
  }
}

describe.each(testDialects())('employer and headcount rows on %s', (dialect) => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let store: HookedCaseStore;
  let cases: CaseService;
  let imports: ImportService;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    connection = openDatabase(database.url);
    await migrateToLatest(connection.db as never);
    const clock = new ManualClock(NOW);
    store = new HookedCaseStore(connection.db, uuidv7);
    cases = new CaseService({ store, clock, newId: uuidv7 });
    imports = new ImportService({ store, clock, newId: uuidv7 });
  });

  afterEach(async () => {
    await connection.close();
    await database.drop();
  });

  async function importCsv(csv: string, dryRun: boolean, batchSize?: number): Promise<ImportReport> {
    const file = await readPushFile(Buffer.from(csv), 'csv');
    return imports.importFile(file, { dryRun, fileName: 'push.csv', operator: 'cli:tester', ...(batchSize !== undefined ? { batchSize } : {}) });
  }

  async function openMonthlyReport(employerCode: string): Promise<string> {
    const created = await cases.createCase({ processId: 'monthly-report', input: { employerCode, feePeriod: FEE_PERIOD } }, EMPLOYER_STAFF, 'e-tax');
    return created.id;
  }

  async function readReport(caseId: string): Promise<{ version: number; state: string; pushed: Record<string, number | null> }> {
    const [row] = await query(database, 'select version, state, snapshot from cases where id = ?', [caseId]);
    const snapshot = JSON.parse(String(row?.['snapshot'])) as { context: { pushedHeadcount: Record<string, number | null> } };
    return { version: Number(row?.['version']), state: String(row?.['state']), pushed: snapshot.context.pushedHeadcount };
  }

  describe('employer rows', () => {
    const csv = csvOf(EMPLOYER_HEADERS, [
      employerRow(EMPLOYER_A),
      employerRow(withWrongCheckCharacter(EMPLOYER_B)),
      employerRow(EMPLOYER_B, { name: '' }),
      employerRow(EMPLOYER_B, { openedOn: '' }),
      employerRow(EMPLOYER_A, { name: '重复的单位' }),
      employerRow(EMPLOYER_B, { riskClass: '9' }),
      employerRow(EMPLOYER_B, { kind: '个体户' }),
      employerRow(EMPLOYER_B, { openedOn: '2025-10-02' }),
      employerRow(EMPLOYER_C, { kind: '特殊户', riskClass: '3' }),
      employerRow(EMPLOYER_B, { openedOn: '2025-09-31' }),
      employerRow(EMPLOYER_B, { backPayment: '也许' }),
    ]);
    const expectedIssues = new Map([
      [3, { column: 'employerCode', code: 'CREDIT_CODE_CHECK_MISMATCH' }],
      [4, { column: 'employerName', code: 'MISSING_VALUE' }],
      [5, { column: 'openedOn', code: 'MISSING_VALUE' }],
      [6, { column: 'employerCode', code: 'DUPLICATE_EMPLOYER' }],
      [7, { column: 'workInjuryRiskClass', code: 'INVALID_RISK_CLASS' }],
      [8, { column: 'accountKind', code: 'UNKNOWN_ACCOUNT_KIND' }],
      [9, { column: 'openedOn', code: 'EMPLOYER_OPENED_AFTER_CHANGE_MONTH' }],
      [11, { column: 'openedOn', code: 'INPUT_INVALID:openedOn' }],
      [12, { column: 'needsFirstMonthBackPayment', code: 'INVALID_YES_NO' }],
    ]);

    it('dry run names bad rows and writes nothing', async () => {
      const before = await dumpDatabase(database);
      const report = await importCsv(csv, true);

      expect(issuesByRow(report)).toEqual(expectedIssues);
      expect(report.validRows).toBe(2);
      for (const issue of report.issues) {
        expect(issue.message.zh, `row ${issue.rowNumber}`).not.toBe('');
        expect(issue.message.en, `row ${issue.rowNumber}`).not.toBe('');
      }
      expect(report.issues.find((issue) => issue.rowNumber === 3)?.message.zh).toContain('校验');
      expect(report.issues.find((issue) => issue.rowNumber === 4)?.message.en).toContain('must not be empty');
      expect(await dumpDatabase(database)).toEqual(before);
      expect(await countOf(database, 'select count(*) as count from imports')).toBe(0);
    });

    it('real run opens each registration once', async () => {
      const report = await importCsv(csv, false);
      expect(report.appliedRows).toBe(2);
      expect(report.rejectedRows).toEqual([]);

      const rows = await query(database, 'select employer_code, state from cases where process_id = ? order by employer_code', ['employer-registration']);
      expect(rows).toEqual([
        { employer_code: EMPLOYER_A, state: 'monthEndRoute.awaitingHrRecord' },
        { employer_code: EMPLOYER_C, state: 'temporaryRoute.awaitingTemporaryRegistration' },
      ]);
      expect(await countOf(database, 'select count(*) as count from cases')).toBe(2);
      const keys = await query(database, 'select idempotency_key, party from case_events order by length(idempotency_key), idempotency_key');
      expect(keys).toEqual([
        { idempotency_key: `import:${report.sha256}:2`, party: 'hr' },
        { idempotency_key: `import:${report.sha256}:10`, party: 'hr' },
      ]);

      const before = await dumpDatabase(database);
      const repeat = await importCsv(csv, false);
      expect(repeat.appliedRows).toBe(0);
      expect(repeat.alreadyAppliedRows).toBe(2);
      expect(await dumpDatabase(database)).toEqual(before);
    });

    it('registered employer in a new file is a bad row', async () => {
      await importCsv(csv, false);
      const before = await dumpDatabase(database);

      const again = await importCsv(csvOf(EMPLOYER_HEADERS, [employerRow(EMPLOYER_C, { name: '另一份文件' })]), false);
      expect(issuesByRow(again)).toEqual(new Map([[2, { column: 'employerCode', code: 'EMPLOYER_ALREADY_REGISTERED' }]]));
      expect(again.appliedRows).toBe(0);
      expect(await dumpDatabase(database)).toEqual(before);
    });

    it('file without 单位名称 column is rejected whole', async () => {
      const headers = EMPLOYER_HEADERS.filter((header) => header !== '单位名称');
      const rows = [employerRow(EMPLOYER_A).filter((_cell, column) => column !== 3)];
      await expect(readPushFile(Buffer.from(csvOf(headers, rows)), 'csv')).rejects.toThrow(PushFileError);
      await expect(readPushFile(Buffer.from(csvOf(headers, rows)), 'csv')).rejects.toThrow(/单位名称/);
    });
  });

  describe('headcount rows', () => {
    it('dry run names bad rows and writes nothing', async () => {
      await openMonthlyReport(EMPLOYER_A);
      const csv = csvOf(HEADCOUNT_HEADERS, [
        headcountRow(EMPLOYER_A, ['10', '10', '9', '']),
        headcountRow(EMPLOYER_A, ['', '', '', '8']),
        headcountRow(EMPLOYER_B, ['3', '3', '3', '']),
        headcountRow(EMPLOYER_A, ['11', '11', '11', '']),
        headcountRow(EMPLOYER_A, ['1', '1', '1', '1']),
        headcountRow(EMPLOYER_A, ['-1', '1', '1', '']),
        headcountRow(EMPLOYER_A, ['1', '1', '', '']),
        headcountRow(EMPLOYER_A, ['', '', '', '']),
        headcountRow(EMPLOYER_A, ['', '', '', '8'], '2025-11'),
      ]);
      const before = await dumpDatabase(database);
      const report = await importCsv(csv, true);

      expect(issuesByRow(report)).toEqual(
        new Map([
          [4, { column: null, code: 'MONTHLY_REPORT_NOT_FOUND' }],
          [5, { column: null, code: 'DUPLICATE_HEADCOUNT' }],
          [6, { column: null, code: 'HEADCOUNT_FROM_BOTH_SIDES' }],
          [7, { column: 'pensionHeadcount', code: 'INVALID_HEADCOUNT' }],
          [8, { column: 'workInjuryHeadcount', code: 'MISSING_VALUE' }],
          [9, { column: null, code: 'MISSING_HEADCOUNT' }],
          [10, { column: 'changeMonth', code: 'CHANGE_MONTH_OUT_OF_RANGE' }],
        ]),
      );
      expect(report.validRows).toBe(2);
      expect(report.issues.find((issue) => issue.rowNumber === 4)?.message.zh).toContain('月报');
      expect(report.issues.find((issue) => issue.rowNumber === 4)?.message.en).toContain('no open monthly report');
      expect(await dumpDatabase(database)).toEqual(before);
    });

    it('real run feeds both pushes once', async () => {
      const reportId = await openMonthlyReport(EMPLOYER_A);
      const csv = csvOf(HEADCOUNT_HEADERS, [headcountRow(EMPLOYER_A, ['10', '10', '9', '']), headcountRow(EMPLOYER_A, ['', '', '', '8'])]);

      const report = await importCsv(csv, false);
      expect(report.appliedRows).toBe(2);
      expect(report.rejectedRows).toEqual([]);
      const after = await readReport(reportId);
      expect(after.version).toBe(3);
      expect(after.state).toBe('windowOpen');
      expect(after.pushed).toEqual({ pension: 10, unemployment: 10, workInjury: 9, medical: 8 });
      const events = await query(database, 'select type, party, idempotency_key from case_events where case_id = ? order by seq', [reportId]);
      expect(events.slice(1)).toEqual([
        { type: 'HR_MONTH_END_PUSH', party: 'hr', idempotency_key: `import:${report.sha256}:2:HR_MONTH_END_PUSH` },
        { type: 'MEDICAL_MONTH_END_PUSH', party: 'medical', idempotency_key: `import:${report.sha256}:3:MEDICAL_MONTH_END_PUSH` },
      ]);

      const reconciliation = await reconcileHeadcount(connection.db, EMPLOYER_A, FEE_PERIOD);
      expect(reconciliation.monthlyReportCaseId).toBe(reportId);
      expect(reconciliation.lines.map((line) => line.pushedToTax)).toEqual([10, 10, 9, 8]);

      const before = await dumpDatabase(database);
      const repeat = await importCsv(csv, false);
      expect(repeat.alreadyAppliedRows).toBe(2);
      expect(await dumpDatabase(database)).toEqual(before);

      const secondPush = await importCsv(csvOf(HEADCOUNT_HEADERS, [headcountRow(EMPLOYER_A, ['12', '12', '12', ''])]), true);
      expect(issuesByRow(secondPush)).toEqual(new Map([[2, { column: null, code: 'MONTHLY_REPORT_PUSH_NOT_ACCEPTED' }]]));
    });

    it('differing declaration takes a push correction', async () => {
      const reportId = await openMonthlyReport(EMPLOYER_A);
      await importCsv(csvOf(HEADCOUNT_HEADERS, [headcountRow(EMPLOYER_A, ['10', '10', '10', '']), headcountRow(EMPLOYER_A, ['', '', '', '10'])]), false);
      const declared = await cases.submitEvent(
        reportId,
        { type: 'DECLARE', data: { actualHeadcount: { pension: 11, unemployment: 11, workInjury: 11, medical: 10 } }, expectedVersion: 3, channel: 'e-tax' },
        EMPLOYER_STAFF,
      );
      expect(declared.case.state).toEqual(['headcountMismatch']);

      const correction = await importCsv(csvOf(HEADCOUNT_HEADERS, [headcountRow(EMPLOYER_A, ['11', '11', '11', ''])]), false);
      expect(correction.appliedRows).toBe(1);
      const after = await readReport(reportId);
      expect(after.state).toBe('windowOpen');
      expect(after.pushed).toEqual({ pension: 11, unemployment: 11, workInjury: 11, medical: 10 });
      const [last] = await query(database, 'select type from case_events where case_id = ? order by seq desc limit 1', [reportId]);
      expect(last?.['type']).toBe('HR_PUSH_CORRECTION');
    });

    it('row rejected at apply changes nothing', async () => {
      const reportId = await openMonthlyReport(EMPLOYER_A);
      const csv = csvOf(HEADCOUNT_HEADERS, [headcountRow(EMPLOYER_A, ['', '', '', '7']), headcountRow(EMPLOYER_A, ['10', '10', '9', ''])]);
      let batches = 0;
      store.beforeTransaction = async () => {
        batches++;
        // Between the two batches, hr pushes by hand, so the file's hr row is no longer accepted.
        if (batches === 2) {
          await cases.submitEvent(reportId, { type: 'HR_MONTH_END_PUSH', data: { headcount: { pension: 5, unemployment: 5, workInjury: 5 } }, expectedVersion: 2 }, HR_CASEWORKER);
        }
      };

      const report = await importCsv(csv, false, 1);
      store.beforeTransaction = undefined;
      expect(report.appliedRows).toBe(1);
      expect(report.rejectedRows.map((row) => [row.rowNumber, row.code])).toEqual([[3, 'MONTHLY_REPORT_PUSH_NOT_ACCEPTED']]);
      expect(report.rejectedRows[0]?.message.zh).toContain('不接受');
      const after = await readReport(reportId);
      expect(after.version).toBe(3);
      expect(after.pushed).toEqual({ pension: 5, unemployment: 5, workInjury: 5, medical: 7 });
      expect(await countOf(database, 'select count(*) as count from import_rows where row_number = 3')).toBe(0);
      expect(await countOf(database, 'select count(*) as count from case_events where idempotency_key like ?', [`import:${report.sha256}:3%`])).toBe(0);
    });

    it('file without person columns reads', async () => {
      const file = await readPushFile(Buffer.from(csvOf(HEADCOUNT_HEADERS, [headcountRow(EMPLOYER_A, ['1', '1', '1', ''])])), 'csv');
      expect(file.rows).toHaveLength(1);
    });
  });

  it('API upload and confirm of a mixed file', async () => {
    const server = await startTestServer({ dialect, now: NOW });
    try {
      const { id: reportId } = await openCase(server.baseUrl, { processId: 'monthly-report', input: { employerCode: EMPLOYER_A, feePeriod: FEE_PERIOD } }, EMPLOYER);
      const headers = [...EMPLOYER_HEADERS, '养老人数', '失业人数', '工伤人数', '医疗人数'];
      const csv = csvOf(headers, [
        [...employerRow(EMPLOYER_B), '', '', '', ''],
        [EMPLOYER_A, '人数', FEE_PERIOD, '', '', '', '', '', '', '10', '10', '9', ''],
        [EMPLOYER_A, '人数', FEE_PERIOD, '', '', '', '', '', '', '', '', '', '8'],
        [...employerRow(withWrongCheckCharacter(EMPLOYER_C)), '', '', '', ''],
      ]);

      const upload = await request(server.baseUrl, 'POST', '/api/imports?fileName=push.csv', { actor: MEDICAL, rawBody: csv, headers: { 'content-type': 'text/csv' } });
      expect(upload.status, upload.text).toBe(201);
      expect(upload.body.validRows).toBe(3);
      expect(upload.body.issues.map((issue: { rowNumber: number; code: string }) => [issue.rowNumber, issue.code])).toEqual([[5, 'CREDIT_CODE_CHECK_MISMATCH']]);

      const confirmed = await request(server.baseUrl, 'POST', `/api/imports/${upload.body.sha256 as string}/confirm`, { actor: HR });
      expect(confirmed.status, confirmed.text).toBe(200);
      expect(confirmed.body.appliedRows).toBe(3);
      const registrations = await request(server.baseUrl, 'GET', '/api/cases?process=employer-registration', { actor: HR });
      expect(registrations.body.items.map((item: { employerCode: string }) => item.employerCode)).toEqual([EMPLOYER_B]);
      const report = await request(server.baseUrl, 'GET', `/api/cases/${reportId}`, { actor: HR });
      expect(report.body.version).toBe(3);
      expect(report.body.state).toEqual(['windowOpen']);
    } finally {
      await server.close();
      await server.database.drop();
    }
  });
});
