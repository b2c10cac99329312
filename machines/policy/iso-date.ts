import { z } from 'zod';

import type { LocalizedText } from '../localized-text.js';
import { encodeLocalizedText } from '../localized-text.js';
import { PolicyError } from './errors.js';

/** A calendar date in the form `YYYY-MM-DD`, with no time of day and no time zone. */
export type IsoDate = string & { readonly __brand: 'IsoDate' };

/** Year, month (1-12) and day of month of an `IsoDate`. */
export interface IsoDateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

// All arithmetic below works on epoch days (days since 1970-01-01) with integer formulas, so it never
// depends on the host time zone and never reads the current time.
const DAYS_PER_400_YEARS = 146_097;
const EPOCH_DAY_OF_0000_03_01 = -719_468;

/** Returns the number of days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return isLeapYear(year) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Returns whether year, month (1-12) and day name an existing day in years 0000 to 9999. */
export function isExistingDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    return false;
  }
  if (year < 0 || year > 9999 || month < 1 || month > 12) {
    return false;
  }
  return day >= 1 && day <= daysInMonth(year, month);
}

function invalidIsoDateText(value: unknown): LocalizedText {
  const quoted = typeof value === 'string' ? value : String(value);
  return {
    zh: `日期“${quoted}”无效：应为存在的公历日期，格式 YYYY-MM-DD，例如 2024-01-31。`,
    en: `Invalid date "${quoted}": expected an existing calendar date in the form YYYY-MM-DD, such as 2024-01-31.`,
  };
}

/** Returns whether `text` is an existing calendar date written as `YYYY-MM-DD`. */
export function isIsoDate(text: unknown): text is IsoDate {
  if (typeof text !== 'string') {
    return false;
  }
  const match = ISO_DATE_PATTERN.exec(text);
  if (match === null) {
    return false;
  }
  return isExistingDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Parses a `YYYY-MM-DD` date. Surrounding spaces are not trimmed.
 * Throws `PolicyError` with code `ISO_DATE_INVALID` for any other form or a day that does not exist,
 * such as 2023-02-29.
 */
export function parseIsoDate(text: string): IsoDate {
  if (!isIsoDate(text)) {
    throw new PolicyError('ISO_DATE_INVALID', invalidIsoDateText(text), { value: text });
  }
  return text;
}

/**
 * Builds a date from its parts. Throws `PolicyError` with code `ISO_DATE_INVALID` when the parts do not
 * name an existing day in years 0000 to 9999.
 */
export function isoDateFromParts(year: number, month: number, day: number): IsoDate {
  if (!isExistingDate(year, month, day)) {
    throw new PolicyError('ISO_DATE_INVALID', invalidIsoDateText(`${year}-${month}-${day}`), { year, month, day });
  }
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return text as IsoDate;
}

/** Splits a date into year, month and day. */
export function isoDateParts(date: IsoDate): IsoDateParts {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

/** Returns the number of days from 1970-01-01 to `date`, negative before 1970. */
export function epochDayOf(date: IsoDate): number {
  const { year, month, day } = isoDateParts(date);

  // Count years from March, so that the leap day is the last day of the counted year.
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;

  return era * DAYS_PER_400_YEARS + dayOfEra + EPOCH_DAY_OF_0000_03_01;
}

/**
 * Returns the date `epochDay` days after 1970-01-01. Throws `PolicyError` with code `ISO_DATE_INVALID`
 * when the result falls outside years 0000 to 9999.
 */
export function isoDateFromEpochDay(epochDay: number): IsoDate {
  if (!Number.isSafeInteger(epochDay)) {
    throw new PolicyError('ISO_DATE_INVALID', invalidIsoDateText(`epoch day ${epochDay}`), { epochDay });
  }

  // Inverse of epochDayOf: find the 400-year era, then the March-based year and day within it.
  const shifted = epochDay - EPOCH_DAY_OF_0000_03_01;
  const era = Math.floor(shifted / DAYS_PER_400_YEARS);
  const dayOfEra = shifted - era * DAYS_PER_400_YEARS;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

  return isoDateFromParts(year, month, day);
}

/** Returns the date `days` days after `date` (before it when `days` is negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return isoDateFromEpochDay(epochDayOf(date) + days);
}

/** Returns `to - from` in days: 1 when `to` is the day after `from`, negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return epochDayOf(to) - epochDayOf(from);
}

/** Returns the day of the week, 0 for Sunday through 6 for Saturday. */
export function dayOfWeek(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  const weekday = (epochDayOf(date) + 4) % 7;
  return weekday < 0 ? weekday + 7 : weekday;
}

/** Returns whether the date is a Saturday or a Sunday, ignoring holiday calendars. */
export function isWeekend(date: IsoDate): boolean {
  const weekday = dayOfWeek(date);
  return weekday === 0 || weekday === 6;
}

/** Orders two dates: -1 when `a` is earlier, 1 when later, 0 when equal. */
export function compareIsoDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/**
 * Zod schema that accepts a `YYYY-MM-DD` string of an existing day and outputs an `IsoDate`.
 * The issue message carries both languages, and `params.code` is `ISO_DATE_INVALID`.
 */
export const isoDateSchema = z
  .string({ error: (issue) => encodeLocalizedText(invalidIsoDateText(issue.input)) })
  .refine(isIsoDate, {
    error: (issue) => encodeLocalizedText(invalidIsoDateText(issue.input)),
    params: { code: 'ISO_DATE_INVALID' },
  });
