import type { Snapshot } from 'xstate';
import type { OpenMonthlyReportRow } from '../../db/import-store.js';
import { getProcessVersion } from '../../machines/catalogue.js';
import { listAllowedEventsOf, titleOfStates } from '../../machines/engine/apply-event.js';
import type { LocalizedText } from '../../machines/localized-text.js';
import { formatFeePeriodZh } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { checkWith, issue, requireCell } from './cell-checks.js';
import type { CommonCells, Report, RowIssue } from './cell-checks.js';
import type { PlannedRow } from './plan-import.js';
import type { ColumnKey } from './push-file-columns.js';
import type { PushFileRow } from './read-push-file.js';

/** An open monthly-report case as the headcount checks read it. */
export type OpenMonthlyReport = OpenMonthlyReportRow;

type Side = 'hr' | 'medical';

/** The headcount columns of each side, by the insurance key of the push event's data. */
const HEADCOUNT_COLUMNS: Readonly<Record<Side, Readonly<Record<string, ColumnKey>>>> = {
  hr: { pension: 'pensionHeadcount', unemployment: 'unemploymentHeadcount', workInjury: 'workInjuryHeadcount' },
  medical: { medical: 'medicalHeadcount' },
};

/**
 * The events that carry a side's headcount to a monthly report, in order of preference: the month-end
 * push while the report waits for it, else the correction that the report accepts after a declared
 * headcount differed from the push.
 */
const PUSH_EVENTS: Readonly<Record<Side, readonly string[]>> = {
  hr: ['HR_MONTH_END_PUSH', 'HR_PUSH_CORRECTION'],
  medical: ['MEDICAL_MONTH_END_PUSH', 'MEDICAL_PUSH_CORRECTION'],
};

const SIDE_TITLES: Readonly<Record<Side, LocalizedText>> = {
  hr: { zh: '人社（养老、失业、工伤）', en: 'hr (pension, unemployment, work injury)' },
  medical: { zh: '医保（医疗）', en: 'medical (medical insurance)' },
};

/** Largest headcount accepted in a cell. It is far above any employer's, so only a mistyped count exceeds it. */
const MAX_HEADCOUNT = 10_000_000;

/**
 * Plans a 人数 row: the headcount one side pushed to tax for the employer's monthly report of the fee
 * period (变动年月). An hr row fills 养老人数, 失业人数 and 工伤人数, and a medical row fills 医疗人数. The row
 * is bad unless an open monthly-report case of that employer and fee period accepts the side's push now.
 * `reports` is `applied-before` for a row that an earlier run of the same file applied: its push is in
 * the report already, so only its cells are checked.
 */
export function planHeadcountRow(
  row: PushFileRow,
  common: CommonCells,
  reports: ReadonlyMap<string, OpenMonthlyReport> | 'applied-before',
  today: IsoDate,
  issues: RowIssue[],
): PlannedRow | undefined {
  const cells = row.cells;
  const at: Report = (column, code, message) => issues.push(issue(row.rowNumber, column, code, message));
  const { employerCode, changeMonth } = common;

  const filled = (side: Side) => Object.values(HEADCOUNT_COLUMNS[side]).some((column) => (cells[column] ?? '') !== '');
  if (filled('hr') && filled('medical')) {
    issues.push(issue(row.rowNumber, null, 'HEADCOUNT_FROM_BOTH_SIDES', {
      zh: '人数记录只能来自一方：人社填 养老人数、失业人数、工伤人数，医保填 医疗人数，请分成两行。',
      en: 'A headcount row comes from one side only: hr fills 养老人数, 失业人数 and 工伤人数, and medical fills 医疗人数; split it into two rows.',
    }));
    return undefined;
  }
  if (!filled('hr') && !filled('medical')) {
    issues.push(issue(row.rowNumber, null, 'MISSING_HEADCOUNT', {
      zh: '人数记录没有人数：人社填 养老人数、失业人数、工伤人数，医保填 医疗人数。',
      en: 'The headcount row has no headcount: hr fills 养老人数, 失业人数 and 工伤人数, and medical fills 医疗人数.',
    }));
    return undefined;
  }

  const side: Side = filled('hr') ? 'hr' : 'medical';
  const headcount: Record<string, number> = {};
  for (const [insurance, column] of Object.entries(HEADCOUNT_COLUMNS[side])) {
    const text = requireCell(cells, column, at);
    const count = text === undefined ? undefined : parseHeadcount(text, column, at);
    if (count !== undefined) headcount[insurance] = count;
  }
  if (issues.length > 0 || changeMonth === undefined) return undefined;

  const planned = {
    rowNumber: row.rowNumber,
    changeType: 'headcount',
    processId: 'monthly-report',
    input: { employerCode, feePeriod: changeMonth },
    party: side,
    target: 'open-monthly-report',
    employerCode,
    personIdNumber: null,
    duplicateKey: `${employerCode}|${changeMonth}|headcount|${side}`,
  } as const;
  const data = { headcount };
  if (reports === 'applied-before') return { ...planned, event: { type: PUSH_EVENTS[side][0] ?? '', data } };

  const report = reports.get(`${employerCode}|${changeMonth}`);
  if (report === undefined) {
    issues.push(issue(row.rowNumber, null, 'MONTHLY_REPORT_NOT_FOUND', monthlyReportNotFoundText(employerCode, changeMonth)));
    return undefined;
  }
  const type = choosePushEvent(side, report, today);
  if (type === undefined) {
    issues.push(issue(row.rowNumber, null, 'MONTHLY_REPORT_PUSH_NOT_ACCEPTED', pushNotAcceptedText(side, report)));
    return undefined;
  }

  const eventSchema = getProcessVersion('monthly-report', report.processVersion)?.events[type]?.schema;
  const paths = Object.fromEntries(Object.entries(HEADCOUNT_COLUMNS[side]).map(([insurance, column]) => [`headcount.${insurance}`, column]));
  if (eventSchema && !checkWith(eventSchema, data, row.rowNumber, paths, issues)) return undefined;
  return { ...planned, event: { type, data } };
}

/**
 * Returns the event that carries the side's headcount to the report in its current state, or undefined
 * when the report accepts neither the month-end push nor a correction from that side now.
 */
export function choosePushEvent(side: Side, report: OpenMonthlyReport, businessDate: IsoDate): string | undefined {
  const definition = getProcessVersion('monthly-report', report.processVersion);
  if (!definition) return undefined;
  const allowed = listAllowedEventsOf(definition, JSON.parse(report.snapshot) as Snapshot<unknown>, businessDate);
  return PUSH_EVENTS[side].find((type) => allowed.some((event) => event.type === type && event.available));
}

export function monthlyReportNotFoundText(employerCode: string, feePeriod: FeePeriod): LocalizedText {
  return {
    zh: `单位 ${employerCode} 没有费款所属期${formatFeePeriodZh(feePeriod)}的办理中月报案件，推送的人数无处核对。请先为该单位开立该期月报，再导入人数。`,
    en: `Employer ${employerCode} has no open monthly report for fee period ${feePeriod}, so the pushed headcount has nothing to feed. Open the monthly report for that period first, then import the headcount.`,
  };
}

export function pushNotAcceptedText(side: Side, report: OpenMonthlyReport): LocalizedText {
  const definition = getProcessVersion('monthly-report', report.processVersion);
  const state = definition ? titleOfStates(definition, report.state.split(',')) : { zh: report.state, en: report.state };
  return {
    zh: `月报案件 ${report.id} 当前为“${state.zh}”，不接受${SIDE_TITLES[side].zh}推送的人数：每方的月末推送只送一次，只有申报人数与推送人数不符后才接受更正推送。`,
    en: `Monthly report ${report.id} is in "${state.en}" and does not accept a headcount from ${SIDE_TITLES[side].en}: each side pushes once at month end, and a corrected push is accepted only after a declared headcount differed from the push.`,
  };
}

function parseHeadcount(text: string, column: ColumnKey, at: Report): number | undefined {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (value <= MAX_HEADCOUNT) return value;
  at(column, 'INVALID_HEADCOUNT', {
    zh: `人数“${text}”无效：应为 0 至 ${MAX_HEADCOUNT} 的整数。`,
    en: `Invalid headcount "${text}": expected a whole number from 0 to ${MAX_HEADCOUNT.toLocaleString('en-US')}.`,
  });
  return undefined;
}
