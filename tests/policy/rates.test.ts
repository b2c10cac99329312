import { describe, expect, it } from 'vitest';

import { PolicyError } from '../../machines/policy/errors.js';
import { addMonths, parseFeePeriod } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import {
  CONTRIBUTION_RATES_DATA_VERSION,
  ContributionRatesMissingError,
  contributionRateSet,
  contributionRateSets,
  employeeRatePpm,
  employerRatePpm,
  parseContributionRatesData,
} from '../../machines/policy/rates.js';

const period = (text: string): FeePeriod => parseFeePeriod(text);

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const RATE = { ratePpm: 160_000, mark: 'secondary' } as const;

/** A valid rate set for `parseContributionRatesData`, with its range and version overridable. */
function rateSet(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '2024.1',
    effectiveFrom: '2024-01',
    effectiveTo: '2024-12',
    source: 'test',
    employer: { pension: RATE, unemployment: RATE, medical: RATE },
    employee: { pension: RATE, unemployment: RATE, medical: RATE },
    employeeMedicalMonthlyFixedFen: { amountFen: 300, mark: 'secondary' },
    ...overrides,
  };
}

describe('employerRatePpm', () => {
  it('returns the Beijing employer rates in parts per million', () => {
    expect(employerRatePpm('pension', period('2024-06'))).toBe(160_000);
    expect(employerRatePpm('unemployment', period('2024-06'))).toBe(5_000);
    expect(employerRatePpm('medical', period('2024-06'))).toBe(98_000);
  });

  it('rejects work injury and asks for the employer rate', () => {
    const error = catchError(() => employerRatePpm('workInjury', period('2024-06')));

    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('WORK_INJURY_RATE_NOT_FLAT');
    expect((error as PolicyError).localized).toEqual({
      zh: '工伤保险没有统一的单位缴费比例（费款所属期2024年06月）：费率取决于单位的行业风险类别和浮动档次，请传入该单位适用的工伤保险费率。',
      en: "Work-injury insurance has no citywide employer rate (fee period 2024-06): the rate depends on the employer's industry risk class and float, so pass the employer's applied work-injury rate.",
    });
  });

  it('rejects a fee period without a rate set, naming it', () => {
    const error = catchError(() => employerRatePpm('pension', period('2022-12')));

    expect(error).toBeInstanceOf(ContributionRatesMissingError);
    expect((error as ContributionRatesMissingError).code).toBe('CONTRIBUTION_RATES_MISSING');
    expect((error as ContributionRatesMissingError).feePeriod).toBe('2022-12');
    expect((error as ContributionRatesMissingError).localized).toEqual({
      zh: '没有费款所属期2022年12月的缴费比例数据（已有数据覆盖 2023-01..2023-12, 2024-01..2024-12, 2025-01..2026-12）：请在 contribution-rates-beijing.json 中按北京市公布的缴费比例添加覆盖该月的比例组。',
      en: "No contribution rates for fee period 2022-12 (the shipped rates cover 2023-01..2023-12, 2024-01..2024-12, 2025-01..2026-12): add a rate set covering that month to contribution-rates-beijing.json from Beijing's published rates.",
    });
  });

  it('rejects the month after the shipped range', () => {
    expect(catchError(() => employerRatePpm('pension', period('2027-01')))).toBeInstanceOf(ContributionRatesMissingError);
  });
});

describe('employeeRatePpm', () => {
  it('returns the Beijing employee rates in parts per million', () => {
    expect(employeeRatePpm('pension', period('2025-03'))).toBe(80_000);
    expect(employeeRatePpm('unemployment', period('2025-03'))).toBe(5_000);
    expect(employeeRatePpm('medical', period('2025-03'))).toBe(20_000);
  });

  it('returns 0 for work injury in any fee period', () => {
    expect(employeeRatePpm('workInjury', period('2024-06'))).toBe(0);
    expect(employeeRatePpm('workInjury', period('2010-01'))).toBe(0);
  });
});

describe('contributionRateSet', () => {
  it('covers every month from 2023-01 to 2026-12 without a gap', () => {
    for (let month = period('2023-01'); month <= '2026-12'; month = addMonths(month, 1)) {
      expect(() => contributionRateSet(month), `fee period ${month}`).not.toThrow();
    }
  });

  it('switches sets at the range boundaries', () => {
    expect(contributionRateSet(period('2023-12')).version).toBe('2023.1');
    expect(contributionRateSet(period('2024-01')).version).toBe('2024.1');
    expect(contributionRateSet(period('2024-12')).version).toBe('2024.1');
    expect(contributionRateSet(period('2025-01')).version).toBe('2025.1');
    expect(contributionRateSet(period('2026-12')).version).toBe('2025.1');
  });

  it('marks each set with its weakest value', () => {
    expect(contributionRateSet(period('2023-06')).mark).toBe('unverified');
    expect(contributionRateSet(period('2024-06')).mark).toBe('secondary');
    expect(contributionRateSet(period('2025-06')).mark).toBe('unverified');
  });

  it('keeps the marks of single values', () => {
    const set2025 = contributionRateSet(period('2025-06'));

    expect(set2025.employer.pension.mark).toBe('secondary');
    expect(set2025.employer.unemployment.mark).toBe('unverified');
    expect(set2025.employeeMedicalMonthlyFixedFen).toMatchObject({ amountFen: 300, mark: 'unverified' });
  });

  it('names every shipped version in the data version', () => {
    expect(CONTRIBUTION_RATES_DATA_VERSION).toBe('2023.1+2024.1+2025.1');
    expect(contributionRateSets().map((set) => set.version)).toEqual(['2023.1', '2024.1', '2025.1']);
  });
});

describe('parseContributionRatesData', () => {
  function codeOf(file: unknown): string | undefined {
    return (catchError(() => parseContributionRatesData(file)) as PolicyError).code;
  }

  it('accepts sets with a gap and sorts them', () => {
    const sets = parseContributionRatesData({
      rateSets: [rateSet({ version: 'b', effectiveFrom: '2026-01', effectiveTo: '2026-12' }), rateSet({ version: 'a' })],
    });

    expect(sets.map((set) => set.version)).toEqual(['a', 'b']);
  });

  it('rejects overlapping sets', () => {
    const file = { rateSets: [rateSet({ version: 'a' }), rateSet({ version: 'b', effectiveFrom: '2024-12', effectiveTo: '2025-12' })] };
    const error = catchError(() => parseContributionRatesData(file)) as PolicyError;

    expect(error.code).toBe('CONTRIBUTION_RATES_DATA_INVALID');
    expect(error.localized.en).toContain('rate sets a and b both cover 2024-12');
  });

  it('rejects a range that ends before it starts', () => {
    expect(codeOf({ rateSets: [rateSet({ effectiveFrom: '2024-12', effectiveTo: '2024-01' })] })).toBe('CONTRIBUTION_RATES_DATA_INVALID');
  });

  it('rejects a repeated version', () => {
    const file = { rateSets: [rateSet({}), rateSet({ effectiveFrom: '2025-01', effectiveTo: '2025-12' })] };

    expect(codeOf(file)).toBe('CONTRIBUTION_RATES_DATA_INVALID');
  });

  it('rejects a rate above one million ppm', () => {
    const tooHigh = { ratePpm: 1_000_001, mark: 'secondary' };
    const file = { rateSets: [rateSet({ employer: { pension: tooHigh, unemployment: RATE, medical: RATE } })] };

    expect(codeOf(file)).toBe('CONTRIBUTION_RATES_DATA_INVALID');
  });

  it('rejects a work-injury rate in the data', () => {
    const file = { rateSets: [rateSet({ employer: { pension: RATE, unemployment: RATE, medical: RATE, workInjury: RATE } })] };

    expect(codeOf(file)).toBe('CONTRIBUTION_RATES_DATA_INVALID');
  });
});
