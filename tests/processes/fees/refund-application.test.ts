import { describe, expect, it } from 'vitest';

import { refundApplication } from '../../../machines/processes/refund-application.js';
import { EMPLOYER_CODE, issuesOf, openCase, PERSON, rejectStart } from './case-driver.js';
import type { TestCase } from './case-driver.js';

// hr lines add up to 10,000 + 500 = 10,500 fen, and medical lines to 6,000 + 3,000 = 9,000 fen.
const OTHER_REFUND = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  reason: 'other',
  explanation: '职工离职后单位多申报了一个月',
  lines: [
    { insurance: 'medical', feePeriod: '2024-02', amountFen: 6_000 },
    { insurance: 'pension', feePeriod: '2024-02', amountFen: 10_000 },
    { insurance: 'unemployment', feePeriod: '2024-02', amountFen: 500 },
    { insurance: 'medical', feePeriod: '2023-05', amountFen: 3_000 },
  ],
};

const TAX_ERROR_REFUND = {
  employerCode: EMPLOYER_CODE,
  reason: 'tax-collection-error',
  explanation: '税务重复扣款',
  lines: [
    { insurance: 'pension', feePeriod: '2024-01', amountFen: 10_000 },
    { insurance: 'medical', feePeriod: '2024-01', amountFen: 5_000 },
  ],
};

function hrAppliedCase(): TestCase {
  const testCase = openCase(refundApplication, OTHER_REFUND, '2024-06-03');
  testCase.send({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-06-03', channel: 'hr-online' });
  return testCase;
}

function taxAppliedCase(): TestCase {
  const testCase = openCase(refundApplication, TAX_ERROR_REFUND, '2024-06-03');
  testCase.send({ type: 'APPLY_TAX_REFUND', party: 'employer', on: '2024-06-03', channel: 'e-tax' });
  return testCase;
}

describe('refund application', () => {
  describe('other reasons', () => {
    it('splits the lines between hr and medical', () => {
      const testCase = openCase(refundApplication, OTHER_REFUND, '2024-06-03');

      expect(testCase.state).toEqual(['agencyRefunds.hr.awaitingApplication', 'agencyRefunds.medical.awaitingApplication']);
      expect(testCase.context.tracks.hr.appliedFen).toBe(10_500);
      expect(testCase.context.tracks.medical.appliedFen).toBe(9_000);
      expect(testCase.context.tracks.tax.appliedFen).toBe(0);
    });

    it('routes every line, in fee-period and insurance order', () => {
      const decisions = openCase(refundApplication, OTHER_REFUND, '2024-06-03').context.decisions;

      expect(
        decisions.map((decision: { inputs: { feePeriod: string; insurance: string }; result: { agency: string } }) => [
          decision.inputs.feePeriod,
          decision.inputs.insurance,
          decision.result.agency,
        ]),
      ).toEqual([
        ['2023-05', 'medical', 'medical'],
        ['2024-02', 'pension', 'hr'],
        ['2024-02', 'unemployment', 'hr'],
        ['2024-02', 'medical', 'medical'],
      ]);
      expect(decisions[0]).toMatchObject({
        rule: 'route-fee-case',
        inputs: { kind: 'refund-application', refundReason: 'other' },
        dataVersion: '2024-01',
        decidedOn: '2024-06-03',
      });
    });

    it('is done only when both tracks have decided', () => {
      const testCase = hrAppliedCase();

      testCase.send({ type: 'HR_REFUND', data: { amountFen: 10_500 }, party: 'hr', on: '2024-06-10' });
      expect(testCase.state).toEqual(['agencyRefunds.hr.refunded', 'agencyRefunds.medical.awaitingApplication']);
      expect(testCase.status).toBe('active');

      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-06-11', channel: 'medical-window' });
      testCase.send({ type: 'MEDICAL_REJECT_REFUND', data: { reason: '该月医疗保险未多缴' }, party: 'medical', on: '2024-06-12' });

      expect(testCase.state).toEqual(['done']);
      expect(testCase.status).toBe('done');
      expect(testCase.context.tracks.hr).toMatchObject({ outcome: 'refunded', refundedFen: 10_500, decidedOn: '2024-06-10' });
      expect(testCase.context.tracks.medical).toMatchObject({
        outcome: 'rejected',
        rejectionReason: '该月医疗保险未多缴',
        appliedOn: '2024-06-11',
      });
    });

    it('rejects an application to tax', () => {
      const testCase = openCase(refundApplication, OTHER_REFUND, '2024-06-03');

      const error = testCase.reject({ type: 'APPLY_TAX_REFUND', party: 'employer', on: '2024-06-03', channel: 'e-tax' });

      expect(error.code).toBe('TAX_REFUNDS_ONLY_ITS_COLLECTION_ERRORS');
      expect(error.localized).toEqual({
        zh: '税务部门仅受理因税务征收机构原因造成的误收退费；其他退费（含退差）三险由人社、医疗由医保办理。',
        en: 'The tax bureau refunds only fees it collected in error through its own fault; other refunds, difference refunds included, go to hr for the three insurances and to medical for medical insurance.',
      });
    });

    it('skips the hr track when only medical lines are listed', () => {
      const input = { ...OTHER_REFUND, lines: [{ insurance: 'medical', feePeriod: '2024-02', amountFen: 6_000 }] };
      const testCase = openCase(refundApplication, input, '2024-06-03');

      expect(testCase.state).toEqual(['agencyRefunds.hr.skipped', 'agencyRefunds.medical.awaitingApplication']);
      expect(testCase.context.tracks.hr.outcome).toBe('skipped');
      expect(testCase.context.decisions.at(-1)).toMatchObject({
        rule: 'skip-refund-track',
        inputs: { track: 'hr', reason: 'other', insurances: ['medical'] },
        result: { skipped: true },
        decidedOn: '2024-06-03',
      });

      const error = testCase.reject({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-06-03', channel: 'hr-online' });
      expect(error.code).toBe('REFUND_TRACK_SKIPPED');
      expect(error.localized).toEqual({
        zh: '申请中没有由人社部门（养老、失业、工伤）退费的险种行，该退费环节已跳过。',
        en: 'The application has no line refunded by hr (pension, unemployment, work injury), so that refund track was skipped.',
      });

      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-06-04', channel: 'medical-window' });
      testCase.send({ type: 'MEDICAL_REFUND', data: { amountFen: 6_000 }, party: 'medical', on: '2024-06-05' });
      expect(testCase.state).toEqual(['done']);
    });
  });

  describe('tax collection error', () => {
    it('goes to tax alone and closes when tax refunds', () => {
      const testCase = openCase(refundApplication, TAX_ERROR_REFUND, '2024-06-03');
      expect(testCase.state).toEqual(['taxRefund.awaitingApplication']);
      expect(testCase.context.tracks.tax.appliedFen).toBe(15_000);
      expect(testCase.context.decisions.map((decision: { result: { agency: string } }) => decision.result.agency)).toEqual(['tax', 'tax']);

      testCase.send({ type: 'APPLY_TAX_REFUND', party: 'employer', on: '2024-06-03', channel: 'tax-window' });
      testCase.send({ type: 'TAX_REFUND', data: { amountFen: 15_000 }, party: 'tax', on: '2024-06-07' });

      expect(testCase.state).toEqual(['refundedByTax']);
      expect(testCase.status).toBe('done');
    });

    it('closes when tax rejects', () => {
      const testCase = taxAppliedCase();

      testCase.send({ type: 'TAX_REJECT_REFUND', data: { reason: '非税务原因造成的多缴，请向人社、医保申请' }, party: 'tax', on: '2024-06-07' });

      expect(testCase.state).toEqual(['rejectedByTax']);
      expect(testCase.context.tracks.tax.rejectionReason).toBe('非税务原因造成的多缴，请向人社、医保申请');
    });

    it('rejects an application to hr', () => {
      const testCase = openCase(refundApplication, TAX_ERROR_REFUND, '2024-06-03');

      const error = testCase.reject({ type: 'APPLY_HR_REFUND', party: 'employer', on: '2024-06-03', channel: 'hr-online' });

      expect(error.code).toBe('REFUND_HANDLED_BY_TAX');
      expect(error.localized).toEqual({
        zh: '本申请的原因是税务征收机构原因造成的误收，由税务部门受理全部退费，人社、医保不参与。',
        en: 'This application is for fees the tax bureau collected in error through its own fault, so tax handles the whole refund and hr and medical take no part.',
      });
    });
  });

  describe('refundWithinApplication', () => {
    it('rejects an hr refund above the amount applied for', () => {
      const testCase = hrAppliedCase();

      const error = testCase.reject({ type: 'HR_REFUND', data: { amountFen: 10_501 }, party: 'hr', on: '2024-06-10' });

      expect(error.code).toBe('REFUND_EXCEEDS_APPLICATION');
      expect(error.localized).toEqual({
        zh: '人社部门（养老、失业、工伤）退费金额 10501 分超过申请退费金额 10500 分，退费不能多于申请。',
        en: 'The refund of 10501 fen by hr (pension, unemployment, work injury) exceeds the 10500 fen applied for; a refund cannot exceed the application.',
      });
      expect(error.details).toMatchObject({ track: 'hr', appliedFen: 10_500, givenFen: 10_501 });
    });

    it('accepts a partial refund', () => {
      const testCase = hrAppliedCase();

      testCase.send({ type: 'HR_REFUND', data: { amountFen: 8_000 }, party: 'hr', on: '2024-06-10' });

      expect(testCase.context.tracks.hr.refundedFen).toBe(8_000);
    });

    it('rejects a tax refund above the amount applied for', () => {
      const testCase = taxAppliedCase();

      const error = testCase.reject({ type: 'TAX_REFUND', data: { amountFen: 15_001 }, party: 'tax', on: '2024-06-07' });

      expect(error.code).toBe('REFUND_EXCEEDS_APPLICATION');
      expect(error.details).toMatchObject({ track: 'tax', appliedFen: 15_000 });
    });

    it('rejects a medical refund above the amount applied for', () => {
      const testCase = openCase(refundApplication, OTHER_REFUND, '2024-06-03');
      testCase.send({ type: 'APPLY_MEDICAL_REFUND', party: 'employer', on: '2024-06-03', channel: 'medical-window' });

      const error = testCase.reject({ type: 'MEDICAL_REFUND', data: { amountFen: 9_001 }, party: 'medical', on: '2024-06-10' });

      expect(error.code).toBe('REFUND_EXCEEDS_APPLICATION');
      expect(error.details).toMatchObject({ track: 'medical', appliedFen: 9_000 });
    });
  });

  it('indexes the case by its earliest and latest fee period', () => {
    expect(refundApplication.caseKeys(OTHER_REFUND as never)).toEqual({
      employerCode: EMPLOYER_CODE,
      feePeriodFrom: '2023-05',
      feePeriodTo: '2024-02',
      personIdNumber: PERSON.idNumber,
    });
    expect(refundApplication.caseKeys(TAX_ERROR_REFUND as never)).toEqual({
      employerCode: EMPLOYER_CODE,
      feePeriodFrom: '2024-01',
      feePeriodTo: '2024-01',
    });
  });

  describe('input', () => {
    it('rejects a repeated line', () => {
      const line = { insurance: 'pension', feePeriod: '2024-02', amountFen: 100 };

      const error = rejectStart(refundApplication, { ...OTHER_REFUND, lines: [line, line] }, '2024-06-03');

      expect(issuesOf(error)).toEqual([
        {
          path: 'lines.1',
          message: {
            zh: '养老保险、费款所属期 2024-02 的退费行重复，每个险种每月只能列一行',
            en: 'the line for pension in 2024-02 is repeated; list each insurance and month once',
          },
        },
      ]);
    });

    it('rejects an application without lines', () => {
      const error = rejectStart(refundApplication, { ...OTHER_REFUND, lines: [] }, '2024-06-03');

      expect(issuesOf(error).map((issue) => issue.path)).toEqual(['lines']);
    });

    it('rejects a zero amount', () => {
      const lines = [{ insurance: 'pension', feePeriod: '2024-02', amountFen: 0 }];

      const error = rejectStart(refundApplication, { ...OTHER_REFUND, lines }, '2024-06-03');

      expect(issuesOf(error).map((issue) => issue.path)).toEqual(['lines.0.amountFen']);
    });
  });
});
