import { describe, expect, it } from 'vitest';

import { PolicyError } from '../../machines/policy/errors.js';
import { parseIsoDate } from '../../machines/policy/iso-date.js';
import {
  LATE_FEE_DAILY_RATE_PER_TEN_THOUSAND,
  PPM_PER_PERCENT,
  assertFen,
  formatYuan,
  lateFeeDays,
  lateFeeFen,
  rateTimesBaseFen,
  roundHalfUpDivide,
} from '../../machines/policy/money.js';

function catchPolicyError(action: () => unknown): PolicyError {
  try {
    action();
  } catch (error) {
    if (error instanceof PolicyError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('roundHalfUpDivide', () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [3n, 2n, 2n],
    [1n, 3n, 0n],
    [0n, 7n, 0n],
    [10n, 5n, 2n],
    [-5n, 2n, -3n],
    [-4n, 3n, -1n],
    [-5n, 3n, -2n],
    [-1n, 3n, 0n],
  ])('divides %i by %i to %i', (numerator, denominator, expected) => {
    expect(roundHalfUpDivide(numerator, denominator)).toBe(expected);
  });

  it.each([0n, -2n])('rejects denominator %i', (denominator) => {
    const error = catchPolicyError(() => roundHalfUpDivide(1n, denominator));

    expect(error.code).toBe('DENOMINATOR_INVALID');
    expect(error.localized).toEqual({
      zh: `除数“${denominator}”无效：应为正整数。`,
      en: `Invalid denominator "${denominator}": expected a positive integer.`,
    });
  });
});

describe('rateTimesBaseFen', () => {
  it('computes the employer pension fee', () => {
    // 6,821 yuan (2024 lower limit) at 16%.
    expect(rateTimesBaseFen(682_100, 16 * PPM_PER_PERCENT)).toBe(109_136);
  });

  it('computes a floated work-injury fee exactly', () => {
    // 35,283 yuan at 0.2% x 120% = 0.24% = 2,400 ppm gives 84.6792 yuan.
    expect(rateTimesBaseFen(3_528_300, 2_400)).toBe(8_468);
  });

  it('rounds half up to whole fen', () => {
    expect(rateTimesBaseFen(1, 500_000)).toBe(1);
    expect(rateTimesBaseFen(1, 499_999)).toBe(0);
    expect(rateTimesBaseFen(3, 5_000)).toBe(0);
  });

  it('accepts rates of 0 and 100%', () => {
    expect(rateTimesBaseFen(12_345, 0)).toBe(0);
    expect(rateTimesBaseFen(12_345, 1_000_000)).toBe(12_345);
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('rejects base %d', (baseFen) => {
    const error = catchPolicyError(() => rateTimesBaseFen(baseFen, 160_000));

    expect(error.code).toBe('FEN_INVALID');
    expect(error.details).toEqual({ field: 'baseFen', value: baseFen });
  });

  it.each([-1, 0.5, 1_000_001])('rejects rate %d', (rate) => {
    const error = catchPolicyError(() => rateTimesBaseFen(100, rate));

    expect(error.code).toBe('RATE_INVALID');
  });

  it('names the field and the value', () => {
    const error = catchPolicyError(() => rateTimesBaseFen(-1, 160_000));

    expect(error.localized).toEqual({
      zh: 'baseFen 的值“-1”无效：应为非负整数（单位：分）。',
      en: 'Invalid baseFen "-1": expected a non-negative whole number of fen.',
    });
  });
});

describe('formatYuan', () => {
  it.each([
    [123_450, '1234.50'],
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [3_528_399, '35283.99'],
  ])('formats %i fen as %s', (fen, expected) => {
    expect(formatYuan(fen)).toBe(expected);
  });

  it('rejects negative fen', () => {
    expect(catchPolicyError(() => formatYuan(-5)).code).toBe('FEN_INVALID');
  });

  it('rejects fractional fen', () => {
    expect(catchPolicyError(() => formatYuan(12.5)).code).toBe('FEN_INVALID');
  });
});

describe('lateFeeFen', () => {
  it('charges 0.05% a day by default', () => {
    expect(LATE_FEE_DAILY_RATE_PER_TEN_THOUSAND).toBe(5);
    expect(lateFeeFen({ principalFen: 100_000, days: 10 })).toBe(500);
  });

  it('rounds once, not per day', () => {
    // 1,000 fen x 0.05% = 0.5 fen a day: three days are 1.5 fen, rounded once to 2 (per day would give 3).
    expect(lateFeeFen({ principalFen: 1_000, days: 3 })).toBe(2);
  });

  it('rounds half up', () => {
    expect(lateFeeFen({ principalFen: 1_000, days: 1 })).toBe(1);
    expect(lateFeeFen({ principalFen: 999, days: 1 })).toBe(0);
  });

  it('is 0 for 0 days', () => {
    expect(lateFeeFen({ principalFen: 100_000, days: 0 })).toBe(0);
  });

  it('accepts another daily rate', () => {
    expect(lateFeeFen({ principalFen: 100_000, days: 10, dailyRatePerTenThousand: 2 })).toBe(200);
  });

  it('does not cap at the principal by default', () => {
    expect(lateFeeFen({ principalFen: 10_000, days: 3_000 })).toBe(15_000);
  });

  it('caps at the principal when asked', () => {
    expect(lateFeeFen({ principalFen: 10_000, days: 3_000, capAtPrincipal: true })).toBe(10_000);
  });

  it('rejects a negative principal', () => {
    const error = catchPolicyError(() => lateFeeFen({ principalFen: -1, days: 1 }));

    expect(error.code).toBe('FEN_INVALID');
    expect(error.details).toEqual({ field: 'principalFen', value: -1 });
  });

  it.each([-1, 2.5])('rejects %d days', (days) => {
    const error = catchPolicyError(() => lateFeeFen({ principalFen: 100, days }));

    expect(error.code).toBe('DAY_COUNT_INVALID');
    expect(error.localized.en).toBe(`Invalid days "${days}": expected a non-negative integer.`);
  });

  it('rejects a fractional rate', () => {
    const error = catchPolicyError(() => lateFeeFen({ principalFen: 100, days: 1, dailyRatePerTenThousand: 0.5 }));

    expect(error.code).toBe('RATE_INVALID');
  });
});

describe('lateFeeDays', () => {
  const deadline = parseIsoDate('2024-02-26');

  it('is 0 when paid on the deadline', () => {
    expect(lateFeeDays(deadline, parseIsoDate('2024-02-26'))).toBe(0);
  });

  it('is 0 when paid early', () => {
    expect(lateFeeDays(deadline, parseIsoDate('2024-02-11'))).toBe(0);
  });

  it('counts from the day after the deadline', () => {
    expect(lateFeeDays(deadline, parseIsoDate('2024-02-27'))).toBe(1);
    expect(lateFeeDays(deadline, parseIsoDate('2024-03-01'))).toBe(4);
  });

  it('counts across a year end', () => {
    expect(lateFeeDays(parseIsoDate('2024-12-25'), parseIsoDate('2025-01-05'))).toBe(11);
  });

  it('accepts the explicit first-day rule', () => {
    expect(lateFeeDays(deadline, parseIsoDate('2024-02-28'), { firstDayCounted: 'day-after-deadline' })).toBe(2);
  });
});

describe('assertFen', () => {
  it('accepts a non-negative safe integer', () => {
    expect(() => assertFen(0)).not.toThrow();
    expect(() => assertFen(Number.MAX_SAFE_INTEGER)).not.toThrow();
  });

  it('rejects a string', () => {
    const error = catchPolicyError(() => assertFen('100', 'refundFen'));

    expect(error.code).toBe('FEN_INVALID');
    expect(error.localized.en).toBe('Invalid refundFen "100": expected a non-negative whole number of fen.');
  });
});
