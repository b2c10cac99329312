import { describe, expect, it } from 'vitest';

import { PolicyError } from '../../machines/policy/errors.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { parseFeePeriod } from '../../machines/policy/fee-period.js';
import type { Agency, Insurance } from '../../machines/policy/parties.js';
import { INSURANCES } from '../../machines/policy/parties.js';
import type { FeeCaseKind, FeeRouteRequest, RefundReason } from '../../machines/policy/routing.js';
import {
  FEE_CASE_KINDS,
  FEE_CASE_KIND_TITLES,
  ROUTING_TABLE_VERSION,
  routeFeeCase,
} from '../../machines/policy/routing.js';

type Era = 'legacy' | 'tax';

interface ExpectedRoute {
  readonly threeInsurances: Agency;
  readonly medical: Agency;
  readonly baseCorrectionAtTaxFirst: boolean;
}

// Expected owners, written out from Beijing's January 2024 briefing 社保费申报缴纳流程优化.
const EXPECTED: Record<FeeCaseKind, Record<Era, ExpectedRoute>> = {
  'monthly-report': {
    legacy: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'tax', medical: 'tax', baseCorrectionAtTaxFirst: false },
  },
  'sporadic-report': {
    legacy: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
  },
  arrears: {
    legacy: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'tax', medical: 'tax', baseCorrectionAtTaxFirst: false },
  },
  'individual-back-payment': {
    legacy: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'tax', medical: 'tax', baseCorrectionAtTaxFirst: false },
  },
  'policy-back-payment': {
    legacy: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
  },
  'base-difference-top-up': {
    legacy: { threeInsurances: 'hr', medical: 'hr', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'tax', medical: 'tax', baseCorrectionAtTaxFirst: false },
  },
  'base-difference-refund': {
    legacy: { threeInsurances: 'hr', medical: 'medical', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'hr', medical: 'medical', baseCorrectionAtTaxFirst: true },
  },
  // Refund applications without a tax collection error; that reason is covered separately below.
  'refund-application': {
    legacy: { threeInsurances: 'hr', medical: 'medical', baseCorrectionAtTaxFirst: false },
    tax: { threeInsurances: 'hr', medical: 'medical', baseCorrectionAtTaxFirst: false },
  },
};

// Two periods on each side of the boundary, including the boundary itself and its neighbour.
const PERIODS_BY_ERA: Record<Era, readonly FeePeriod[]> = {
  legacy: [parseFeePeriod('2019-03'), parseFeePeriod('2023-11')],
  tax: [parseFeePeriod('2023-12'), parseFeePeriod('2025-06')],
};

const REFUND_REASONS: readonly (RefundReason | undefined)[] = [undefined, 'other', 'tax-collection-error'];

const cases = FEE_CASE_KINDS.flatMap((kind) =>
  (['legacy', 'tax'] as const).flatMap((era) =>
    PERIODS_BY_ERA[era].flatMap((feePeriod) =>
      INSURANCES.flatMap((insurance) =>
        (kind === 'refund-application' ? REFUND_REASONS : [undefined]).map((refundReason) => ({
          kind,
          era,
          feePeriod,
          insurance,
          refundReason,
        })),
      ),
    ),
  ),
);

function expectedAgency(kind: FeeCaseKind, era: Era, insurance: Insurance, refundReason: RefundReason | undefined): Agency {
  if (kind === 'refund-application' && refundReason === 'tax-collection-error') {
    return 'tax';
  }
  const route = EXPECTED[kind][era];
  return insurance === 'medical' ? route.medical : route.threeInsurances;
}

function request(kind: FeeCaseKind, feePeriod: string, insurance: Insurance, refundReason?: RefundReason): FeeRouteRequest {
  return refundReason === undefined
    ? { kind, feePeriod: parseFeePeriod(feePeriod), insurance }
    : { kind, feePeriod: parseFeePeriod(feePeriod), insurance, refundReason };
}

describe('routeFeeCase', () => {
  it('covers every kind, era, insurance and refund reason', () => {
    // 7 kinds x 4 periods x 4 insurances, plus refund applications x 3 reasons.
    expect(cases).toHaveLength(7 * 4 * 4 + 4 * 4 * 3);
  });

  it.each(cases)('routes $kind for $feePeriod $insurance ($refundReason)', ({ kind, era, feePeriod, insurance, refundReason }) => {
    const route = routeFeeCase(
      refundReason === undefined ? { kind, feePeriod, insurance } : { kind, feePeriod, insurance, refundReason },
    );

    expect(route.agency).toBe(expectedAgency(kind, era, insurance, refundReason));
    expect(route.era).toBe(era);
    expect(route.baseCorrectionAtTaxFirst).toBe(EXPECTED[kind][era].baseCorrectionAtTaxFirst);
    expect(route.rule.en).toContain(feePeriod);
    expect(route.rule.en).toContain('2023-12');
    expect(route.rule.zh).toContain('2023年12月');
  });

  it('switches arrears at the 2023-12 boundary', () => {
    const before = routeFeeCase(request('arrears', '2023-11', 'pension'));
    const after = routeFeeCase(request('arrears', '2023-12', 'pension'));

    expect(before.agency).toBe('hr');
    expect(before.era).toBe('legacy');
    expect(after.agency).toBe('tax');
    expect(after.era).toBe('tax');
  });

  it('explains a tax-era route', () => {
    const route = routeFeeCase(request('arrears', '2024-01', 'pension'));

    expect(route.rule).toEqual({
      zh: '费款所属期2024年01月在2023年12月（含）之后，单位欠缴社保费处理向税务部门申报。',
      en: 'Employer arrears back-payment for fee period 2024-01 is declared to the tax bureau, because the period is 2023-12 or later.',
    });
  });

  it('explains a legacy route', () => {
    const route = routeFeeCase(request('base-difference-top-up', '2023-11', 'medical'));

    expect(route.rule).toEqual({
      zh: '费款所属期2023年11月在2023年12月之前，单位申报基数差补缴仍由人社部门按原流程办理（通过人社部门网厅或综合窗口）。',
      en: "Base-difference top-up for fee period 2023-11 stays with the hr bureau's legacy process (web hall or counter), because the period is before 2023-12.",
    });
  });

  it('explains the legacy monthly report', () => {
    const route = routeFeeCase(request('monthly-report', '2023-11', 'pension'));

    expect(route.rule.zh).toBe(
      '费款所属期2023年11月在2023年12月之前，月报缴费仍由人社部门按原流程办理（由社保部门核定生成、次月10日批量扣款）。',
    );
  });

  it('names the start-month step of an individual back-payment', () => {
    const route = routeFeeCase(request('individual-back-payment', '2023-12', 'unemployment'));

    expect(route.rule).toEqual({
      zh: '费款所属期2023年12月在2023年12月（含）之后，单位申报个人补缴向税务部门申报，申报前须先在人社部门“单位申报个人补缴”模块维护缴费开始年月。',
      en: 'Individual back-payment for fee period 2023-12 is declared to the tax bureau, after the payment start month has been maintained at the hr bureau, because the period is 2023-12 or later.',
    });
  });

  it('explains policy back-payment in every era', () => {
    const route = routeFeeCase(request('policy-back-payment', '2024-03', 'medical'));

    expect(route.rule).toEqual({
      zh: '政策性补缴始终由人社部门办理，不受2023年12月交接界限影响（本案费款所属期2024年03月）。',
      en: 'Policy back-payment is always handled by the hr bureau, so the 2023-12 handover boundary does not apply to fee period 2024-03.',
    });
  });

  it('explains a tax-era base-difference refund', () => {
    const route = routeFeeCase(request('base-difference-refund', '2024-05', 'medical'));

    expect(route.agency).toBe('medical');
    expect(route.baseCorrectionAtTaxFirst).toBe(true);
    expect(route.rule).toEqual({
      zh: '费款所属期2024年05月在2023年12月（含）之后，须先向税务部门更正缴费基数，再由医保部门办理医疗保险(含生育)的基数差退费。',
      en: 'The base-difference refund of medical insurance (incl. maternity) for fee period 2024-05 is handled by the medical security bureau after the base has been corrected at the tax bureau, because the period is 2023-12 or later.',
    });
  });

  it('explains a refund of a tax collection error', () => {
    const route = routeFeeCase(request('refund-application', '2023-06', 'pension', 'tax-collection-error'));

    expect(route.agency).toBe('tax');
    expect(route.era).toBe('legacy');
    expect(route.rule).toEqual({
      zh: '因税务征收机构原因造成的误收退费由税务部门受理，不受2023年12月交接界限影响（本案费款所属期2023年06月）。',
      en: 'A refund of fees collected in error by the tax bureau is handled by the tax bureau, and the 2023-12 handover boundary does not apply to fee period 2023-06.',
    });
  });

  it('treats a missing refund reason as other', () => {
    const withoutReason = routeFeeCase(request('refund-application', '2024-02', 'workInjury'));
    const withOther = routeFeeCase(request('refund-application', '2024-02', 'workInjury', 'other'));

    expect(withoutReason).toEqual(withOther);
    expect(withoutReason.agency).toBe('hr');
  });

  it('ignores a refund reason on other kinds', () => {
    const route = routeFeeCase(request('arrears', '2023-11', 'pension', 'tax-collection-error'));

    expect(route.agency).toBe('hr');
  });

  it('rejects an unknown kind from untyped callers', () => {
    const untyped = { kind: 'pension-transfer', feePeriod: parseFeePeriod('2024-01'), insurance: 'pension' } as unknown as FeeRouteRequest;

    let caught: unknown;
    try {
      routeFeeCase(untyped);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).code).toBe('FEE_CASE_KIND_INVALID');
    expect((caught as PolicyError).localized.en).toContain('"pension-transfer"');
    expect((caught as PolicyError).localized.zh).toContain('“pension-transfer”');
  });
});

describe('routing tables', () => {
  it('names a rules version', () => {
    expect(ROUTING_TABLE_VERSION).toBe('2024-01');
  });

  it('titles every kind', () => {
    expect(Object.keys(FEE_CASE_KIND_TITLES).sort()).toEqual([...FEE_CASE_KINDS].sort());
  });
});
