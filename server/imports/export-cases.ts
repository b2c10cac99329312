import ExcelJS from 'exceljs';
import type { CaseFilter, CaseStore } from '../../db/case-store.js';
import { getProcessVersion } from '../../machines/catalogue.js';
import { titleOfStates } from '../../machines/engine/apply-event.js';
import { maskResidentId } from '../../machines/policy/identifiers.js';

export type ExportFormat = 'csv' | 'xlsx';

/** Columns of a case export, with the Chinese headers offices use; personal data is masked. */
const EXPORT_COLUMNS = [
  { header: '案件编号', width: 38 },
  { header: '业务流程', width: 24 },
  { header: '当前状态', width: 30 },
  { header: '办理状态', width: 10 },
  { header: '单位统一社会信用代码', width: 22 },
  { header: '费款所属期起', width: 12 },
  { header: '费款所属期止', width: 12 },
  { header: '证件号码', width: 20 },
  { header: '版本', width: 6 },
  { header: '立案时间', width: 26 },
  { header: '更新时间', width: 26 },
] as const;

/** Cases per page read from the store while exporting. */
const PAGE_SIZE = 200;

/**
 * Writes every case a filter selects (a worklist is a filter by state), newest first, as CSV (UTF-8 with
 * a byte-order mark, so that Excel reads the Chinese headers) or as an .xlsx workbook. ID numbers are
 * masked. Stops after `maxCases` and then sets `truncated`.
 */
export async function exportCases(
  store: CaseStore,
  filter: CaseFilter,
  format: ExportFormat,
  maxCases = 100_000,
): Promise<{ readonly bytes: Uint8Array; readonly caseCount: number; readonly truncated: boolean }> {
  const rows: string[][] = [];
  let after: string | undefined;
  let truncated = false;
  do {
    const page = await store.listCases(filter, PAGE_SIZE, after);
    for (const caseRow of page.items) {
      if (rows.length >= maxCases) {
        truncated = true;
        break;
      }
      const definition = getProcessVersion(caseRow.process_id, caseRow.process_version);
      const states = caseRow.state.split(',');
      rows.push([
        caseRow.id,
        definition?.title.zh ?? caseRow.process_id,
        definition ? titleOfStates(definition, states).zh : caseRow.state,
        caseRow.status === 'done' ? '已办结' : '办理中',
        caseRow.employer_code,
        caseRow.fee_period_from,
        caseRow.fee_period_to,
        caseRow.person_id_number === null ? '' : maskResidentId(caseRow.person_id_number),
        String(caseRow.version),
        caseRow.created_at,
        caseRow.updated_at,
      ]);
    }
    after = truncated ? undefined : (page.nextCursor ?? undefined);
  } while (after !== undefined);

  const bytes = format === 'csv' ? toCsvBytes(rows) : await toXlsxBytes(rows);
  return { bytes, caseCount: rows.length, truncated };
}

function toCsvBytes(rows: readonly string[][]): Uint8Array {
  const lines = [EXPORT_COLUMNS.map((column) => column.header), ...rows].map((cells) => cells.map(quoteCsvCell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Quotes a cell when needed, and defuses text that a spreadsheet would run as a formula. */
function quoteCsvCell(cell: string): string {
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

async function toXlsxBytes(rows: readonly string[][]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('案件');
  sheet.columns = EXPORT_COLUMNS.map((column) => ({ header: column.header, width: column.width }));
  // Every cell is text, so ID numbers and codes never turn into numbers.
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
