import type { TimerSpec } from '../engine/process-definition.js';
import { addMonths, feePeriodParts } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import { daysInMonth, isoDateFromParts } from '../policy/iso-date.js';

/**
 * Declares the deadline timer of a personal data change. While the case tracks the two sides,
 * MONTH_END_CHECK fires on the last day of the next unchecked month, when hr's and medical's month-end
 * pushes reach tax. The first checked month is the month of the request. A case checked late catches up
 * one month per firing.
 */
export function personalDataChangeTimers(
  context: { readonly requestedIn: FeePeriod; readonly lastCheck: { readonly feePeriod: FeePeriod } | null },
  stateAfter: readonly string[],
): TimerSpec[] {
  if (!stateAfter.some((state) => state.startsWith('tracking.'))) return [];
  const feePeriod = context.lastCheck === null ? context.requestedIn : addMonths(context.lastCheck.feePeriod, 1);
  const { year, month } = feePeriodParts(feePeriod);
  const monthEnd = isoDateFromParts(year, month, daysInMonth(year, month));
  return [{ key: 'month-end-check', eventType: 'MONTH_END_CHECK', data: { feePeriod }, dueOn: monthEnd }];
}
