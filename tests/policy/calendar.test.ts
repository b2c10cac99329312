import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';

import calendar2024 from '../../machines/policy/data/calendar-2024.json' with { type: 'json' };
import {
  CALENDAR_DATA_VERSION,
  CALENDAR_DATA_VERSIONS,
  CalendarYearMissingError,
  addWorkingDays,
  calendarYearData,
  calendarYears,
  isWorkingDay,
  nextWorkingDayOnOrAfter,
  parseCalendarYearData,
  workingDaysBetween,
} from '../../machines/policy/calendar.js';
import { PolicyError } from '../../machines/policy/errors.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { addDays, isoDateFromParts, parseIsoDate } from '../../machines/policy/iso-date.js';

const date = (text: string): IsoDate => parseIsoDate(text);

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function daysOfYear(year: number): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = isoDateFromParts(year, 1, 1); day.startsWith(String(year)); day = addDays(day, 1)) {
    days.push(day);
  }
  return days;
}

describe('isWorkingDay', () => {
  it.each([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026])('agrees with chinese-days on every day of %i', (year) => {
    const disagreements = daysOfYear(year).filter((day) => isWorkingDay(day) !== chineseDays.isWorkday(day));

    expect(disagreements).toEqual([]);
  });

  it('treats a weekday holiday as a day off', () => {
    expect(isWorkingDay(date('2024-10-01'))).toBe(false);
    expect(isWorkingDay(date('2026-01-02'))).toBe(false);
  });

  it('treats an adjusted weekend day as a working day', () => {
    expect(isWorkingDay(date('2024-02-04'))).toBe(true);
    expect(isWorkingDay(date('2025-01-26'))).toBe(true);
    expect(isWorkingDay(date('2026-01-04'))).toBe(true);
  });

  it('treats an ordinary weekend as a day off', () => {
    expect(isWorkingDay(date('2024-05-25'))).toBe(false);
    expect(isWorkingDay(date('2024-05-26'))).toBe(false);
  });

  it('treats an ordinary weekday as a working day', () => {
    expect(isWorkingDay(date('2024-05-27'))).toBe(true);
  });

  it.each([2014, 2027])('rejects year %i as missing', (year) => {
    const error = catchError(() => isWorkingDay(isoDateFromParts(year, 6, 1)));

    expect(error).toBeInstanceOf(CalendarYearMissingError);
    expect(error).toBeInstanceOf(PolicyError);
    const missing = error as CalendarYearMissingError;
    expect(missing.code).toBe('CALENDAR_YEAR_MISSING');
    expect(missing.year).toBe(year);
    expect(missing.details).toEqual({ year });
    expect(missing.localized).toEqual({
      zh: `缺少${year}年的工作日日历，无法判断该年的工作日：请依据国务院办公厅${year}年节假日安排通知添加数据文件 calendar-${year}.json，并在 machines/policy/calendar.ts 中登记。`,
      en: `No working-day calendar for ${year}, so working days in ${year} cannot be determined: add the data file calendar-${year}.json from the State Council's holiday notice for ${year} and register it in machines/policy/calendar.ts.`,
    });
    expect(missing.message).toBe(missing.localized.en);
  });
});

// The ordinary tax filing deadline (the "15th") moves to the next working day when it is not one.
// It is extended further when a holiday of three or more consecutive days falls within the filing
// period (Tax Collection Administration Law implementing regulations, art. 109). So the plain
// next-working-day rule matches the published dates only in months without such a holiday.
describe('tax filing deadline check', () => {
  const PUBLISHED: Record<number, readonly number[]> = {
    2024: [15, 23, 15, 18, 22, 19, 15, 15, 18, 24, 15, 16],
    2026: [20, 24, 16, 20, 22, 15, 15, 17, 15, 26, 16, 15],
  };
  // Months extended for a long holiday: Spring Festival, Qingming, Labour Day, Dragon Boat Festival,
  // National Day and, in 2026, the three-day New Year holiday.
  const EXTENDED_MONTHS: Record<number, readonly number[]> = {
    2024: [2, 4, 5, 6, 10],
    2026: [1, 4, 5, 10],
  };

  for (const year of [2024, 2026]) {
    const published = PUBLISHED[year] ?? [];
    const extended = EXTENDED_MONTHS[year] ?? [];

    it(`matches the published ${year} dates where no extension applies`, () => {
      for (let month = 1; month <= 12; month += 1) {
        if (extended.includes(month)) {
          continue;
        }
        const moved = nextWorkingDayOnOrAfter(isoDateFromParts(year, month, 15));
        expect(moved, `${year}-${month}`).toBe(isoDateFromParts(year, month, published[month - 1] ?? 0));
      }
    });

    it(`gives earlier dates than the extended ${year} months`, () => {
      for (const month of extended) {
        const moved = nextWorkingDayOnOrAfter(isoDateFromParts(year, month, 15));
        const publishedDate = isoDateFromParts(year, month, published[month - 1] ?? 0);
        expect(moved < publishedDate, `${year}-${month}`).toBe(true);
        expect(isWorkingDay(publishedDate), `${year}-${month}`).toBe(true);
      }
    });
  }
});

describe('nextWorkingDayOnOrAfter', () => {
  it('keeps a working day', () => {
    expect(nextWorkingDayOnOrAfter(date('2024-02-26'))).toBe('2024-02-26');
  });

  it('skips a weekend', () => {
    expect(nextWorkingDayOnOrAfter(date('2024-05-25'))).toBe('2024-05-27');
  });

  it('skips a holiday to an adjusted working Sunday', () => {
    expect(nextWorkingDayOnOrAfter(date('2024-02-10'))).toBe('2024-02-18');
  });

  it('stops at an adjusted working day after a Saturday', () => {
    expect(nextWorkingDayOnOrAfter(date('2025-01-25'))).toBe('2025-01-26');
  });

  it('fails when the search reaches a missing year', () => {
    const error = catchError(() => nextWorkingDayOnOrAfter(date('2027-01-01')));

    expect((error as CalendarYearMissingError).year).toBe(2027);
  });
});

describe('addWorkingDays', () => {
  it('moves forward over a holiday', () => {
    expect(addWorkingDays(date('2024-02-08'), 1)).toBe('2024-02-09');
    expect(addWorkingDays(date('2024-02-09'), 1)).toBe('2024-02-18');
    expect(addWorkingDays(date('2024-02-09'), 2)).toBe('2024-02-19');
  });

  it('moves backward over a holiday', () => {
    expect(addWorkingDays(date('2024-02-18'), -1)).toBe('2024-02-09');
    expect(addWorkingDays(date('2024-05-27'), -1)).toBe('2024-05-24');
  });

  it('returns the start date for a count of 0', () => {
    expect(addWorkingDays(date('2024-02-10'), 0)).toBe('2024-02-10');
  });

  it('starts counting after a non-working start date', () => {
    expect(addWorkingDays(date('2024-05-25'), 1)).toBe('2024-05-27');
  });

  it('crosses into the next shipped year', () => {
    expect(addWorkingDays(date('2024-12-31'), 1)).toBe('2025-01-02');
  });

  it('fails when the walk reaches a missing year', () => {
    const error = catchError(() => addWorkingDays(date('2026-12-31'), 1));

    expect(error).toBeInstanceOf(CalendarYearMissingError);
    expect((error as CalendarYearMissingError).year).toBe(2027);
  });

  it('rejects a fractional count', () => {
    const error = catchError(() => addWorkingDays(date('2024-01-02'), 0.5)) as PolicyError;

    expect(error.code).toBe('WORKING_DAY_COUNT_INVALID');
    expect(error.localized).toEqual({
      zh: '工作日数“0.5”无效：应为整数。',
      en: 'Invalid working-day count "0.5": expected an integer.',
    });
  });
});

describe('workingDaysBetween', () => {
  it('counts after from up to and including to', () => {
    expect(workingDaysBetween(date('2024-02-09'), date('2024-02-18'))).toBe(1);
    expect(workingDaysBetween(date('2024-05-24'), date('2024-05-27'))).toBe(1);
    expect(workingDaysBetween(date('2024-05-27'), date('2024-05-31'))).toBe(4);
  });

  it('is 0 for equal dates', () => {
    expect(workingDaysBetween(date('2024-05-27'), date('2024-05-27'))).toBe(0);
  });

  it('is negative when to is earlier', () => {
    expect(workingDaysBetween(date('2024-02-18'), date('2024-02-09'))).toBe(-1);
    expect(workingDaysBetween(date('2024-05-31'), date('2024-05-27'))).toBe(-4);
  });

  it('counts the working days of a whole year like chinese-days', () => {
    const expected = chineseDays.getWorkdaysInRange('2025-01-01', '2025-12-31').length;

    expect(workingDaysBetween(date('2024-12-31'), date('2025-12-31'))).toBe(expected);
  });

  it('inverts addWorkingDays', () => {
    const from = date('2024-09-13');
    for (const count of [-20, -3, -1, 0, 1, 2, 15, 40]) {
      expect(workingDaysBetween(from, addWorkingDays(from, count))).toBe(count);
    }
  });
});

describe('calendar data', () => {
  it('ships 2024 to 2026', () => {
    expect(calendarYears()).toEqual([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  });

  it('versions each year', () => {
    const years = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026];
    expect(CALENDAR_DATA_VERSIONS).toEqual(Object.fromEntries(years.map((year) => [year, `${year}.1`])));
    expect(CALENDAR_DATA_VERSION).toBe(years.map((year) => `${year}.1`).join('+'));
  });

  it('names the official notice of each year', () => {
    expect(calendarYearData(2024).source).toContain('国务院办公厅关于2024年部分节假日安排的通知');
    expect(calendarYearData(2025).source).toContain('国务院办公厅关于2025年部分节假日安排的通知');
    expect(calendarYearData(2026).source).toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect(calendarYearData(2024).mark).toBe('official');
  });

  it('expands holiday ranges to single days', () => {
    const springFestival = calendarYearData(2024).holidays.filter((day) => day.startsWith('2024-02'));

    expect(springFestival).toEqual([
      '2024-02-10',
      '2024-02-11',
      '2024-02-12',
      '2024-02-13',
      '2024-02-14',
      '2024-02-15',
      '2024-02-16',
      '2024-02-17',
    ]);
  });

  it('rejects a missing year when asked for its data', () => {
    expect(() => calendarYearData(2014)).toThrow(CalendarYearMissingError);
  });
});

describe('parseCalendarYearData', () => {
  it('accepts a shipped file', () => {
    expect(parseCalendarYearData(calendar2024).year).toBe(2024);
  });

  it.each([
    ['a missing field', { ...calendar2024, source: undefined }, 'source'],
    ['a date outside the year', { ...calendar2024, holidays: ['2025-01-01'] }, 'date 2025-01-01 is not in year 2024'],
    [
      'a date in both lists',
      { ...calendar2024, holidays: ['2024-02-04'] },
      'date 2024-02-04 is listed both as a holiday and as an adjusted working day',
    ],
    [
      'an adjusted working day on a weekday',
      { ...calendar2024, adjustedWorkingDays: ['2024-02-05'] },
      'adjusted working day 2024-02-05 is not a Saturday or Sunday',
    ],
    ['an impossible date', { ...calendar2024, holidays: ['2024-02-30'] }, 'holidays'],
  ])('rejects %s', (_label, file, problem) => {
    const error = catchError(() => parseCalendarYearData(file)) as PolicyError;

    expect(error.code).toBe('CALENDAR_DATA_INVALID');
    expect(error.localized.en).toContain('calendar-2024.json');
    expect(error.localized.en).toContain(problem);
    expect(error.localized.zh).toContain('calendar-2024.json');
  });
});
