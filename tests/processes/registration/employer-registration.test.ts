import { describe, expect, it } from 'vitest';
import { employerRegistration } from '../../../machines/processes/employer-registration.js';
import { EMPLOYER_A, reject, rejectStart, send, start } from './drive-case.js';

const NEW_EMPLOYER = {
  employerCode: EMPLOYER_A,
  employerName: '北京示例科技有限公司',
  openedOn: '2024-03-04',
  insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  workInjuryRiskClass: 2,
  accountKind: 'ordinary',
  needsFirstMonthBackPayment: false,
} as const;

describe('employer-registration month-end route', () => {
  it('runs from hr record through month-end push to registration', () => {
    let current = start(employerRegistration, NEW_EMPLOYER, '2024-03-04');
    expect(current.state).toEqual(['monthEndRoute.awaitingHrRecord']);
    expect(current.context.route).toBe('month-end-push');

    current = send(current, 'HR_RECORD_ENROLMENT', 'hr', '2024-03-05');
    expect(current.state).toEqual(['monthEndRoute.awaitingMonthEndPush']);

    current = send(current, 'HR_MONTH_END_PUSH', 'hr', '2024-03-31', { data: { pushedForMonth: '2024-03' } });
    expect(current.state).toEqual(['monthEndRoute.awaitingTaxAssessment']);
    expect(current.context.pushKind).toBe('month-end');

    current = send(current, 'TAX_ASSESS', 'tax', '2024-04-01');
    expect(current.state).toEqual(['registered']);
    expect(current.status).toBe('done');
    expect(current.context.registeredAtTaxOn).toBe('2024-04-01');
  });

  it('records the route and the work-injury base rate as decisions', () => {
    const current = start(employerRegistration, NEW_EMPLOYER, '2024-03-04');

    expect(current.context.decisions).toEqual([
      {
        rule: 'route-employer-registration',
        inputs: { accountKind: 'ordinary', needsFirstMonthBackPayment: false },
        result: { route: 'month-end-push', reason: current.context.routeReason },
        dataVersion: '2024-01',
        decidedOn: '2024-03-04',
      },
      {
        rule: 'work-injury-base-rate',
        inputs: { riskClass: 2 },
        result: { baseRatePpm: 4_000 },
        dataVersion: '2015-10.1',
        decidedOn: '2024-03-04',
      },
    ]);
  });

  it('rule EMPLOYER_NOT_YET_OPENED rejects a record before opening', () => {
    const current = start(employerRegistration, NEW_EMPLOYER, '2024-03-01');
    const error = reject(current, 'HR_RECORD_ENROLMENT', 'hr', '2024-03-03');

    expect(error.code).toBe('EMPLOYER_NOT_YET_OPENED');
    expect(error.localized).toEqual({
      zh: '单位的社会保险账户于 2024-03-04 开户，业务日期 2024-03-03 早于开户日期，请于开户后办理。',
      en: "The employer's account opens on 2024-03-04 and the business date 2024-03-03 is before it, so this step must wait until the account is open.",
    });
  });

  it('rule MONTH_END_PUSH_BEFORE_MONTH_END rejects an early push', () => {
    const recorded = send(start(employerRegistration, NEW_EMPLOYER, '2024-03-04'), 'HR_RECORD_ENROLMENT', 'hr', '2024-03-05');
    const error = reject(recorded, 'HR_MONTH_END_PUSH', 'hr', '2024-03-30', { data: { pushedForMonth: '2024-03' } });

    expect(error.code).toBe('MONTH_END_PUSH_BEFORE_MONTH_END');
    expect(error.localized).toEqual({
      zh: '2024年03月的月末推送最早于 2024-03-31 进行，业务日期 2024-03-30 早于该日。',
      en: 'The month-end push of 2024-03 happens on 2024-03-31 at the earliest, and the business date 2024-03-30 is before it.',
    });
  });

  it('rule MONTH_END_PUSH_BEFORE_OPENING rejects a push of an earlier month', () => {
    const recorded = send(start(employerRegistration, NEW_EMPLOYER, '2024-03-04'), 'HR_RECORD_ENROLMENT', 'hr', '2024-03-05');
    const error = reject(recorded, 'HR_MONTH_END_PUSH', 'hr', '2024-03-31', { data: { pushedForMonth: '2024-02' } });

    expect(error.code).toBe('MONTH_END_PUSH_BEFORE_OPENING');
    expect(error.localized).toEqual({
      zh: '推送月份 2024年02月 早于单位开户月份 2024年03月，该月末推送不可能包含本单位信息。',
      en: 'The pushed month 2024-02 is before the opening month 2024-03, so that month-end push cannot contain this employer.',
    });
  });

  it('rule ENROLMENT_NOT_RECORDED explains a push before the hr record', () => {
    const current = start(employerRegistration, NEW_EMPLOYER, '2024-03-04');
    const error = reject(current, 'HR_MONTH_END_PUSH', 'hr', '2024-03-31', { data: { pushedForMonth: '2024-03' } });

    expect(error.code).toBe('ENROLMENT_NOT_RECORDED');
    expect(error.localized).toEqual({
      zh: '人社尚未录入单位基本信息和参保信息（HR_RECORD_ENROLMENT），月末推送没有可推送的内容。',
      en: "hr has not recorded the employer's basic and enrolment data yet (HR_RECORD_ENROLMENT), so the month-end push has nothing to send.",
    });
  });

  it('rule NOT_ON_TEMPORARY_ROUTE explains a temporary registration request', () => {
    const current = start(employerRegistration, NEW_EMPLOYER, '2024-03-04');
    const error = reject(current, 'REQUEST_TEMPORARY_REGISTRATION', 'employer', '2024-03-05', { channel: 'hr-window' });

    expect(error.code).toBe('NOT_ON_TEMPORARY_ROUTE');
    expect(error.localized.zh).toBe(
      '本单位走月末推送流程（普通单位户，开户当月无须补缴：人社于月末将单位基本信息和参保信息推送至税务，税务据此核定。），不办理临时登记。',
    );
    expect(error.localized.en).toContain('This employer is on the month-end push route');
  });
});

describe('employer-registration temporary route', () => {
  const FIRST_MONTH_BACK_PAYMENT = { ...NEW_EMPLOYER, needsFirstMonthBackPayment: true };

  it('rule route-employer-registration sends a first-month back-payment to the window', () => {
    const current = start(employerRegistration, FIRST_MONTH_BACK_PAYMENT, '2024-03-04');

    expect(current.state).toEqual(['temporaryRoute.awaitingTemporaryRegistration']);
    expect(current.context.routeReason.zh).toBe('新开户单位当月须为新增员工办理补缴，不能等待月末推送，须到人社窗口办理临时登记。');
  });

  it('lets the employer pay after the association registration', () => {
    let current = start(employerRegistration, FIRST_MONTH_BACK_PAYMENT, '2024-03-04');
    current = send(current, 'REQUEST_TEMPORARY_REGISTRATION', 'employer', '2024-03-06', { channel: 'hr-window' });
    expect(current.state).toEqual(['temporaryRoute.awaitingHrManualPush']);

    current = send(current, 'HR_MANUAL_PUSH', 'hr', '2024-03-06');
    expect(current.state).toEqual(['temporaryRoute.awaitingAssociationRegistration']);
    expect(current.context.pushKind).toBe('manual');

    current = send(current, 'TAX_ASSOCIATION_REGISTRATION', 'tax', '2024-03-07');
    expect(current.state).toEqual(['readyToPay']);
    expect(current.status).toBe('done');
    expect(current.context.mayPayFrom).toBe('2024-03-07');
    expect(current.context.decisions.at(-1)).toEqual({
      rule: 'employer-may-pay-from',
      inputs: { route: 'temporary-registration', pushedOn: '2024-03-06', associationRegisteredOn: '2024-03-07' },
      result: { mayPayFrom: '2024-03-07' },
      dataVersion: '2024-01',
      decidedOn: '2024-03-07',
    });
  });

  it('accepts the temporary registration only at the hr window', () => {
    const current = start(employerRegistration, FIRST_MONTH_BACK_PAYMENT, '2024-03-04');
    const error = reject(current, 'REQUEST_TEMPORARY_REGISTRATION', 'employer', '2024-03-06', { channel: 'hr-online' });

    expect(error.code).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('rule TEMPORARY_REGISTRATION_AFTER_FIRST_MONTH rejects a later request', () => {
    const current = start(employerRegistration, FIRST_MONTH_BACK_PAYMENT, '2024-03-04');
    const error = reject(current, 'REQUEST_TEMPORARY_REGISTRATION', 'employer', '2024-04-02', { channel: 'hr-window' });

    expect(error.code).toBe('TEMPORARY_REGISTRATION_AFTER_FIRST_MONTH');
    expect(error.localized).toEqual({
      zh: '临时登记只适用于新开户单位开户当月（2024年03月）的补缴，业务日期 2024-04-02 已不在该月：开户当月的月末推送已将单位信息传至税务，请等待人社月末推送（HR_MONTH_END_PUSH）。',
      en: "A temporary registration serves only back-payments in the employer's opening month, 2024-03, and the business date 2024-04-02 is outside it: the opening month's month-end push has sent the data to tax, so wait for hr's month-end push (HR_MONTH_END_PUSH).",
    });
  });

  it('lets the month-end push overtake a missed temporary registration', () => {
    let current = start(employerRegistration, FIRST_MONTH_BACK_PAYMENT, '2024-03-04');
    current = send(current, 'HR_MONTH_END_PUSH', 'hr', '2024-03-31', { data: { pushedForMonth: '2024-03' } });

    expect(current.state).toEqual(['monthEndRoute.awaitingTaxAssessment']);
  });

  it.each(['deregistering', 'special-construction-project'] as const)('rule route-employer-registration routes a %s account temporarily', (accountKind) => {
    const current = start(employerRegistration, { ...NEW_EMPLOYER, accountKind }, '2024-03-04');

    expect(current.state).toEqual(['temporaryRoute.awaitingTemporaryRegistration']);
    expect(current.context.route).toBe('temporary-registration');
  });

  it('exempts special accounts from the first-month rule', () => {
    const current = start(employerRegistration, { ...NEW_EMPLOYER, accountKind: 'special-construction-project' }, '2024-03-04');
    const requested = send(current, 'REQUEST_TEMPORARY_REGISTRATION', 'employer', '2024-06-12', { channel: 'hr-window' });

    expect(requested.state).toEqual(['temporaryRoute.awaitingHrManualPush']);
  });

  it('rule MONTH_END_PUSH_NOT_FOR_SPECIAL_ACCOUNT rejects the month-end push', () => {
    const current = start(employerRegistration, { ...NEW_EMPLOYER, accountKind: 'deregistering' }, '2024-03-04');
    const error = reject(current, 'HR_MONTH_END_PUSH', 'hr', '2024-03-31', { data: { pushedForMonth: '2024-03' } });

    expect(error.code).toBe('MONTH_END_PUSH_NOT_FOR_SPECIAL_ACCOUNT');
    expect(error.localized).toEqual({
      zh: '注销企业须办理临时登记，由人社手工推送（HR_MANUAL_PUSH），不经月末推送。',
      en: 'A deregistering enterprise must register temporarily and reaches tax through hr\'s manual push (HR_MANUAL_PUSH), not the month-end push.',
    });
  });

  it('rejects the request from hr', () => {
    const current = start(employerRegistration, FIRST_MONTH_BACK_PAYMENT, '2024-03-04');

    expect(reject(current, 'REQUEST_TEMPORARY_REGISTRATION', 'hr', '2024-03-06', { channel: 'hr-window' }).code).toBe('PARTY_NOT_ALLOWED');
  });
});

describe('employer-registration input', () => {
  it('rejects a risk class outside 1 to 8', () => {
    const error = rejectStart(employerRegistration, { ...NEW_EMPLOYER, workInjuryRiskClass: 9 }, '2024-03-04');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.zh).toContain('字段 workInjuryRiskClass：工伤风险类别应为 1 至 8 的整数');
    expect(error.localized.en).toContain('field workInjuryRiskClass: the work-injury risk class must be an integer from 1 to 8');
  });

  it('rejects an unknown account kind', () => {
    const error = rejectStart(employerRegistration, { ...NEW_EMPLOYER, accountKind: 'branch' }, '2024-03-04');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.en).toContain('field accountKind');
  });

  it('asks to confirm a credit code whose check character fails', () => {
    const failing = '91350100M000100Y42';
    const error = rejectStart(employerRegistration, { ...NEW_EMPLOYER, employerCode: failing }, '2024-03-04');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.en).toContain('CREDIT_CODE_CHECK_MISMATCH');
    const confirmed = start(
      employerRegistration,
      { ...NEW_EMPLOYER, employerCode: failing, confirmations: ['CREDIT_CODE_CHECK_MISMATCH'] },
      '2024-03-04',
    );
    expect(confirmed.state).toEqual(['monthEndRoute.awaitingHrRecord']);
  });
});
