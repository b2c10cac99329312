import type { LocalizedText } from '../../machines/localized-text.js';

/**
 * The columns of a month-end push file, by the Chinese header offices use. `key` names the column in
 * code and in reports; `aliases` are other headers accepted for the same column.
 */
export const PUSH_FILE_COLUMNS = [
  { key: 'employerCode', header: '单位统一社会信用代码', en: 'Employer unified social credit code', aliases: ['统一社会信用代码'] },
  { key: 'name', header: '姓名', en: 'Name (before a change)', aliases: ['原姓名'] },
  { key: 'idType', header: '证件类型', en: 'ID type (before a change)', aliases: ['原证件类型'] },
  { key: 'idNumber', header: '证件号码', en: 'ID number (before a change)', aliases: ['原证件号码'] },
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
] as const;

export type ColumnKey = (typeof PUSH_FILE_COLUMNS)[number]['key'];

/** Columns every push file must have, whatever its rows' change types. */
export const REQUIRED_COLUMNS: readonly ColumnKey[] = ['employerCode', 'name', 'idNumber', 'changeType', 'insurances', 'changeMonth'];

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
