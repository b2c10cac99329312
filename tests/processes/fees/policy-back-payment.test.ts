import { describe, expect, it } from 'vitest';

import { policyBackPayment } from '../../../machines/processes/policy-back-payment.js';
import { EMPLOYER_CODE, issuesOf, openCase, PERSON, rejectStart } from './case-driver.js';
import type { TestCase } from './case-driver.js';

const INPUT = {
  employerCode: EMPLOYER_CODE,
  person: PERSON,
  fromPeriod: '2019-01',
  toPeriod: '2019-06',
  insurances: ['pension', 'unemployment'],
  policyBasis: '关于做好部分人员补缴基本养老保险费工作的通知',
};

function assessedCase(input: object = INPUT): TestCase {
  const testCase = openCase(policyBackPayment, input, '2024-05-06');
  testCase.send({ type: 'APPLY', party: 'employer', on: '2024-05-06', channel: 'hr-window' });
  testCase.send({ type: 'HR_APPROVE', party: 'hr', on: '2024-05-08' });
  testCase.send({ type: 'HR_ASSESS', data: { amountFen: 1_234_500 }, party: 'hr', on: '2024-05-09' });
  return testCase;
}

describe('policy back-payment', () => {
  it('runs from application at hr to payment', () => {
    const testCase = openCase(policyBackPayment, INPUT, '2024-05-06');
    expect(testCase.state).toEqual(['awaitingApplication']);

    testCase.send({ type: 'APPLY', party: 'employer', on: '2024-05-06', channel: 'hr-online' });
    expect(testCase.state).toEqual(['awaitingReview']);

    testCase.send({ type: 'HR_APPROVE', party: 'hr', on: '2024-05-08' });
    expect(testCase.state).toEqual(['awaitingAssessment']);
    expect(testCase.context.approvedOn).toBe('2024-05-08');

    testCase.send({ type: 'HR_ASSESS', data: { amountFen: 1_234_500 }, party: 'hr', on: '2024-05-09' });
    expect(testCase.state).toEqual(['awaitingPayment']);

    testCase.send({ type: 'PAY', data: { amountFen: 1_234_500 }, party: 'employer', on: '2024-05-10', channel: 'fee-client' });
    expect(testCase.state).toEqual(['paid']);
    expect(testCase.status).toBe('done');
  });

  it('closes as rejected with hr reason', () => {
    const testCase = openCase(policyBackPayment, INPUT, '2024-05-06');
    testCase.send({ type: 'APPLY', party: 'employer', on: '2024-05-06', channel: 'hr-online' });

    testCase.send({ type: 'HR_REJECT', data: { reason: '不符合政策规定的补缴条件' }, party: 'hr', on: '2024-05-08' });

    expect(testCase.state).toEqual(['rejected']);
    expect(testCase.status).toBe('done');
    expect(testCase.context.rejectionReason).toBe('不符合政策规定的补缴条件');
  });

  it('routes a legacy period to hr', () => {
    const testCase = openCase(policyBackPayment, INPUT, '2024-05-06');

    expect(testCase.context.decisions).toEqual([
      expect.objectContaining({
        rule: 'route-fee-case',
        inputs: { kind: 'policy-back-payment', feePeriod: '2019-01', insurance: 'pension' },
        result: expect.objectContaining({ agency: 'hr', era: 'legacy' }),
        dataVersion: '2024-01',
        decidedOn: '2024-05-06',
      }),
    ]);
  });

  it('routes a tax-era period to hr', () => {
    const testCase = openCase(policyBackPayment, { ...INPUT, fromPeriod: '2024-01', toPeriod: '2024-03' }, '2024-05-06');

    expect(testCase.context.decisions).toHaveLength(1);
    expect(testCase.context.decisions[0].result).toMatchObject({ agency: 'hr', era: 'tax' });
  });

  it('routes both eras of a span to hr', () => {
    const testCase = openCase(policyBackPayment, { ...INPUT, fromPeriod: '2023-10', toPeriod: '2024-02' }, '2024-05-06');
    const decisions = testCase.context.decisions;

    expect(decisions.map((decision: { inputs: { feePeriod: string } }) => decision.inputs.feePeriod)).toEqual(['2023-10', '2024-02']);
    expect(decisions[0].result).toMatchObject({ agency: 'hr', era: 'legacy' });
    expect(decisions[1].result).toMatchObject({ agency: 'hr', era: 'tax' });
  });

  describe('paymentMatchesAssessment', () => {
    it('rejects a payment that differs from the assessment', () => {
      const testCase = assessedCase();

      const error = testCase.reject({ type: 'PAY', data: { amountFen: 1_234_000 }, party: 'employer', on: '2024-05-10', channel: 'hr-window' });

      expect(error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
      expect(error.localized).toEqual({
        zh: '缴款金额 1234000 分与人社核定金额 1234500 分不一致。',
        en: 'The payment of 1234000 fen differs from the 1234500 fen hr assessed.',
      });
      expect(testCase.state).toEqual(['awaitingPayment']);
    });
  });

  it('lets only hr review the application', () => {
    const testCase = openCase(policyBackPayment, INPUT, '2024-05-06');
    testCase.send({ type: 'APPLY', party: 'employer', on: '2024-05-06', channel: 'hr-online' });

    expect(testCase.reject({ type: 'HR_APPROVE', party: 'employer', on: '2024-05-06' }).code).toBe('PARTY_NOT_ALLOWED');
    expect(testCase.reject({ type: 'HR_APPROVE', party: 'tax', on: '2024-05-06' }).code).toBe('PARTY_NOT_ALLOWED');
  });

  it('takes no assessment before approval', () => {
    const testCase = openCase(policyBackPayment, INPUT, '2024-05-06');
    testCase.send({ type: 'APPLY', party: 'employer', on: '2024-05-06', channel: 'hr-online' });

    const error = testCase.reject({ type: 'HR_ASSESS', data: { amountFen: 100 }, party: 'hr', on: '2024-05-07' });

    expect(error.code).toBe('EVENT_NOT_ACCEPTED');
  });

  describe('input', () => {
    it('rejects a reversed period', () => {
      const error = rejectStart(policyBackPayment, { ...INPUT, fromPeriod: '2019-06', toPeriod: '2019-01' }, '2024-05-06');

      expect(issuesOf(error)).toEqual([
        { path: 'toPeriod', message: { zh: '补缴止月 2019-01 早于起月 2019-06', en: 'toPeriod 2019-01 is before fromPeriod 2019-06' } },
      ]);
    });

    it('requires the policy basis', () => {
      const { policyBasis: _omitted, ...withoutBasis } = INPUT;
      const error = rejectStart(policyBackPayment, withoutBasis, '2024-05-06');

      expect(issuesOf(error).map((issue) => issue.path)).toEqual(['policyBasis']);
    });
  });
});
