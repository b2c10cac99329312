import { compareFeePeriods, feePeriodOfDate, formatFeePeriodZh } from '../../machines/policy/fee-period.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import type { AccountKind } from '../../machines/processes/employer-registration.js';
import { MAX_WORK_INJURY_RISK_CLASS, MIN_WORK_INJURY_RISK_CLASS } from '../../machines/policy/work-injury-classes.js';
import { checkSchema, issue, normaliseDate, parseInsurances, requireCell } from './cell-checks.js';
import type { CommonCells, Report, RowIssue } from './cell-checks.js';
import type { PlannedRow } from './plan-import.js';
import type { ColumnKey } from './push-file-columns.js';
import type { PushFileRow } from './read-push-file.js';

/** 单位户类型 values as offices write them; an empty cell is an ordinary account. */
const ACCOUNT_KIND_BY_TITLE: Readonly<Record<string, AccountKind>> = {
  普通单位户: 'ordinary',
  普通: 'ordinary',
  注销企业: 'deregistering',
  特殊户: 'special-construction-project',
  建筑业项目: 'special-construction-project',
  建筑业项目等带字母的特殊户: 'special-construction-project',
};

const YES_NO: Readonly<Record<string, boolean>> = { 是: true, 否: false, Y: true, N: false };

/** Chinese numerals of the risk classes, so that 一类 to 八类 read as 1 to 8. */
const CLASS_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八'];

/** Columns of the input fields the employer-registration schema may reject, by dotted path. */
const EMPLOYER_PATHS: Readonly<Record<string, ColumnKey>> = {
  employerCode: 'employerCode',
  employerName: 'employerName',
  openedOn: 'openedOn',
  insurances: 'insurances',
  workInjuryRiskClass: 'workInjuryRiskClass',
  accountKind: 'accountKind',
  needsFirstMonthBackPayment: 'needsFirstMonthBackPayment',
};

/**
 * Plans a 单位登记 row: it opens an employer-registration case as hr, whose machine then picks the
 * month-end route or the temporary registration from the account kind and the first-month back-payment.
 * Besides each cell, it checks that the account opened by the change month, and that the employer has
 * no registration case yet (`registered` maps employer codes to such cases).
 */
export function planEmployerRow(
  row: PushFileRow,
  common: CommonCells,
  registered: ReadonlyMap<string, string>,
  issues: RowIssue[],
): PlannedRow | undefined {
  const cells = row.cells;
  const at: Report = (column, code, message) => issues.push(issue(row.rowNumber, column, code, message));
  const { employerCode, changeMonth } = common;

  const employerName = requireCell(cells, 'employerName', at);
  const openedOnText = requireCell(cells, 'openedOn', at);
  const riskClassText = requireCell(cells, 'workInjuryRiskClass', at);
  const riskClass = riskClassText === undefined ? undefined : parseRiskClass(riskClassText, at);
  const insurances = parseInsurances(cells.insurances ?? '', at);
  const accountKind = parseAccountKind(cells.accountKind ?? '', at);
  const needsFirstMonthBackPayment = parseYesNo(cells.needsFirstMonthBackPayment ?? '', at);
  if (
    issues.length > 0 ||
    changeMonth === undefined ||
    employerName === undefined ||
    openedOnText === undefined ||
    riskClass === undefined ||
    insurances === undefined ||
    accountKind === undefined ||
    needsFirstMonthBackPayment === undefined
  ) {
    return undefined;
  }

  const openedOn = normaliseDate(openedOnText);
  const input = {
    employerCode,
    employerName,
    openedOn,
    insurances,
    workInjuryRiskClass: riskClass,
    accountKind,
    needsFirstMonthBackPayment,
    confirmations: [],
  };
  if (!checkSchema('employer-registration', input, row.rowNumber, EMPLOYER_PATHS, issues)) return undefined;

  // The schema has checked that the opening date is a real date in a valid fee period.
  if (compareFeePeriods(feePeriodOfDate(openedOn as IsoDate), changeMonth) > 0) {
    at('openedOn', 'EMPLOYER_OPENED_AFTER_CHANGE_MONTH', {
      zh: `开户日期 ${openedOn} 晚于变动年月 ${formatFeePeriodZh(changeMonth)}：单位开户后才能随月末推送登记。请核对开户日期和变动年月。`,
      en: `The account opening date ${openedOn} is after the change month ${changeMonth}, and an employer is pushed only after its account opened. Check both cells.`,
    });
    return undefined;
  }

  const existing = registered.get(employerCode);
  if (existing !== undefined) {
    at('employerCode', 'EMPLOYER_ALREADY_REGISTERED', {
      zh: `该单位已有用人单位登记案件（${existing}），不再重复登记。请核对统一社会信用代码，或在已有案件中继续办理。`,
      en: `This employer already has an employer registration case (${existing}), so it is not registered again. Check the unified social credit code, or continue in the existing case.`,
    });
    return undefined;
  }

  return {
    rowNumber: row.rowNumber,
    changeType: 'employer-registration',
    processId: 'employer-registration',
    input,
    party: 'hr',
    target: 'new-case',
    employerCode,
    personIdNumber: null,
    duplicateKey: `${employerCode}|employer-registration`,
  };
}

/** Reads 1 to 8, 一 to 八, optionally followed by 类 (第三类, 3类, 三类 and 3 all read as 3). */
function parseRiskClass(text: string, at: Report): number | undefined {
  const core = text.replace(/^第/, '').replace(/类$/, '');
  const numeral = CLASS_NUMERALS.indexOf(core);
  const value = numeral >= 0 ? numeral + 1 : /^\d+$/.test(core) ? Number(core) : NaN;
  if (value >= MIN_WORK_INJURY_RISK_CLASS && value <= MAX_WORK_INJURY_RISK_CLASS) return value;
  at('workInjuryRiskClass', 'INVALID_RISK_CLASS', {
    zh: `工伤风险类别“${text}”无效：应为 ${MIN_WORK_INJURY_RISK_CLASS} 至 ${MAX_WORK_INJURY_RISK_CLASS}（或 一类 至 八类），按《国民经济行业分类》GB/T 4754-2011 确定。`,
    en: `Invalid work-injury risk class "${text}": expected ${MIN_WORK_INJURY_RISK_CLASS} to ${MAX_WORK_INJURY_RISK_CLASS} (or 一类 to 八类), by the GB/T 4754-2011 industry of the employer.`,
  });
  return undefined;
}

function parseAccountKind(text: string, at: Report): AccountKind | undefined {
  if (text === '') return 'ordinary';
  const kind = Object.hasOwn(ACCOUNT_KIND_BY_TITLE, text) ? ACCOUNT_KIND_BY_TITLE[text] : undefined;
  if (kind === undefined) {
    at('accountKind', 'UNKNOWN_ACCOUNT_KIND', {
      zh: `单位户类型“${text}”无效：应为 普通单位户（为空时默认）、注销企业 或 特殊户（建筑业项目等带字母的特殊户）。`,
      en: `Invalid account kind "${text}": expected 普通单位户 (ordinary, the default when empty), 注销企业 (deregistering enterprise) or 特殊户 (special account such as a construction project).`,
    });
  }
  return kind;
}

function parseYesNo(text: string, at: Report): boolean | undefined {
  if (text === '') return false;
  const value = Object.hasOwn(YES_NO, text.toUpperCase()) ? YES_NO[text.toUpperCase()] : undefined;
  if (value === undefined) {
    at('needsFirstMonthBackPayment', 'INVALID_YES_NO', {
      zh: `开户当月补缴“${text}”无效：应为 是 或 否（为空时视为 否）。`,
      en: `Invalid first-month back-payment "${text}": expected 是 (yes) or 否 (no); an empty cell means no.`,
    });
  }
  return value;
}
