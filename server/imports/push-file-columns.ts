import type { LocalizedText } from '../../machines/localized-text.js';

/**
 * The columns of a month-end push file, by the Chinese header offices use. `key` names the column in
 * code and in reports; `aliases` are other headers accepted for the same column.
 */
export const PUSH_FILE_COLUMNS = [
  { key: 'employerCode', header: '单位统一社会信用代码', en: 'Employer unified social credit code', aliases: ['统一社会信用代码'] },
  { key: 'name', header: '姓名', en: 'Name (the old one on a change row)', aliases: ['原姓名'] },
  { key: 'idType', header: '证件类型', en: 'ID type (the old one on a change row)', aliases: ['原证件类型'] },
  { key: 'idNumber', header: '证件号码', en: 'ID number (the old one on a change row)', aliases: ['原证件号码'] },
  { key: 'changeType', header: '变动类型', en: 'Change type: 增加, 减少 or 变更', aliases: [] },
  { key: 'insurances', header: '险种', en: 'Insurances', aliases: [] },
  { key: 'changeMonth', header: '变动年月', en: 'Month of the change (YYYY-MM or YYYYMM)', aliases: [] },
  { key: 'contractKind', header: '合同类型', en: 'Labour contract kind (additions)', aliases: ['劳动合同类型'] },
  { key: 'contractStartsOn', header: '合同起始日期', en: 'Contract start date (additions)', aliases: ['劳动合同起始日期'] },
  { key: 'contractEndsOn', header: '合同终止日期', en: 'Contract end date (additions, fixed-term)', aliases: ['劳动合同终止日期'] },
  { key: 'startMonth', header: '开始缴费年月', en: 'First month charged here (terminations)', aliases: [] },
  { key: 'contractEndMonth', header: '合同终止年月', en: 'Month the contract ended (terminations)', aliases: ['解除劳动合同年月'] },
  { key: 'reason', header: '减员原因', en: 'Termination reason (terminations)', aliases: [] },
  { key: 'newName', header: '新姓名', en: 'New name (changes)', aliases: [] },
  { key: 'newIdType', header: '新证件类型', en: 'New ID type (changes)', aliases: [] },
  { key: 'newIdNumber', header: '新证件号码', en: 'New ID number (changes)', aliases: [] },
  { key: 'employerName', header: '单位名称', en: 'Employer name (employer registrations)', aliases: ['单位全称'] },
  { key: 'openedOn', header: '开户日期', en: 'Date the social insurance account was opened (employer registrations)', aliases: ['单位开户日期'] },
  { key: 'workInjuryRiskClass', header: '工伤风险类别', en: 'Work-injury risk class, 1 to 8 (employer registrations)', aliases: ['行业风险类别'] },
  { key: 'accountKind', header: '单位户类型', en: 'Account kind (employer registrations)', aliases: ['户类型'] },
  { key: 'needsFirstMonthBackPayment', header: '开户当月补缴', en: 'Back-payments for new staff in the first month (employer registrations)', aliases: ['当月需补缴'] },
  { key: 'pensionHeadcount', header: '养老人数', en: 'Pension headcount (headcounts)', aliases: ['养老保险人数'] },
  { key: 'unemploymentHeadcount', header: '失业人数', en: 'Unemployment headcount (headcounts)', aliases: ['失业保险人数'] },
  { key: 'workInjuryHeadcount', header: '工伤人数', en: 'Work-injury headcount (headcounts)', aliases: ['工伤保险人数'] },
  { key: 'medicalHeadcount', header: '医疗人数', en: 'Medical headcount (headcounts)', aliases: ['医疗保险人数'] },
] as const;

export type ColumnKey = (typeof PUSH_FILE_COLUMNS)[number]['key'];

/** The values of the 变动类型 column and the kind of row each one makes. */
export const CHANGE_TYPES = {
  增加: 'addition',
  减少: 'termination',
  变更: 'change',
  单位登记: 'employer-registration',
  人数: 'headcount',
} as const;
export type ChangeType = (typeof CHANGE_TYPES)[keyof typeof CHANGE_TYPES];

/** Columns every push file must have, whatever its rows' change types. */
export const REQUIRED_COLUMNS: readonly ColumnKey[] = ['employerCode', 'changeType', 'changeMonth'];

const PERSON_COLUMNS: readonly ColumnKey[] = ['name', 'idNumber', 'insurances'];

/**
 * Further columns a push file must have when any of its rows has this change type. A headcount row needs
 * only the headcount columns of its own side, so the row check reports a missing one instead.
 */
export const COLUMNS_BY_CHANGE_TYPE: Readonly<Record<ChangeType, readonly ColumnKey[]>> = {
  addition: PERSON_COLUMNS,
  termination: PERSON_COLUMNS,
  change: PERSON_COLUMNS,
  'employer-registration': ['employerName', 'openedOn', 'workInjuryRiskClass', 'insurances'],
  headcount: [],
};

/** Returns the kind of row a 变动类型 value makes; undefined for an unknown value. */
export function changeTypeOf(text: string): ChangeType | undefined {
  return Object.hasOwn(CHANGE_TYPES, text) ? (CHANGE_TYPES as Readonly<Record<string, ChangeType>>)[text] : undefined;
}

/** Returns the 变动类型 value of a kind of row, such as 增加 for `addition`. */
export function changeTypeTitle(changeType: ChangeType): string {
  return Object.entries(CHANGE_TYPES).find(([, value]) => value === changeType)?.[0] ?? changeType;
}

const COLUMN_BY_HEADER = new Map<string, ColumnKey>(
  PUSH_FILE_COLUMNS.flatMap((column) => [column.header, ...column.aliases].map((header) => [header, column.key] as const)),
);

/** Returns the column a header names, ignoring surrounding spaces and a byte-order mark; undefined when unknown. */
export function columnOfHeader(header: string): ColumnKey | undefined {
  return COLUMN_BY_HEADER.get(header.replace(/^\uFEFF/, '').trim());
}

/** Returns the column's title as reports show it: the Chinese header and the English name. */
export function columnTitle(key: ColumnKey): LocalizedText {
  const column = PUSH_FILE_COLUMNS.find((candidate) => candidate.key === key);
  return { zh: column?.header ?? key, en: column?.en ?? key };
}
