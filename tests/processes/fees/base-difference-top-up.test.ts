import { describe, expect, it } from 'vitest';

import { baseDifferenceTopUp } from '../../../machines/processes/base-difference-top-up.js';
import { EMPLOYER_CODE, issuesOf, openCase, PERSON, rejectStart } from './case-driver.js';
import type { TestCase } from './case-driver.js';

// Two tax-era months with all four insurances and an applied work-injury rate of 0.4% (class 2):
//   2024-03: base 10,000.00 -> 12,000.50 yuan, difference 200,050 fen
//     pension      16% 32,008.0 -> 32,008 + 8% 16,004.0 -> 16,004 = 48,012
//     unemployment 0.5% 1,000.25 -> 1,000 + 0.5% 1,000 = 2,000
//     work injury  0.4% 800.2 -> 800, no employee share = 800
//     medical      9.8% 19,604.9 -> 19,605 + 2% 4,001.0 -> 4,001 = 23,606      month: 74,418
//   2024-04: base 10,000.00 -> 11,001.00 yuan, difference 100,100 fen
//     pension      16,016 + 8,008 = 24,024
//     unemployment 0.5% 500.5 -> 501 (half up) + 501 = 1,002
//     work injury  0.4% 400.4 -> 400
//     medical      9.8% 9,809.8 -> 9,810 + 2% 2,002 = 11,812                 month: 37,238
//   total 111,656 fen
const TAX_ERA_INPUT = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  months: [
    { feePeriod: '2024-04', oldBaseFen: 1_000_000, newBaseFen: 1_100_100 },
    { feePeriod: '2024-03', oldBaseFen: 1_000_000, newBaseFen: 1_200_050 },
  ],
  insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  workInjuryRatePpm: 4_000,
};

const TAX_ERA_TOTAL_FEN = 111_656;

// One legacy month, pension and medical: difference 100,000 fen, pension 16,000 + 8,000, medical
// 9,800 + 2,000, total 35,800 fen at the 2023 rates.
const LEGACY_INPUT = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  months: [{ feePeriod: '2023-06', oldBaseFen: 800_000, newBaseFen: 900_000 }],
  insurances: ['pension', 'medical'],
};

function declaredTaxCase(): TestCase {
  const testCase = openCase(baseDifferenceTopUp, TAX_ERA_INPUT, '2024-08-12');
  testCase.send({ type: 'DECLARE', party: 'employer', on: '2024-08-12', channel: 'fee-client' });
  return testCase;
}

describe('base-difference top-up', () => {
  it('computes the amount table per month and insurance', () => {
    const testCase = openCase(baseDifferenceTopUp, TAX_ERA_INPUT, '2024-08-12');
    const amounts = testCase.context.amounts;

    expect(amounts.totalFen).toBe(TAX_ERA_TOTAL_FEN);
    expect(amounts.totalByInsurance).toEqual({ pension: 72_036, unemployment: 3_002, workInjury: 1_200, medical: 35_418 });
    expect(amounts.ratesDataVersion).toBe('2024.1');
    expect(amounts.direction).toBe('top-up');
    expect(
      amounts.rows.map((row: Record<string, unknown>) => [row.feePeriod, row.insurance, row.employerFen, row.employeeFen, row.amountFen]),
    ).toEqual([
      ['2024-03', 'pension', 32_008, 16_004, 48_012],
      ['2024-03', 'unemployment', 1_000, 1_000, 2_000],
      ['2024-03', 'workInjury', 800, 0, 800],
      ['2024-03', 'medical', 19_605, 4_001, 23_606],
      ['2024-04', 'pension', 16_016, 8_008, 24_024],
      ['2024-04', 'unemployment', 501, 501, 1_002],
      ['2024-04', 'workInjury', 400, 0, 400],
      ['2024-04', 'medical', 9_810, 2_002, 11_812],
    ]);
  });

  it('stores the rate used and its source in every row', () => {
    const rows = openCase(baseDifferenceTopUp, TAX_ERA_INPUT, '2024-08-12').context.amounts.rows;

    expect(rows[0]).toEqual({
      feePeriod: '2024-03',
      insurance: 'pension',
      oldBaseFen: 1_000_000,
      newBaseFen: 1_200_050,
      baseDifferenceFen: 200_050,
      employerRatePpm: 160_000,
      employeeRatePpm: 80_000,
      ratesVersion: '2024.1',
      employerFen: 32_008,
      employeeFen: 16_004,
      amountFen: 48_012,
    });
    expect(rows[2]).toMatchObject({ insurance: 'workInjury', employerRatePpm: 4_000, employeeRatePpm: 0, ratesVersion: null });
  });

  it('records the route and the amounts as decisions', () => {
    const testCase = openCase(baseDifferenceTopUp, { ...TAX_ERA_INPUT, sourceCaseId: 'case-123' }, '2024-08-12');
    const [route, amounts] = testCase.context.decisions;

    expect(route).toMatchObject({
      rule: 'route-fee-case',
      inputs: { kind: 'base-difference-top-up', feePeriod: '2024-03', insurance: 'pension' },
      result: { agency: 'tax', era: 'tax' },
      dataVersion: '2024-01',
      decidedOn: '2024-08-12',
    });
    expect(amounts).toMatchObject({
      rule: 'compute-base-difference',
      inputs: { direction: 'top-up', insurances: TAX_ERA_INPUT.insurances, workInjuryRatePpm: 4_000 },
      result: { totalFen: TAX_ERA_TOTAL_FEN },
      dataVersion: '2024.1',
      decidedOn: '2024-08-12',
    });
    expect(amounts.inputs.months.map((month: { feePeriod: string }) => month.feePeriod)).toEqual(['2024-03', '2024-04']);
    expect(testCase.context.sourceCaseId).toBe('case-123');
  });

  it('names both rate sets when the months span them', () => {
    const input = {
      ...LEGACY_INPUT,
      months: [
        { feePeriod: '2024-12', oldBaseFen: 800_000, newBaseFen: 900_000 },
        { feePeriod: '2025-01', oldBaseFen: 800_000, newBaseFen: 900_000 },
      ],
    };

    const testCase = openCase(baseDifferenceTopUp, input, '2025-03-12');

    expect(testCase.context.amounts.ratesDataVersion).toBe('2024.1+2025.1');
    expect(testCase.context.decisions[1].dataVersion).toBe('2024.1+2025.1');
  });

  it('declares a tax-era top-up to tax and pays it', () => {
    const testCase = openCase(baseDifferenceTopUp, TAX_ERA_INPUT, '2024-08-12');
    expect(testCase.state).toEqual(['taxRoute.awaitingDeclaration']);

    testCase.send({ type: 'DECLARE', party: 'employer', on: '2024-08-12', channel: 'e-tax' });
    expect(testCase.state).toEqual(['taxRoute.declared']);

    testCase.send({ type: 'ASSESS', data: { amountFen: TAX_ERA_TOTAL_FEN }, party: 'tax', on: '2024-08-13' });
    expect(testCase.state).toEqual(['taxRoute.assessed']);

    testCase.send({ type: 'PAY', data: { amountFen: TAX_ERA_TOTAL_FEN }, party: 'employer', on: '2024-08-14', channel: 'fee-client' });
    expect(testCase.state).toEqual(['paid']);
    expect(testCase.status).toBe('done');
  });

  it('sends a legacy top-up through hr', () => {
    const testCase = openCase(baseDifferenceTopUp, LEGACY_INPUT, '2024-08-12');
    expect(testCase.state).toEqual(['legacyRoute.awaitingHrApplication']);
    expect(testCase.context.amounts.totalFen).toBe(35_800);
    expect(testCase.context.amounts.ratesDataVersion).toBe('2023.1');
    expect(testCase.context.decisions[0].result).toMatchObject({ agency: 'hr', era: 'legacy' });

    testCase.send({ type: 'APPLY_AT_HR', party: 'employer', on: '2024-08-12', channel: 'hr-window' });
    testCase.send({ type: 'HR_ASSESS', data: { amountFen: 35_800 }, party: 'hr', on: '2024-08-13' });
    expect(testCase.state).toEqual(['legacyRoute.awaitingPayment']);

    testCase.send({ type: 'PAY', data: { amountFen: 35_800 }, party: 'employer', on: '2024-08-14', channel: 'hr-online' });
    expect(testCase.state).toEqual(['paid']);
  });

  describe('amountMatchesComputedTotal', () => {
    it('rejects an assessment that differs from the computed total', () => {
      const testCase = declaredTaxCase();

      const error = testCase.reject({ type: 'ASSESS', data: { amountFen: 111_655 }, party: 'tax', on: '2024-08-13' });

      expect(error.code).toBe('BASE_DIFFERENCE_AMOUNT_MISMATCH');
      expect(error.localized).toEqual({
        zh: '金额 111655 分与按基数差计算的应补缴金额 111656 分不一致（2 个月，缴费比例数据版本 2024.1）。请核对新旧基数和费率；如基数或费率有误，请撤回本案后按正确数据重新立案。',
        en: 'The amount of 111655 fen differs from the computed base-difference top-up of 111656 fen (2 months, rates data version 2024.1). Check the bases and rates; if one is wrong, withdraw this case and open a new one with the right data.',
      });
      expect(error.details).toMatchObject({ expectedFen: 111_656, givenFen: 111_655 });
      expect(testCase.state).toEqual(['taxRoute.declared']);
    });

    it('rejects a payment that differs from the computed total', () => {
      const testCase = declaredTaxCase();
      testCase.send({ type: 'ASSESS', data: { amountFen: TAX_ERA_TOTAL_FEN }, party: 'tax', on: '2024-08-13' });

      const error = testCase.reject({ type: 'PAY', data: { amountFen: 111_000 }, party: 'employer', on: '2024-08-14', channel: 'e-tax' });

      expect(error.code).toBe('BASE_DIFFERENCE_AMOUNT_MISMATCH');
    });

    it('rejects an hr assessment that differs from the computed total', () => {
      const testCase = openCase(baseDifferenceTopUp, LEGACY_INPUT, '2024-08-12');
      testCase.send({ type: 'APPLY_AT_HR', party: 'employer', on: '2024-08-12', channel: 'hr-window' });

      const error = testCase.reject({ type: 'HR_ASSESS', data: { amountFen: 35_801 }, party: 'hr', on: '2024-08-13' });

      expect(error.code).toBe('BASE_DIFFERENCE_AMOUNT_MISMATCH');
      expect(error.localized.en).toContain('differs from the computed base-difference top-up of 35800 fen');
    });
  });

  it('rejects a declaration to tax on the legacy route', () => {
    const testCase = openCase(baseDifferenceTopUp, LEGACY_INPUT, '2024-08-12');

    const error = testCase.reject({ type: 'DECLARE', party: 'employer', on: '2024-08-12', channel: 'fee-client' });

    expect(error.code).toBe('LEGACY_ROUTE_AT_HR');
    expect(error.kind).toBe('conflict');
    expect(error.localized).toEqual({
      zh: '补差月份自 2023年06月 起，早于 2023年12月，仍通过人社部门网厅或综合窗口按原流程办理，不向税务申报。',
      en: "The months from 2023-06 are before 2023-12, so the top-up goes through hr's web hall or counter on the legacy route, not to tax.",
    });
  });

  it('rejects an application at hr on the tax route', () => {
    const testCase = openCase(baseDifferenceTopUp, TAX_ERA_INPUT, '2024-08-12');

    const error = testCase.reject({ type: 'APPLY_AT_HR', party: 'employer', on: '2024-08-12', channel: 'hr-window' });

    expect(error.code).toBe('TAX_ROUTE_DECLARE_TO_TAX');
    expect(error.localized).toEqual({
      zh: '补差月份自 2024年03月 起，在 2023年12月（含）之后，直接向税务部门申报（社保费管理客户端、电子税务局或税务窗口），人社不再受理。',
      en: 'The months from 2024-03 are 2023-12 or later, so the top-up is declared to tax directly (fee-management client, e-tax bureau or tax window); hr no longer takes it.',
    });
  });

  it('closes as withdrawn before payment', () => {
    const testCase = declaredTaxCase();

    testCase.send({ type: 'WITHDRAW', data: { reason: '基数填错' }, party: 'employer', on: '2024-08-13', channel: 'e-tax' });

    expect(testCase.state).toEqual(['withdrawn']);
    expect(testCase.context.withdrawalReason).toBe('基数填错');
  });

  it('indexes the case by its first and last month', () => {
    expect(baseDifferenceTopUp.caseKeys(TAX_ERA_INPUT as never)).toEqual({
      employerCode: EMPLOYER_CODE,
      feePeriodFrom: '2024-03',
      feePeriodTo: '2024-04',
      personIdNumber: PERSON.idNumber,
    });
  });

  describe('input', () => {
    it('rejects months on both sides of the handover', () => {
      const months = [
        { feePeriod: '2023-11', oldBaseFen: 800_000, newBaseFen: 900_000 },
        { feePeriod: '2023-12', oldBaseFen: 800_000, newBaseFen: 900_000 },
      ];

      const error = rejectStart(baseDifferenceTopUp, { ...LEGACY_INPUT, months }, '2024-08-12');

      expect(error.code).toBe('INPUT_INVALID');
      expect(issuesOf(error)).toEqual([
        {
          path: 'months',
          message: {
            zh: '所列月份跨越 2023年12月 交接月（之前：2023-11；之后：2023-12），两边由不同部门办理，请以 2023-12 为界拆成两个案件',
            en: 'the months cross the 2023-12 handover (before: 2023-11; from it: 2023-12) and each side goes to a different agency, so split them at 2023-12 into two cases',
          },
        },
      ]);
    });

    it('rejects a month listed twice', () => {
      const month = { feePeriod: '2024-03', oldBaseFen: 800_000, newBaseFen: 900_000 };

      const error = rejectStart(baseDifferenceTopUp, { ...LEGACY_INPUT, months: [month, month] }, '2024-08-12');

      expect(issuesOf(error)).toEqual([
        {
          path: 'months.1.feePeriod',
          message: {
            zh: '费款所属期 2024年03月 重复出现，每个月只能列一次',
            en: 'fee period 2024-03 is listed more than once; list each month once',
          },
        },
      ]);
    });

    it('rejects a base that was not raised', () => {
      const months = [{ feePeriod: '2024-03', oldBaseFen: 900_000, newBaseFen: 900_000 }];

      const error = rejectStart(baseDifferenceTopUp, { ...LEGACY_INPUT, months }, '2024-08-12');

      expect(issuesOf(error)).toEqual([
        {
          path: 'months.0.newBaseFen',
          message: {
            zh: '2024年03月的新基数 900000 分不高于原基数 900000 分，没有基数差可补缴；基数调低的月份请办理基数差退费',
            en: 'the new base of 900000 fen for 2024-03 is not above the old base of 900000 fen, so there is no difference to top up; a lowered base is a base-difference refund',
          },
        },
      ]);
    });

    it('requires the work-injury rate with work injury', () => {
      const { workInjuryRatePpm: _omitted, ...withoutRate } = TAX_ERA_INPUT;

      const error = rejectStart(baseDifferenceTopUp, withoutRate, '2024-08-12');

      expect(issuesOf(error)).toEqual([
        {
          path: 'workInjuryRatePpm',
          message: {
            zh: '险种包含工伤保险，请在 workInjuryRatePpm 中填写该单位适用的工伤保险费率（百万分率，按行业风险类别和浮动档次确定）',
            en: 'the insurances include work injury, so give the employer applied work-injury rate in workInjuryRatePpm (parts per million, from its risk class and float)',
          },
        },
      ]);
    });

    it('rejects a work-injury rate without work injury', () => {
      const error = rejectStart(baseDifferenceTopUp, { ...LEGACY_INPUT, workInjuryRatePpm: 4_000 }, '2024-08-12');

      expect(issuesOf(error).map((issue) => issue.path)).toEqual(['workInjuryRatePpm']);
      expect(issuesOf(error)[0]?.message.en).toBe(
        'the insurances do not include work injury, so leave out workInjuryRatePpm, or add workInjury to insurances',
      );
    });

    it('rejects a work-injury rate above class 8 at 150%', () => {
      const error = rejectStart(baseDifferenceTopUp, { ...TAX_ERA_INPUT, workInjuryRatePpm: 28_501 }, '2024-08-12');

      expect(issuesOf(error)).toEqual([
        {
          path: 'workInjuryRatePpm',
          message: {
            zh: '单位适用的工伤保险费率不能超过 28500 ppm（八类行业基准费率 1.9% 上浮至 150%）',
            en: "the applied work-injury rate must not exceed 28500 ppm (class 8's base rate of 1.9% floated to 150%)",
          },
        },
      ]);
    });

    it('rejects a month without shipped rates', () => {
      const months = [{ feePeriod: '2022-06', oldBaseFen: 800_000, newBaseFen: 900_000 }];

      const error = rejectStart(baseDifferenceTopUp, { ...LEGACY_INPUT, months }, '2024-08-12');

      expect(issuesOf(error)).toHaveLength(1);
      expect(issuesOf(error)[0]?.path).toBe('months.0.feePeriod');
      expect(issuesOf(error)[0]?.message.en).toContain('No contribution rates for fee period 2022-06');
    });

    it('accepts a month without shipped rates for work injury alone', () => {
      const input = {
        ...LEGACY_INPUT,
        months: [{ feePeriod: '2022-06', oldBaseFen: 800_000, newBaseFen: 900_000 }],
        insurances: ['workInjury'],
        workInjuryRatePpm: 2_000,
      };

      const testCase = openCase(baseDifferenceTopUp, input, '2024-08-12');

      expect(testCase.context.amounts.totalFen).toBe(200);
      expect(testCase.context.amounts.ratesDataVersion).toBe('none');
    });

    it('rejects an empty month list', () => {
      const error = rejectStart(baseDifferenceTopUp, { ...LEGACY_INPUT, months: [] }, '2024-08-12');

      expect(issuesOf(error).map((issue) => issue.path)).toEqual(['months']);
    });
  });
});
