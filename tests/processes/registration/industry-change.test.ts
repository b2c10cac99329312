import { describe, expect, it } from 'vitest';
import { industryChange } from '../../../machines/processes/industry-change.js';
import { EMPLOYER_A, reject, send, start } from './drive-case.js';
import type { DrivenCase } from './drive-case.js';

const INPUT = { employerCode: EMPLOYER_A, currentRiskClass: 2, appliedIn: '2024-03' } as const;

function recordedChange(): DrivenCase {
  const current = start(industryChange, INPUT, '2024-03-05');
  return send(current, 'HR_RECORD_CHANGE', 'hr', '2024-03-20', {
    data: { newRiskClass: 5, changeSucceededIn: '2024-03', newIndustryCode: 'E4710' },
  });
}

describe('industry-change', () => {
  it('records old and new base rates in ppm', () => {
    const current = recordedChange();

    expect(current.state).toEqual(['awaitingBulkPush']);
    expect(current.context.oldClass).toEqual({ riskClass: 2, baseRatePpm: 4_000 });
    expect(current.context.newClass).toEqual({ riskClass: 5, baseRatePpm: 11_000 });
    expect(current.context.newIndustryCode).toBe('E4710');
  });

  it('applies the new class from the change month', () => {
    const current = recordedChange();

    expect(current.context.effectiveFromFeePeriod).toBe('2024-03');
    expect(current.context.decisions).toContainEqual({
      rule: 'industry-change-effective-from',
      inputs: { changeSucceededIn: '2024-03' },
      result: { effectiveFromFeePeriod: '2024-03' },
      dataVersion: '2024-01',
      decidedOn: '2024-03-20',
    });
  });

  it('sets the push deadline to the next 10th', () => {
    const current = recordedChange();

    expect(current.context.pushDueBefore).toBe('2024-04-10');
    expect(current.context.decisions).toContainEqual({
      rule: 'industry-change-push-due-before',
      inputs: { changeSucceededIn: '2024-03', declarationOpensOnDay: 10 },
      result: { pushDueBefore: '2024-04-10' },
      dataVersion: '2024-01',
      decidedOn: '2024-03-20',
    });
  });

  it('runs to the new class after an on-time push', () => {
    let current = send(recordedChange(), 'HR_BULK_PUSH', 'hr', '2024-04-09');
    expect(current.state).toEqual(['awaitingTaxConfirmation']);
    expect(current.context.pushTimeliness).toBe('on-time');
    expect(current.context.warning).toBeNull();

    current = send(current, 'TAX_APPLY_NEW_CLASS', 'tax', '2024-04-10');
    expect(current.state).toEqual(['newClassApplied']);
    expect(current.status).toBe('done');
    expect(current.context.newClassAppliedOn).toBe('2024-04-10');
  });

  it('accepts a late push with a warning', () => {
    let current = send(recordedChange(), 'HR_BULK_PUSH', 'hr', '2024-04-10');

    expect(current.state).toEqual(['awaitingTaxConfirmationAfterLatePush']);
    expect(current.context.pushTimeliness).toBe('late');
    expect(current.context.warning).toEqual({
      zh: '人社于 2024-04-10 推送行业变更，未在费款所属期2024年03月的征期开始日 2024-04-10 之前推送：该期及之后在推送前申报的月份可能已按原工伤风险类别（2类，基准费率 0.4%）核定，请单位和税务核对，并按新类别（5类，基准费率 1.1%）更正。',
      en: 'hr pushed the industry change on 2024-04-10, not before 2024-04-10, the day the collection period of fee period 2024-03 opened: months from 2024-03 declared before the push may have been assessed with the old risk class 2 (base rate 0.4%), so the employer and tax should check them and correct them to class 5 (base rate 1.1%).',
    });
    expect(current.context.decisions.at(-1)).toEqual({
      rule: 'industry-change-push-timeliness',
      inputs: { pushedOn: '2024-04-10', pushDueBefore: '2024-04-10' },
      result: { timeliness: 'late' },
      dataVersion: '2024-01',
      decidedOn: '2024-04-10',
    });

    current = send(current, 'TAX_APPLY_NEW_CLASS', 'tax', '2024-04-12');
    expect(current.state).toEqual(['newClassApplied']);
  });

  it('rule RISK_CLASS_UNCHANGED rejects the same class', () => {
    const current = start(industryChange, INPUT, '2024-03-05');
    const error = reject(current, 'HR_RECORD_CHANGE', 'hr', '2024-03-20', { data: { newRiskClass: 2, changeSucceededIn: '2024-03' } });

    expect(error.code).toBe('RISK_CLASS_UNCHANGED');
    expect(error.localized).toEqual({
      zh: '新的工伤风险类别与原类别相同（2类），工伤保险基准费率不变，无须推送税务。',
      en: 'The new work-injury risk class equals the current one (2), so the base rate does not change and nothing needs pushing to tax.',
    });
  });

  it('rule CHANGE_MONTH_IN_FUTURE rejects a change not yet made', () => {
    const current = start(industryChange, INPUT, '2024-03-05');
    const error = reject(current, 'HR_RECORD_CHANGE', 'hr', '2024-03-20', { data: { newRiskClass: 3, changeSucceededIn: '2024-04' } });

    expect(error.code).toBe('CHANGE_MONTH_IN_FUTURE');
    expect(error.localized).toEqual({
      zh: '变更成功月份 2024年04月 晚于业务日期 2024-03-20 所在月份，变更须在成功后录入。',
      en: 'The change month 2024-04 is after the month of the business date 2024-03-20; record a change once it has succeeded.',
    });
  });

  it('rule CHANGE_MONTH_BEFORE_APPLICATION rejects an earlier month', () => {
    const current = start(industryChange, INPUT, '2024-03-05');
    const error = reject(current, 'HR_RECORD_CHANGE', 'hr', '2024-03-20', { data: { newRiskClass: 3, changeSucceededIn: '2024-02' } });

    expect(error.code).toBe('CHANGE_MONTH_BEFORE_APPLICATION');
    expect(error.localized).toEqual({
      zh: '变更成功月份 2024年02月 早于申请月份 2024年03月。',
      en: 'The change month 2024-02 is before the month of application, 2024-03.',
    });
  });

  it('rule BULK_PUSH_BEFORE_CHANGE_MONTH rejects a push dated earlier', () => {
    const error = reject(recordedChange(), 'HR_BULK_PUSH', 'hr', '2024-02-28');

    expect(error.code).toBe('BULK_PUSH_BEFORE_CHANGE_MONTH');
    expect(error.localized).toEqual({
      zh: '行业变更于 2024年03月 成功，业务日期 2024-02-28 早于该月，不能推送。',
      en: 'The industry change succeeded in 2024-03 and the business date 2024-02-28 is before that month, so it cannot be pushed yet.',
    });
  });

  it('rejects a malformed industry code', () => {
    const current = start(industryChange, INPUT, '2024-03-05');
    const error = reject(current, 'HR_RECORD_CHANGE', 'hr', '2024-03-20', {
      data: { newRiskClass: 3, changeSucceededIn: '2024-03', newIndustryCode: '4710' },
    });

    expect(error.code).toBe('EVENT_DATA_INVALID');
    expect(error.localized.zh).toContain('行业代码应为《国民经济行业分类》（GB/T 4754-2011）门类字母 A–T 加 2 至 4 位数字');
  });

  it('lets only tax apply the new class', () => {
    const pushed = send(recordedChange(), 'HR_BULK_PUSH', 'hr', '2024-04-01');

    expect(reject(pushed, 'TAX_APPLY_NEW_CLASS', 'hr', '2024-04-02').code).toBe('PARTY_NOT_ALLOWED');
  });
});
