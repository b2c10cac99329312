import type { IsoDate } from '../policy/iso-date.js';

/**
 * A rule decision a case records (the agency a fee period routes to, a deadline, a clamped base, a late
 * fee) with everything an auditor needs to recompute it later, even after the reference data changes:
 * the rule's name, its inputs, its result and the version of the reference data it used.
 */
export interface RecordedDecision {
  /** Stable rule name, such as `route-fee-case` or `clamp-contribution-base`. */
  readonly rule: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly result: unknown;
  /** Version of the data set or rules table used, such as `2024-01` or `2024.1+2025.1`. */
  readonly dataVersion: string;
  readonly decidedOn: IsoDate;
}
