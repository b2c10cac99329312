import { describe, expect, it } from 'vitest';
import { getLatestProcess } from '../../../machines/catalogue.js';
import { startCase } from '../../../machines/engine/apply-event.js';
import { contributionBaseDeclaration } from '../../../machines/processes/contribution-base-declaration.js';
import { EMPLOYER_A, PERSON, date, reject, rejectStart, send, start } from './drive-case.js';
import type { DrivenCase } from './drive-case.js';

const BASE_INPUT = {
  employerCode: EMPLOYER_A,
  person: PERSON,
  insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  workInjuryRatePpm: 4_000,
} as const;

function declaredAndRecorded(input: unknown, declaredOn: string): DrivenCase {
  let current = start(contributionBaseDeclaration, input, declaredOn);
  current = send(current, 'DECLARE', 'employer', declaredOn, { channel: 'e-tax' });
  return send(current, 'TAX_RECORD_BASE', 'tax', declaredOn);
}

describe('contribution-base-declaration clamping', () => {
  const input = {
    ...BASE_INPUT,
    kind: 'after-addition',
    months: [
      { feePeriod: '2024-04', wageFen: 3_600_000 },
      { feePeriod: '2024-03', wageFen: 500_000 },
      { feePeriod: '2024-05', wageFen: 1_200_000 },
    ],
  } as const;

  it('clamps each month to its limits, in fee-period order', () => {
    const months = start(contributionBaseDeclaration, input, '2024-04-10').context.months;

    expect(months.map((month: { feePeriod: string; baseFen: number; applied: string }) => [month.feePeriod, month.baseFen, month.applied])).toEqual([
      ['2024-03', 682_100, 'lower-limit'],
      ['2024-04', 3_528_300, 'upper-limit'],
      ['2024-05', 1_200_000, 'within-limits'],
    ]);
  });

  it('shows why in both languages', () => {
    const [march] = start(contributionBaseDeclaration, input, '2024-04-10').context.months;

    expect(march.explanation).toEqual({
      zh: '费款所属期2024年03月申报工资 5000.00 元低于2024年01月至2024年12月的缴费基数下限 6821.00 元，缴费基数按下限 6821.00 元计。',
      en: 'The declared wage of 5000.00 yuan for fee period 2024-03 is below the lower limit of 6821.00 yuan for 2024-01 to 2024-12, so the base is the lower limit, 6821.00 yuan.',
    });
  });

  it('records each clamp as a decision with the data version', () => {
    const current = start(contributionBaseDeclaration, input, '2024-04-10');

    expect(current.context.decisions[0]).toEqual({
      rule: 'clamp-contribution-base',
      inputs: { feePeriod: '2024-03', wageFen: 500_000 },
      result: {
        baseFen: 682_100,
        applied: 'lower-limit',
        limitSetId: 'beijing-2024',
        lowerFen: 682_100,
        upperFen: 3_528_300,
        explanation: current.context.months[0].explanation,
      },
      dataVersion: '2026.1',
      decidedOn: '2024-04-10',
    });
  });

  it('opens no linked case for first declarations', () => {
    const current = declaredAndRecorded(input, '2024-04-10');

    expect(current.state).toEqual(['baseRecorded']);
    expect(current.status).toBe('done');
    expect(current.linkedCaseRequests).toEqual([]);
  });
});

describe('contribution-base-declaration input', () => {
  it('rule CONTRIBUTION_LIMITS_MISSING names the period and year', () => {
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2022-06', wageFen: 800_000 }] };
    const error = rejectStart(contributionBaseDeclaration, input, '2024-04-10');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details.issues).toEqual([
      {
        path: 'months.0.feePeriod',
        code: 'custom',
        message: {
          zh: '缺少费款所属期2022年06月（2022年度）的缴费基数上下限（数据版本 2026.1），无法确定该月的缴费基数：请在 contribution-limits-beijing.json 中添加覆盖该月的上下限后再申报。',
          en: 'No contribution base limits cover fee period 2022-06 (year 2022) in data version 2026.1, so the base for that month cannot be set: add a limit set covering it to contribution-limits-beijing.json, then declare again.',
        },
      },
    ]);
  });

  it('rule ANNUAL_DECLARATION_SPANS_LIMIT_SETS rejects a two-year annual declaration', () => {
    const input = {
      ...BASE_INPUT,
      kind: 'annual',
      months: [
        { feePeriod: '2024-12', wageFen: 800_000 },
        { feePeriod: '2025-01', wageFen: 800_000 },
      ],
    };
    const error = rejectStart(contributionBaseDeclaration, input, '2025-01-10');

    expect(error.localized).toEqual({
      zh: '“缴费基数申报”的立案信息不正确：字段 months：年度缴费基数核定的月份跨越了多个缴费基数年度（beijing-2024, beijing-2025），请按年度分别申报',
      en: 'The input of "Contribution base declaration" is invalid: field months: the months of an annual base assessment span more than one limit year (beijing-2024, beijing-2025); declare each year separately',
    });
  });

  it('rule PREVIOUS_BASE_AFTER_ADDITION rejects a previous base on a first declaration', () => {
    const input = { ...BASE_INPUT, kind: 'after-addition', months: [{ feePeriod: '2024-03', wageFen: 800_000, previousBaseFen: 700_000 }] };
    const error = rejectStart(contributionBaseDeclaration, input, '2024-04-10');

    expect(error.localized.en).toContain(
      'field months.0.previousBaseFen: a first declaration after an addition has no previous base; to change the base of a declared month use kind adjustment',
    );
  });

  it('rule WORK_INJURY_RATE_REQUIRED asks for the rate with a previous base', () => {
    const { workInjuryRatePpm: _omitted, ...withoutRate } = BASE_INPUT;
    const input = { ...withoutRate, kind: 'adjustment', months: [{ feePeriod: '2024-02', wageFen: 900_000, previousBaseFen: 800_000 }] };
    const error = rejectStart(contributionBaseDeclaration, input, '2024-04-10');

    expect(error.details.issues).toEqual([
      {
        path: 'workInjuryRatePpm',
        code: 'custom',
        message: {
          zh: '申报险种含工伤保险且有原缴费基数的月份：请填写单位适用的工伤保险费率 workInjuryRatePpm（百万分率，按行业类别和浮动档次），基数差额案件据此计算工伤保险差额',
          en: 'the insurances include work injury and some months have a previous base, so give the employer applied work-injury rate in workInjuryRatePpm (parts per million, from its risk class and float); the base-difference cases compute the work-injury difference with it',
        },
      },
    ]);
  });

  it('rule WORK_INJURY_RATE_REQUIRED needs no rate for first declarations', () => {
    const { workInjuryRatePpm: _omitted, ...withoutRate } = BASE_INPUT;
    const input = { ...withoutRate, kind: 'after-addition', months: [{ feePeriod: '2024-03', wageFen: 900_000 }] };

    expect(start(contributionBaseDeclaration, input, '2024-04-10').context.workInjuryRatePpm).toBeNull();
  });

  it('rule WORK_INJURY_RATE_NOT_NEEDED rejects a rate without work injury', () => {
    const input = { ...BASE_INPUT, insurances: ['pension'], kind: 'adjustment', months: [{ feePeriod: '2024-03', wageFen: 900_000 }] };
    const error = rejectStart(contributionBaseDeclaration, input, '2024-04-10');

    expect(error.localized.en).toContain('field workInjuryRatePpm: the insurances do not include work injury, so remove workInjuryRatePpm');
  });

  it('rejects a work-injury rate above class 8 at 150%', () => {
    const input = { ...BASE_INPUT, workInjuryRatePpm: 28_501, kind: 'adjustment', months: [{ feePeriod: '2024-03', wageFen: 900_000 }] };

    expect(rejectStart(contributionBaseDeclaration, input, '2024-04-10').localized.en).toContain('field workInjuryRatePpm');
  });

  it('rule FEE_PERIOD_REPEATED rejects a month declared twice', () => {
    const input = {
      ...BASE_INPUT,
      kind: 'adjustment',
      months: [
        { feePeriod: '2024-03', wageFen: 800_000 },
        { feePeriod: '2024-03', wageFen: 900_000 },
      ],
    };
    const error = rejectStart(contributionBaseDeclaration, input, '2024-04-10');

    expect(error.localized.zh).toContain('字段 months.1.feePeriod：费款所属期 2024年03月 重复申报');
  });
});

describe('contribution-base-declaration declaration', () => {
  it('takes the declaration only through a tax channel', () => {
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2024-05', wageFen: 900_000 }] };
    const current = start(contributionBaseDeclaration, input, '2024-05-06');

    expect(reject(current, 'DECLARE', 'employer', '2024-05-06', { channel: 'hr-online' }).code).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('rule PREVIOUS_BASE_FOR_CURRENT_PERIOD rejects a previous base of this month', () => {
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2024-05', wageFen: 900_000, previousBaseFen: 800_000 }] };
    const current = start(contributionBaseDeclaration, input, '2024-05-06');
    const error = reject(current, 'DECLARE', 'employer', '2024-05-06', { channel: 'fee-client' });

    expect(error.code).toBe('PREVIOUS_BASE_FOR_CURRENT_PERIOD');
    expect(error.localized).toEqual({
      zh: '费款所属期 2024年05月 不早于申报当月 2024年05月，尚未申报过，不应填写原缴费基数（previousBaseFen）。',
      en: 'Fee periods 2024-05 are not before the month of the declaration, 2024-05, so they have not been declared yet and take no previous base (previousBaseFen).',
    });
  });
});

describe('contribution-base-declaration linked difference cases', () => {
  it('opens a top-up for raised past bases', () => {
    const input = {
      ...BASE_INPUT,
      kind: 'adjustment',
      months: [
        { feePeriod: '2024-02', wageFen: 1_000_000, previousBaseFen: 800_000 },
        { feePeriod: '2024-03', wageFen: 1_000_000, previousBaseFen: 800_000 },
      ],
    };
    const current = declaredAndRecorded(input, '2024-04-15');

    expect(current.linkedCaseRequests).toEqual([
      {
        type: 'case.openLinked',
        processId: 'base-difference-top-up',
        relation: 'top-up-of',
        input: {
          employerCode: EMPLOYER_A,
          person: PERSON,
          months: [
            { feePeriod: '2024-02', oldBaseFen: 800_000, newBaseFen: 1_000_000 },
            { feePeriod: '2024-03', oldBaseFen: 800_000, newBaseFen: 1_000_000 },
          ],
          insurances: BASE_INPUT.insurances,
          workInjuryRatePpm: 4_000,
          confirmations: [],
        },
      },
    ]);
  });

  it('opens a refund for lowered past bases', () => {
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2024-02', wageFen: 700_000, previousBaseFen: 800_000 }] };
    const current = declaredAndRecorded(input, '2024-04-15');

    expect(current.linkedCaseRequests).toHaveLength(1);
    expect(current.linkedCaseRequests[0]).toMatchObject({
      processId: 'base-difference-refund',
      relation: 'refund-of',
      input: { months: [{ feePeriod: '2024-02', oldBaseFen: 800_000, newBaseFen: 700_000 }] },
    });
  });

  it('splits months across the 2023-12 handover into two cases', () => {
    const input = {
      ...BASE_INPUT,
      kind: 'adjustment',
      months: [
        { feePeriod: '2023-11', wageFen: 1_000_000, previousBaseFen: 800_000 },
        { feePeriod: '2023-12', wageFen: 1_000_000, previousBaseFen: 800_000 },
        { feePeriod: '2024-01', wageFen: 700_000, previousBaseFen: 800_000 },
      ],
    };
    const current = declaredAndRecorded(input, '2024-04-15');
    const summary = current.linkedCaseRequests.map((request) => ({
      processId: request.processId,
      periods: (request.input as { months: { feePeriod: string }[] }).months.map((month) => month.feePeriod),
    }));

    expect(summary).toEqual([
      { processId: 'base-difference-top-up', periods: ['2023-11'] },
      { processId: 'base-difference-top-up', periods: ['2023-12'] },
      { processId: 'base-difference-refund', periods: ['2024-01'] },
    ]);
  });

  it('opens nothing when the clamped base stays the same', () => {
    // Both wages are above the 2024 upper limit, so the base stays at the limit.
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2024-02', wageFen: 4_000_000, previousBaseFen: 3_528_300 }] };
    const current = declaredAndRecorded(input, '2024-04-15');

    expect(current.context.months[0].change).toBe('unchanged');
    expect(current.linkedCaseRequests).toEqual([]);
  });

  it('compares the clamped base, not the wage, with the previous base', () => {
    // Limits published in July reach back to January: the 2023 lower limit used so far is below the 2024 one.
    const months = ['2024-01', '2024-02', '2024-03'].map((feePeriod) => ({ feePeriod, wageFen: 500_000, previousBaseFen: 632_600 }));
    const current = declaredAndRecorded({ ...BASE_INPUT, kind: 'annual', months }, '2024-07-20');

    expect(current.linkedCaseRequests).toHaveLength(1);
    expect((current.linkedCaseRequests[0]?.input as { months: unknown[] }).months).toEqual([
      { feePeriod: '2024-01', oldBaseFen: 632_600, newBaseFen: 682_100 },
      { feePeriod: '2024-02', oldBaseFen: 632_600, newBaseFen: 682_100 },
      { feePeriod: '2024-03', oldBaseFen: 632_600, newBaseFen: 682_100 },
    ]);
  });

  it('opens linked cases only once tax has recorded the base', () => {
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2024-02', wageFen: 1_000_000, previousBaseFen: 800_000 }] };
    const declared = send(start(contributionBaseDeclaration, input, '2024-04-15'), 'DECLARE', 'employer', '2024-04-15', { channel: 'e-tax' });

    expect(declared.state).toEqual(['awaitingTaxRecord']);
    expect(declared.linkedCaseRequests).toEqual([]);
  });

  it('records the linked cases as a decision', () => {
    const input = { ...BASE_INPUT, kind: 'adjustment', months: [{ feePeriod: '2024-02', wageFen: 1_000_000, previousBaseFen: 800_000 }] };
    const current = declaredAndRecorded(input, '2024-04-15');

    expect(current.context.decisions.at(-1)).toMatchObject({
      rule: 'base-difference-cases',
      inputs: { months: [{ feePeriod: '2024-02', baseFen: 1_000_000, previousBaseFen: 800_000 }] },
      result: [{ processId: 'base-difference-top-up', relation: 'top-up-of' }],
      dataVersion: '2026.1',
      decidedOn: '2024-04-15',
    });
  });

  it('opens linked cases that the difference processes accept', () => {
    const input = {
      ...BASE_INPUT,
      kind: 'adjustment',
      months: [
        { feePeriod: '2023-11', wageFen: 1_000_000, previousBaseFen: 800_000 },
        { feePeriod: '2023-12', wageFen: 1_000_000, previousBaseFen: 800_000 },
        { feePeriod: '2024-01', wageFen: 700_000, previousBaseFen: 800_000 },
      ],
    };
    const current = declaredAndRecorded(input, '2024-04-15');

    expect(current.linkedCaseRequests).toHaveLength(3);
    for (const request of current.linkedCaseRequests) {
      const definition = getLatestProcess(request.processId);
      expect(definition, `${request.processId} is registered`).toBeDefined();
      if (!definition) continue;
      const opened = startCase(definition, request.input, { party: 'system', channel: 'system', businessDate: date('2024-04-15') });
      expect(opened.ok ? null : opened.error.localized.en, `${request.processId} accepts its input`).toBeNull();
    }
  });
});
