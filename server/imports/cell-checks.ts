import type { z } from 'zod';
import { getLatestProcess } from '../../machines/catalogue.js';
import { listSchemaIssues } from '../../machines/engine/schema-issues.js';
import type { LocalizedText } from '../../machines/localized-text.js';
import { invalidFeePeriodText, isFeePeriod } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { INSURANCE_TITLES, INSURANCES } from '../../machines/policy/parties.js';
import type { Insurance } from '../../machines/policy/parties.js';
import { columnTitle } from './push-file-columns.js';
import type { ColumnKey } from './push-file-columns.js';

/** One problem of one row: the row number as a spreadsheet shows it, the column (null for the whole row), a code and the reason. */
export interface RowIssue {
  readonly rowNumber: number;
  readonly column: ColumnKey | null;
  readonly columnTitle: LocalizedText | null;
  readonly code: string;
  readonly message: LocalizedText;
}

/** The cells every row has, checked before the columns of the row's change type. */
export interface CommonCells {
  /** Upper-cased; already reported when invalid. */
  readonly employerCode: string;
  /** Undefined when the cell is not a month, which is already reported. */
  readonly changeMonth: FeePeriod | undefined;
}

/** Records a problem of the row being checked, in one column. */
export type Report = (column: ColumnKey, code: string, message: LocalizedText) => void;

export function issue(rowNumber: number, column: ColumnKey | null, code: string, message: LocalizedText): RowIssue {
  return { rowNumber, column, columnTitle: column === null ? null : columnTitle(column), code, message };
}

/** Reports an empty cell, or a column the file lacks, as `MISSING_VALUE`; returns the cell text otherwise. */
export function requireCell(cells: Readonly<Partial<Record<ColumnKey, string>>>, column: ColumnKey, at: Report): string | undefined {
  const text = cells[column];
  if (text !== undefined && text !== '') return text;
  const title = columnTitle(column);
  at(column, 'MISSING_VALUE', text === undefined
    ? { zh: `文件没有“${title.zh}”列，而这一行需要它。请加上该列并填写。`, en: `The file has no ${title.zh} (${title.en}) column, which this row needs. Add the column and fill it in.` }
    : { zh: `“${title.zh}”不能为空。`, en: `${title.zh} (${title.en}) must not be empty.` });
  return undefined;
}

export function checkSchema(processId: string, input: unknown, rowNumber: number, paths: Readonly<Record<string, ColumnKey>>, issues: RowIssue[]): boolean {
  const definition = getLatestProcess(processId);
  if (!definition) throw new Error(`The catalogue has no process ${processId}`);
  return checkWith(definition.inputSchema, input, rowNumber, paths, issues);
}

export function checkWith(schema: z.ZodType, data: unknown, rowNumber: number, paths: Readonly<Record<string, ColumnKey>>, issues: RowIssue[]): boolean {
  const parsed = schema.safeParse(data);
  if (parsed.success) return true;
  for (const schemaIssue of listSchemaIssues(schema, data, parsed.error)) {
    issues.push(issue(rowNumber, paths[schemaIssue.path] ?? null, `INPUT_INVALID:${schemaIssue.path || 'row'}`, schemaIssue.message));
  }
  return false;
}

/** Insurance names as offices write them: the full title, or without 保险, separated by 、 , ， ; ； or spaces. */
export function parseInsurances(text: string, at: Report): Insurance[] | undefined {
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
export function parseMonth(text: string, column: ColumnKey, at: Report): FeePeriod | undefined {
  const compact = /^(\d{4})(\d{2})$/.exec(text);
  const normalised = compact ? `${compact[1]}-${compact[2]}` : text.replace('/', '-');
  if (isFeePeriod(normalised)) return normalised;
  at(column, 'INVALID_MONTH', invalidFeePeriodText(text));
  return undefined;
}

/** Reads `YYYY-MM-DD`, `YYYYMMDD` or `YYYY/MM/DD` as an ISO date text; the schema checks the date itself. */
export function normaliseDate(text: string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  return compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : text.replaceAll('/', '-');
}
