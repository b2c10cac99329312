import type { LocalizedText } from '../localized-text.js';
import { nextWorkingDayOnOrAfter } from './calendar.js';
import type { FeePeriod } from './fee-period.js';
import { addMonths, feePeriodParts, formatFeePeriodZh } from './fee-period.js';
import type { IsoDate } from './iso-date.js';
import { compareIsoDates, isoDateFromParts } from './iso-date.js';

/** Day of month P+1 on which declaration for fee period P opens (每月10日). */
export const DECLARATION_OPENS_ON_DAY = 10;

/** Day of month P+1 on which declaration for fee period P nominally closes (每月25日). */
export const DECLARATION_CLOSES_ON_DAY = 25;

/** Day of month P+1 of the legacy batch debit (次月10日批扣). */
export const LEGACY_BATCH_DEBIT_DAY = 10;

export interface DeclarationWindowOptions {
  /**
   * Whether a 25th that is not a working day moves the deadline to the next working day. Default true.
   * NOTE: no published rule was found for this. Beijing's January 2024 briefing 社保费申报缴纳流程优化
   * states next-working-day moving (节假日顺延) only for the legacy batch debit, so show
   * `DeclarationWindow.rule` wherever the deadline is shown.
   */
  readonly moveDeadlineToNextWorkingDay?: boolean;
}

/** The days in month P+1 on which an employer declares and pays fee period P to the tax bureau. */
export interface DeclarationWindow {
  readonly feePeriod: FeePeriod;
  /** The nominal 10th of the next month, even when it is a holiday, because the online channels stay open. */
  readonly opensOn: IsoDate;
  /** The nominal 25th of the next month. */
  readonly closesOn: IsoDate;
  /** The last day to declare and pay: `closesOn`, or the next working day after it when moving is on. */
  readonly deadline: IsoDate;
  readonly deadlineMoved: boolean;
  /** Explanation of the rule that produced the deadline, in both languages, for display beside it. */
  readonly rule: LocalizedText;
}

/**
 * Computes the declaration window of a fee period: the 10th to the 25th of the next month
 * (当月申报，次月收款). It describes the self-declaration mode of fee periods 2023-12 and later; for
 * earlier periods use `legacyBatchDebitDate`.
 * Throws `CalendarYearMissingError` when the deadline must be moved and the year has no calendar data.
 */
export function declarationWindow(feePeriod: FeePeriod, options?: DeclarationWindowOptions): DeclarationWindow {
  const moveDeadline = options?.moveDeadlineToNextWorkingDay ?? true;
  const { year, month } = feePeriodParts(addMonths(feePeriod, 1));
  const opensOn = isoDateFromParts(year, month, DECLARATION_OPENS_ON_DAY);
  const closesOn = isoDateFromParts(year, month, DECLARATION_CLOSES_ON_DAY);

  const deadline = moveDeadline ? nextWorkingDayOnOrAfter(closesOn) : closesOn;
  const deadlineMoved = deadline !== closesOn;

  return {
    feePeriod,
    opensOn,
    closesOn,
    deadline,
    deadlineMoved,
    rule: describeDeadlineRule({ feePeriod, opensOn, closesOn, deadline, moveDeadline, deadlineMoved }),
  };
}

/**
 * Returns whether `date` falls from `opensOn` through `deadline` of the fee period's window, both days
 * included. Takes the same options and throws the same errors as `declarationWindow`.
 */
export function isWithinDeclarationWindow(
  feePeriod: FeePeriod,
  date: IsoDate,
  options?: DeclarationWindowOptions,
): boolean {
  const window = declarationWindow(feePeriod, options);
  return compareIsoDates(window.opensOn, date) <= 0 && compareIsoDates(date, window.deadline) <= 0;
}

/**
 * Returns the date of the legacy batch debit for a fee period before 2023-12: the 10th of the next
 * month, moved to the next working day when the 10th is not one (节假日顺延).
 * Throws `CalendarYearMissingError` when that year has no calendar data.
 */
export function legacyBatchDebitDate(feePeriod: FeePeriod): IsoDate {
  // NOTE: the shipped calendars start with 2024, so fee periods before 2023-12 throw
  // CalendarYearMissingError until calendar-2023.json and earlier years are added.
  const { year, month } = feePeriodParts(addMonths(feePeriod, 1));
  return nextWorkingDayOnOrAfter(isoDateFromParts(year, month, LEGACY_BATCH_DEBIT_DAY));
}

interface DeadlineRuleInput {
  readonly feePeriod: FeePeriod;
  readonly opensOn: IsoDate;
  readonly closesOn: IsoDate;
  readonly deadline: IsoDate;
  readonly moveDeadline: boolean;
  readonly deadlineMoved: boolean;
}

function describeDeadlineRule(input: DeadlineRuleInput): LocalizedText {
  const { feePeriod, opensOn, closesOn, deadline } = input;
  const windowZh = `费款所属期${formatFeePeriodZh(feePeriod)}的申报期为${opensOn}至${closesOn}`;
  const windowEn = `Fee period ${feePeriod} is declared from ${opensOn} to ${closesOn}`;

  if (!input.moveDeadline) {
    return {
      zh: `${windowZh}；截止日不顺延（已关闭“截止日遇非工作日顺延”设置）。`,
      en: `${windowEn}; the deadline is not moved, because the next-working-day setting is off.`,
    };
  }
  if (input.deadlineMoved) {
    return {
      zh: `${windowZh}；${closesOn}不是工作日，截止日顺延至${deadline}（顺延规则未见公开依据，为默认开启的设置）。`,
      en: `${windowEn}; ${closesOn} is not a working day, so the deadline moves to ${deadline} (the moving rule has no published source and is a setting, on by default).`,
    };
  }
  return {
    zh: `${windowZh}；${closesOn}是工作日，截止日不变。`,
    en: `${windowEn}; ${closesOn} is a working day, so the deadline stays.`,
  };
}
