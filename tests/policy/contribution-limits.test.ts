import { describe, expect, it } from 'vitest';

import {
  CONTRIBUTION_LIMITS,
  CONTRIBUTION_LIMITS_DATA_VERSION,
  ContributionLimitsMissingError,
  clampContributionBase,
  contributionLimitsFor,
  listBaseChangesUnderNewLimits,
  parseContributionLimitData,
  parseContributionLimitSet,
} from '../../machines/policy/contribution-limits.js';
import { PolicyError } from '../../machines/policy/errors.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { parseFeePeriod } from '../../machines/policy/fee-period.js';
import {
  MAX_WORK_INJURY_RISK_CLASS,
  WORK_INJURY_CLASSES,
  WORK_INJURY_CLASSES_DATA_VERSION,
  parseWorkInjuryClassData,
  workInjuryBaseRate,
  workInjuryRiskClassSchema,
} from '../../machines/policy/work-injury-classes.js';

const period = (text: string): FeePeriod => parseFeePeriod(text);

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const SET_2024 = {
  id: 'beijing-2024',
  effectiveFrom: '2024-01',
  effectiveTo: '2024-12',
  lowerFen: 682_100,
  upperFen: 3_528_300,
  publishedOn: null,
  mark: 'secondary',
  provisional: false,
  source: 'test',
};

describe('shipped contribution limits', () => {
  it.each([
    ['2023-06', 632_600, 3_389_100],
    ['2024-01', 682_100, 3_528_300],
    ['2024-12', 682_100, 3_528_300],
    ['2025-07', 716_200, 3_581_100],
    ['2026-03', 727_000, 3_634_800],
  ])('covers %s with %i to %i fen', (feePeriod, lowerFen, upperFen) => {
    const set = contributionLimitsFor(period(feePeriod));

    expect(set.lowerFen).toBe(lowerFen);
    expect(set.upperFen).toBe(upperFen);
  });

  it('runs each set for the calendar year', () => {
    expect(CONTRIBUTION_LIMITS.windowRule).toBe('calendar-year');
    for (const set of CONTRIBUTION_LIMITS.sets) {
      expect(set.effectiveFrom.slice(5), set.id).toBe('01');
      expect(set.effectiveTo.slice(5), set.id).toBe('12');
    }
  });

  it('marks every set secondary and 2026 provisional', () => {
    for (const set of CONTRIBUTION_LIMITS.sets) expect(set.mark, set.id).toBe('secondary');
    expect(contributionLimitsFor(period('2026-01')).provisional).toBe(true);
    expect(contributionLimitsFor(period('2025-01')).provisional).toBe(false);
  });

  it('exposes the data version', () => {
    expect(CONTRIBUTION_LIMITS_DATA_VERSION).toBe('2026.1');
  });
});

describe('contributionLimitsFor', () => {
  it('rejects a period without limits, naming period and year', () => {
    const error = catchError(() => contributionLimitsFor(period('2022-12')));

    expect(error).toBeInstanceOf(ContributionLimitsMissingError);
    const missing = error as ContributionLimitsMissingError;
    expect(missing.code).toBe('CONTRIBUTION_LIMITS_MISSING');
    expect(missing.feePeriod).toBe('2022-12');
    expect(missing.localized).toEqual({
      zh: '缺少费款所属期2022年12月（2022年度）的缴费基数上下限（数据版本 2026.1），无法确定该月的缴费基数：请在 contribution-limits-beijing.json 中添加覆盖该月的上下限后再申报。',
      en: 'No contribution base limits cover fee period 2022-12 (year 2022) in data version 2026.1, so the base for that month cannot be set: add a limit set covering it to contribution-limits-beijing.json, then declare again.',
    });
  });

  it('never falls back to a neighbouring year', () => {
    expect(() => contributionLimitsFor(period('2027-01'))).toThrow(ContributionLimitsMissingError);
  });
});

describe('clampContributionBase', () => {
  it('raises a wage below the lower limit', () => {
    const clamped = clampContributionBase(500_000, period('2024-03'));

    expect(clamped.baseFen).toBe(682_100);
    expect(clamped.applied).toBe('lower-limit');
    expect(clamped.explanation).toEqual({
      zh: '费款所属期2024年03月申报工资 5000.00 元低于2024年01月至2024年12月的缴费基数下限 6821.00 元，缴费基数按下限 6821.00 元计。',
      en: 'The declared wage of 5000.00 yuan for fee period 2024-03 is below the lower limit of 6821.00 yuan for 2024-01 to 2024-12, so the base is the lower limit, 6821.00 yuan.',
    });
  });

  it('cuts a wage above the upper limit', () => {
    const clamped = clampContributionBase(5_000_000, period('2025-01'));

    expect(clamped.baseFen).toBe(3_581_100);
    expect(clamped.applied).toBe('upper-limit');
    expect(clamped.explanation.en).toBe(
      'The declared wage of 50000.00 yuan for fee period 2025-01 is above the upper limit of 35811.00 yuan for 2025-01 to 2025-12, so the base is the upper limit, 35811.00 yuan.',
    );
  });

  it('keeps a wage within the limits, both limits included', () => {
    expect(clampContributionBase(682_100, period('2024-01')).applied).toBe('within-limits');
    expect(clampContributionBase(3_528_300, period('2024-01')).applied).toBe('within-limits');
    expect(clampContributionBase(1_000_000, period('2024-01')).baseFen).toBe(1_000_000);
  });

  it('says when the limits are provisional', () => {
    const clamped = clampContributionBase(1_000_000, period('2026-05'));

    expect(clamped.explanation.zh).toContain('该组上下限为暂定值');
    expect(clamped.explanation.en).toContain('These limits are provisional');
  });

  it('rejects a fractional wage', () => {
    const error = catchError(() => clampContributionBase(100.5, period('2024-01'))) as PolicyError;

    expect(error.code).toBe('FEN_INVALID');
  });
});

describe('listBaseChangesUnderNewLimits', () => {
  // The 2024 limits came out in July and reached back to January, so bases declared under the 2023 limits
  // for 2024-01 to 2024-06 change where the wage is near a limit.
  const declared = [
    { feePeriod: period('2024-01'), wageFen: 500_000, baseFen: 632_600 },
    { feePeriod: period('2024-02'), wageFen: 1_000_000, baseFen: 1_000_000 },
    { feePeriod: period('2024-03'), wageFen: 4_000_000, baseFen: 3_389_100 },
    { feePeriod: period('2023-12'), wageFen: 500_000, baseFen: 632_600 },
  ];

  it('lists only the periods whose base changes', () => {
    const changes = listBaseChangesUnderNewLimits(parseContributionLimitSet({ ...SET_2024, publishedOn: '2024-07-15' }), declared);

    expect(changes.map(({ feePeriod, oldBaseFen, newBaseFen }) => ({ feePeriod, oldBaseFen, newBaseFen }))).toEqual([
      { feePeriod: '2024-01', oldBaseFen: 632_600, newBaseFen: 682_100 },
      { feePeriod: '2024-03', oldBaseFen: 3_389_100, newBaseFen: 3_528_300 },
    ]);
  });

  it('ignores periods outside the new set', () => {
    const changes = listBaseChangesUnderNewLimits(parseContributionLimitSet(SET_2024), declared);

    expect(changes.map((change) => change.feePeriod)).not.toContain('2023-12');
  });

  it('keeps the published date of the new set', () => {
    expect(parseContributionLimitSet({ ...SET_2024, publishedOn: '2024-07-15' }).publishedOn).toBe('2024-07-15');
  });
});

describe('parseContributionLimitData', () => {
  const file = (sets: unknown[]) => ({ version: 't', region: 'r', windowRule: 'calendar-year', windowNote: 'n', sets });

  it('rejects overlapping sets', () => {
    const overlapping = { ...SET_2024, id: 'late-2024', effectiveFrom: '2024-07', effectiveTo: '2025-06' };
    const error = catchError(() => parseContributionLimitData(file([SET_2024, overlapping]))) as PolicyError;

    expect(error.code).toBe('CONTRIBUTION_LIMITS_DATA_INVALID');
    expect(error.localized.en).toBe(
      'Invalid contribution base limit data (late-2024: it overlaps beijing-2024, which runs to 2024-12): correct contribution-limits-beijing.json from the published notice.',
    );
  });

  it('rejects a lower limit above the upper', () => {
    const error = catchError(() => parseContributionLimitSet({ ...SET_2024, lowerFen: 4_000_000 })) as PolicyError;

    expect(error.code).toBe('CONTRIBUTION_LIMITS_DATA_INVALID');
    expect(error.localized.en).toContain('lowerFen 4000000 is above upperFen 3528300');
  });

  it('rejects a window that ends before it starts', () => {
    const error = catchError(() => parseContributionLimitSet({ ...SET_2024, effectiveTo: '2023-12' })) as PolicyError;

    expect(error.localized.en).toContain('effectiveTo 2023-12 is before effectiveFrom 2024-01');
  });

  it('sorts sets by fee period', () => {
    const later = { ...SET_2024, id: 'b', effectiveFrom: '2025-01', effectiveTo: '2025-12' };
    const parsed = parseContributionLimitData(file([later, SET_2024]));

    expect(parsed.sets.map((set) => set.id)).toEqual(['beijing-2024', 'b']);
  });
});

describe('work-injury classes', () => {
  it.each([
    [1, 2_000],
    [2, 4_000],
    [3, 7_000],
    [4, 9_000],
    [5, 11_000],
    [6, 13_000],
    [7, 16_000],
    [8, 19_000],
  ] as const)('class %i has a base rate of %i ppm', (riskClass, ratePpm) => {
    expect(workInjuryBaseRate(riskClass).baseRatePpm).toBe(ratePpm);
  });

  it('ships secondary data with its source', () => {
    expect(WORK_INJURY_CLASSES.mark).toBe('secondary');
    expect(WORK_INJURY_CLASSES.source).toContain('人社部发〔2015〕71号');
    expect(WORK_INJURY_CLASSES.effectiveFrom).toBe('2015-10-01');
    expect(WORK_INJURY_CLASSES_DATA_VERSION).toBe('2015-10.1');
  });

  it.each([0, 9, 2.5])('rejects risk class %s', (value) => {
    expect(workInjuryRiskClassSchema.safeParse(value).success).toBe(false);
  });

  it('rejects a file missing a class', () => {
    const file = { ...WORK_INJURY_CLASSES, classes: WORK_INJURY_CLASSES.classes.slice(0, MAX_WORK_INJURY_RISK_CLASS - 1) };
    const error = catchError(() => parseWorkInjuryClassData(file)) as PolicyError;

    expect(error.code).toBe('WORK_INJURY_CLASS_DATA_INVALID');
    expect(error.localized.en).toContain('class 8 is missing');
  });
});
