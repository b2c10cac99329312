import { compareFeePeriods, feePeriodOfDate, formatFeePeriodZh, HANDOVER_FEE_PERIOD } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { validateCreditCode, validateResidentId } from '../../machines/policy/identifiers.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { getLatestProcess } from '../../machines/catalogue.js';
import { ID_TYPE_TITLES, ID_TYPES } from '../../machines/processes/personal-data-change.js';
import type { IdType } from '../../machines/processes/personal-data-change.js';
import { LABOUR_CONTRACT_KINDS } from '../../machines/processes/personnel-addition.js';
import { TERMINATION_REASON_TITLES, TERMINATION_REASONS } from '../../machines/processes/personnel-termination.js';
import { checkSchema, checkWith, issue, normaliseDate, parseInsurances, parseMonth, requireCell } from './cell-checks.js';
import type { CommonCells, Report, RowIssue } from './cell-checks.js';
import { planEmployerRow } from './plan-employer-row.js';
import { planHeadcountRow } from './plan-headcount-row.js';
import type { OpenMonthlyReport } from './plan-headcount-row.js';
import { CHANGE_TYPES, changeTypeOf, changeTypeTitle } from './push-file-columns.js';
import type { ChangeType, ColumnKey } from './push-file-columns.js';
import type { PushFileRow } from './read-push-file.js';

export type { RowIssue } from './cell-checks.js';

/** The processes whose cases an import opens or advances. */
export type ImportedProcessId = 'personnel-addition' | 'personnel-termination' | 'personal-data-change' | 'employer-registration' | 'monthly-report';

/**
 * How a planned row reaches its case. `new-case` opens one. `open-change-case` sends the row's event to the
 * person's open personal-data-change case and opens one first when there is none. `open-monthly-report`
 * sends it to the open monthly report of the employer and fee period, which must exist.
 */
export type RowTarget = 'new-case' | 'open-change-case' | 'open-monthly-report';

/** The plan of a valid row: the case to open or advance, and the event to send it (see docs/import-format.md). */
export interface PlannedRow {
  readonly rowNumber: number;
  readonly changeType: ChangeType;
  readonly processId: ImportedProcessId;
  /** The input of the case the row opens; for a headcount row, the employer and fee period of the monthly report it feeds. */
  readonly input: Record<string, unknown>;
  /** The party whose push the row comes from: medical for a medical-only row, else hr. */
  readonly party: 'hr' | 'medical';
  readonly target: RowTarget;
  /**
   * For a change, the side's change event. For a headcount, the push event that the monthly report accepted
   * when the file was checked. The real run chooses that event again from the case's state at that time.
   */
  readonly event?: { readonly type: string; readonly data: Record<string, unknown> };
  readonly employerCode: string;
  /** The person's ID number; null for employer and headcount rows. */
  readonly personIdNumber: string | null;
  /** Rows with the same key are duplicates, and every one after the first is a bad row. */
  readonly duplicateKey: string;
}

export interface ImportPlan {
  readonly planned: readonly PlannedRow[];
  readonly issues: readonly RowIssue[];
}

/** Database reads of the checks, for the employers named in the file. */
export interface ImportLookups {
  /** "employer|ID number" of every personnel-addition case of the given employers. */
  insuredPeople(employerCodes: readonly string[]): Promise<ReadonlySet<string>>;
  /** The id of an employer-registration case of each given employer that has one. */
  registeredEmployers(employerCodes: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The open monthly-report cases of the given employers, by "employer|fee period". */
  openMonthlyReports(employerCodes: readonly string[]): Promise<ReadonlyMap<string, OpenMonthlyReport>>;
}

const CONTRACT_KIND_BY_TITLE: Readonly<Record<string, (typeof LABOUR_CONTRACT_KINDS)[number]>> = {
  固定期限: 'fixed-term',
  无固定期限: 'open-ended',
  以完成一定工作任务为期限: 'task-based',
};

/**
 * Checks every row of a push file and plans what each valid row does, changing nothing. A row is bad
 * when a cell is invalid, such as a bad check character, an unknown insurance or a change month outside
 * 2023-12 to the current month. It is also bad when the process's own schema rejects it. A row that
 * repeats an earlier valid row is bad too: the same person with the same change type (and, for changes,
 * the same side), the same employer registered twice, or one side's headcount of one monthly report twice.
 * Last, the database decides three checks: a termination needs a personnel-addition case at that employer
 * (or an addition earlier in the file), an employer registration needs the employer to have none yet,
 * and a headcount needs an open monthly report that accepts the side's push. The last two skip the rows
 * in `appliedBefore` (rows an earlier run of the same file applied), because those rows caused the state
 * they would find.
 */
export async function planImport(rows: readonly PushFileRow[], today: IsoDate, appliedBefore: ReadonlySet<number>, lookups: ImportLookups): Promise<ImportPlan> {
  const issues: RowIssue[] = [];
  const planned: PlannedRow[] = [];
  const firstRowOfKey = new Map<string, number>();
  const currentMonth = feePeriodOfDate(today);

  const insured = new Set(await lookups.insuredPeople([...new Set(rows.map((row) => row.cells.employerCode ?? ''))]));
  const registeringEmployers = employersWithRowsOf(rows, 'employer-registration');
  const registered = registeringEmployers.length > 0 ? await lookups.registeredEmployers(registeringEmployers) : new Map<string, string>();
  const reportingEmployers = employersWithRowsOf(rows, 'headcount');
  const monthlyReports = reportingEmployers.length > 0 ? await lookups.openMonthlyReports(reportingEmployers) : new Map<string, OpenMonthlyReport>();

  for (const row of rows) {
    const rowIssues: RowIssue[] = [];
    const plan = planRow(row, { currentMonth, today, registered, monthlyReports, appliedBefore }, rowIssues);
    if (plan) {
      const firstRow = firstRowOfKey.get(plan.duplicateKey);
      if (firstRow !== undefined) {
        rowIssues.push(duplicateIssue(plan, firstRow));
      } else if (plan.changeType === 'termination' && !insured.has(`${plan.employerCode}|${plan.personIdNumber ?? ''}`)) {
        rowIssues.push(issue(row.rowNumber, 'idNumber', 'PERSON_NOT_INSURED', {
          zh: '该人员在本单位没有参保登记（增员）记录，本文件前面的行也没有为其增员，不能减员。请核对单位代码和证件号码。',
          en: 'This person has no personnel addition at this employer, and no earlier row of this file adds them, so they cannot be terminated. Check the employer code and the ID number.',
        }));
      }
    }

    if (rowIssues.length > 0 || !plan) {
      issues.push(...rowIssues);
      continue;
    }
    firstRowOfKey.set(plan.duplicateKey, row.rowNumber);
    if (plan.changeType === 'addition') insured.add(`${plan.employerCode}|${plan.personIdNumber ?? ''}`);
    planned.push(plan);
  }
  return { planned, issues };
}

/** Returns the upper-cased employer codes of the rows with this change type, each once. */
function employersWithRowsOf(rows: readonly PushFileRow[], changeType: ChangeType): string[] {
  const codes = new Set<string>();
  for (const row of rows) {
    if (changeTypeOf(row.cells.changeType ?? '') === changeType) codes.add((row.cells.employerCode ?? '').toUpperCase());
  }
  return [...codes];
}

function duplicateIssue(plan: PlannedRow, firstRow: number): RowIssue {
  if (plan.changeType === 'employer-registration') {
    return issue(plan.rowNumber, 'employerCode', 'DUPLICATE_EMPLOYER', {
      zh: `同一单位在本文件中重复登记：第 ${firstRow} 行已有该统一社会信用代码的“单位登记”记录。`,
      en: `The same employer is registered twice in this file: row ${firstRow} already has an employer registration row for this unified social credit code.`,
    });
  }
  if (plan.changeType === 'headcount') {
    const side = plan.party === 'hr' ? { zh: '人社（三险）', en: 'hr (three insurances)' } : { zh: '医保（医疗）', en: 'medical' };
    return issue(plan.rowNumber, null, 'DUPLICATE_HEADCOUNT', {
      zh: `同一月报的人数在本文件中重复出现：第 ${firstRow} 行已有该单位、该费款所属期${side.zh}的“人数”记录。`,
      en: `The same headcount appears twice in this file: row ${firstRow} already has the ${side.en} headcount of this employer and fee period.`,
    });
  }
  return issue(plan.rowNumber, 'idNumber', 'DUPLICATE_PERSON', {
    zh: `同一人员在本文件中重复出现：第 ${firstRow} 行已有同一单位、同一证件号码的“${changeTypeTitle(plan.changeType)}”记录。`,
    en: `The same person appears twice in this file: row ${firstRow} already has a ${plan.changeType} row for this employer and ID number.`,
  });
}

interface RowContext {
  readonly currentMonth: FeePeriod;
  readonly today: IsoDate;
  readonly registered: ReadonlyMap<string, string>;
  readonly monthlyReports: ReadonlyMap<string, OpenMonthlyReport>;
  readonly appliedBefore: ReadonlySet<number>;
}

/** Checks the cells every row has, then the columns of the row's change type. */
function planRow(row: PushFileRow, context: RowContext, issues: RowIssue[]): PlannedRow | undefined {
  const cells = row.cells;
  const at: Report = (column, code, message) => issues.push(issue(row.rowNumber, column, code, message));

  const changeTypeText = cells.changeType ?? '';
  const changeType = changeTypeOf(changeTypeText);
  if (changeType === undefined) {
    at('changeType', 'UNKNOWN_CHANGE_TYPE', {
      zh: `变动类型“${changeTypeText}”无效：应为 ${Object.keys(CHANGE_TYPES).join('、')} 之一。`,
      en: `Invalid change type "${changeTypeText}": expected 增加 (addition), 减少 (termination), 变更 (change), 单位登记 (employer registration) or 人数 (headcount).`,
    });
  }

  const employerCode = (cells.employerCode ?? '').toUpperCase();
  const creditCheck = validateCreditCode(employerCode);
  if (!creditCheck.ok) at('employerCode', creditCheck.code, creditCheck.message);

  const changeMonth = parseMonth(cells.changeMonth ?? '', 'changeMonth', at);
  if (changeMonth !== undefined && (compareFeePeriods(changeMonth, HANDOVER_FEE_PERIOD) < 0 || compareFeePeriods(changeMonth, context.currentMonth) > 0)) {
    at('changeMonth', 'CHANGE_MONTH_OUT_OF_RANGE', {
      zh: `变动年月 ${formatFeePeriodZh(changeMonth)} 超出范围：月末推送税务的变动应在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 至本月（${formatFeePeriodZh(context.currentMonth)}）之间。`,
      en: `The change month ${changeMonth} is out of range: changes pushed to tax at month end must fall from ${HANDOVER_FEE_PERIOD} to the current month, ${context.currentMonth}.`,
    });
  }

  const common = { employerCode, changeMonth };
  const appliedBefore = context.appliedBefore.has(row.rowNumber);
  if (changeType === 'employer-registration') return planEmployerRow(row, common, appliedBefore ? new Map() : context.registered, issues);
  if (changeType === 'headcount') return planHeadcountRow(row, common, appliedBefore ? 'applied-before' : context.monthlyReports, context.today, issues);
  return planPersonRow(row, changeType, common, issues);
}

/** Plans an addition, a termination or a change; with an unknown change type, only reports the person's cells. */
function planPersonRow(row: PushFileRow, changeType: ChangeType | undefined, common: CommonCells, issues: RowIssue[]): PlannedRow | undefined {
  const cells = row.cells;
  const at: Report = (column, code, message) => issues.push(issue(row.rowNumber, column, code, message));
  const { employerCode, changeMonth } = common;

  const idType = parseIdType(cells.idType ?? '', 'idType', at);
  const idNumber = parseIdNumber(cells.idNumber ?? '', idType, 'idNumber', at);
  const insurances = parseInsurances(cells.insurances ?? '', at);
  if (issues.length > 0 || changeType === undefined || idType === undefined || idNumber === undefined || insurances === undefined || changeMonth === undefined) {
    return undefined;
  }

  const party = insurances.every((insurance) => insurance === 'medical') ? 'medical' : 'hr';
  const base = {
    rowNumber: row.rowNumber,
    changeType,
    party,
    employerCode,
    personIdNumber: idNumber,
    target: 'new-case',
    duplicateKey: `${employerCode}|${idNumber}|${changeType}`,
  } as const;
  const name = cells.name ?? '';

  if (changeType === 'addition') {
    // An empty cell or a missing column is a missing value, not an invalid contract kind.
    if (requireCell(cells, 'contractKind', at) === undefined) return undefined;
    const contractKind = CONTRACT_KIND_BY_TITLE[cells.contractKind ?? ''];
    if (contractKind === undefined) {
      at('contractKind', 'UNKNOWN_CONTRACT_KIND', {
        zh: `合同类型“${cells.contractKind ?? ''}”无效：应为 固定期限、无固定期限 或 以完成一定工作任务为期限。`,
        en: `Invalid contract kind "${cells.contractKind ?? ''}": expected 固定期限 (fixed-term), 无固定期限 (open-ended) or 以完成一定工作任务为期限 (task-based).`,
      });
      return undefined;
    }
    const endsOn = normaliseDate(cells.contractEndsOn ?? '');
    const input = {
      employerCode,
      person: { name, idNumber },
      labourContract: { kind: contractKind, startsOn: normaliseDate(cells.contractStartsOn ?? ''), ...(endsOn !== '' ? { endsOn } : {}) },
      insurances,
    };
    if (!checkSchema('personnel-addition', input, row.rowNumber, ADDITION_PATHS, issues)) return undefined;
    return { ...base, processId: 'personnel-addition', input };
  }

  if (changeType === 'termination') {
    const startMonth = parseMonth(cells.startMonth ?? '', 'startMonth', at);
    const contractEndMonth = parseMonth(cells.contractEndMonth ?? '', 'contractEndMonth', at);
    const reason = TERMINATION_REASONS.find((candidate) => TERMINATION_REASON_TITLES[candidate].zh === cells.reason);
    if (reason === undefined) {
      at('reason', 'UNKNOWN_TERMINATION_REASON', {
        zh: `减员原因“${cells.reason ?? ''}”无效：应为 ${TERMINATION_REASONS.map((candidate) => TERMINATION_REASON_TITLES[candidate].zh).join('、')} 之一。`,
        en: `Invalid termination reason "${cells.reason ?? ''}": expected one of ${TERMINATION_REASONS.map((candidate) => TERMINATION_REASON_TITLES[candidate].zh).join(', ')}.`,
      });
    }
    if (startMonth === undefined || contractEndMonth === undefined || reason === undefined) return undefined;
    const input = { employerCode, person: { name, idNumber }, startMonth, contractEndMonth, terminationMonth: changeMonth, reason, insurances };
    if (!checkSchema('personnel-termination', input, row.rowNumber, TERMINATION_PATHS, issues)) return undefined;
    return { ...base, processId: 'personnel-termination', input };
  }

  if (party === 'hr' && insurances.includes('medical')) {
    at('insurances', 'CHANGE_FROM_BOTH_SIDES', {
      zh: '变更记录只能来自一方：人社（养老、失业、工伤）或医保（医疗），请分成两行。',
      en: 'A change row comes from one side only: hr (pension, unemployment, work injury) or medical (medical); split it into two rows.',
    });
    return undefined;
  }
  const newIdType = cells.newIdType ? parseIdType(cells.newIdType, 'newIdType', at) : idType;
  const newIdNumber = cells.newIdNumber ? parseIdNumber(cells.newIdNumber, newIdType ?? idType, 'newIdNumber', at) : idNumber;
  if (newIdType === undefined || newIdNumber === undefined) return undefined;
  const input = { employerCode, before: { name, idType, idNumber }, requestedIn: changeMonth };
  const data = { after: { name: cells.newName || name, idType: newIdType, idNumber: newIdNumber }, month: changeMonth };
  if (!checkSchema('personal-data-change', input, row.rowNumber, CHANGE_PATHS, issues)) return undefined;
  const type = party === 'hr' ? 'HR_CHANGE_RECORDED' : 'MEDICAL_CHANGE_RECORDED';
  const eventSchema = getLatestProcess('personal-data-change')?.events[type]?.schema;
  if (eventSchema && !checkWith(eventSchema, data, row.rowNumber, CHANGE_EVENT_PATHS, issues)) return undefined;
  return { ...base, target: 'open-change-case', duplicateKey: `${base.duplicateKey}|${party}`, processId: 'personal-data-change', input, event: { type, data } };
}

/** Columns of the input fields each process's schema may reject, by dotted path. */
const ADDITION_PATHS: Readonly<Record<string, ColumnKey>> = {
  employerCode: 'employerCode',
  'person.name': 'name',
  'person.idNumber': 'idNumber',
  'labourContract.kind': 'contractKind',
  'labourContract.startsOn': 'contractStartsOn',
  'labourContract.endsOn': 'contractEndsOn',
  insurances: 'insurances',
};
const TERMINATION_PATHS: Readonly<Record<string, ColumnKey>> = {
  employerCode: 'employerCode',
  'person.name': 'name',
  'person.idNumber': 'idNumber',
  startMonth: 'startMonth',
  contractEndMonth: 'contractEndMonth',
  terminationMonth: 'changeMonth',
  reason: 'reason',
  insurances: 'insurances',
};
const CHANGE_PATHS: Readonly<Record<string, ColumnKey>> = {
  employerCode: 'employerCode',
  'before.name': 'name',
  'before.idType': 'idType',
  'before.idNumber': 'idNumber',
  requestedIn: 'changeMonth',
};
const CHANGE_EVENT_PATHS: Readonly<Record<string, ColumnKey>> = {
  'after.name': 'newName',
  'after.idType': 'newIdType',
  'after.idNumber': 'newIdNumber',
  month: 'changeMonth',
};

function parseIdType(text: string, column: ColumnKey, at: Report): IdType | undefined {
  if (text === '') return 'resident-id';
  const idType = ID_TYPES.find((candidate) => ID_TYPE_TITLES[candidate].zh === text || candidate === text);
  if (idType === undefined) {
    at(column, 'UNKNOWN_ID_TYPE', {
      zh: `证件类型“${text}”无效：应为 ${ID_TYPES.map((candidate) => ID_TYPE_TITLES[candidate].zh).join('、')} 之一。`,
      en: `Invalid ID type "${text}": expected one of ${ID_TYPES.map((candidate) => ID_TYPE_TITLES[candidate].zh).join(', ')}.`,
    });
  }
  return idType;
}

function parseIdNumber(text: string, idType: IdType | undefined, column: ColumnKey, at: Report): string | undefined {
  if (idType !== 'resident-id') return text.toUpperCase();
  const check = validateResidentId(text);
  if (!check.ok) {
    at(column, check.code, check.message);
    return undefined;
  }
  return check.value;
}
