import { describe, expect, it } from 'vitest';
import { parseFeePeriod } from '../../machines/policy/fee-period.js';
import { recordDeclarationWindow } from '../../machines/processes/deadline-records.js';
import { monthlyReportTimers } from '../../machines/processes/monthly-report-timers.js';

describe('monthly report timers', () => {
  // Fee period 2025-09: the 25th of October 2025 is a Saturday, so the deadline is Monday the 27th.
  const weekendWindow = { window: recordDeclarationWindow(parseFeePeriod('2025-09')) };
  // Fee period 2025-10: the 25th of November 2025 is a Tuesday, a working day.
  const weekdayWindow = { window: recordDeclarationWindow(parseFeePeriod('2025-10')) };

  it('declares none while a month-end push is missing', () => {
    expect(monthlyReportTimers(weekendWindow, ['awaitingMonthEndPush.hr.waiting', 'awaitingMonthEndPush.medical.pushed'])).toEqual([]);
  });

  it('opens the window on the 10th of the next month', () => {
    expect(monthlyReportTimers(weekendWindow, ['awaitingWindow'])).toEqual([
      { key: 'window-opens', eventType: 'WINDOW_OPENED', data: {}, dueOn: '2025-10-10' },
    ]);
  });

  it('passes a weekend deadline on the day after the next working day', () => {
    for (const state of ['windowOpen', 'headcountMismatch', 'declared', 'assessed']) {
      expect(monthlyReportTimers(weekendWindow, [state]), state).toEqual([
        { key: 'deadline-passes', eventType: 'DEADLINE_PASSED', data: {}, dueOn: '2025-10-28' },
      ]);
    }
  });

  it('passes a working-day deadline on the 26th', () => {
    expect(monthlyReportTimers(weekdayWindow, ['windowOpen'])).toEqual([
      { key: 'deadline-passes', eventType: 'DEADLINE_PASSED', data: {}, dueOn: '2025-11-26' },
    ]);
  });

  it('declares none once paid or overdue', () => {
    expect(monthlyReportTimers(weekendWindow, ['paid'])).toEqual([]);
    expect(monthlyReportTimers(weekendWindow, ['overdue'])).toEqual([]);
  });
});
