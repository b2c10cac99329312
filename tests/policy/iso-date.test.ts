import { decodeLocalizedText } from '../../machines/localized-text.js';
import { describe, expect, it } from 'vitest';

import { PolicyError } from '../../machines/policy/errors.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import {
  addDays,
  compareIsoDates,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  epochDayOf,
  isExistingDate,
  isIsoDate,
  isoDateFromEpochDay,
  isoDateFromParts,
  isoDateParts,
  isoDateSchema,
  isWeekend,
  parseIsoDate,
} from '../../machines/policy/iso-date.js';

const date = (text: string): IsoDate => parseIsoDate(text);

function catchPolicyError(action: () => unknown): PolicyError {
  try {
    action();
  } catch (error) {
    if (error instanceof PolicyError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('parseIsoDate', () => {
  it('accepts existing days', () => {
    expect(parseIsoDate('2024-01-31')).toBe('2024-01-31');
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2000-02-29')).toBe('2000-02-29');
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-01',
    '20240101',
    ' 2024-01-01',
    '2024-01-01T00:00:00Z',
    '',
  ])('rejects %j with ISO_DATE_INVALID', (text) => {
    const error = catchPolicyError(() => parseIsoDate(text));

    expect(error.code).toBe('ISO_DATE_INVALID');
    expect(error.details).toEqual({ value: text });
    expect(error.localized.zh).toContain(`日期“${text}”无效`);
    expect(error.localized.en).toContain(`Invalid date "${text}"`);
  });

  it('states the expected form in both languages', () => {
    const error = catchPolicyError(() => parseIsoDate('2023-02-29'));

    expect(error.localized).toEqual({
      zh: '日期“2023-02-29”无效：应为存在的公历日期，格式 YYYY-MM-DD，例如 2024-01-31。',
      en: 'Invalid date "2023-02-29": expected an existing calendar date in the form YYYY-MM-DD, such as 2024-01-31.',
    });
  });
});

describe('isIsoDate', () => {
  it('rejects non-strings', () => {
    expect(isIsoDate(20240101)).toBe(false);
    expect(isIsoDate(null)).toBe(false);
    expect(isIsoDate(undefined)).toBe(false);
  });

  it('accepts a valid string', () => {
    expect(isIsoDate('2026-12-31')).toBe(true);
  });
});

describe('isoDateFromParts', () => {
  it('pads year, month and day', () => {
    expect(isoDateFromParts(2024, 2, 5)).toBe('2024-02-05');
    expect(isoDateFromParts(12, 1, 1)).toBe('0012-01-01');
  });

  it('rejects a day that does not exist', () => {
    const error = catchPolicyError(() => isoDateFromParts(2023, 2, 29));

    expect(error.code).toBe('ISO_DATE_INVALID');
    expect(error.details).toEqual({ year: 2023, month: 2, day: 29 });
  });

  it('rejects years beyond 9999', () => {
    expect(isExistingDate(10_000, 1, 1)).toBe(false);
  });
});

describe('isoDateParts', () => {
  it('splits a date', () => {
    expect(isoDateParts(date('2024-02-05'))).toEqual({ year: 2024, month: 2, day: 5 });
  });
});

describe('daysInMonth', () => {
  it('follows the Gregorian leap rules', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysInMonth(2024, 12)).toBe(31);
  });
});

describe('epochDayOf', () => {
  it('counts from 1970-01-01', () => {
    expect(epochDayOf(date('1970-01-01'))).toBe(0);
    expect(epochDayOf(date('1970-01-02'))).toBe(1);
    expect(epochDayOf(date('1969-12-31'))).toBe(-1);
  });

  it('matches Date.UTC for every day of 1900-2100', () => {
    const millisecondsPerDay = 86_400_000;
    const first = Date.UTC(1900, 0, 1) / millisecondsPerDay;
    const last = Date.UTC(2100, 11, 31) / millisecondsPerDay;
    const mismatches: string[] = [];

    for (let epochDay = first; epochDay <= last; epochDay += 1) {
      const expected = new Date(epochDay * millisecondsPerDay).toISOString().slice(0, 10);
      const actual = isoDateFromEpochDay(epochDay);
      if (actual !== expected || epochDayOf(actual) !== epochDay) {
        mismatches.push(expected);
      }
    }

    expect(mismatches).toEqual([]);
  });

  it('rejects a result beyond year 9999', () => {
    const error = catchPolicyError(() => addDays(date('9999-12-31'), 1));

    expect(error.code).toBe('ISO_DATE_INVALID');
  });
});

describe('addDays', () => {
  it('crosses months, years and leap days', () => {
    expect(addDays(date('2024-01-31'), 1)).toBe('2024-02-01');
    expect(addDays(date('2024-02-28'), 1)).toBe('2024-02-29');
    expect(addDays(date('2023-02-28'), 1)).toBe('2023-03-01');
    expect(addDays(date('2023-12-31'), 1)).toBe('2024-01-01');
    expect(addDays(date('2024-01-01'), -1)).toBe('2023-12-31');
    expect(addDays(date('2024-03-01'), -1)).toBe('2024-02-29');
    expect(addDays(date('2024-01-01'), 366)).toBe('2025-01-01');
    expect(addDays(date('2024-05-05'), 0)).toBe('2024-05-05');
  });
});

describe('daysBetween', () => {
  it('returns to minus from', () => {
    expect(daysBetween(date('2024-02-25'), date('2024-02-26'))).toBe(1);
    expect(daysBetween(date('2024-02-26'), date('2024-02-25'))).toBe(-1);
    expect(daysBetween(date('2024-01-01'), date('2025-01-01'))).toBe(366);
    expect(daysBetween(date('2025-01-01'), date('2026-01-01'))).toBe(365);
    expect(daysBetween(date('2024-06-01'), date('2024-06-01'))).toBe(0);
  });
});

describe('dayOfWeek', () => {
  it('numbers Sunday as 0', () => {
    expect(dayOfWeek(date('1970-01-01'))).toBe(4);
    expect(dayOfWeek(date('1969-12-31'))).toBe(3);
    expect(dayOfWeek(date('2024-01-01'))).toBe(1);
    expect(dayOfWeek(date('2024-02-25'))).toBe(0);
    expect(dayOfWeek(date('2024-05-25'))).toBe(6);
    expect(dayOfWeek(date('2000-02-29'))).toBe(2);
    expect(dayOfWeek(date('1900-01-01'))).toBe(1);
  });
});

describe('isWeekend', () => {
  it('is true on Saturday and Sunday only', () => {
    expect(isWeekend(date('2024-05-25'))).toBe(true);
    expect(isWeekend(date('2024-05-26'))).toBe(true);
    expect(isWeekend(date('2024-05-27'))).toBe(false);
    expect(isWeekend(date('2024-05-24'))).toBe(false);
  });
});

describe('compareIsoDates', () => {
  it('orders dates', () => {
    expect(compareIsoDates(date('2023-12-31'), date('2024-01-01'))).toBe(-1);
    expect(compareIsoDates(date('2024-01-01'), date('2023-12-31'))).toBe(1);
    expect(compareIsoDates(date('2024-01-01'), date('2024-01-01'))).toBe(0);
  });
});

describe('isoDateSchema', () => {
  it('parses a valid date', () => {
    expect(isoDateSchema.parse('2024-02-29')).toBe('2024-02-29');
  });

  it('rejects an impossible date with a bilingual message', () => {
    const result = isoDateSchema.safeParse('2023-02-29');

    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(decodeLocalizedText(issue?.message ?? '')).toEqual({
      zh: '日期“2023-02-29”无效：应为存在的公历日期，格式 YYYY-MM-DD，例如 2024-01-31。',
      en: 'Invalid date "2023-02-29": expected an existing calendar date in the form YYYY-MM-DD, such as 2024-01-31.',
    });
    expect(issue?.code === 'custom' ? issue.params : undefined).toEqual({ code: 'ISO_DATE_INVALID' });
  });

  it('rejects a non-string with a bilingual message', () => {
    const result = isoDateSchema.safeParse(20240101);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('日期“20240101”无效');
    expect(result.error?.issues[0]?.message).toContain('Invalid date "20240101"');
  });
});
