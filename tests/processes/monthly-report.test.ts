import { describe, expect, it } from 'vitest';

import { applyEvent, startCase } from '../../machines/engine/apply-event.js';
import type { EngineResult, EngineStep, EventRequest } from '../../machines/engine/apply-event.js';
import type { CaseError } from '../../machines/engine/case-error.js';
import type { Party } from '../../machines/policy/parties.js';
import { CALENDAR_DATA_VERSION } from '../../machines/policy/calendar.js';
import { declarationWindow } from '../../machines/policy/declaration-window.js';
import { parseFeePeriod } from '../../machines/policy/fee-period.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { parseIsoDate } from '../../machines/policy/iso-date.js';
import { arrears } from '../../machines/processes/arrears.js';
import { monthlyReport } from '../../machines/processes/monthly-report.js';

// Fee period 2025-09 is declared from 2025-10-10 to 2025-10-25. The 25th is a Saturday, so the deadline
// moves to Monday 2025-10-27.
const EMPLOYER_CODE = '91110000600037341L';
const FEE_PERIOD = '2025-09';
const HR_PUSH = { headcount: { pension: 10, unemployment: 10, workInjury: 11 } };
const MEDICAL_PUSH = { headcount: { medical: 12 } };
const MATCHING_HEADCOUNT = { actualHeadcount: { pension: 10, unemployment: 10, workInjury: 11, medical: 12 } };

const date = (text: string): IsoDate => parseIsoDate(text);

function expectStep(result: EngineResult): EngineStep {
  if (!result.ok) throw new Error(`expected the step to be accepted, got ${result.error.code}: ${result.error.message}`);
  return result.step;
}

function expectError(result: EngineResult): CaseError {
  if (result.ok) throw new Error(`expected a rejection, got state ${result.step.stateAfter.join(', ')}`);
  return result.error;
}

function openCase(businessDate = '2025-09-28'): EngineStep {
  return expectStep(
    startCase(monthlyReport, { employerCode: EMPLOYER_CODE, feePeriod: FEE_PERIOD }, { party: 'system', channel: 'system', businessDate: date(businessDate) }),
  );
}

function send(step: EngineStep, party: Party, businessDate: string, request: EventRequest): EngineResult {
  return applyEvent(monthlyReport, step.persistedSnapshot, request, { party, businessDate: date(businessDate) });
}

function pushBoth(step: EngineStep, hrDate: string, medicalDate: string): EngineStep {
  const afterHr = expectStep(send(step, 'hr', hrDate, { type: 'HR_MONTH_END_PUSH', data: HR_PUSH }));
  return expectStep(send(afterHr, 'medical', medicalDate, { type: 'MEDICAL_MONTH_END_PUSH', data: MEDICAL_PUSH }));
}

function declare(step: EngineStep, businessDate: string, data: unknown = MATCHING_HEADCOUNT): EngineResult {
  return send(step, 'employer', businessDate, { type: 'DECLARE', data, channel: 'e-tax' });
}

function openWindowAndAssess(amountFen: number): EngineStep {
  const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');
  const declared = expectStep(declare(windowOpen, '2025-10-15'));
  return expectStep(send(declared, 'tax', '2025-10-16', { type: 'ASSESS', data: { amountFen } }));
}

describe('monthly-report input', () => {
  it('rejects a fee period before the handover', () => {
    const error = expectError(
      startCase(monthlyReport, { employerCode: EMPLOYER_CODE, feePeriod: '2023-11' }, { party: 'employer', channel: 'api', businessDate: date('2024-01-05') }),
    );

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized).toEqual({
      zh: '“月报缴费”的立案信息不正确：字段 feePeriod：费款所属期 2023年11月 早于 2023年12月：当时的月报由人社部门生成并批量扣款，不在此申报。未缴的月报请按单位欠缴社保费处理（arrears 流程）办理。',
      en: 'The input of "Monthly report" is invalid: field feePeriod: Fee period 2023-11 is before 2023-12, when hr generated the monthly reports and debited them in a batch, so it is not declared here. Handle an unpaid report of that time as arrears (the arrears process).',
    });
  });

  it('rejects a fee period whose deadline year has no calendar', () => {
    // The window of 2098-11 closes in December 2098, and no 2098 calendar is shipped.
    const error = expectError(
      startCase(monthlyReport, { employerCode: EMPLOYER_CODE, feePeriod: '2098-11' }, { party: 'employer', channel: 'api', businessDate: date('2025-01-05') }),
    );

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.en).toContain('No working-day calendar for 2098');
    expect(error.localized.zh).toContain('缺少2098年的工作日日历');
  });

  it('records the window, its inputs and the calendar version', () => {
    const step = openCase();

    expect(step.stateAfter).toEqual(['awaitingMonthEndPush.hr.waiting', 'awaitingMonthEndPush.medical.waiting']);
    expect(step.context).toMatchObject({
      window: {
        inputs: { feePeriod: FEE_PERIOD, options: { moveDeadlineToNextWorkingDay: true } },
        result: declarationWindow(parseFeePeriod(FEE_PERIOD), { moveDeadlineToNextWorkingDay: true }),
        calendarDataVersion: CALENDAR_DATA_VERSION,
      },
      route: {
        inputs: { kind: 'monthly-report', feePeriod: FEE_PERIOD, insurance: 'pension' },
        result: { agency: 'tax', era: 'tax' },
      },
    });
  });
});

describe('monthly-report month-end pushes', () => {
  it('waits in each region until its own push arrives', () => {
    const afterHr = expectStep(send(openCase(), 'hr', '2025-09-30', { type: 'HR_MONTH_END_PUSH', data: HR_PUSH }));

    expect(afterHr.stateAfter).toEqual(['awaitingMonthEndPush.hr.pushed', 'awaitingMonthEndPush.medical.waiting']);
    expect(afterHr.context).toMatchObject({
      pushedHeadcount: { pension: 10, unemployment: 10, workInjury: 11, medical: null },
    });
  });

  it('opens the window after the last push', () => {
    const afterHr = expectStep(send(openCase(), 'hr', '2025-10-08', { type: 'HR_MONTH_END_PUSH', data: HR_PUSH }));
    const afterMedical = expectStep(send(afterHr, 'medical', '2025-10-11', { type: 'MEDICAL_MONTH_END_PUSH', data: MEDICAL_PUSH }));

    expect(afterMedical.stateAfter).toEqual(['windowOpen']);
    expect(afterMedical.context).toMatchObject({
      lastBusinessDate: '2025-10-11',
      pushedHeadcount: { pension: 10, unemployment: 10, workInjury: 11, medical: 12 },
    });
    // Both the onDone and the eventless (always) transition run within the push's own macrostep.
    const doneEventType = 'xstate.done.state.monthly-report.awaitingMonthEndPush';
    expect(afterMedical.inspection.microsteps).toContainEqual({
      eventType: doneEventType,
      transitions: [{ source: 'awaitingMonthEndPush', targets: ['awaitingWindow'], automatic: false }],
    });
    expect(afterMedical.inspection.microsteps).toContainEqual({
      eventType: doneEventType,
      transitions: [{ source: 'awaitingWindow', targets: ['windowOpen'], automatic: true }],
    });
  });

  it('waits for the window when both pushes arrive before the 10th', () => {
    const step = pushBoth(openCase(), '2025-09-30', '2025-09-30');

    expect(step.stateAfter).toEqual(['awaitingWindow']);
  });

  it('explains a declaration sent before the pushes', () => {
    const afterHr = expectStep(send(openCase(), 'hr', '2025-09-30', { type: 'HR_MONTH_END_PUSH', data: HR_PUSH }));

    const error = expectError(declare(afterHr, '2025-10-12'));

    expect(error.code).toBe('MONTH_END_PUSH_PENDING');
    expect(error.localized).toEqual({
      zh: '尚不能申报：医保部门的月末推送尚未到达税务。推送到达且申报期于 2025-10-10 开始后方可申报。',
      en: 'The report cannot be declared yet, because the month-end push of medical has not reached tax. Declare once the pushes have arrived and the window has opened on 2025-10-10.',
    });
  });
});

describe('monthly-report declaration window', () => {
  it('rejects a declaration before the window opens, naming the opening date', () => {
    const waiting = pushBoth(openCase(), '2025-09-30', '2025-09-30');

    const error = expectError(declare(waiting, '2025-10-09'));

    expect(error.code).toBe('DECLARATION_WINDOW_NOT_OPEN');
    expect(error.localized).toEqual({
      zh: '费款所属期2025年09月的申报期自 2025-10-10 开始，业务日期 2025-10-09 早于该日，请于 2025-10-10 及以后申报。',
      en: 'The declaration window of fee period 2025-09 opens on 2025-10-10 and the business date 2025-10-09 is before it, so declare on or after 2025-10-10.',
    });
  });

  it('rejects WINDOW_OPENED before the opening date', () => {
    const waiting = pushBoth(openCase(), '2025-09-30', '2025-09-30');

    const error = expectError(send(waiting, 'system', '2025-10-09', { type: 'WINDOW_OPENED', data: {} }));

    expect(error.code).toBe('DECLARATION_WINDOW_NOT_OPEN');
  });

  it('opens the window on WINDOW_OPENED from the timer', () => {
    const waiting = pushBoth(openCase(), '2025-09-30', '2025-09-30');

    const opened = expectStep(send(waiting, 'system', '2025-10-10', { type: 'WINDOW_OPENED', data: {} }));

    expect(opened.stateAfter).toEqual(['windowOpen']);
  });

  it('accepts a declaration after the opening date before the timer has fired', () => {
    const waiting = pushBoth(openCase(), '2025-09-30', '2025-09-30');

    const declared = expectStep(declare(waiting, '2025-10-13'));

    expect(declared.stateAfter).toEqual(['declared']);
  });

  it('rejects a declaration after the deadline', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');

    const error = expectError(declare(windowOpen, '2025-10-28'));

    expect(error.code).toBe('DECLARATION_DEADLINE_PASSED');
    expect(error.localized).toEqual({
      zh: '费款所属期2025年09月的申报缴费截止日为 2025-10-27，业务日期 2025-10-28 已超过截止日，本月报不再受理申报和缴款，未缴费用转为单位欠缴社保费处理。',
      en: 'The deadline of fee period 2025-09 was 2025-10-27 and the business date 2025-10-28 is after it, so this monthly report accepts no more declarations or payments, and the unpaid fees become an arrears case.',
    });
  });

  it('requires a tax channel for the declaration', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');

    const error = expectError(send(windowOpen, 'employer', '2025-10-15', { type: 'DECLARE', data: MATCHING_HEADCOUNT, channel: 'hr-window' }));

    expect(error.code).toBe('CHANNEL_NOT_ALLOWED');
  });
});

describe('monthly-report declaration and payment', () => {
  it('declares, is assessed and pays within the window', () => {
    const assessed = openWindowAndAssess(1_234_567);

    const paid = expectStep(send(assessed, 'employer', '2025-10-20', { type: 'PAY', data: { amountFen: 1_234_567 }, channel: 'fee-client' }));

    expect(paid.stateAfter).toEqual(['paid']);
    expect(paid.status).toBe('done');
    expect(paid.context).toMatchObject({
      declaredHeadcount: MATCHING_HEADCOUNT.actualHeadcount,
      declarationBasis: 'headcount-matches-push',
      assessedFen: 1_234_567,
      paidFen: 1_234_567,
    });
  });

  it('rejects a payment that differs from the assessment', () => {
    const assessed = openWindowAndAssess(1_234_567);

    const error = expectError(send(assessed, 'employer', '2025-10-20', { type: 'PAY', data: { amountFen: 1_234_500 }, channel: 'fee-client' }));

    expect(error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
    expect(error.localized).toEqual({
      zh: '缴款金额 1234500 分与核定金额 1234567 分不一致。',
      en: 'The payment of 1234500 fen differs from the assessed 1234567 fen.',
    });
  });

  it('rejects a payment after the deadline before the timer has fired', () => {
    const assessed = openWindowAndAssess(1_234_567);

    const error = expectError(send(assessed, 'employer', '2025-10-28', { type: 'PAY', data: { amountFen: 1_234_567 }, channel: 'fee-client' }));

    expect(error.code).toBe('DECLARATION_DEADLINE_PASSED');
  });
});

describe('monthly-report headcount mismatch', () => {
  const MISMATCHED = { actualHeadcount: { pension: 11, unemployment: 10, workInjury: 11, medical: 11 } };

  it('records the differing insurances with pushed and actual numbers', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');

    const mismatch = expectStep(declare(windowOpen, '2025-10-15', MISMATCHED));

    expect(mismatch.stateAfter).toEqual(['headcountMismatch']);
    expect(mismatch.context).toMatchObject({
      headcountDifferences: [
        { insurance: 'pension', pushedBy: 'hr', pushed: 10, actual: 11 },
        { insurance: 'medical', pushedBy: 'medical', pushed: 12, actual: 11 },
      ],
      headcountDifferenceSummary: {
        zh: '养老保险：推送 10 人，实际 11 人；医疗保险(含生育)：推送 12 人，实际 11 人',
        en: 'Pension insurance: pushed 10, actual 11; Medical insurance (incl. maternity): pushed 12, actual 11',
      },
      declarationBasis: null,
    });
    expect(monthlyReport.stateTitles.headcountMismatch).toEqual({
      zh: '申报人数与推送人数不符，待按险种核对人社、医保推送',
      en: 'Declared headcount differs from the push; check the push insurance by insurance',
    });
  });

  it('returns to the window after hr corrects its push', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');
    const mismatch = expectStep(declare(windowOpen, '2025-10-15', MISMATCHED));

    const corrected = expectStep(
      send(mismatch, 'hr', '2025-10-16', { type: 'HR_PUSH_CORRECTION', data: { headcount: { pension: 11, unemployment: 10, workInjury: 11 } } }),
    );

    expect(corrected.stateAfter).toEqual(['windowOpen']);
    expect(corrected.context).toMatchObject({
      pushedHeadcount: { pension: 11, unemployment: 10, workInjury: 11, medical: 12 },
      headcountDifferences: [],
      headcountDifferenceSummary: null,
    });

    const stillMedical = expectStep(declare(corrected, '2025-10-17', MISMATCHED));
    expect(stillMedical.stateAfter).toEqual(['headcountMismatch']);
    expect(stillMedical.context).toMatchObject({
      headcountDifferences: [{ insurance: 'medical', pushedBy: 'medical', pushed: 12, actual: 11 }],
    });
  });

  it('returns to the window after medical corrects its push', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');
    const mismatch = expectStep(declare(windowOpen, '2025-10-15', MISMATCHED));

    const corrected = expectStep(send(mismatch, 'medical', '2025-10-16', { type: 'MEDICAL_PUSH_CORRECTION', data: { headcount: { medical: 11 } } }));

    expect(corrected.stateAfter).toEqual(['windowOpen']);
    expect(corrected.context).toMatchObject({ pushedHeadcount: { pension: 10, unemployment: 10, workInjury: 11, medical: 11 } });
  });

  it('goes on to assessment when the employer confirms the push', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');
    const mismatch = expectStep(declare(windowOpen, '2025-10-15', MISMATCHED));

    const confirmed = expectStep(send(mismatch, 'employer', '2025-10-16', { type: 'CONFIRM_PUSHED_HEADCOUNT', data: {}, channel: 'e-tax' }));

    expect(confirmed.stateAfter).toEqual(['declared']);
    expect(confirmed.context).toMatchObject({ declarationBasis: 'employer-confirmed-push' });
  });
});

describe('monthly-report overdue', () => {
  it('rejects DEADLINE_PASSED on the deadline day, naming the deadline', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');

    const error = expectError(send(windowOpen, 'system', '2025-10-27', { type: 'DEADLINE_PASSED', data: {} }));

    expect(error.code).toBe('DEADLINE_NOT_PASSED');
    expect(error.localized).toEqual({
      zh: '费款所属期2025年09月的申报缴费截止日为 2025-10-27，业务日期 2025-10-27 未超过截止日，月报不能转为逾期。',
      en: 'The deadline of fee period 2025-09 is 2025-10-27 and the business date 2025-10-27 is not after it, so the monthly report cannot become overdue yet.',
    });
  });

  it('opens a linked arrears case with the assessed amount', () => {
    const assessed = openWindowAndAssess(1_234_567);

    const overdue = expectStep(send(assessed, 'system', '2025-10-28', { type: 'DEADLINE_PASSED', data: {} }));

    expect(overdue.stateAfter).toEqual(['overdue']);
    expect(overdue.status).toBe('done');
    expect(overdue.context).toMatchObject({ overdueOn: '2025-10-28' });
    expect(overdue.linkedCaseRequests).toEqual([
      {
        type: 'case.openLinked',
        processId: 'arrears',
        relation: 'arrears-of',
        input: { employerCode: EMPLOYER_CODE, confirmations: [], months: [{ feePeriod: FEE_PERIOD, principalFen: 1_234_567 }] },
      },
    ]);
    const request = overdue.linkedCaseRequests[0];
    expect(arrears.inputSchema.safeParse(request?.input).success).toBe(true);
  });

  it('opens arrears with principal 0 and a note when tax has not assessed', () => {
    const windowOpen = pushBoth(openCase(), '2025-09-30', '2025-10-10');

    const overdue = expectStep(send(windowOpen, 'system', '2025-10-28', { type: 'DEADLINE_PASSED', data: {} }));

    const request = overdue.linkedCaseRequests[0];
    expect(request?.input).toEqual({
      employerCode: EMPLOYER_CODE,
      confirmations: [],
      months: [{ feePeriod: FEE_PERIOD, principalFen: 0 }],
      note:
        '费款所属期2025年09月的月报在税务核定前逾期，欠费本金未知，暂记为 0 分，以税务核定为准。 / ' +
        'The monthly report for fee period 2025-09 went overdue before tax assessed it, so the principal is unknown and recorded as 0 fen until tax assesses it.',
    });
    const opened = expectStep(startCase(arrears, request?.input, { party: 'system', channel: 'system', businessDate: date('2025-10-28') }));
    expect(opened.stateAfter).toEqual(['taxRoute.awaitingDeclaration']);
  });

  it('accepts no payment once overdue', () => {
    const assessed = openWindowAndAssess(1_234_567);
    const overdue = expectStep(send(assessed, 'system', '2025-10-28', { type: 'DEADLINE_PASSED', data: {} }));

    const error = expectError(send(overdue, 'employer', '2025-10-29', { type: 'PAY', data: { amountFen: 1_234_567 }, channel: 'fee-client' }));

    expect(error.code).toBe('CASE_FINISHED');
  });
});
