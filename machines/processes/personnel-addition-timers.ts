import type { TimerSpec } from '../engine/process-definition.js';
import { CalendarYearMissingError } from '../policy/calendar.js';
import { declarationWindow } from '../policy/declaration-window.js';
import { feePeriodOfDate } from '../policy/fee-period.js';
import { addDays } from '../policy/iso-date.js';
import type { IsoDate } from '../policy/iso-date.js';
import { DECLARATION_WINDOW_OPTIONS } from './deadline-records.js';

/**
 * Declares the deadline timer of a personnel addition. While the wage is still to be declared,
 * WAGE_DECLARATION_OVERDUE fires on the day after the deadline of the first window in which the wage was
 * needed. That is the window of the month the addition succeeded: the 10th to the 25th of the next month,
 * with the deadline moved to the next working day. The machine accepts the reminder from that day on.
 */
export function personnelAdditionTimers(context: { readonly registeredOn: IsoDate | null }, stateAfter: readonly string[]): TimerSpec[] {
  if (context.registeredOn === null || !stateAfter.includes('awaitingWageDeclaration')) return [];
  let deadline: IsoDate;
  try {
    deadline = declarationWindow(feePeriodOfDate(context.registeredOn), DECLARATION_WINDOW_OPTIONS).deadline;
  } catch (error) {
    // NOTE: without the calendar of the deadline's year no reminder is scheduled. The case's next event
    // after the calendar file is added declares the timer.
    if (error instanceof CalendarYearMissingError) return [];
    throw error;
  }
  return [{ key: 'wage-declaration-overdue', eventType: 'WAGE_DECLARATION_OVERDUE', data: {}, dueOn: addDays(deadline, 1) }];
}
