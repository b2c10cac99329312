import { describe, expect, it } from 'vitest';
import {
  STOP_MONTH_CHARGED_WARNING,
  computeTerminationMonths,
  personnelTermination,
} from '../../../machines/processes/personnel-termination.js';
import type { PersonnelTerminationInput } from '../../../machines/processes/personnel-termination.js';
import { EMPLOYER_A, EMPLOYER_B, PERSON, reject, rejectStart, send, start } from './drive-case.js';

const ALL_INSURANCES = ['pension', 'unemployment', 'workInjury', 'medical'] as const;

const JANUARY_LEAVER = {
  employerCode: EMPLOYER_A,
  person: PERSON,
  startMonth: '2023-06',
  contractEndMonth: '2024-01',
  terminationMonth: '2024-01',
  reason: 'employee-resigned',
  insurances: ALL_INSURANCES,
} as const;

describe('personnel-termination January move between employers', () => {
  // Employer A terminates in January with the contract ending in January; employer B adds the person in
  // January. A's three insurances stop at January; at B work injury starts in January, pension and
  // unemployment in February.
  const move = { ...JANUARY_LEAVER, newEmployer: { employerCode: EMPLOYER_B, additionMonth: '2024-01' } };

  it('stops every insurance at A in January', () => {
    const current = start(personnelTermination, move, '2024-01-22');

    expect(current.context.months.stopMonths).toEqual({
      pension: '2024-01',
      unemployment: '2024-01',
      workInjury: '2024-01',
      medical: '2024-01',
    });
    expect(current.context.months.stopMonthCharged).toBe(true);
  });

  it('starts work injury at B in January and pension and unemployment in February', () => {
    const current = start(personnelTermination, move, '2024-01-22');
    const startMonths = current.context.months.newEmployerStartMonths;

    expect(startMonths.workInjury, 'work injury starts in the addition month').toBe('2024-01');
    expect(startMonths.pension, 'one payer per person and month for pension').toBe('2024-02');
    expect(startMonths.unemployment, 'one payer per person and month for unemployment').toBe('2024-02');
  });

  it('rule MEDICAL_START_RULE starts medical at B like pension by default', () => {
    const current = start(personnelTermination, move, '2024-01-22');

    expect(current.context.months.medicalStartRule).toBe('after-previous-employer');
    expect(current.context.months.newEmployerStartMonths.medical).toBe('2024-02');
  });

  it('rule MEDICAL_START_RULE can start medical in the addition month', () => {
    const months = computeTerminationMonths(move as unknown as PersonnelTerminationInput, 'addition-month');

    expect(months.newEmployerStartMonths?.medical).toBe('2024-01');
  });

  it('shows the start months at B in both languages', () => {
    const current = start(personnelTermination, move, '2024-01-22');

    expect(current.context.newEmployerSummary).toEqual({
      zh: '新单位开始缴费年月：工伤保险 2024年01月；养老保险、失业保险、医疗保险(含生育) 2024年02月',
      en: 'Start months at the new employer: Work-injury insurance from 2024-01; Pension insurance, Unemployment insurance, Medical insurance (incl. maternity) from 2024-02',
    });
  });

  it('records the months as one decision', () => {
    const current = start(personnelTermination, move, '2024-01-22');

    expect(current.context.decisions).toHaveLength(1);
    expect(current.context.decisions[0]).toMatchObject({
      rule: 'termination-months',
      result: current.context.months,
      dataVersion: '2024-01',
      decidedOn: '2024-01-22',
    });
  });

  it('starts everything in the addition month of a later move', () => {
    const later = { ...move, newEmployer: { employerCode: EMPLOYER_B, additionMonth: '2024-03' } };
    const current = start(personnelTermination, later, '2024-01-22');

    expect(current.context.months.newEmployerStartMonths).toEqual({
      pension: '2024-03',
      unemployment: '2024-03',
      workInjury: '2024-03',
      medical: '2024-03',
    });
  });
});

describe('personnel-termination stop month', () => {
  it('rule contract-end-month filing stops in that month with no separate plan', () => {
    const months = start(personnelTermination, JANUARY_LEAVER, '2024-01-22').context.months;

    expect(months.filing).toBe('contract-end-month');
    expect(months.stopMonth).toBe('2024-01');
    expect(months.separateMonthlyReportPlanNeeded).toBe(false);
    expect(months.monthsChargedAfterContractEnd).toEqual([]);
  });

  it('rule month-after filing still stops in the contract end month', () => {
    const months = start(personnelTermination, { ...JANUARY_LEAVER, terminationMonth: '2024-02' }, '2024-02-05').context.months;

    expect(months.filing).toBe('month-after');
    expect(months.stopMonth).toBe('2024-01');
    expect(months.lastChargedMonth).toBe('2024-01');
  });

  it('rule later filing stops in the month before filing', () => {
    const current = start(personnelTermination, { ...JANUARY_LEAVER, terminationMonth: '2024-04' }, '2024-04-08');
    const months = current.context.months;

    expect(months.filing).toBe('later');
    expect(months.stopMonth).toBe('2024-03');
    expect(months.monthsChargedAfterContractEnd).toEqual(['2024-02', '2024-03']);
    expect(current.context.warning).toEqual({
      zh: '减员晚于离职次月：劳动合同于 2024年01月 解除，但该人员在您单位的停止缴费年月为 2024年03月，2024年02月、2024年03月 也需要缴费。',
      en: "The termination is filed later than the month after leaving: the contract ended in 2024-01, but the person's stop month at your employer is 2024-03, so 2024-02, 2024-03 are charged as well.",
    });
  });

  it('rule other-by-law same-month addition and termination charges nothing', () => {
    const sameMonth = { ...JANUARY_LEAVER, startMonth: '2024-01', reason: 'other-by-law' };
    const current = start(personnelTermination, sameMonth, '2024-01-22');

    expect(current.context.months.stopMonthCharged).toBe(false);
    expect(current.context.months.lastChargedMonth).toBeNull();
    expect(current.context.warning).toBeNull();
    expect(current.state, 'no warning, so no confirmation step').toEqual(['awaitingHrConfirmation']);
  });

  it('rule other-by-law lets a new employer charge pension in the same month', () => {
    const sameMonth = {
      ...JANUARY_LEAVER,
      startMonth: '2024-01',
      reason: 'other-by-law',
      newEmployer: { employerCode: EMPLOYER_B, additionMonth: '2024-01' },
    };
    const current = start(personnelTermination, sameMonth, '2024-01-22');

    expect(current.context.months.newEmployerStartMonths.pension).toBe('2024-01');
  });

  it('rule same-month addition with an ordinary reason is charged', () => {
    const sameMonth = { ...JANUARY_LEAVER, startMonth: '2024-01', reason: 'employer-dismissed' };
    const current = start(personnelTermination, sameMonth, '2024-01-22');

    expect(current.context.months.stopMonthCharged).toBe(true);
    expect(current.context.warning).toEqual(STOP_MONTH_CHARGED_WARNING);
  });
});

describe('personnel-termination confirmation', () => {
  it('shows the soft warning verbatim and needs the employer to confirm it', () => {
    const current = start(personnelTermination, JANUARY_LEAVER, '2024-01-22');

    expect(current.state).toEqual(['awaitingConfirmation']);
    expect(current.context.warning.zh).toBe(
      '该人员在您单位本次停止缴费年月为解除劳动合同月，开始缴费年月当月和停止缴费年月当月都需要进行缴费。',
    );
    expect(current.context.warning.en).toBe(
      "This person's stop month at your employer is the month the labour contract ended, and both the start month and the stop month are charged.",
    );
  });

  it('runs from the confirmation to hr', () => {
    let current = start(personnelTermination, JANUARY_LEAVER, '2024-01-22');
    current = send(current, 'CONFIRM_WARNING', 'employer', '2024-01-22', { channel: 'hr-online' });
    expect(current.state).toEqual(['awaitingHrConfirmation']);
    expect(current.context.warningConfirmedOn).toBe('2024-01-22');

    current = send(current, 'HR_CONFIRM_TERMINATION', 'hr', '2024-01-23');
    expect(current.state).toEqual(['terminated']);
    expect(current.status).toBe('done');
  });

  it('rejects hr before the employer confirms', () => {
    const error = reject(start(personnelTermination, JANUARY_LEAVER, '2024-01-22'), 'HR_CONFIRM_TERMINATION', 'hr', '2024-01-23');

    expect(error.code).toBe('EVENT_NOT_ACCEPTED');
  });

  it('rule TERMINATION_OUTSIDE_FILING_MONTH rejects a confirmation next month', () => {
    const current = start(personnelTermination, JANUARY_LEAVER, '2024-01-22');
    const error = reject(current, 'CONFIRM_WARNING', 'employer', '2024-02-01', { channel: 'hr-online' });

    expect(error.code).toBe('TERMINATION_OUTSIDE_FILING_MONTH');
    expect(error.localized).toEqual({
      zh: '本减员按 2024年01月 办理计算停止缴费年月，业务日期 2024-02-01 不在该月：请按实际办理月份重新发起减员。',
      en: 'The stop month was computed for a termination filed in 2024-01, and the business date 2024-02-01 is outside that month: start a new termination for the month it is actually filed in.',
    });
  });

  it('shows the recommendation in the description and the case', () => {
    const current = start(personnelTermination, JANUARY_LEAVER, '2024-01-22');

    expect(personnelTermination.description.zh).toContain('若无特殊情况，建议仍按原流程于人员离职次月为其办理减员。');
    expect(personnelTermination.description.en).toContain('Unless there is a special reason, terminate in the month after the person leaves');
    expect(current.context.recommendation.en).toBe('Unless there is a special reason, terminate in the month after the person leaves, as before.');
  });
});

describe('personnel-termination input', () => {
  it('rule TERMINATION_BEFORE_CONTRACT_END rejects an early filing', () => {
    const error = rejectStart(personnelTermination, { ...JANUARY_LEAVER, terminationMonth: '2023-12' }, '2023-12-20');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details.issues).toEqual([
      {
        path: 'terminationMonth',
        code: 'custom',
        message: {
          zh: '减员月份 2023年12月 早于劳动合同解除月份 2024年01月：劳动关系终止后方可减员，建议于离职次月办理',
          en: 'the termination month 2023-12 is before the contract end month 2024-01: terminate once the labour relation has ended, preferably in the month after',
        },
      },
    ]);
  });

  it('rule CONTRACT_END_BEFORE_START_MONTH rejects inverted months', () => {
    const error = rejectStart(personnelTermination, { ...JANUARY_LEAVER, startMonth: '2024-02', terminationMonth: '2024-02' }, '2024-02-20');

    expect(error.localized.en).toContain('field contractEndMonth: the contract end month 2024-01 is before the start month 2024-02');
    expect(error.localized.zh).toContain('字段 contractEndMonth：劳动合同解除月份 2024年01月 早于开始缴费年月 2024年02月');
  });

  it('rule NEW_EMPLOYER_IS_SAME rejects a move to the same employer', () => {
    const input = { ...JANUARY_LEAVER, newEmployer: { employerCode: EMPLOYER_A, additionMonth: '2024-01' } };
    const error = rejectStart(personnelTermination, input, '2024-01-22');

    expect(error.localized.en).toContain('field newEmployer.employerCode: the new employer has the same credit code as this employer');
  });

  it('rejects an unknown reason', () => {
    const error = rejectStart(personnelTermination, { ...JANUARY_LEAVER, reason: 'moved-abroad' }, '2024-01-22');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.en).toContain('field reason');
  });
});
