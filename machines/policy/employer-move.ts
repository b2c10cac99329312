import { addMonths, compareFeePeriods } from './fee-period.js';
import type { FeePeriod } from './fee-period.js';
import { INSURANCES } from './parties.js';
import type { Insurance } from './parties.js';

/**
 * Rule for the start month of medical insurance at a new employer the person moves to. Beijing's process
 * description gives the months for pension, unemployment and work injury only.
 * - `'after-previous-employer'`: like pension, the month after the last month the old employer charged,
 *   because employee medical insurance, too, has one payer per person and month.
 * - `'addition-month'`: like work injury, the month of the addition.
 */
export type MedicalStartRule = 'after-previous-employer' | 'addition-month';

/** NOTE: unverified, chosen because employee medical insurance cannot be held at two employers at once. */
export const MEDICAL_START_RULE: MedicalStartRule = 'after-previous-employer';

/** The employer a person leaves: the last month it charged and the insurances it charged. */
export interface PreviousEmployerCharge {
  readonly lastChargedMonth: FeePeriod;
  readonly insurances: readonly Insurance[];
}

/**
 * Computes the start month per insurance at a new employer (SPEC §4.3, moving between employers). Work
 * injury starts in the addition month. Pension and unemployment start no earlier than the month after the
 * last month the previous employer charged, because one person cannot pay them twice for a month, and
 * medical follows `medicalStartRule`. Without a previous employer, or for an insurance it did not charge,
 * every insurance starts in the addition month.
 */
export function startMonthsAtNewEmployer(
  insurances: readonly Insurance[],
  additionMonth: FeePeriod,
  previous: PreviousEmployerCharge | null,
  medicalStartRule: MedicalStartRule = MEDICAL_START_RULE,
): Partial<Record<Insurance, FeePeriod>> {
  const startMonths: Partial<Record<Insurance, FeePeriod>> = {};
  for (const insurance of INSURANCES) {
    if (!insurances.includes(insurance)) continue;
    const onePayerPerMonth =
      insurance === 'pension' || insurance === 'unemployment' || (insurance === 'medical' && medicalStartRule === 'after-previous-employer');
    if (onePayerPerMonth && previous !== null && previous.insurances.includes(insurance)) {
      const firstFreeMonth = addMonths(previous.lastChargedMonth, 1);
      startMonths[insurance] = compareFeePeriods(additionMonth, firstFreeMonth) >= 0 ? additionMonth : firstFreeMonth;
    } else {
      startMonths[insurance] = additionMonth;
    }
  }
  return startMonths;
}
