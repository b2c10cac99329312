import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { LocalizedText } from '../../machines/localized-text.js';
import { changeTypeOf, columnOfHeader, COLUMNS_BY_CHANGE_TYPE, REQUIRED_COLUMNS, columnTitle } from './push-file-columns.js';
import type { ColumnKey } from './push-file-columns.js';

/** One data row of a push file; `rowNumber` counts from 1 at the header row, as a spreadsheet shows it. */
export interface PushFileRow {
  readonly rowNumber: number;
  readonly cells: Readonly<Partial<Record<ColumnKey, string>>>;
}

export interface PushFile {
  /** SHA-256 of the file's bytes in hex: the identity of the import. */
  readonly sha256: string;
  readonly rows: readonly PushFileRow[];
  /** Headers that name no known column; their cells are ignored. */
  readonly ignoredHeaders: readonly string[];
}

export type PushFileFormat = 'csv' | 'xlsx';

/** Thrown when the file as a whole cannot be read: wrong format, missing columns, no header row. */
export class PushFileError extends Error {
  readonly localized: LocalizedText;

  constructor(localized: LocalizedText) {
    super(localized.en);
    this.localized = localized;
  }
}

/** Picks the format from a file name, a content type or both; CSV unless one names a spreadsheet. */
export function formatOf(nameOrContentType: string): PushFileFormat {
  const lower = nameOrContentType.toLowerCase();
  return /\.xlsx(\s|$)/.test(lower) || lower.includes('spreadsheetml') ? 'xlsx' : 'csv';
}

/**
 * Reads a push file: a UTF-8 CSV (RFC 4180 quoting, optional byte-order mark) or the first worksheet of
 * an .xlsx workbook. Every cell is read as text, so ID numbers never pass through a number. Throws
 * `PushFileError` when the header row lacks a column that every file needs, or one that the change
 * types of its rows need (姓名 for person rows, 单位名称 for employer rows, for example).
 */
export async function readPushFile(bytes: Uint8Array, format: PushFileFormat): Promise<PushFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const table = format === 'xlsx' ? await readWorksheet(bytes) : parseCsv(Buffer.from(bytes).toString('utf8'));
  const [headerRow, ...dataRows] = table;
  if (headerRow === undefined) {
    throw new PushFileError({ zh: '文件为空：第 1 行应为列标题。', en: 'The file is empty: row 1 must hold the column headers.' });
  }

  const keys = headerRow.map((header) => columnOfHeader(header));
  throwOnMissingColumns(keys, REQUIRED_COLUMNS);

  const rows: PushFileRow[] = [];
  dataRows.forEach((values, index) => {
    if (values.every((value) => value.trim() === '')) return;
    const cells: Partial<Record<ColumnKey, string>> = {};
    keys.forEach((key, column) => {
      if (key !== undefined) cells[key] = (values[column] ?? '').trim();
    });
    rows.push({ rowNumber: index + 2, cells });
  });

  const changeTypes = new Set(rows.map((row) => changeTypeOf(row.cells.changeType ?? '')));
  const neededByRows = [...changeTypes].flatMap((changeType) => (changeType === undefined ? [] : COLUMNS_BY_CHANGE_TYPE[changeType]));
  throwOnMissingColumns(keys, [...new Set(neededByRows)]);
  const ignoredHeaders = headerRow.filter((header, column) => keys[column] === undefined && header.trim() !== '');
  return { sha256, rows, ignoredHeaders };
}

function throwOnMissingColumns(keys: readonly (ColumnKey | undefined)[], required: readonly ColumnKey[]): void {
  const missing = required.filter((key) => !keys.includes(key));
  if (missing.length === 0) return;
  throw new PushFileError({
    zh: `第 1 行缺少必需的列：${missing.map((key) => columnTitle(key).zh).join('、')}。`,
    en: `Row 1 lacks required columns: ${missing.map((key) => `${columnTitle(key).zh} (${columnTitle(key).en})`).join(', ')}.`,
  });
}

/** Splits CSV text into rows of fields: commas, CRLF or LF line ends, double quotes with `""` escapes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.replace(/^\uFEFF/, '');

  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (quoted) {
      if (character !== '"') field += character;
      else if (source[index + 1] === '"') (field += '"'), index++;
      else quoted = false;
      continue;
    }
    if (character === '"') quoted = true;
    else if (character === ',') row.push(field), (field = '');
    else if (character === '\n' || character === '\r') {
      if (character === '\r' && source[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += character;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function readWorksheet(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (error) {
    throw new PushFileError({
      zh: `无法读取 .xlsx 文件：${String(error)}`,
      en: `The .xlsx file could not be read: ${String(error)}`,
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new PushFileError({ zh: '工作簿中没有工作表。', en: 'The workbook has no worksheet.' });

  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) values.push(row.getCell(column).text);
    rows[rowNumber - 1] = values;
  });
  return Array.from(rows, (values) => values ?? []);
}
