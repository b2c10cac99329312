import type { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import { CALENDAR_DATA_VERSION, CalendarYearMissingError } from '../policy/calendar.js';
import { declarationWindow } from '../policy/declaration-window.js';
import type { DeclarationWindow, DeclarationWindowOptions } from '../policy/declaration-window.js';
import type { FeePeriod } from '../policy/fee-period.js';

/**
 * The window options every process in this folder uses. They are written out, not left to the policy
 * default, so that the options stored in a case show the setting that produced its deadline.
 */
export const DECLARATION_WINDOW_OPTIONS = { moveDeadlineToNextWorkingDay: true } as const satisfies DeclarationWindowOptions;

/**
 * A declaration window as a case stores it: the inputs of `declarationWindow`, its result, and the
 * version of the working-day calendars it read, so that an auditor can recompute the deadline.
 */
export interface DeclarationWindowRecord {
  readonly inputs: { readonly feePeriod: FeePeriod; readonly options: DeclarationWindowOptions };
  readonly result: DeclarationWindow;
  readonly calendarDataVersion: string;
}

/**
 * Computes and records the declaration window of a fee period.
 * Throws `CalendarYearMissingError` when the deadline falls in a year without calendar data, so validate
 * the fee period with `computeOrReportMissingCalendar` before a machine calls this.
 */
export function recordDeclarationWindow(feePeriod: FeePeriod): DeclarationWindowRecord {
  return {
    inputs: { feePeriod, options: DECLARATION_WINDOW_OPTIONS },
    result: declarationWindow(feePeriod, DECLARATION_WINDOW_OPTIONS),
    calendarDataVersion: CALENDAR_DATA_VERSION,
  };
}

/**
 * Runs a date computation inside a zod refinement. A `CalendarYearMissingError` becomes an issue at
 * `path` with the error's own message and `params.code` `CALENDAR_YEAR_MISSING`, and the function
 * returns undefined. The case is then rejected at start, before a machine could fail on the missing
 * year. Any other error is rethrown, because it is a bug.
 */
export function computeOrReportMissingCalendar<T>(
  compute: () => T,
  context: z.RefinementCtx,
  path: readonly PropertyKey[],
): T | undefined {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof CalendarYearMissingError)) throw error;
    context.addIssue({
      code: 'custom',
      path: [...path],
      params: { code: error.code, year: error.year },
      message: encodeLocalizedText(error.localized),
    });
    return undefined;
  }
}
