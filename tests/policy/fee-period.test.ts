import { decodeLocalizedText } from '../../machines/localized-text.js';
import { describe, expect, it } from 'vitest';

import { PolicyError } from '../../machines/policy/errors.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import {
  HANDOVER_FEE_PERIOD,
  MAX_FEE_PERIOD_YEAR,
  MIN_FEE_PERIOD_YEAR,
  addMonths,
  compareFeePeriods,
  feeEraOf,
  feePeriodFromParts,
  feePeriodOfDate,
  feePeriodParts,
  feePeriodSchema,
  formatFeePeriodZh,
  isFeePeriod,
  isTaxEra,
  monthsBetween,
  parseFeePeriod,
} from '../../machines/policy/fee-period.js';
import { parseIsoDate } from '../../machines/policy/iso-date.js';

const period = (text: string): FeePeriod => parseFeePeriod(text);

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

describe('parseFeePeriod', () => {
  it('accepts YYYY-MM within 1990-2099', () => {
    expect(parseFeePeriod('2024-01')).toBe('2024-01');
    expect(parseFeePeriod('1990-01')).toBe('1990-01');
    expect(parseFeePeriod('2099-12')).toBe('2099-12');
  });

  it.each(['2024-13', '2024-00', '1989-12', '2100-01', '2024-1', '24-01', '2024/01', ' 2024-01', '2024-01-01', ''])(
    'rejects %j with FEE_PERIOD_INVALID',
    (text) => {
      const error = catchPolicyError(() => parseFeePeriod(text));

      expect(error.code).toBe('FEE_PERIOD_INVALID');
      expect(error.details).toEqual({ value: text });
      expect(error.localized.zh).toContain(`费款所属期“${text}”无效`);
      expect(error.localized.en).toContain(`Invalid fee period "${text}"`);
      expect(error.message).toBe(error.localized.en);
    },
  );

  it('states the accepted form in both languages', () => {
    const error = catchPolicyError(() => parseFeePeriod('2024-13'));

    expect(error.localized).toEqual({
      zh: '费款所属期“2024-13”无效：应为 YYYY-MM 格式，年份 1990–2099，月份 01–12，例如 2024-01。',
      en: 'Invalid fee period "2024-13": expected YYYY-MM with a year from 1990 to 2099 and a month from 01 to 12, such as 2024-01.',
    });
  });

  it('names its year bounds as constants', () => {
    expect(MIN_FEE_PERIOD_YEAR).toBe(1990);
    expect(MAX_FEE_PERIOD_YEAR).toBe(2099);
  });
});

describe('isFeePeriod', () => {
  it('accepts only valid strings', () => {
    expect(isFeePeriod('2023-12')).toBe(true);
    expect(isFeePeriod('2023-13')).toBe(false);
    expect(isFeePeriod(202312)).toBe(false);
    expect(isFeePeriod(undefined)).toBe(false);
  });
});

describe('feePeriodFromParts', () => {
  it('pads the month', () => {
    expect(feePeriodFromParts(2024, 3)).toBe('2024-03');
  });

  it('rejects a year out of range', () => {
    const error = catchPolicyError(() => feePeriodFromParts(1989, 12));

    expect(error.code).toBe('FEE_PERIOD_INVALID');
    expect(error.localized.en).toContain('"1989-12"');
  });
});

describe('feePeriodParts', () => {
  it('splits year and month', () => {
    expect(feePeriodParts(period('2024-09'))).toEqual({ year: 2024, month: 9 });
  });
});

describe('compareFeePeriods', () => {
  it('orders periods', () => {
    expect(compareFeePeriods(period('2023-11'), period('2023-12'))).toBe(-1);
    expect(compareFeePeriods(period('2024-01'), period('2023-12'))).toBe(1);
    expect(compareFeePeriods(period('2023-12'), period('2023-12'))).toBe(0);
    expect(compareFeePeriods(period('2023-12'), period('2024-02'))).toBe(-1);
  });
});

describe('addMonths', () => {
  it.each([
    ['2023-12', 1, '2024-01'],
    ['2024-01', -1, '2023-12'],
    ['2024-01', 24, '2026-01'],
    ['2024-01', -13, '2022-12'],
    ['2024-12', 12, '2025-12'],
    ['2024-06', 0, '2024-06'],
    ['1990-01', 0, '1990-01'],
    ['2099-11', 1, '2099-12'],
  ])('%s plus %i months is %s', (start, months, expected) => {
    expect(addMonths(period(start), months)).toBe(expected);
  });

  it('rejects a result before 1990', () => {
    const error = catchPolicyError(() => addMonths(period('1990-01'), -1));

    expect(error.code).toBe('FEE_PERIOD_INVALID');
    expect(error.localized.en).toContain('"1989-12"');
  });

  it('rejects a result after 2099', () => {
    const error = catchPolicyError(() => addMonths(period('2099-12'), 1));

    expect(error.code).toBe('FEE_PERIOD_INVALID');
    expect(error.localized.en).toContain('"2100-01"');
  });

  it('rejects a fractional month count', () => {
    const error = catchPolicyError(() => addMonths(period('2024-01'), 1.5));

    expect(error.code).toBe('MONTH_COUNT_INVALID');
    expect(error.localized).toEqual({
      zh: '月数“1.5”无效：应为整数。',
      en: 'Invalid month count "1.5": expected an integer.',
    });
  });
});

describe('monthsBetween', () => {
  it('returns to minus from in months', () => {
    expect(monthsBetween(period('2023-12'), period('2024-01'))).toBe(1);
    expect(monthsBetween(period('2024-01'), period('2023-12'))).toBe(-1);
    expect(monthsBetween(period('2023-01'), period('2025-03'))).toBe(26);
    expect(monthsBetween(period('2024-05'), period('2024-05'))).toBe(0);
  });

  it('inverts addMonths', () => {
    const start = period('2019-07');
    for (const months of [-30, -12, -1, 0, 1, 5, 12, 77]) {
      expect(monthsBetween(start, addMonths(start, months))).toBe(months);
    }
  });
});

describe('feePeriodOfDate', () => {
  it('takes the month of the date', () => {
    expect(feePeriodOfDate(parseIsoDate('2024-02-29'))).toBe('2024-02');
    expect(feePeriodOfDate(parseIsoDate('2023-12-31'))).toBe('2023-12');
  });

  it('rejects a date before 1990', () => {
    const error = catchPolicyError(() => feePeriodOfDate(parseIsoDate('1989-05-01')));

    expect(error.code).toBe('FEE_PERIOD_INVALID');
  });
});

describe('formatFeePeriodZh', () => {
  it('writes year and month in Chinese', () => {
    expect(formatFeePeriodZh(period('2024-01'))).toBe('2024年01月');
    expect(formatFeePeriodZh(period('2023-12'))).toBe('2023年12月');
  });
});

describe('handover boundary', () => {
  it('is fee period 2023-12', () => {
    expect(HANDOVER_FEE_PERIOD).toBe('2023-12');
  });

  it('puts 2023-11 in the legacy era', () => {
    expect(isTaxEra(period('2023-11'))).toBe(false);
    expect(feeEraOf(period('2023-11'))).toBe('legacy');
  });

  it('puts 2023-12 and later in the tax era', () => {
    expect(isTaxEra(period('2023-12'))).toBe(true);
    expect(isTaxEra(period('2024-01'))).toBe(true);
    expect(feeEraOf(period('2023-12'))).toBe('tax');
  });

  it('puts early periods in the legacy era', () => {
    expect(isTaxEra(period('1990-01'))).toBe(false);
    expect(isTaxEra(period('2022-12'))).toBe(false);
  });
});

describe('feePeriodSchema', () => {
  it('parses a valid period', () => {
    expect(feePeriodSchema.parse('2023-12')).toBe('2023-12');
  });

  it('rejects an invalid period with code and both languages', () => {
    const result = feePeriodSchema.safeParse('2024-13');

    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(decodeLocalizedText(issue?.message ?? '')).toEqual({
      zh: '费款所属期“2024-13”无效：应为 YYYY-MM 格式，年份 1990–2099，月份 01–12，例如 2024-01。',
      en: 'Invalid fee period "2024-13": expected YYYY-MM with a year from 1990 to 2099 and a month from 01 to 12, such as 2024-01.',
    });
    expect(issue?.code === 'custom' ? issue.params : undefined).toEqual({ code: 'FEE_PERIOD_INVALID' });
  });

  it('rejects a number', () => {
    const result = feePeriodSchema.safeParse(202401);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('Invalid fee period "202401"');
  });
});
