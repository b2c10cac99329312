import { z } from 'zod';

import type { LocalizedText } from '../localized-text.js';
import { encodeLocalizedText } from '../localized-text.js';
import { PolicyError } from './errors.js';
import type { IsoDate } from './iso-date.js';
import { isoDateParts } from './iso-date.js';

/** A fee period (费款所属期): the month that fees are for, written `YYYY-MM`. */
export type FeePeriod = string & { readonly __brand: 'FeePeriod' };

/** Side of the January 2024 handover that a fee period falls on. */
export type FeeEra = 'legacy' | 'tax';

/**
 * Earliest accepted fee period year. No Beijing social insurance fee periods before 1990 exist in
 * practice, so an earlier year is a typing error rather than old data.
 */
export const MIN_FEE_PERIOD_YEAR = 1990;

/** Latest accepted fee period year, so that a mistyped year such as 2204 is rejected. */
export const MAX_FEE_PERIOD_YEAR = 2099;

/**
 * First fee period of the tax era. From fee period 2023-12 on, employers declare and pay their fees to
 * the tax bureau themselves, because Beijing collects one month late and January 2024 was the first
 * collection under the new mode. Every rule that depends on the handover compares against this constant.
 */
export const HANDOVER_FEE_PERIOD = '2023-12' as FeePeriod;

const FEE_PERIOD_PATTERN = /^(\d{4})-(\d{2})$/;

/** Returns the user-facing text for an invalid fee period, quoting the value. */
export function invalidFeePeriodText(value: unknown): LocalizedText {
  const quoted = typeof value === 'string' ? value : String(value);
  return {
    zh: `费款所属期“${quoted}”无效：应为 YYYY-MM 格式，年份 ${MIN_FEE_PERIOD_YEAR}–${MAX_FEE_PERIOD_YEAR}，月份 01–12，例如 2024-01。`,
    en: `Invalid fee period "${quoted}": expected YYYY-MM with a year from ${MIN_FEE_PERIOD_YEAR} to ${MAX_FEE_PERIOD_YEAR} and a month from 01 to 12, such as 2024-01.`,
  };
}

function isValidYearMonth(year: number, month: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    year >= MIN_FEE_PERIOD_YEAR &&
    year <= MAX_FEE_PERIOD_YEAR &&
    month >= 1 &&
    month <= 12
  );
}

/** Returns whether `text` is a fee period `YYYY-MM` within the accepted years. */
export function isFeePeriod(text: unknown): text is FeePeriod {
  if (typeof text !== 'string') {
    return false;
  }
  const match = FEE_PERIOD_PATTERN.exec(text);
  if (match === null) {
    return false;
  }
  return isValidYearMonth(Number(match[1]), Number(match[2]));
}

/**
 * Parses a fee period written `YYYY-MM`. Surrounding spaces are not trimmed.
 * Throws `PolicyError` with code `FEE_PERIOD_INVALID` for another form, a month outside 01-12, or a year
 * outside 1990-2099.
 */
export function parseFeePeriod(text: string): FeePeriod {
  if (!isFeePeriod(text)) {
    throw new PolicyError('FEE_PERIOD_INVALID', invalidFeePeriodText(text), { value: text });
  }
  return text;
}

/**
 * Builds a fee period from a year and a month (1-12). Throws `PolicyError` with code
 * `FEE_PERIOD_INVALID` when the result is outside the accepted years.
 */
export function feePeriodFromParts(year: number, month: number): FeePeriod {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  if (!isValidYearMonth(year, month)) {
    throw new PolicyError('FEE_PERIOD_INVALID', invalidFeePeriodText(text), { value: text });
  }
  return text as FeePeriod;
}

/** Splits a fee period into its year and month (1-12). */
export function feePeriodParts(period: FeePeriod): { readonly year: number; readonly month: number } {
  return { year: Number(period.slice(0, 4)), month: Number(period.slice(5, 7)) };
}

function monthIndex(period: FeePeriod): number {
  const { year, month } = feePeriodParts(period);
  return year * 12 + (month - 1);
}

/** Orders two fee periods: -1 when `a` is earlier, 1 when later, 0 when equal. */
export function compareFeePeriods(a: FeePeriod, b: FeePeriod): -1 | 0 | 1 {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/**
 * Returns the fee period `months` months after `period` (before it when negative).
 * Throws `PolicyError` with code `FEE_PERIOD_INVALID` when the result leaves years 1990-2099.
 */
export function addMonths(period: FeePeriod, months: number): FeePeriod {
  if (!Number.isSafeInteger(months)) {
    throw new PolicyError(
      'MONTH_COUNT_INVALID',
      {
        zh: `月数“${months}”无效：应为整数。`,
        en: `Invalid month count "${months}": expected an integer.`,
      },
      { value: months },
    );
  }
  const index = monthIndex(period) + months;
  const year = Math.floor(index / 12);
  return feePeriodFromParts(year, index - year * 12 + 1);
}

/** Returns `to - from` in months: 1 for 2023-12 to 2024-01, negative when `to` is earlier. */
export function monthsBetween(from: FeePeriod, to: FeePeriod): number {
  return monthIndex(to) - monthIndex(from);
}

/**
 * Returns the fee period that contains `date`. Throws `PolicyError` with code `FEE_PERIOD_INVALID`
 * when the date's year is outside 1990-2099.
 */
export function feePeriodOfDate(date: IsoDate): FeePeriod {
  const { year, month } = isoDateParts(date);
  return feePeriodFromParts(year, month);
}

/** Formats a fee period the way Chinese forms show it, for example `2024年01月`. */
export function formatFeePeriodZh(period: FeePeriod): string {
  return `${period.slice(0, 4)}年${period.slice(5, 7)}月`;
}

/** Returns whether the fee period is 2023-12 or later, so it is declared and paid to the tax bureau. */
export function isTaxEra(period: FeePeriod): boolean {
  return compareFeePeriods(period, HANDOVER_FEE_PERIOD) >= 0;
}

/** Returns `'tax'` for fee periods 2023-12 and later and `'legacy'` for earlier ones. */
export function feeEraOf(period: FeePeriod): FeeEra {
  return isTaxEra(period) ? 'tax' : 'legacy';
}

/**
 * Zod schema that accepts a fee period string `YYYY-MM` and outputs a `FeePeriod`.
 * The issue message carries both languages, and `params.code` is `FEE_PERIOD_INVALID`.
 */
export const feePeriodSchema = z
  .string({ error: (issue) => encodeLocalizedText(invalidFeePeriodText(issue.input)) })
  .refine(isFeePeriod, {
    error: (issue) => encodeLocalizedText(invalidFeePeriodText(issue.input)),
    params: { code: 'FEE_PERIOD_INVALID' },
  });
