import type { TimerSpec } from '../engine/process-definition.js';
import { addDays } from '../policy/iso-date.js';
import type { DeclarationWindowRecord } from './deadline-records.js';

/** States in which the report is open for declaring or paying, so that its deadline can pass. */
const OPEN_REPORT_STATES = ['windowOpen', 'headcountMismatch', 'declared', 'assessed'] as const;

/**
 * Declares the deadline timers of a monthly report. While the case waits for the window, WINDOW_OPENED
 * fires on the opening day, the 10th of the next month. While the report is open, DEADLINE_PASSED fires
 * on the day after the deadline. `recordDeclarationWindow` has already moved that deadline to the next
 * working day when the 25th is not one. The machine then makes the report overdue and opens the arrears
 * case itself. A case still waiting for a month-end push gets no timer, because the machine accepts
 * neither event there.
 */
export function monthlyReportTimers(context: { readonly window: DeclarationWindowRecord }, stateAfter: readonly string[]): TimerSpec[] {
  const { opensOn, deadline } = context.window.result;
  if (stateAfter.includes('awaitingWindow')) {
    return [{ key: 'window-opens', eventType: 'WINDOW_OPENED', data: {}, dueOn: opensOn }];
  }
  if (stateAfter.some((state) => (OPEN_REPORT_STATES as readonly string[]).includes(state))) {
    return [{ key: 'deadline-passes', eventType: 'DEADLINE_PASSED', data: {}, dueOn: addDays(deadline, 1) }];
  }
  return [];
}
