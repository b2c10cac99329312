import type { LocalizedText } from '../localized-text.js';
import { PolicyError } from './errors.js';
import type { IsoDate } from './iso-date.js';
import { daysBetween } from './iso-date.js';

/**
 * An amount of money in integer fen (分, 0.01 yuan). Every function here rejects a value that is
 * negative, fractional or beyond `Number.MAX_SAFE_INTEGER`.
 */
export type Fen = number;

/**
 * A rate in parts per million: 16% is 160_000 and 0.2% is 2_000. Parts per million hold every
 * published Beijing rate and the floated work-injury rates (a class rate times 50%, 80%, 120% or 150%)
 * exactly, which basis points would not guarantee for future floats.
 */
export type RatePpm = number;

/** Parts per million in one percent, for writing rates readably: `16 * PPM_PER_PERCENT`. */
export const PPM_PER_PERCENT = 10_000;

const PPM_PER_UNIT = 1_000_000n;

/** Default late-fee rate: 5 per ten thousand (0.05%) per day, Social Insurance Law art. 86. */
export const LATE_FEE_DAILY_RATE_PER_TEN_THOUSAND = 5;

/**
 * Divides and rounds half away from zero: 5 / 2 gives 3 and -5 / 2 gives -3, so a negative amount
 * rounds to the mirror image of its positive counterpart. This is the only rounding rule of the fee
 * arithmetic, and each computation applies it once, to the exact product.
 * Throws `PolicyError` with code `DENOMINATOR_INVALID` when `denominator` is not positive.
 */
export function roundHalfUpDivide(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) {
    throw new PolicyError(
      'DENOMINATOR_INVALID',
      {
        zh: `除数“${denominator}”无效：应为正整数。`,
        en: `Invalid denominator "${denominator}": expected a positive integer.`,
      },
      { denominator: denominator.toString() },
    );
  }

  const magnitude = numerator < 0n ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  const rounded = remainder * 2n >= denominator ? quotient + 1n : quotient;
  return numerator < 0n ? -rounded : rounded;
}

/**
 * Computes a fee: the base in fen times a rate in parts per million, rounded half up to whole fen.
 * Throws `PolicyError` with code `FEN_INVALID` for an invalid base, and `RATE_INVALID` for a rate that
 * is not an integer from 0 to 1,000,000.
 */
export function rateTimesBaseFen(baseFen: Fen, ratePpm: RatePpm): Fen {
  assertFen(baseFen, 'baseFen');
  assertRatePpm(ratePpm);
  return toFen(roundHalfUpDivide(BigInt(baseFen) * BigInt(ratePpm), PPM_PER_UNIT));
}

/** Formats fen as yuan with two decimals and no grouping: 123450 gives "1234.50". */
export function formatYuan(fen: Fen): string {
  assertFen(fen, 'fen');
  const yuan = Math.floor(fen / 100);
  const cents = fen - yuan * 100;
  return `${yuan}.${String(cents).padStart(2, '0')}`;
}

export interface LateFeeRequest {
  readonly principalFen: Fen;
  /** Days counted, usually from `lateFeeDays`. */
  readonly days: number;
  /** Daily rate per ten thousand of the principal. Default 5, which is 0.05% a day. */
  readonly dailyRatePerTenThousand?: number;
  /**
   * Whether the late fee may not exceed the principal. Default false.
   * NOTE: whether a cap applies to social insurance late fees is unverified; state it in the case.
   */
  readonly capAtPrincipal?: boolean;
}

/**
 * Computes the late payment fee (滞纳金): principal × daily rate × days, rounded half up once to whole
 * fen (Social Insurance Law art. 86: 0.05% of the unpaid amount per day). Rounding once, not per day,
 * is this product's choice, because the published rule does not fix it.
 * Throws `PolicyError` with code `FEN_INVALID` for an invalid principal, `DAY_COUNT_INVALID` for a
 * negative or fractional day count, and `RATE_INVALID` for a negative or fractional rate.
 */
export function lateFeeFen(request: LateFeeRequest): Fen {
  const { principalFen, days } = request;
  const rate = request.dailyRatePerTenThousand ?? LATE_FEE_DAILY_RATE_PER_TEN_THOUSAND;
  assertFen(principalFen, 'principalFen');
  assertDayCount(days);
  assertRatePerTenThousand(rate);

  const fee = toFen(roundHalfUpDivide(BigInt(principalFen) * BigInt(rate) * BigInt(days), 10_000n));
  return request.capAtPrincipal === true ? Math.min(fee, principalFen) : fee;
}

/**
 * Rule for the first day charged with a late fee. Only `'day-after-deadline'` exists now.
 * NOTE: the first day counted is unverified; this option names the rule so that a case can record it.
 */
export type LateFeeFirstDay = 'day-after-deadline';

export interface LateFeeDaysOptions {
  /** Default `'day-after-deadline'`. */
  readonly firstDayCounted?: LateFeeFirstDay;
}

/**
 * Counts the days charged with a late fee: from the day after the deadline through `paidOn`, both
 * included. Returns 0 when paid on or before the deadline.
 */
export function lateFeeDays(deadline: IsoDate, paidOn: IsoDate, options?: LateFeeDaysOptions): number {
  const firstDayCounted: LateFeeFirstDay = options?.firstDayCounted ?? 'day-after-deadline';
  switch (firstDayCounted) {
    case 'day-after-deadline':
      return Math.max(0, daysBetween(deadline, paidOn));
  }
}

/**
 * Throws `PolicyError` with code `FEN_INVALID`, naming `field`, unless `value` is a non-negative safe
 * integer.
 */
export function assertFen(value: unknown, field = 'amount'): asserts value is Fen {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return;
  }
  const expected = { zh: '非负整数（单位：分）', en: 'a non-negative whole number of fen' };
  throw new PolicyError('FEN_INVALID', invalidNumberText(field, value, expected), { field, value });
}

function assertRatePpm(value: number): void {
  if (Number.isSafeInteger(value) && value >= 0 && value <= 1_000_000) {
    return;
  }
  const expected = { zh: '0 至 1000000 之间的整数（百万分率）', en: 'an integer from 0 to 1,000,000 parts per million' };
  throw new PolicyError('RATE_INVALID', invalidNumberText('ratePpm', value, expected), { field: 'ratePpm', value });
}

function assertRatePerTenThousand(value: number): void {
  if (Number.isSafeInteger(value) && value >= 0) {
    return;
  }
  const field = 'dailyRatePerTenThousand';
  const expected = { zh: '非负整数（万分率）', en: 'a non-negative integer per ten thousand' };
  throw new PolicyError('RATE_INVALID', invalidNumberText(field, value, expected), { field, value });
}

function assertDayCount(value: number): void {
  if (Number.isSafeInteger(value) && value >= 0) {
    return;
  }
  const expected = { zh: '非负整数', en: 'a non-negative integer' };
  throw new PolicyError('DAY_COUNT_INVALID', invalidNumberText('days', value, expected), { field: 'days', value });
}

function invalidNumberText(field: string, value: unknown, expected: LocalizedText): LocalizedText {
  return {
    zh: `${field} 的值“${String(value)}”无效：应为${expected.zh}。`,
    en: `Invalid ${field} "${String(value)}": expected ${expected.en}.`,
  };
}

// Converts a computed amount back to a number, rejecting results beyond the safe integer range.
function toFen(amount: bigint): Fen {
  const fen = Number(amount);
  if (!Number.isSafeInteger(fen)) {
    throw new PolicyError(
      'FEN_OVERFLOW',
      {
        zh: `计算结果 ${amount} 分超出可精确表示的金额范围。`,
        en: `The computed amount of ${amount} fen exceeds the range of exactly representable amounts.`,
      },
      { value: amount.toString() },
    );
  }
  return fen;
}
