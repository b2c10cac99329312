import { describe, expect, it } from 'vitest';

import { baseDifferenceRefund } from '../../../machines/processes/base-difference-refund.js';
import { EMPLOYER_CODE, issuesOf, openCase, PERSON, rejectStart } from './case-driver.js';
import type { TestCase } from './case-driver.js';

// One tax-era month lowered from 12,000.50 to 10,000.00 yuan, a difference of 200,050 fen, all four
// insurances and an applied work-injury rate of 0.4%:
//   pension      16% 32,008 + 8% 16,004 = 48,012
//   unemployment 0.5% 1,000.25 -> 1,000 + 1,000 = 2,000
//   work injury  0.4% 800.2 -> 800
//   medical      9.8% 19,604.9 -> 19,605 + 2% 4,001 = 23,606
// hr refunds 48,012 + 2,000 + 800 = 50,812 fen and medical refunds 23,606 fen.
const TAX_ERA_INPUT = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  months: [{ feePeriod: '2024-05', oldBaseFen: 1_200_050, newBaseFen: 1_000_000 }],
  insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  workInjuryRatePpm: 4_000,
};

// One legacy month lowered by 100,000 fen, pension and medical: hr refunds 16,000 + 8,000 = 24,000 fen and
// medical refunds 9,800 + 2,000 = 11,800 fen.
const LEGACY_INPUT = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  months: [{ feePeriod: '2023-03', oldBaseFen: 900_000, newBaseFen: 800_000 }],
  insurances: ['pension', 'medical'],
};

const BOTH_TRACKS_WAITING = ['refunding.hr.awaitingApplication', 'refunding.medical.awaitingApplication'];

function correctedTaxCase(input: object = TAX_ERA_INPUT): TestCase {
  const testCase = openCase(baseDifferenceRefund, input, '2024-08-12');
  testCase.send({ type: 'DECLARE_BASE_CORRECTION', party: 'employer', on: '2024-08-12', channel: 'e-tax' });
  testCase.send({ type: 'TAX_CORRECT_BASE', party: 'tax', on: '2024-08-14' });
  return testCase;
}

describe('base-difference refund', () => {
  it('computes the refund per insurance and track', () => {
    const testCase = openCase(baseDifferenceRefund, TAX_ERA_INPUT, '2024-08-12');

    expect(testCase.context.amounts.direction).toBe('refund');
    expect(testCase.context.amounts.totalFen).toBe(74_418);
    expect(testCase.context.amounts.totalByInsurance).toEqual({ pension: 48_012, unemployment: 2_000, workInjury: 800, medical: 23_606 });
    expect(testCase.context.amounts.rows[0]).toMatchObject({ baseDifferenceFen: -200_050, employerFen: 32_008, employeeFen: 16_004 });
    expect(testCase.context.tracks.hr.dueFen).toBe(50_812);
    expect(testCase.context.tracks.medical.dueFen).toBe(23_606);
  });

  it('records a route per insurance', () => {
    const decisions = openCase(baseDifferenceRefund, TAX_ERA_INPUT, '2024-08-12').context.decisions;
    const routes = decisions.filter((decision: { rule: string }) => decision.rule === 'route-fee-case');

    expect(routes.map((route: { inputs: { insurance: string }; result: { agency: string } }) => [route.inputs.insurance, route.result.agency])).toEqual([
      ['pension', 'hr'],
      ['unemployment', 'hr'],
      ['workInjury', 'hr'],
      ['medical', 'medical'],
    ]);
    expect(routes[0]).toMatchObject({ result: { era: 'tax', baseCorrectionAtTaxFirst: true }, dataVersion: '2024-01', decidedOn: '2024-08-12' });
    expect(decisions.at(-1)).toMatchObject({ rule: 'compute-base-difference', result: { totalFen: 74_418 }, dataVersion: '2024.1' });
  });

  describe('tax era', () => {
    it('corrects the base at tax first, then refunds on both tracks', () => {
      const testCase = openCase(baseDifferenceRefund, TAX_ERA_INPUT, '2024-08-12');
      expect(testCase.state).toEqual(['baseCorrectionAtTax.awaitingDeclaration']);

      testCase.send({ type: 'DECLARE_BASE_CORRECTION', party: 'employer', on: '2024-08-12', channel: 'fee-client' });
      expect(testCase.state).toEqual(['baseCorrectionAtTax.awaitingTaxCorrection']);

      testCase.send({ type: 'TAX_CORRECT_BASE', party: 'tax', on: '2024-08-14' });
      expect(testCase.state).toEqual(BOTH_TRACKS_WAITING);
      expect(testCase.context.baseCorrectedOn).toBe('2024-08-14');

      testCase.send({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-08-15', channel: 'hr-online' });
      testCase.send({ type: 'HR_REFUND', data: { amountFen: 50_812 }, party: 'hr', on: '2024-08-20' });
      expect(testCase.state).toEqual(['refunding.hr.refunded', 'refunding.medical.awaitingApplication']);
      expect(testCase.status).toBe('active');

      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-15', channel: 'medical-window' });
      testCase.send({ type: 'MEDICAL_REFUND', data: { amountFen: 23_606 }, party: 'medical', on: '2024-08-22' });
      expect(testCase.state).toEqual(['done']);
      expect(testCase.status).toBe('done');
      expect(testCase.context.tracks.hr).toMatchObject({ refundedFen: 50_812, refundedOn: '2024-08-20', appliedOn: '2024-08-15' });
      expect(testCase.context.tracks.medical).toMatchObject({ refundedFen: 23_606, refundedOn: '2024-08-22' });
    });

    it('is not done while only the medical track has finished', () => {
      const testCase = correctedTaxCase();

      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-15', channel: 'medical-window' });
      testCase.send({ type: 'MEDICAL_REFUND', data: { amountFen: 23_606 }, party: 'medical', on: '2024-08-22' });

      expect(testCase.state).toEqual(['refunding.hr.awaitingApplication', 'refunding.medical.refunded']);
      expect(testCase.status).toBe('active');
    });

    it('rejects refunds before the base correction', () => {
      const testCase = openCase(baseDifferenceRefund, TAX_ERA_INPUT, '2024-08-12');

      const error = testCase.reject({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-08-12', channel: 'hr-online' });

      expect(error.code).toBe('BASE_NOT_CORRECTED_AT_TAX');
      expect(error.kind).toBe('conflict');
      expect(error.localized).toEqual({
        zh: '退差月份自 2024年05月 起，在 2023年12月（含）之后：须先向税务部门更正缴费基数（单位申报更正 DECLARE_BASE_CORRECTION，税务确认 TAX_CORRECT_BASE），再到人社、医保办理退费。',
        en: 'The months from 2024-05 are 2023-12 or later, so the base must first be corrected at tax (the employer declares the correction, DECLARE_BASE_CORRECTION, and tax confirms it, TAX_CORRECT_BASE) before hr and medical refund.',
      });
      expect(error.details).toMatchObject({ missingStep: 'DECLARE_BASE_CORRECTION' });
    });

    it('names tax confirmation as the missing step', () => {
      const testCase = openCase(baseDifferenceRefund, TAX_ERA_INPUT, '2024-08-12');
      testCase.send({ type: 'DECLARE_BASE_CORRECTION', party: 'employer', on: '2024-08-12', channel: 'tax-window' });

      const error = testCase.reject({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-13', channel: 'medical-window' });

      expect(error.code).toBe('BASE_NOT_CORRECTED_AT_TAX');
      expect(error.details).toMatchObject({ missingStep: 'TAX_CORRECT_BASE' });
    });

    it('skips hr track for medical insurance alone', () => {
      const testCase = correctedTaxCase({ ...TAX_ERA_INPUT, insurances: ['medical'], workInjuryRatePpm: undefined });

      expect(testCase.state).toEqual(['refunding.hr.skipped', 'refunding.medical.awaitingApplication']);
      expect(testCase.context.decisions.at(-1)).toEqual({
        rule: 'skip-refund-track',
        inputs: { track: 'hr', insurances: ['medical'] },
        result: {
          skipped: true,
          reason: {
            zh: '本案险种为医疗保险(含生育)，不含养老、失业、工伤保险，人社退费环节跳过。',
            en: "The case's insurances are medical insurance (incl. maternity), with no pension, unemployment or work injury, so the hr refund track is skipped.",
          },
        },
        dataVersion: '2024-01',
        decidedOn: '2024-08-14',
      });

      const error = testCase.reject({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-08-15', channel: 'hr-online' });
      expect(error.code).toBe('REFUND_TRACK_SKIPPED');
      expect(error.localized).toEqual({
        zh: '本案不含由人社（养老、失业、工伤）退费的险种，该退费环节已跳过。',
        en: 'The case has no insurance refunded by hr (pension, unemployment, work injury), so that refund track was skipped.',
      });

      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-15', channel: 'medical-window' });
      testCase.send({ type: 'MEDICAL_REFUND', data: { amountFen: 23_606 }, party: 'medical', on: '2024-08-22' });
      expect(testCase.state).toEqual(['done']);
    });
  });

  describe('legacy era', () => {
    it('refunds on both tracks with no tax step', () => {
      const testCase = openCase(baseDifferenceRefund, LEGACY_INPUT, '2024-08-12');
      expect(testCase.state).toEqual(BOTH_TRACKS_WAITING);
      expect(testCase.context.tracks.hr.dueFen).toBe(24_000);
      expect(testCase.context.tracks.medical.dueFen).toBe(11_800);

      testCase.send({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-08-12', channel: 'hr-window' });
      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-12', channel: 'medical-window' });
      testCase.send({ type: 'MEDICAL_REFUND', data: { amountFen: 11_800 }, party: 'medical', on: '2024-08-20' });
      expect(testCase.status).toBe('active');

      testCase.send({ type: 'HR_REFUND', data: { amountFen: 24_000 }, party: 'hr', on: '2024-08-21' });
      expect(testCase.state).toEqual(['done']);
      expect(testCase.context.baseCorrectedOn).toBeNull();
    });

    it('rejects a base correction at tax', () => {
      const testCase = openCase(baseDifferenceRefund, LEGACY_INPUT, '2024-08-12');

      const error = testCase.reject({ type: 'DECLARE_BASE_CORRECTION', party: 'employer', on: '2024-08-12', channel: 'e-tax' });

      expect(error.code).toBe('NO_TAX_STEP_BEFORE_HANDOVER');
      expect(error.localized).toEqual({
        zh: '退差月份自 2023年03月 起，早于 2023年12月：无需在税务更正基数，三险由人社、医疗由医保按原流程直接办理退费。',
        en: 'The months from 2023-03 are before 2023-12, so no base correction at tax is needed: hr refunds the three insurances and medical refunds medical insurance on their legacy routes.',
      });
    });

    it('skips medical track without medical insurance', () => {
      const testCase = openCase(baseDifferenceRefund, { ...LEGACY_INPUT, insurances: ['pension'] }, '2024-08-12');

      expect(testCase.state).toEqual(['refunding.hr.awaitingApplication', 'refunding.medical.skipped']);
      expect(testCase.context.decisions.at(-1)).toMatchObject({
        rule: 'skip-refund-track',
        inputs: { track: 'medical' },
        decidedOn: '2024-08-12',
      });
    });
  });

  describe('refundMatchesTrackTotal', () => {
    it('rejects an hr refund that differs from the computed amount', () => {
      const testCase = correctedTaxCase();
      testCase.send({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-08-15', channel: 'hr-online' });

      const error = testCase.reject({ type: 'HR_REFUND', data: { amountFen: 50_000 }, party: 'hr', on: '2024-08-20' });

      expect(error.code).toBe('BASE_DIFFERENCE_REFUND_MISMATCH');
      expect(error.localized).toEqual({
        zh: '人社（养老、失业、工伤）退费金额 50000 分与按基数差计算的应退金额 50812 分不一致（缴费比例数据版本 2024.1）。请按计算表核对各月各险种的应退金额。',
        en: 'The refund of 50000 fen by hr (pension, unemployment, work injury) differs from the computed base-difference refund of 50812 fen (rates data version 2024.1). Check the amount per month and insurance against the computed table.',
      });
      expect(error.details).toMatchObject({ track: 'hr', expectedFen: 50_812, givenFen: 50_000 });
    });

    it('rejects a medical refund that differs from the computed amount', () => {
      const testCase = correctedTaxCase();
      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-15', channel: 'medical-window' });

      const error = testCase.reject({ type: 'MEDICAL_REFUND', data: { amountFen: 50_812 }, party: 'medical', on: '2024-08-20' });

      expect(error.code).toBe('BASE_DIFFERENCE_REFUND_MISMATCH');
      expect(error.details).toMatchObject({ track: 'medical', expectedFen: 23_606 });
    });
  });

  it('lets only the medical bureau refund medical insurance', () => {
    const testCase = correctedTaxCase();
    testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-08-15', channel: 'medical-window' });

    expect(testCase.reject({ type: 'MEDICAL_REFUND', data: { amountFen: 23_606 }, party: 'hr', on: '2024-08-20' }).code).toBe(
      'PARTY_NOT_ALLOWED',
    );
  });

  describe('input', () => {
    it('rejects a base that was not lowered', () => {
      const months = [{ feePeriod: '2024-05', oldBaseFen: 1_000_000, newBaseFen: 1_000_001 }];

      const error = rejectStart(baseDifferenceRefund, { ...LEGACY_INPUT, months }, '2024-08-12');

      expect(issuesOf(error)).toEqual([
        {
          path: 'months.0.newBaseFen',
          message: {
            zh: '2024年05月的新基数 1000001 分不低于原基数 1000000 分，没有基数差可退；基数调高的月份请办理基数差补缴',
            en: 'the new base of 1000001 fen for 2024-05 is not below the old base of 1000000 fen, so there is no difference to refund; a raised base is a base-difference top-up',
          },
        },
      ]);
    });

    it('rejects months on both sides of the handover', () => {
      const months = [
        { feePeriod: '2023-11', oldBaseFen: 900_000, newBaseFen: 800_000 },
        { feePeriod: '2024-01', oldBaseFen: 900_000, newBaseFen: 800_000 },
      ];

      const error = rejectStart(baseDifferenceRefund, { ...LEGACY_INPUT, months }, '2024-08-12');

      expect(issuesOf(error).map((issue) => issue.path)).toEqual(['months']);
      expect(issuesOf(error)[0]?.message.en).toContain('split them at 2023-12 into two cases');
    });
  });
});
