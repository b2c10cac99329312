import { z } from 'zod';

import calendar2015 from './data/calendar-2015.json' with { type: 'json' };
import calendar2016 from './data/calendar-2016.json' with { type: 'json' };
import calendar2017 from './data/calendar-2017.json' with { type: 'json' };
import calendar2018 from './data/calendar-2018.json' with { type: 'json' };
import calendar2019 from './data/calendar-2019.json' with { type: 'json' };
import calendar2020 from './data/calendar-2020.json' with { type: 'json' };
import calendar2021 from './data/calendar-2021.json' with { type: 'json' };
import calendar2022 from './data/calendar-2022.json' with { type: 'json' };
import calendar2023 from './data/calendar-2023.json' with { type: 'json' };
import calendar2024 from './data/calendar-2024.json' with { type: 'json' };
import calendar2025 from './data/calendar-2025.json' with { type: 'json' };
import calendar2026 from './data/calendar-2026.json' with { type: 'json' };
import { PolicyError } from './errors.js';
import type { IsoDate } from './iso-date.js';
import { addDays, compareIsoDates, isIsoDate, isoDateParts, isWeekend } from './iso-date.js';

/**
 * Official working-day calendar of one year (国务院办公厅 节假日安排), as shipped in
 * `data/calendar-YYYY.json`. `holidays` lists every day off, ranges expanded, and may include weekend
 * days; `adjustedWorkingDays` lists the weekend days that are working days (调休上班).
 */
export interface CalendarYearData {
  readonly year: number;
  /** Version of this year's file, such as "2024.1"; raise it whenever the file changes. */
  readonly version: string;
  /** Title, number and date of the notice the dates come from. */
  readonly source: string;
  readonly sourceUrl?: string;
  /** Confidence mark of the dates: `official` when the notice text itself was found. */
  readonly mark: 'official' | 'secondary' | 'unverified';
  readonly holidays: readonly IsoDate[];
  readonly adjustedWorkingDays: readonly IsoDate[];
}

/** Thrown when a date falls in a year that has no calendar data file. */
export class CalendarYearMissingError extends PolicyError {
  readonly year: number;

  constructor(year: number) {
    super(
      'CALENDAR_YEAR_MISSING',
      {
        zh: `缺少${year}年的工作日日历，无法判断该年的工作日：请依据国务院办公厅${year}年节假日安排通知添加数据文件 calendar-${year}.json，并在 machines/policy/calendar.ts 中登记。`,
        en: `No working-day calendar for ${year}, so working days in ${year} cannot be determined: add the data file calendar-${year}.json from the State Council's holiday notice for ${year} and register it in machines/policy/calendar.ts.`,
      },
      { year },
    );
    this.year = year;
  }
}

// To add a year, put calendar-YYYY.json beside the others and add it to this list.
// Years before 2024 come from a secondary source (see scripts/calendar-from-chinese-days.ts); they serve
// the due dates of legacy fee periods.
const CALENDAR_FILES: readonly unknown[] = [
  calendar2015,
  calendar2016,
  calendar2017,
  calendar2018,
  calendar2019,
  calendar2020,
  calendar2021,
  calendar2022,
  calendar2023,
  calendar2024,
  calendar2025,
  calendar2026,
];

const calendarFileSchema = z.object({
  year: z.number().int(),
  version: z.string().min(1),
  source: z.string().min(1),
  sourceUrl: z.url().optional(),
  mark: z.enum(['official', 'secondary', 'unverified']),
  holidays: z.array(z.string().refine(isIsoDate)),
  adjustedWorkingDays: z.array(z.string().refine(isIsoDate)),
});

interface LoadedCalendarYear {
  readonly data: CalendarYearData;
  readonly holidays: ReadonlySet<string>;
  readonly adjustedWorkingDays: ReadonlySet<string>;
}

const CALENDARS: ReadonlyMap<number, LoadedCalendarYear> = loadCalendars(CALENDAR_FILES);

/** Version of each shipped calendar year's data file, by year. */
export const CALENDAR_DATA_VERSIONS: Readonly<Record<number, string>> = Object.fromEntries(
  [...CALENDARS.values()].map((calendar) => [calendar.data.year, calendar.data.version]),
);

/** Versions of all shipped calendar years joined in year order, such as "2024.1+2025.1+2026.1". */
export const CALENDAR_DATA_VERSION: string = calendarYears()
  .map((year) => CALENDAR_DATA_VERSIONS[year])
  .join('+');

/** Returns the years that have calendar data, in ascending order. */
export function calendarYears(): number[] {
  return [...CALENDARS.keys()].sort((a, b) => a - b);
}

/** Returns the shipped data of one year, with its source. Throws `CalendarYearMissingError` when absent. */
export function calendarYearData(year: number): CalendarYearData {
  return calendarOfYear(year).data;
}

/**
 * Returns whether `date` is a working day. A listed holiday is a day off even on a weekday, a listed
 * adjusted working day is a working day even on a weekend, and any other Saturday or Sunday is a day off.
 * Throws `CalendarYearMissingError` when the date's year has no calendar data.
 */
export function isWorkingDay(date: IsoDate): boolean {
  const calendar = calendarOfYear(isoDateParts(date).year);

  if (calendar.holidays.has(date)) {
    return false;
  }
  if (calendar.adjustedWorkingDays.has(date)) {
    return true;
  }
  return !isWeekend(date);
}

/**
 * Returns `date` itself when it is a working day, otherwise the first working day after it.
 * Throws `CalendarYearMissingError` when the search reaches a year without calendar data.
 */
export function nextWorkingDayOnOrAfter(date: IsoDate): IsoDate {
  let day = date;
  while (!isWorkingDay(day)) {
    day = addDays(day, 1);
  }
  return day;
}

/**
 * Moves `count` working days from `date`: forward when positive, backward when negative. The start date
 * itself is never counted, so `addWorkingDays(friday, 1)` is the next Monday in an ordinary week, and a
 * count of 0 returns `date` unchanged even when it is not a working day.
 * Throws `PolicyError` with code `WORKING_DAY_COUNT_INVALID` when `count` is not an integer, and
 * `CalendarYearMissingError` when the walk reaches a year without calendar data.
 */
export function addWorkingDays(date: IsoDate, count: number): IsoDate {
  if (!Number.isSafeInteger(count)) {
    throw new PolicyError(
      'WORKING_DAY_COUNT_INVALID',
      {
        zh: `工作日数“${count}”无效：应为整数。`,
        en: `Invalid working-day count "${count}": expected an integer.`,
      },
      { value: count },
    );
  }

  const step = count < 0 ? -1 : 1;
  let remaining = Math.abs(count);
  let day = date;
  while (remaining > 0) {
    day = addDays(day, step);
    if (isWorkingDay(day)) {
      remaining -= 1;
    }
  }
  return day;
}

/**
 * Counts the working days after `from` up to and including `to`. The result is 0 when the dates are
 * equal, and negative when `to` is earlier: then it is minus the count of working days after `to` up to
 * and including `from`. So `addWorkingDays(from, workingDaysBetween(from, to))` is `to` whenever `to`
 * is a working day.
 * Throws `CalendarYearMissingError` when the range touches a year without calendar data.
 */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  const order = compareIsoDates(from, to);
  if (order === 0) {
    return 0;
  }
  if (order > 0) {
    return -workingDaysBetween(to, from);
  }

  let count = 0;
  for (let day = addDays(from, 1); compareIsoDates(day, to) <= 0; day = addDays(day, 1)) {
    if (isWorkingDay(day)) {
      count += 1;
    }
  }
  return count;
}

function calendarOfYear(year: number): LoadedCalendarYear {
  const calendar = CALENDARS.get(year);
  if (calendar === undefined) {
    throw new CalendarYearMissingError(year);
  }
  return calendar;
}

function loadCalendars(files: readonly unknown[]): Map<number, LoadedCalendarYear> {
  const calendars = new Map<number, LoadedCalendarYear>();

  for (const file of files) {
    const data = parseCalendarYearData(file);
    if (calendars.has(data.year)) {
      throw invalidCalendarError(data.year, `more than one file for year ${data.year}`);
    }
    calendars.set(data.year, {
      data,
      holidays: new Set(data.holidays),
      adjustedWorkingDays: new Set(data.adjustedWorkingDays),
    });
  }

  return calendars;
}

/**
 * Validates the content of one `calendar-YYYY.json` file. The shipped files are checked this way when
 * this module loads, so a broken file fails at startup instead of silently giving wrong deadlines.
 * Throws `PolicyError` with code `CALENDAR_DATA_INVALID` naming the year and the problem.
 */
export function parseCalendarYearData(file: unknown): CalendarYearData {
  const parsed = calendarFileSchema.safeParse(file);
  const yearHint = typeof file === 'object' && file !== null && 'year' in file ? String(file.year) : 'unknown';
  if (!parsed.success) {
    throw invalidCalendarError(yearHint, z.prettifyError(parsed.error));
  }

  const data: CalendarYearData = parsed.data;
  const outsideYear = [...data.holidays, ...data.adjustedWorkingDays].find(
    (date) => isoDateParts(date).year !== data.year,
  );
  if (outsideYear !== undefined) {
    throw invalidCalendarError(data.year, `date ${outsideYear} is not in year ${data.year}`);
  }

  const holidays = new Set<string>(data.holidays);
  const inBothLists = data.adjustedWorkingDays.find((date) => holidays.has(date));
  if (inBothLists !== undefined) {
    const problem = `date ${inBothLists} is listed both as a holiday and as an adjusted working day`;
    throw invalidCalendarError(data.year, problem);
  }

  const weekdayAdjusted = data.adjustedWorkingDays.find((date) => !isWeekend(date));
  if (weekdayAdjusted !== undefined) {
    throw invalidCalendarError(data.year, `adjusted working day ${weekdayAdjusted} is not a Saturday or Sunday`);
  }

  return data;
}

function invalidCalendarError(year: number | string, problem: string): PolicyError {
  return new PolicyError(
    'CALENDAR_DATA_INVALID',
    {
      zh: `${year}年工作日日历数据文件 calendar-${year}.json 无效（${problem}）：请按国务院办公厅节假日安排通知更正该文件。`,
      en: `Invalid working-day calendar file calendar-${year}.json (${problem}): correct it from the State Council's holiday notice.`,
    },
    { year, problem },
  );
}
