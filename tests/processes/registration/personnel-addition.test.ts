import { describe, expect, it } from 'vitest';
import { personnelAddition, WAGE_DECLARATION_OVERDUE_REMINDER } from '../../../machines/processes/personnel-addition.js';
import { EMPLOYER_A, EMPLOYER_B, PERSON, allowedEvents, reject, rejectStart, send, start } from './drive-case.js';
import type { DrivenCase } from './drive-case.js';

const INPUT = {
  employerCode: EMPLOYER_A,
  person: PERSON,
  labourContract: { kind: 'fixed-term', startsOn: '2024-03-01', endsOn: '2027-02-28' },
  insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
} as const;

function registeredOn(businessDate: string): DrivenCase {
  return send(start(personnelAddition, INPUT, businessDate), 'REGISTRATION_SUCCEEDED', 'hr', businessDate);
}

describe('personnel-addition input', () => {
  it.each(['wageFen', 'contributionBaseFen', 'salary'])('rule no-wage-at-registration rejects %s', (field) => {
    const error = rejectStart(personnelAddition, { ...INPUT, [field]: 800_000 }, '2024-03-05');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized).toEqual({
      zh: `“人员参保登记（增加）”的立案信息不正确：增员登记不采集缴费工资（字段 ${field}）：缴费工资由用人单位自增员成功次月10日起向税务部门申报，请删除该字段。`,
      en: `The input of "Personnel addition" is invalid: The addition registration collects no wage (field ${field}): the employer declares the wage to tax from the 10th of the month after the addition succeeds, so remove the field.`,
    });
  });

  it('keeps the generic message for other unknown fields', () => {
    const error = rejectStart(personnelAddition, { ...INPUT, nickname: '小张' }, '2024-03-05');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.en).toContain('Unrecognized key');
    expect(error.localized.en).not.toContain('wage');
  });

  it('requires the end date of a fixed-term contract', () => {
    const error = rejectStart(personnelAddition, { ...INPUT, labourContract: { kind: 'fixed-term', startsOn: '2024-03-01' } }, '2024-03-05');

    expect(error.localized.en).toContain('field labourContract.endsOn: a fixed-term labour contract needs its end date, endsOn');
  });

  it('accepts an open-ended contract without an end date', () => {
    const current = start(personnelAddition, { ...INPUT, labourContract: { kind: 'open-ended', startsOn: '2024-03-01' } }, '2024-03-05');

    expect(current.state).toEqual(['awaitingRegistration']);
  });
});

describe('personnel-addition registration', () => {
  it('sets every start month to the month of success', () => {
    const current = registeredOn('2024-03-05');

    expect(current.state).toEqual(['awaitingWageDeclaration']);
    expect(current.context.startMonths).toEqual({
      pension: '2024-03',
      unemployment: '2024-03',
      workInjury: '2024-03',
      medical: '2024-03',
    });
  });

  it('starts pension after a same-month move', () => {
    // SPEC §4.3: A stops all insurances in January 2024 and B adds the person in January.
    const input = { ...INPUT, previousEmployer: { employerCode: EMPLOYER_B, lastChargedMonth: '2024-01' } };
    const current = send(start(personnelAddition, input, '2024-01-22'), 'REGISTRATION_SUCCEEDED', 'hr', '2024-01-22');

    expect(current.context.startMonths).toEqual({
      pension: '2024-02',
      unemployment: '2024-02',
      workInjury: '2024-01',
      medical: '2024-02',
    });
    const decision = current.context.decisions.find((entry: { rule: string }) => entry.rule === 'addition-start-month');
    expect(decision.inputs.previousEmployer).toEqual({ employerCode: EMPLOYER_B, lastChargedMonth: '2024-01', insurances: INPUT.insurances });
    expect(decision.inputs.medicalStartRule).toBe('after-previous-employer');
  });

  it('starts uncharged insurances in the addition month', () => {
    const input = { ...INPUT, previousEmployer: { employerCode: EMPLOYER_B, lastChargedMonth: '2024-01', insurances: ['workInjury', 'medical'] } };
    const current = send(start(personnelAddition, input, '2024-01-22'), 'REGISTRATION_SUCCEEDED', 'hr', '2024-01-22');

    expect(current.context.startMonths).toEqual({ pension: '2024-01', unemployment: '2024-01', workInjury: '2024-01', medical: '2024-02' });
  });

  it('ignores a previous employer charged months before', () => {
    const input = { ...INPUT, previousEmployer: { employerCode: EMPLOYER_B, lastChargedMonth: '2023-11' } };
    const current = send(start(personnelAddition, input, '2024-01-22'), 'REGISTRATION_SUCCEEDED', 'hr', '2024-01-22');

    expect(Object.values(current.context.startMonths)).toEqual(['2024-01', '2024-01', '2024-01', '2024-01']);
  });

  it('makes the wage due from the next 10th', () => {
    const current = registeredOn('2024-03-05');

    expect(current.context.wageDeclarationDueFrom).toBe('2024-04-10');
    expect(current.context.decisions).toEqual([
      {
        rule: 'addition-start-month',
        inputs: { registeredOn: '2024-03-05', insurances: INPUT.insurances },
        result: { startMonths: current.context.startMonths },
        dataVersion: '2024-01',
        decidedOn: '2024-03-05',
      },
      {
        rule: 'wage-declaration-due-from',
        inputs: { registeredOn: '2024-03-05', declarationOpensOnDay: 10 },
        result: { wageDeclarationDueFrom: '2024-04-10' },
        dataVersion: '2024-01',
        decidedOn: '2024-03-05',
      },
    ]);
  });

  it('carries a December addition into January', () => {
    expect(registeredOn('2024-12-31').context.wageDeclarationDueFrom).toBe('2025-01-10');
  });

  it('rule ADDITION_BEFORE_SELF_DECLARATION rejects a 2023 registration', () => {
    const error = reject(start(personnelAddition, INPUT, '2023-12-20'), 'REGISTRATION_SUCCEEDED', 'hr', '2023-12-20');

    expect(error.code).toBe('ADDITION_BEFORE_SELF_DECLARATION');
    expect(error.localized).toEqual({
      zh: '业务日期 2023-12-20 早于 2024-01-01：当时的增员由人社采集缴费工资并核定，不适用本流程。',
      en: 'The business date 2023-12-20 is before 2024-01-01, when hr still collected the wage at registration and assessed the fees, so this process does not apply.',
    });
  });
});

describe('personnel-addition wage declaration', () => {
  it('rule WAGE_DECLARATION_NOT_YET_DUE names the due date', () => {
    const error = reject(registeredOn('2024-03-05'), 'DECLARE_WAGE', 'employer', '2024-04-09', {
      data: { wageFen: 800_000 },
      channel: 'e-tax',
    });

    expect(error.code).toBe('WAGE_DECLARATION_NOT_YET_DUE');
    expect(error.localized).toEqual({
      zh: '该人员于 2024-03-05 增员成功，缴费工资自 2024-04-10（增员成功次月10日）起向税务部门申报；业务日期 2024-04-09 早于该日，请于 2024-04-10 及以后申报。',
      en: 'The person was added on 2024-03-05, so the wage is declared to tax from 2024-04-10, the 10th of the next month; the business date 2024-04-09 is before that day, so declare on or after 2024-04-10.',
    });
  });

  it('marks the declaration blocked before the due date', () => {
    const declare = allowedEvents(registeredOn('2024-03-05'), '2024-03-20').find((event) => event.type === 'DECLARE_WAGE');

    expect(declare?.available).toBe(false);
    expect(declare?.blockedBy?.code).toBe('WAGE_DECLARATION_NOT_YET_DUE');
  });

  it('records the wage from the due date on', () => {
    const current = send(registeredOn('2024-03-05'), 'DECLARE_WAGE', 'employer', '2024-04-10', {
      data: { wageFen: 800_000 },
      channel: 'fee-client',
    });

    expect(current.state).toEqual(['wageDeclared']);
    expect(current.status).toBe('done');
    expect(current.context.wageFen).toBe(800_000);
    expect(current.context.wageDeclaredOn).toBe('2024-04-10');
  });

  it('takes the wage only through a tax channel', () => {
    const error = reject(registeredOn('2024-03-05'), 'DECLARE_WAGE', 'employer', '2024-04-10', {
      data: { wageFen: 800_000 },
      channel: 'hr-window',
    });

    expect(error.code).toBe('CHANNEL_NOT_ALLOWED');
  });
});

describe('personnel-addition overdue reminder', () => {
  it('rule WAGE_DECLARATION_NOT_OVERDUE rejects the reminder on the deadline', () => {
    const error = reject(registeredOn('2024-03-05'), 'WAGE_DECLARATION_OVERDUE', 'system', '2024-04-25');

    expect(error.code).toBe('WAGE_DECLARATION_NOT_OVERDUE');
    expect(error.localized).toEqual({
      zh: '费款所属期2024年03月的申报截止日为 2024-04-25，业务日期 2024-04-25 未超过该日，缴费工资申报尚未逾期。',
      en: 'The declaration deadline of fee period 2024-03 is 2024-04-25 and the business date 2024-04-25 is not after it, so the wage declaration is not overdue yet.',
    });
  });

  it('moves to overdue and still takes the wage', () => {
    let current = send(registeredOn('2024-03-05'), 'WAGE_DECLARATION_OVERDUE', 'system', '2024-04-26');
    expect(current.state).toEqual(['overdue']);
    expect(current.context.reminder).toEqual(WAGE_DECLARATION_OVERDUE_REMINDER);
    expect(current.context.firstWindowDeadline).toBe('2024-04-25');
    expect(current.context.decisions.at(-1)).toMatchObject({ rule: 'wage-declaration-overdue', decidedOn: '2024-04-26' });

    current = send(current, 'DECLARE_WAGE', 'employer', '2024-05-06', { data: { wageFen: 700_000 }, channel: 'tax-window' });
    expect(current.state).toEqual(['wageDeclared']);
    expect(current.context.reminder).toBeNull();
  });

  it('uses the moved deadline of a holiday month', () => {
    // Fee period 2024-12 closes on Saturday 2025-01-25, and Sunday 2025-01-26 is an adjusted working day
    // (调休上班), so the deadline moves to 2025-01-26.
    const error = reject(registeredOn('2024-12-02'), 'WAGE_DECLARATION_OVERDUE', 'system', '2025-01-26');

    expect(error.code).toBe('WAGE_DECLARATION_NOT_OVERDUE');
    expect(error.details.deadline).toBe('2025-01-26');
    expect(send(registeredOn('2024-12-02'), 'WAGE_DECLARATION_OVERDUE', 'system', '2025-01-27').state).toEqual(['overdue']);
  });

  it('reports a missing calendar year instead of guessing', () => {
    const error = reject(registeredOn('2026-12-01'), 'WAGE_DECLARATION_OVERDUE', 'system', '2027-02-01');

    expect(error.code).toBe('CALENDAR_YEAR_MISSING');
    expect(error.localized.en).toContain('No working-day calendar for 2027');
  });

  it('accepts the reminder only from the system', () => {
    expect(reject(registeredOn('2024-03-05'), 'WAGE_DECLARATION_OVERDUE', 'tax', '2024-04-26').code).toBe('PARTY_NOT_ALLOWED');
  });
});
