import type { z } from 'zod';
import { getLatestProcess } from '../../machines/catalogue.js';
import { listSchemaIssues } from '../../machines/engine/schema-issues.js';
import type { LocalizedText } from '../../machines/localized-text.js';
import { compareFeePeriods, feePeriodOfDate, formatFeePeriodZh, HANDOVER_FEE_PERIOD, invalidFeePeriodText, isFeePeriod } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { validateCreditCode, validateResidentId } from '../../machines/policy/identifiers.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { INSURANCE_TITLES, INSURANCES } from '../../machines/policy/parties.js';
import type { Insurance } from '../../machines/policy/parties.js';
import { ID_TYPE_TITLES, ID_TYPES } from '../../machines/processes/personal-data-change.js';
import type { IdType } from '../../machines/processes/personal-data-change.js';
import { LABOUR_CONTRACT_KINDS } from '../../machines/processes/personnel-addition.js';
import { TERMINATION_REASON_TITLES, TERMINATION_REASONS } from '../../machines/processes/personnel-termination.js';
import { columnTitle } from './push-file-columns.js';
import type { ColumnKey } from './push-file-columns.js';
import type { PushFileRow } from './read-push-file.js';

/** One problem of one row: the row number as a spreadsheet shows it, the column (null for the whole row), a code and the reason. */
export interface RowIssue {
  readonly rowNumber: number;
  readonly column: ColumnKey | null;
  readonly columnTitle: LocalizedText | null;
  readonly code: string;
  readonly message: LocalizedText;
}

/** The plan of a valid row: the case to open, then optionally an event to send it (see docs/import-format.md). */
export interface PlannedRow {
  readonly rowNumber: number;
  readonly changeType: ChangeType;
  readonly processId: 'personnel-addition' | 'personnel-termination' | 'personal-data-change';
  readonly input: Record<string, unknown>;
  /** The party whose push the row comes from: medical when the row lists only medical insurance, else hr. */
  readonly party: 'hr' | 'medical';
  /** For a change: the side's change event, sent to the person's open change case or to a new one. */
  readonly event?: { readonly type: 'HR_CHANGE_RECORDED' | 'MEDICAL_CHANGE_RECORDED'; readonly data: Record<string, unknown> };
  readonly employerCode: string;
  readonly personIdNumber: string;
}

export interface ImportPlan {
  readonly planned: readonly PlannedRow[];
  readonly issues: readonly RowIssue[];
}

export const CHANGE_TYPES = { 增加: 'addition', 减少: 'termination', 变更: 'change' } as const;
export type ChangeType = (typeof CHANGE_TYPES)[keyof typeof CHANGE_TYPES];

const CONTRACT_KIND_BY_TITLE: Readonly<Record<string, (typeof LABOUR_CONTRACT_KINDS)[number]>> = {
  固定期限: 'fixed-term',
  无固定期限: 'open-ended',
  以完成一定工作任务为期限: 'task-based',
};

/** A lookup of insured people: "employer|ID number" of every personnel-addition case of the given employers. */
export type InsuredLookup = (employerCodes: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * Checks every row of a push file and plans what each valid row does, changing nothing. A row is bad
 * when a cell is invalid, such as a bad check character, an unknown insurance or a change month outside
 * 2023-12 to the current month. It is also bad when the process's own schema rejects it, or when the same
 * person appears twice with the same change type (and, for changes, the same side). Last, a termination
 * is bad for a person with no personnel-addition case at that employer and no addition earlier in the file.
 */
export async function planImport(rows: readonly PushFileRow[], today: IsoDate, insuredPeople: InsuredLookup): Promise<ImportPlan> {
  const issues: RowIssue[] = [];
  const planned: PlannedRow[] = [];
  const firstRowOfPerson = new Map<string, number>();
  const currentMonth = feePeriodOfDate(today);

  const employers = [...new Set(rows.map((row) => row.cells.employerCode ?? ''))];
  const insured = new Set(await insuredPeople(employers));

  for (const row of rows) {
    const rowIssues: RowIssue[] = [];
    const plan = planRow(row, currentMonth, rowIssues);
    if (plan) {
      const firstRow = firstRowOfPerson.get(personKeyOf(plan));
      if (firstRow !== undefined) {
        rowIssues.push(issue(row.rowNumber, 'idNumber', 'DUPLICATE_PERSON', {
          zh: `同一人员在本文件中重复出现：第 ${firstRow} 行已有同一单位、同一证件号码的“${changeTypeTitle(plan.changeType)}”记录。`,
          en: `The same person appears twice in this file: row ${firstRow} already has a ${plan.changeType} row for this employer and ID number.`,
        }));
      } else if (plan.changeType === 'termination' && !insured.has(`${plan.employerCode}|${plan.personIdNumber}`)) {
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
    firstRowOfPerson.set(personKeyOf(plan), row.rowNumber);
    if (plan.changeType === 'addition') insured.add(`${plan.employerCode}|${plan.personIdNumber}`);
    planned.push(plan);
  }
  return { planned, issues };
}

/** Duplicates share employer, ID number and change type, and for a change also the side (hr or medical). */
function personKeyOf(plan: PlannedRow): string {
  return `${plan.employerCode}|${plan.personIdNumber}|${plan.changeType}${plan.event ? `|${plan.party}` : ''}`;
}

function planRow(row: PushFileRow, currentMonth: FeePeriod, issues: RowIssue[]): PlannedRow | undefined {
  const cells = row.cells;
  const at = (column: ColumnKey, code: string, message: LocalizedText) => issues.push(issue(row.rowNumber, column, code, message));

  const changeTypeText = cells.changeType ?? '';
  const changeType = (CHANGE_TYPES as Record<string, ChangeType>)[changeTypeText];
  if (changeType === undefined) {
    at('changeType', 'UNKNOWN_CHANGE_TYPE', {
      zh: `变动类型“${changeTypeText}”无效：应为 增加、减少 或 变更。`,
      en: `Invalid change type "${changeTypeText}": expected 增加 (addition), 减少 (termination) or 变更 (change).`,
    });
  }

  const employerCode = (cells.employerCode ?? '').toUpperCase();
  const creditCheck = validateCreditCode(employerCode);
  if (!creditCheck.ok) at('employerCode', creditCheck.code, creditCheck.message);

  const idType = parseIdType(cells.idType ?? '', 'idType', at);
  const idNumber = parseIdNumber(cells.idNumber ?? '', idType, 'idNumber', at);
  const insurances = parseInsurances(cells.insurances ?? '', at);
  const changeMonth = parseMonth(cells.changeMonth ?? '', 'changeMonth', at);
  if (changeMonth !== undefined && (compareFeePeriods(changeMonth, HANDOVER_FEE_PERIOD) < 0 || compareFeePeriods(changeMonth, currentMonth) > 0)) {
    at('changeMonth', 'CHANGE_MONTH_OUT_OF_RANGE', {
      zh: `变动年月 ${formatFeePeriodZh(changeMonth)} 超出范围：月末推送税务的变动应在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 至本月（${formatFeePeriodZh(currentMonth)}）之间。`,
      en: `The change month ${changeMonth} is out of range: changes pushed to tax at month end must fall from ${HANDOVER_FEE_PERIOD} to the current month, ${currentMonth}.`,
    });
  }
  if (issues.length > 0 || changeType === undefined || idType === undefined || idNumber === undefined || insurances === undefined || changeMonth === undefined) {
    return undefined;
  }

  const party = insurances.every((insurance) => insurance === 'medical') ? 'medical' : 'hr';
  const base = { rowNumber: row.rowNumber, changeType, party, employerCode, personIdNumber: idNumber } as const;
  const name = cells.name ?? '';

  if (changeType === 'addition') {
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
  return { ...base, processId: 'personal-data-change', input, event: { type, data } };
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

function checkSchema(processId: string, input: unknown, rowNumber: number, paths: Readonly<Record<string, ColumnKey>>, issues: RowIssue[]): boolean {
  const definition = getLatestProcess(processId);
  if (!definition) throw new Error(`The catalogue has no process ${processId}`);
  return checkWith(definition.inputSchema, input, rowNumber, paths, issues);
}

function checkWith(schema: z.ZodType, data: unknown, rowNumber: number, paths: Readonly<Record<string, ColumnKey>>, issues: RowIssue[]): boolean {
  const parsed = schema.safeParse(data);
  if (parsed.success) return true;
  for (const schemaIssue of listSchemaIssues(schema, data, parsed.error)) {
    issues.push(issue(rowNumber, paths[schemaIssue.path] ?? null, `INPUT_INVALID:${schemaIssue.path || 'row'}`, schemaIssue.message));
  }
  return false;
}

function issue(rowNumber: number, column: ColumnKey | null, code: string, message: LocalizedText): RowIssue {
  return { rowNumber, column, columnTitle: column === null ? null : columnTitle(column), code, message };
}

type Report = (column: ColumnKey, code: string, message: LocalizedText) => void;

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

/** Insurance names as offices write them: the full title, or without 保险, separated by 、 , ， ; ； or spaces. */
function parseInsurances(text: string, at: Report): Insurance[] | undefined {
  const names = text.split(/[、,，;；\s]+/).filter((name) => name !== '');
  const insurances: Insurance[] = [];
  for (const name of names) {
    const insurance = INSURANCES.find((candidate) => {
      const title = INSURANCE_TITLES[candidate].zh;
      return name === title || name === title.replace(/保险.*$/, '') || name === `${title.replace(/保险.*$/, '')}保险` || name === candidate;
    });
    if (insurance === undefined) {
      at('insurances', 'UNKNOWN_INSURANCE', {
        zh: `险种“${name}”无效：应为 养老、失业、工伤、医疗 之一（可带“保险”二字），多个险种以顿号或逗号分隔。`,
        en: `Unknown insurance "${name}": expected 养老 (pension), 失业 (unemployment), 工伤 (work injury) or 医疗 (medical), optionally followed by 保险, separated by 、 or commas.`,
      });
      return undefined;
    }
    if (!insurances.includes(insurance)) insurances.push(insurance);
  }
  if (insurances.length === 0) {
    at('insurances', 'MISSING_INSURANCE', { zh: '险种不能为空。', en: 'The insurances must not be empty.' });
    return undefined;
  }
  return insurances;
}

/** Reads `YYYY-MM`, `YYYYMM` or `YYYY/MM` as a fee period. */
function parseMonth(text: string, column: ColumnKey, at: Report): FeePeriod | undefined {
  const compact = /^(\d{4})(\d{2})$/.exec(text);
  const normalised = compact ? `${compact[1]}-${compact[2]}` : text.replace('/', '-');
  if (isFeePeriod(normalised)) return normalised;
  at(column, 'INVALID_MONTH', invalidFeePeriodText(text));
  return undefined;
}

/** Reads `YYYY-MM-DD`, `YYYYMMDD` or `YYYY/MM/DD` as an ISO date text; the schema checks the date itself. */
function normaliseDate(text: string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  return compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : text.replaceAll('/', '-');
}

function changeTypeTitle(changeType: ChangeType): string {
  return Object.entries(CHANGE_TYPES).find(([, value]) => value === changeType)?.[0] ?? changeType;
}
