import { formatProfile } from './cpu-profile.js';
import type { BenchmarkReport, ResultRow, TargetCheck } from './result.js';

/** Formats a number for the reports: three significant digits below 100, whole numbers from 100. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  let digits = 3;
  if (magnitude >= 100) digits = 0;
  else if (magnitude >= 10) digits = 1;
  else if (magnitude >= 1) digits = 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

const ROW_HEADINGS = ['measurement', 'unit', 'min', 'median', 'p95', 'max', 'ratio to baseline', 'basis'];
const CHECK_HEADINGS = ['target', 'measured', 'verdict'];

function rowCells(entry: ResultRow): string[] {
  let ratio = '';
  if (entry.baselineName) ratio = `baseline (${entry.baselineName})`;
  else if (entry.ratio) ratio = `${formatRatio(entry.ratio.value)} ${entry.ratio.baseline}`;
  return [
    entry.label,
    entry.unit,
    formatNumber(entry.spread.min),
    formatNumber(entry.spread.median),
    entry.p95 === undefined ? '' : formatNumber(entry.p95),
    formatNumber(entry.spread.max),
    ratio,
    entry.basis,
  ];
}

function checkCells(check: TargetCheck): string[] {
  return [check.target, check.actual, check.passed ? 'PASS' : 'MISS'];
}

/** Renders a plain-text table with columns padded to their widest cell and numbers aligned right. */
export function textTable(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headings.map((heading, column) => Math.max(heading.length, ...rows.map((cells) => (cells[column] ?? '').length)));
  const isNumeric = (text: string): boolean => /^-?[\d,]+(\.\d+)?$/.test(text);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (isNumeric(cell) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headings), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

/** Renders a Markdown table; the columns named in `numericColumns` are aligned right. */
export function markdownTable(headings: readonly string[], rows: readonly (readonly string[])[], numericColumns: readonly string[] = []): string[] {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `| ${headings.join(' | ')} |`,
    `|${headings.map((heading) => (numericColumns.includes(heading) ? '---:' : '---')).join('|')}|`,
    ...rows.map((cells) => `| ${cells.map(escape).join(' | ')} |`),
  ];
}

/** Renders the console lines of one benchmark: its rows, targets, notes and profiles. */
export function textReport(report: BenchmarkReport): string[] {
  return [
    `== ${report.title} (${report.name}, ${(report.durationMs / 1000).toFixed(1)} s)`,
    ...textTable(ROW_HEADINGS, report.rows.map(rowCells)),
    '',
    ...(report.checks.length > 0 ? [...textTable(CHECK_HEADINGS, report.checks.map(checkCells)), ''] : []),
    ...report.notes.map((note) => `note: ${note}`),
    ...report.profiles.flatMap((profile) => ['', ...formatProfile(profile)]),
  ];
}

export function markdownRows(report: BenchmarkReport): string[] {
  return markdownTable(ROW_HEADINGS, report.rows.map(rowCells), ['min', 'median', 'p95', 'max']);
}

export function markdownChecks(checks: readonly TargetCheck[]): string[] {
  return markdownTable(CHECK_HEADINGS, checks.map((check) => checkCells(check).map((cell) => (cell === 'MISS' ? '**MISS**' : cell))));
}
