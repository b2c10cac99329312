import { describe, expect, it } from 'vitest';

import { applyEvent, startCase } from '../../machines/engine/apply-event.js';
import type { EngineResult, EngineStep, EventRequest } from '../../machines/engine/apply-event.js';
import type { CaseError } from '../../machines/engine/case-error.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { parseIsoDate } from '../../machines/policy/iso-date.js';
import type { Party } from '../../machines/policy/parties.js';
import { arrears } from '../../machines/processes/arrears.js';

const EMPLOYER_CODE = '91110000600037341L';

const date = (text: string): IsoDate => parseIsoDate(text);

function expectStep(result: EngineResult): EngineStep {
  if (!result.ok) throw new Error(`expected the step to be accepted, got ${result.error.code}: ${result.error.message}`);
  return result.step;
}

function expectError(result: EngineResult): CaseError {
  if (result.ok) throw new Error(`expected a rejection, got state ${result.step.stateAfter.join(', ')}`);
  return result.error;
}

function openCase(input: Record<string, unknown>, businessDate = '2024-08-20'): EngineResult {
  return startCase(arrears, { employerCode: EMPLOYER_CODE, ...input }, { party: 'employer', channel: 'api', businessDate: date(businessDate) });
}

function send(step: EngineStep, party: Party, businessDate: string, request: EventRequest): EngineResult {
  return applyEvent(arrears, step.persistedSnapshot, request, { party, businessDate: date(businessDate) });
}

describe('arrears input', () => {
  it('rejects months across the handover', () => {
    const error = expectError(
      openCase({
        months: [
          { feePeriod: '2023-12', principalFen: 100_000 },
          { feePeriod: '2023-11', principalFen: 100_000 },
        ],
      }),
    );

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized).toEqual({
      zh: '“单位欠缴社保费处理”的立案信息不正确：字段 months：欠费月份 2023-11 至 2023-12 跨越 2023-12 交接月：2023-12 前的月份由人社按原流程办理，之后的月份向税务申报，请拆成两个案件。',
      en: 'The input of "Employer arrears" is invalid: field months: The months 2023-11 to 2023-12 cross the 2023-12 handover. Months before it stay with hr and later months go to tax, so open two cases.',
    });
  });

  it('rejects a repeated fee period', () => {
    const error = expectError(
      openCase({
        months: [
          { feePeriod: '2024-05', principalFen: 100_000 },
          { feePeriod: '2024-05', principalFen: 200_000 },
        ],
      }),
    );

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized).toEqual({
      zh: '“单位欠缴社保费处理”的立案信息不正确：字段 months.1.feePeriod：费款所属期 2024-05 重复：每个月只能列一次。',
      en: 'The input of "Employer arrears" is invalid: field months.1.feePeriod: Fee period 2024-05 is listed more than once. List each month once.',
    });
  });

  it('rejects an empty list of months', () => {
    const error = expectError(openCase({ months: [] }));

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details).toMatchObject({ issues: [{ path: 'months', code: 'too_small' }] });
  });

  it('rejects a legacy month without a principal', () => {
    const error = expectError(openCase({ months: [{ feePeriod: '2023-08', principalFen: 0 }] }));

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized).toEqual({
      zh: '“单位欠缴社保费处理”的立案信息不正确：字段 months.0.principalFen：费款所属期 2023-08 由人社按原流程办理，不再核定本金：请填写人社核定的欠费本金（分），不能为 0。',
      en: "The input of \"Employer arrears\" is invalid: field months.0.principalFen: Fee period 2023-08 is on hr's legacy route, where the principal is not assessed again, so enter the nonzero principal hr assessed, in fen.",
    });
  });

  it('rejects a legacy month whose due date has no calendar', () => {
    // The batch debit of fee period 1990-05 was due in June 1990, and no 1990 calendar is shipped.
    const error = expectError(openCase({ months: [{ feePeriod: '1990-05', principalFen: 100_000 }] }));

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details).toMatchObject({ issues: [{ path: 'months.0.feePeriod', code: 'custom' }] });
    expect(error.localized.zh).toContain('缺少1990年的工作日日历');
    expect(error.localized.en).toContain('No working-day calendar for 1990');
  });
});

describe('arrears tax route', () => {
  // Fee period 2024-05 was due on 2024-06-25 and 2024-06 on 2024-07-25, both working days.
  const MONTHS = [
    { feePeriod: '2024-06', principalFen: 12_345 },
    { feePeriod: '2024-05', principalFen: 100_000 },
  ];

  function assessedCase(): EngineStep {
    const opened = expectStep(openCase({ months: MONTHS }));
    const declared = expectStep(send(opened, 'employer', '2024-08-21', { type: 'DECLARE', data: {}, channel: 'e-tax' }));
    return expectStep(send(declared, 'tax', '2024-08-22', { type: 'ASSESS', data: { months: MONTHS } }));
  }

  it('routes tax-era months to tax, sorted', () => {
    const opened = expectStep(openCase({ months: MONTHS }));

    expect(opened.stateAfter).toEqual(['taxRoute.awaitingDeclaration']);
    expect(opened.context).toMatchObject({
      era: 'tax',
      route: { inputs: { kind: 'arrears', feePeriod: '2024-05' }, result: { agency: 'tax', era: 'tax' } },
      months: [
        { feePeriod: '2024-05', principalFen: 100_000, deadline: { rule: 'declaration-window-deadline', date: '2024-06-25' } },
        { feePeriod: '2024-06', principalFen: 12_345, deadline: { rule: 'declaration-window-deadline', date: '2024-07-25' } },
      ],
    });
  });

  it('pays principal and late fee in one payment', () => {
    // 2024-05: 69 days from 2024-06-26 to 2024-09-02; 100000 × 5 × 69 / 10000 = 3450 fen.
    // 2024-06: 39 days from 2024-07-26 to 2024-09-02; 12345 × 5 × 39 / 10000 = 240.7275, rounded to 241 fen.
    const expectedFen = 100_000 + 3_450 + 12_345 + 241;

    const paid = expectStep(send(assessedCase(), 'employer', '2024-09-02', { type: 'PAY', data: { amountFen: expectedFen }, channel: 'e-tax' }));

    expect(paid.stateAfter).toEqual(['paid']);
    expect(paid.status).toBe('done');
    expect(paid.context).toMatchObject({
      paidFen: 116_036,
      months: [
        {
          feePeriod: '2024-05',
          payment: {
            principalFen: 100_000,
            deadline: '2024-06-25',
            paidOn: '2024-09-02',
            firstDayCounted: 'day-after-deadline',
            days: 69,
            dailyRatePerTenThousand: 5,
            capAtPrincipal: false,
            lateFeeFen: 3_450,
            amountFen: 103_450,
          },
        },
        { feePeriod: '2024-06', payment: { days: 39, lateFeeFen: 241, amountFen: 12_586 } },
      ],
    });
  });

  it('rejects a payment without the late fee, naming the amount due', () => {
    const error = expectError(send(assessedCase(), 'employer', '2024-09-02', { type: 'PAY', data: { amountFen: 112_345 }, channel: 'e-tax' }));

    expect(error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
    expect(error.localized).toEqual({
      zh: '缴款金额 112345 分与截至 2024-09-02 的应缴金额 116036 分不一致。应缴金额为：2024年05月：本金 100000 分 + 滞纳金 3450 分（截止日 2024-06-25 次日起至 2024-09-02 共 69 天，每日万分之5）；2024年06月：本金 12345 分 + 滞纳金 241 分（截止日 2024-07-25 次日起至 2024-09-02 共 39 天，每日万分之5）。',
      en: 'The payment of 112345 fen differs from the 116036 fen due on 2024-09-02, which is 2024-05: principal 100000 fen + late fee 3450 fen (69 days from the day after 2024-06-25 to 2024-09-02, at 5 per ten thousand a day); 2024-06: principal 12345 fen + late fee 241 fen (39 days from the day after 2024-07-25 to 2024-09-02, at 5 per ten thousand a day).',
    });
  });

  it('charges no late fee on the deadline day', () => {
    const opened = expectStep(openCase({ months: [{ feePeriod: '2024-05', principalFen: 100_000 }] }, '2024-06-20'));
    const declared = expectStep(send(opened, 'employer', '2024-06-21', { type: 'DECLARE', data: {}, channel: 'fee-client' }));
    const assessed = expectStep(send(declared, 'tax', '2024-06-24', { type: 'ASSESS', data: { months: [{ feePeriod: '2024-05', principalFen: 100_000 }] } }));

    const paid = expectStep(send(assessed, 'employer', '2024-06-25', { type: 'PAY', data: { amountFen: 100_000 }, channel: 'fee-client' }));

    expect(paid.context).toMatchObject({ months: [{ payment: { days: 0, lateFeeFen: 0, amountFen: 100_000 } }] });
  });

  it('uses the principal tax assessed when the case opened with 0', () => {
    // Fee period 2025-09 was due on 2025-10-27; 2 days to 2025-10-29; 500000 × 5 × 2 / 10000 = 500 fen.
    const opened = expectStep(openCase({ months: [{ feePeriod: '2025-09', principalFen: 0 }], note: 'principal unknown' }, '2025-10-28'));
    const declared = expectStep(send(opened, 'employer', '2025-10-28', { type: 'DECLARE', data: {}, channel: 'tax-window' }));
    const assessed = expectStep(send(declared, 'tax', '2025-10-28', { type: 'ASSESS', data: { months: [{ feePeriod: '2025-09', principalFen: 500_000 }] } }));

    const paid = expectStep(send(assessed, 'employer', '2025-10-29', { type: 'PAY', data: { amountFen: 500_500 }, channel: 'tax-window' }));

    expect(paid.context).toMatchObject({
      note: 'principal unknown',
      months: [{ principalFen: 0, assessedPrincipalFen: 500_000, payment: { days: 2, lateFeeFen: 500 } }],
    });
  });

  it('rejects an assessment that leaves out a month', () => {
    const opened = expectStep(openCase({ months: MONTHS }));
    const declared = expectStep(send(opened, 'employer', '2024-08-21', { type: 'DECLARE', data: {}, channel: 'e-tax' }));

    const onlyMay = { months: [{ feePeriod: '2024-05', principalFen: 100_000 }] };

    const error = expectError(send(declared, 'tax', '2024-08-22', { type: 'ASSESS', data: onlyMay }));

    expect(error.code).toBe('ASSESSED_MONTHS_MISMATCH');
    expect(error.localized).toEqual({
      zh: '核定的月份 2024-05 与本案欠费月份 2024-05、2024-06 不一致：请对本案每个月各核定一次本金。',
      en: 'The assessed months 2024-05 differ from the months of this case, 2024-05, 2024-06. Assess the principal of each month of the case once.',
    });
  });

  it('explains that months are not paid one at a time', () => {
    const opened = expectStep(openCase({ months: MONTHS }));

    const error = expectError(send(opened, 'employer', '2024-08-21', { type: 'PAY_MONTH', data: { feePeriod: '2024-05', amountFen: 1 }, channel: 'hr-online' }));

    expect(error.code).toBe('TAX_ROUTE_PAYS_ONCE');
    expect(error.localized).toEqual({
      zh: '欠费月份自 2024年05月 起，向税务申报（DECLARE），税务核定后一次缴清全部月份（PAY），不按月在人社补缴。',
      en: 'The months from 2024-05 are declared to tax (DECLARE) and, once tax has assessed them, paid together in one payment (PAY), not month by month at hr.',
    });
  });
});

describe('arrears legacy route', () => {
  // Fee period 2023-08 was debited on Monday 2023-09-11, because the 10th was a Sunday; 2023-09 on
  // Tuesday 2023-10-10.
  const MONTHS = [
    { feePeriod: '2023-09', principalFen: 80_000 },
    { feePeriod: '2023-08', principalFen: 100_000 },
  ];

  function openLegacyCase(): EngineStep {
    return expectStep(openCase({ months: MONTHS }, '2024-03-01'));
  }

  function payMonth(step: EngineStep, feePeriod: string, amountFen: number, businessDate = '2024-03-15'): EngineResult {
    return send(step, 'employer', businessDate, { type: 'PAY_MONTH', data: { feePeriod, amountFen }, channel: 'hr-window' });
  }

  it('routes legacy months to hr', () => {
    const opened = openLegacyCase();

    expect(opened.stateAfter).toEqual(['legacyRoute.payingMonths']);
    expect(opened.context).toMatchObject({
      era: 'legacy',
      route: { result: { agency: 'hr', era: 'legacy' } },
      months: [
        { feePeriod: '2023-08', deadline: { rule: 'legacy-batch-debit-date', date: '2023-09-11' } },
        { feePeriod: '2023-09', deadline: { rule: 'legacy-batch-debit-date', date: '2023-10-10' } },
      ],
    });
  });

  it('rejects a later month before the earliest unpaid one', () => {
    const error = expectError(payMonth(openLegacyCase(), '2023-09', 86_280));

    expect(error.code).toBe('EARLIEST_UNPAID_MONTH_FIRST');
    expect(error.localized).toEqual({
      zh: '2023年12月前的欠费须从最早欠缴月依次补缴：请先缴 2023年08月（2023-08），再缴 2023-09。',
      en: 'Arrears before 2023-12 are paid earliest unpaid month first, so pay 2023-08 before 2023-09.',
    });
  });

  it('pays month by month with each late fee and closes after the last', () => {
    // 2023-08: 186 days from 2023-09-12 to 2024-03-15; 100000 × 5 × 186 / 10000 = 9300 fen.
    const first = expectStep(payMonth(openLegacyCase(), '2023-08', 109_300));

    expect(first.stateAfter).toEqual(['legacyRoute.payingMonths']);
    expect(first.context).toMatchObject({
      paidFen: 109_300,
      months: [
        {
          feePeriod: '2023-08',
          payment: { principalFen: 100_000, deadline: '2023-09-11', paidOn: '2024-03-15', days: 186, lateFeeFen: 9_300, amountFen: 109_300 },
        },
        { feePeriod: '2023-09', payment: null },
      ],
    });

    // 2023-09: 157 days from 2023-10-11 to 2024-03-15; 80000 × 5 × 157 / 10000 = 6280 fen.
    const last = expectStep(payMonth(first, '2023-09', 86_280));

    expect(last.stateAfter).toEqual(['paid']);
    expect(last.status).toBe('done');
    expect(last.context).toMatchObject({
      paidFen: 195_580,
      months: [{ payment: { days: 186 } }, { payment: { days: 157, lateFeeFen: 6_280, amountFen: 86_280 } }],
    });
  });

  it('rejects a month payment without its late fee', () => {
    const error = expectError(payMonth(openLegacyCase(), '2023-08', 100_000));

    expect(error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
    expect(error.localized).toEqual({
      zh: '缴款金额 100000 分与 2023-08 截至 2024-03-15 的应缴金额 109300 分不一致。应缴金额为：2023年08月：本金 100000 分 + 滞纳金 9300 分（截止日 2023-09-11 次日起至 2024-03-15 共 186 天，每日万分之5）。',
      en: 'The payment of 100000 fen differs from the 109300 fen due for 2023-08 on 2024-03-15, which is 2023-08: principal 100000 fen + late fee 9300 fen (186 days from the day after 2023-09-11 to 2024-03-15, at 5 per ten thousand a day).',
    });
  });

  it('rejects paying a month twice, naming the earliest unpaid one', () => {
    const first = expectStep(payMonth(openLegacyCase(), '2023-08', 109_300));

    const error = expectError(payMonth(first, '2023-08', 109_300));

    expect(error.code).toBe('EARLIEST_UNPAID_MONTH_FIRST');
    expect(error.localized).toEqual({
      zh: '该月已于 2024-03-15 缴清；2023年12月前的欠费须从最早欠缴月依次补缴：请先缴 2023年09月（2023-09），再缴 2023-08。',
      en: 'Arrears before 2023-12 are paid earliest unpaid month first, so pay 2023-09 before 2023-08. That month was paid on 2024-03-15.',
    });
  });

  it('rejects a month that is not in the case', () => {
    const error = expectError(payMonth(openLegacyCase(), '2023-07', 100_000));

    expect(error.code).toBe('ARREARS_MONTH_NOT_IN_CASE');
    expect(error.localized).toEqual({
      zh: '费款所属期 2023-07 不在本案欠费月份（2023-08、2023-09）中。',
      en: 'Fee period 2023-07 is not one of the months of this case (2023-08, 2023-09).',
    });
  });

  it('rejects a tax event on the legacy route', () => {
    const error = expectError(send(openLegacyCase(), 'employer', '2024-03-15', { type: 'DECLARE', data: {}, channel: 'e-tax' }));

    expect(error.code).toBe('LEGACY_ROUTE_AT_HR');
    expect(error.kind).toBe('conflict');
    expect(error.localized).toEqual({
      zh: '欠费月份自 2023年08月 起，早于 2023年12月，仍由人社按原流程（网厅或综合窗口）逐月补缴（PAY_MONTH），税务不受理此类事件。',
      en: "The months from 2023-08 are before 2023-12, so hr handles them on its legacy route (online hall or window), month by month (PAY_MONTH), and tax takes no part.",
    });
  });
});
