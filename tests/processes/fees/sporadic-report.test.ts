import { describe, expect, it } from 'vitest';

import { sporadicReport } from '../../../machines/processes/sporadic-report.js';
import { EMPLOYER_CODE, issuesOf, openCase, PERSON, rejectStart } from './case-driver.js';
import type { TestCase } from './case-driver.js';

const RETIREMENT_IN_MARCH = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  feePeriod: '2024-03',
  reason: 'retirement',
  insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
};

function openMarchCase(): TestCase {
  return openCase(sporadicReport, RETIREMENT_IN_MARCH, '2024-03-05');
}

function generatedMarchCase(): TestCase {
  const testCase = openMarchCase();
  testCase.send({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-03-05', channel: 'hr-online' });
  testCase.send({ type: 'HR_GENERATE', data: { amountFen: 345_678 }, party: 'hr', on: '2024-03-06' });
  return testCase;
}

describe('sporadic report', () => {
  it('runs from submission at hr to payment at tax', () => {
    const testCase = openMarchCase();
    expect(testCase.state).toEqual(['awaitingSubmission']);

    testCase.send({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-03-05', channel: 'hr-window' });
    expect(testCase.state).toEqual(['awaitingGeneration']);

    testCase.send({ type: 'HR_GENERATE', data: { amountFen: 345_678 }, party: 'hr', on: '2024-03-06' });
    expect(testCase.state).toEqual(['awaitingPayment']);

    // The whole month is open for payment, its last day included.
    testCase.send({ type: 'PAY', data: { amountFen: 345_678 }, party: 'employer', on: '2024-03-31', channel: 'e-tax' });
    expect(testCase.state).toEqual(['paid']);
    expect(testCase.status).toBe('done');
    expect(testCase.context.paidFen).toBe(345_678);
    expect(testCase.context.submittedOn).toBe('2024-03-05');
  });

  it('records hr routing at start and tax collection at generation', () => {
    const testCase = generatedMarchCase();
    const [route, collection] = testCase.context.decisions;

    expect(testCase.context.decisions).toHaveLength(2);
    expect(route).toMatchObject({
      rule: 'route-fee-case',
      inputs: { kind: 'sporadic-report', feePeriod: '2024-03', insurance: 'pension' },
      result: { agency: 'hr', era: 'tax' },
      dataVersion: '2024-01',
      decidedOn: '2024-03-05',
    });
    expect(collection).toMatchObject({
      rule: 'sporadic-report-collection',
      inputs: { feePeriod: '2024-03', amountFen: 345_678 },
      result: { collector: 'tax', channels: ['fee-client', 'e-tax', 'tax-window'], payBy: '2024-03-31' },
      dataVersion: '2024-01',
      decidedOn: '2024-03-06',
    });
  });

  it('computes the last payment day of February in a leap year', () => {
    const testCase = openCase(sporadicReport, { ...RETIREMENT_IN_MARCH, feePeriod: '2024-02' }, '2024-02-01');
    testCase.send({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-02-01', channel: 'hr-online' });
    testCase.send({ type: 'HR_GENERATE', data: { amountFen: 100 }, party: 'hr', on: '2024-02-02' });

    expect(testCase.context.decisions[1].result.payBy).toBe('2024-02-29');
  });

  describe('feePeriodIsCurrentMonth', () => {
    it('rejects opening a case for a past month', () => {
      const error = rejectStart(sporadicReport, RETIREMENT_IN_MARCH, '2024-04-02');

      expect(error.code).toBe('SPORADIC_REPORT_NOT_CURRENT_MONTH');
      expect(error.localized.zh).toContain('2024年03月');
      expect(error.localized.en).toContain('2024-04');
    });

    it('rejects opening a case for a later month', () => {
      const error = rejectStart(sporadicReport, RETIREMENT_IN_MARCH, '2024-02-20');

      expect(error.code).toBe('SPORADIC_REPORT_NOT_CURRENT_MONTH');
      expect(error.localized).toEqual({
        zh: '零星月报只能生成和缴纳当月费用：费款所属期2024年03月不是业务日期 2024-02-20 所在的2024年02月。不能提前生成以后月份的费用，请于2024年03月内办理。',
        en: 'A sporadic report covers only the current month: fee period 2024-03 is not 2024-02, the month of the business date 2024-02-20. Fees of a later month cannot be generated in advance, so do it during 2024-03.',
      });
    });

    it('rejects a submission after the fee period month', () => {
      const testCase = openMarchCase();

      const error = testCase.reject({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-04-01', channel: 'hr-online' });

      expect(error.code).toBe('SPORADIC_REPORT_NOT_CURRENT_MONTH');
      expect(error.kind).toBe('unprocessable');
      expect(error.localized).toEqual({
        zh: '零星月报只能生成和缴纳当月费用：费款所属期2024年03月不是业务日期 2024-04-01 所在的2024年04月。2024年03月已经过去，该月费用请向税务部门办理补缴（个人补缴或欠费处理）。',
        en: 'A sporadic report covers only the current month: fee period 2024-03 is not 2024-04, the month of the business date 2024-04-01. 2024-03 has passed, so pay that month\'s fees to tax as a back-payment (individual back-payment or arrears).',
      });
      expect(error.details).toMatchObject({ feePeriod: '2024-03', currentMonth: '2024-04', businessDate: '2024-04-01' });
      expect(testCase.state).toEqual(['awaitingSubmission']);
    });

    it('rejects a generation in the next month', () => {
      const testCase = openMarchCase();
      testCase.send({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-03-29', channel: 'hr-online' });

      const error = testCase.reject({ type: 'HR_GENERATE', data: { amountFen: 100 }, party: 'hr', on: '2024-04-01' });

      expect(error.code).toBe('SPORADIC_REPORT_NOT_CURRENT_MONTH');
    });

    it('rejects a payment in the next month', () => {
      const testCase = generatedMarchCase();

      const error = testCase.reject({ type: 'PAY', data: { amountFen: 345_678 }, party: 'employer', on: '2024-04-01', channel: 'fee-client' });

      expect(error.code).toBe('SPORADIC_REPORT_NOT_CURRENT_MONTH');
      expect(testCase.state).toEqual(['awaitingPayment']);
    });
  });

  describe('paymentMatchesGeneratedAmount', () => {
    it('rejects a payment that differs from the generated amount', () => {
      const testCase = generatedMarchCase();

      const error = testCase.reject({ type: 'PAY', data: { amountFen: 345_000 }, party: 'employer', on: '2024-03-10', channel: 'tax-window' });

      expect(error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
      expect(error.localized).toEqual({
        zh: '缴款金额 345000 分与人社生成的应缴金额 345678 分不一致。',
        en: 'The payment of 345000 fen differs from the 345678 fen that hr generated.',
      });
      expect(error.details).toMatchObject({ givenFen: 345_000, expectedFen: 345_678 });
    });
  });

  describe('feePeriodMonthHasEnded', () => {
    it('rejects lapsing on the last day of the month', () => {
      const testCase = generatedMarchCase();

      const error = testCase.reject({ type: 'MONTH_ENDED', party: 'system', on: '2024-03-31' });

      expect(error.code).toBe('FEE_PERIOD_MONTH_NOT_ENDED');
      expect(error.localized).toEqual({
        zh: '费款所属期2024年03月尚未结束（业务日期 2024-03-31），零星月报全月均可办理，不能按逾期关闭。',
        en: 'Fee period 2024-03 has not ended (business date 2024-03-31); a sporadic report stays open all month, so it cannot lapse yet.',
      });
    });

    it('closes an unpaid case as lapsed after the month', () => {
      const testCase = generatedMarchCase();

      testCase.send({ type: 'MONTH_ENDED', party: 'system', on: '2024-04-01' });

      expect(testCase.state).toEqual(['lapsed']);
      expect(testCase.status).toBe('done');
    });

    it('closes a case never submitted as lapsed', () => {
      const testCase = openMarchCase();

      testCase.send({ type: 'MONTH_ENDED', party: 'system', on: '2024-04-01' });

      expect(testCase.state).toEqual(['lapsed']);
    });
  });

  it('closes as rejected when hr refuses to generate', () => {
    const testCase = openMarchCase();
    testCase.send({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-03-05', channel: 'hr-online' });

    testCase.send({ type: 'HR_REJECT', data: { reason: '该人员不在本单位参保' }, party: 'hr', on: '2024-03-06' });

    expect(testCase.state).toEqual(['rejected']);
    expect(testCase.context.closingReason).toBe('该人员不在本单位参保');
  });

  it('closes as withdrawn before submission', () => {
    const testCase = openMarchCase();

    testCase.send({ type: 'WITHDRAW', data: { reason: 'opened by mistake' }, party: 'employer', on: '2024-03-05', channel: 'hr-online' });

    expect(testCase.state).toEqual(['withdrawn']);
    expect(testCase.context.closingReason).toBe('opened by mistake');
  });

  it('takes payment only through tax channels', () => {
    const testCase = generatedMarchCase();

    const error = testCase.reject({ type: 'PAY', data: { amountFen: 345_678 }, party: 'employer', on: '2024-03-10', channel: 'hr-window' });

    expect(error.code).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('lets only hr generate the fees', () => {
    const testCase = openMarchCase();
    testCase.send({ type: 'SUBMIT_AT_HR', party: 'employer', on: '2024-03-05', channel: 'hr-online' });

    const error = testCase.reject({ type: 'HR_GENERATE', data: { amountFen: 100 }, party: 'employer', on: '2024-03-05' });

    expect(error.code).toBe('PARTY_NOT_ALLOWED');
  });

  describe('input', () => {
    it('rejects a fee period before the handover', () => {
      const error = rejectStart(sporadicReport, { ...RETIREMENT_IN_MARCH, feePeriod: '2023-11' }, '2023-11-15');

      expect(error.code).toBe('INPUT_INVALID');
      expect(issuesOf(error)).toEqual([
        {
          path: 'feePeriod',
          message: {
            zh: '费款所属期 2023年11月 早于 2023年12月：当时个人当月费用由人社“单位月报缴费计划”生成并批量扣款，不在此办理；该月的欠费请按单位欠缴社保费处理或个人补缴办理。',
            en: "Fee period 2023-11 is before 2023-12, when hr's monthly-report plan generated a person's current-month fees for the batch debit, so it is not handled here; pay that month's unpaid fees as arrears or an individual back-payment.",
          },
        },
      ]);
    });

    it('requires a note for the reason other', () => {
      const error = rejectStart(sporadicReport, { ...RETIREMENT_IN_MARCH, reason: 'other' }, '2024-03-05');

      expect(issuesOf(error)).toEqual([
        {
          path: 'note',
          message: {
            zh: '原因为“其他”（other）时，请在 note 中说明为何需要生成该人员的当月费用',
            en: 'with the reason other, explain in note why the person needs a sporadic report',
          },
        },
      ]);
    });

    it('accepts the reason other with a note', () => {
      const testCase = openCase(sporadicReport, { ...RETIREMENT_IN_MARCH, reason: 'other', note: '当月新入职补报' }, '2024-03-05');

      expect(testCase.context.note).toBe('当月新入职补报');
    });
  });
});
