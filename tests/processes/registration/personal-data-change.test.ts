import { describe, expect, it } from 'vitest';
import { personalDataChange } from '../../../machines/processes/personal-data-change.js';
import { EMPLOYER_A, OTHER_RESIDENT_ID, reject, rejectStart, send, start } from './drive-case.js';
import type { DrivenCase } from './drive-case.js';

const ID_NUMBER = '11010519491231002X';
const ZHANG_YI = { name: '张一', idType: 'resident-id', idNumber: ID_NUMBER } as const;
const ZHANG_ER = { name: '张二', idType: 'resident-id', idNumber: ID_NUMBER } as const;
const INPUT = { employerCode: EMPLOYER_A, before: ZHANG_YI, requestedIn: '2024-01' } as const;

const THREE = ['pension', 'unemployment', 'workInjury'];

function hrChangedInJanuary(): DrivenCase {
  const current = start(personalDataChange, INPUT, '2024-01-10');
  return send(current, 'HR_CHANGE_RECORDED', 'hr', '2024-01-15', { data: { after: ZHANG_ER, month: '2024-01' } });
}

describe('personal-data-change 张一 to 张二 worked example', () => {
  // January 2024: the name is changed from 张一 to 张二 at hr only. In February tax shows 张二 with the
  // three insurances and 张一 with medical insurance. Medical changes in February; the next check closes.
  it('tracks hr as changed and medical as pending', () => {
    expect(hrChangedInJanuary().state).toEqual(['tracking.hr.changed', 'tracking.medical.pending', 'tracking.taxView.oneRecord']);
  });

  it('shows two records at tax after the January push', () => {
    const split = send(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });

    expect(split.state).toContain('tracking.taxView.splitRecord');
    expect(split.context.taxRecords).toEqual([
      { ...ZHANG_ER, insurances: THREE, pushedBy: ['hr'] },
      { ...ZHANG_YI, insurances: ['medical'], pushedBy: ['medical'] },
    ]);
  });

  it('names both records in the split-record summary', () => {
    const split = send(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });

    expect(split.context.splitRecordSummary).toEqual({
      zh: `2024年01月月末推送后，税务端同一人存在 2 条记录：张二（居民身份证 ${ID_NUMBER}）：养老保险、失业保险、工伤保险；张一（居民身份证 ${ID_NUMBER}）：医疗保险(含生育)。`,
      en: `After the month-end push of 2024-01, tax holds 2 records for one person: 张二 (Resident ID card ${ID_NUMBER}): Pension insurance, Unemployment insurance, Work-injury insurance; 张一 (Resident ID card ${ID_NUMBER}): Medical insurance (incl. maternity).`,
    });
  });

  it('closes once medical has changed and the next push agrees', () => {
    let current = send(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });
    current = send(current, 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-02-10', { data: { after: ZHANG_ER, month: '2024-02' } });
    expect(current.state).toContain('tracking.taxView.splitRecord');
    expect(current.context.changedInSameMonth, 'the two sides changed in different months').toBe(false);

    current = send(current, 'MONTH_END_CHECK', 'system', '2024-02-29', { data: { feePeriod: '2024-02' } });
    expect(current.state).toEqual(['consistent']);
    expect(current.status).toBe('done');
    expect(current.context.taxRecords).toEqual([{ ...ZHANG_ER, insurances: [...THREE, 'medical'], pushedBy: ['hr', 'medical'] }]);
    expect(current.context.splitRecordSummary).toBeNull();
  });

  it('records every check as a decision', () => {
    let current = send(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });
    current = send(current, 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-02-10', { data: { after: ZHANG_ER, month: '2024-02' } });
    current = send(current, 'MONTH_END_CHECK', 'system', '2024-02-29', { data: { feePeriod: '2024-02' } });

    const checks = current.context.decisions.map((decision: { rule: string; result: { outcome: string }; decidedOn: string }) => ({
      rule: decision.rule,
      outcome: decision.result.outcome,
      decidedOn: decision.decidedOn,
    }));
    expect(checks).toEqual([
      { rule: 'personal-data-month-end-check', outcome: 'split-record', decidedOn: '2024-02-01' },
      { rule: 'personal-data-month-end-check', outcome: 'consistent', decidedOn: '2024-02-29' },
    ]);
  });
});

describe('personal-data-change month-end check', () => {
  it('closes at once when both sides change in the same month', () => {
    let current = hrChangedInJanuary();
    current = send(current, 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-01-20', { data: { after: ZHANG_ER, month: '2024-01' } });
    expect(current.context.changedInSameMonth).toBe(true);

    current = send(current, 'MONTH_END_CHECK', 'system', '2024-01-31', { data: { feePeriod: '2024-01' } });
    expect(current.state).toEqual(['consistent']);
  });

  it('keeps one record while neither side has pushed', () => {
    const current = send(start(personalDataChange, INPUT, '2024-01-10'), 'MONTH_END_CHECK', 'system', '2024-01-31', {
      data: { feePeriod: '2024-01' },
    });

    expect(current.state).toContain('tracking.taxView.oneRecord');
    expect(current.context.lastCheck.outcome).toBe('unchanged');
  });

  it('shows a split record when the pushes reach tax in different months', () => {
    // Both sides have changed by the January check, but medical made its change in February, so only
    // hr's January push carried the new name.
    let current = send(hrChangedInJanuary(), 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-02-01', {
      data: { after: ZHANG_ER, month: '2024-02' },
    });
    current = send(current, 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });
    expect(current.state).toContain('tracking.taxView.splitRecord');
    expect(current.context.taxRecords.map((record: { name: string }) => record.name)).toEqual(['张二', '张一']);

    current = send(current, 'MONTH_END_CHECK', 'system', '2024-02-29', { data: { feePeriod: '2024-02' } });
    expect(current.state).toEqual(['consistent']);
  });

  it('rule MONTH_END_CHECK_BEFORE_MONTH_END rejects an early check', () => {
    const error = reject(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-01-30', { data: { feePeriod: '2024-01' } });

    expect(error.code).toBe('MONTH_END_CHECK_BEFORE_MONTH_END');
    expect(error.localized).toEqual({
      zh: '2024年01月的月末推送于 2024-01-31 进行，业务日期 2024-01-30 早于该日，尚不能核对。',
      en: 'The month-end push of 2024-01 happens on 2024-01-31 and the business date 2024-01-30 is before it, so it cannot be checked yet.',
    });
  });

  it('rule MONTH_END_CHECK_REPEATED rejects a check of a checked month', () => {
    const checked = send(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });
    const error = reject(checked, 'MONTH_END_CHECK', 'system', '2024-02-02', { data: { feePeriod: '2024-01' } });

    expect(error.code).toBe('MONTH_END_CHECK_REPEATED');
    expect(error.localized).toEqual({
      zh: '2024年01月的月末推送已核对，不能再核对 2024年01月。',
      en: 'The month-end push of 2024-01 has already been checked, so 2024-01 cannot be checked again.',
    });
  });

  it('accepts the check only from the system', () => {
    expect(reject(hrChangedInJanuary(), 'MONTH_END_CHECK', 'tax', '2024-02-01', { data: { feePeriod: '2024-01' } }).code).toBe(
      'PARTY_NOT_ALLOWED',
    );
  });
});

describe('personal-data-change conflict', () => {
  const ZHANG_SAN = { name: '张三', idType: 'resident-id', idNumber: ID_NUMBER } as const;

  function conflicting(): DrivenCase {
    let current = hrChangedInJanuary();
    current = send(current, 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-01-20', { data: { after: ZHANG_SAN, month: '2024-01' } });
    return send(current, 'MONTH_END_CHECK', 'system', '2024-01-31', { data: { feePeriod: '2024-01' } });
  }

  it('flags different new data at the two sides', () => {
    const current = conflicting();

    expect(current.state).toContain('tracking.taxView.conflict');
    expect(current.context.conflict).toEqual({ hr: ZHANG_ER, medical: ZHANG_SAN });
    expect(current.context.taxRecords.map((record: { name: string }) => record.name)).toEqual(['张二', '张三']);
  });

  it('closes after a correction and the next push', () => {
    let current = send(conflicting(), 'MEDICAL_CHANGE_CORRECTED', 'medical', '2024-02-05', { data: { after: ZHANG_ER, month: '2024-02' } });
    expect(current.state).toContain('tracking.taxView.conflict');

    current = send(current, 'MONTH_END_CHECK', 'system', '2024-02-29', { data: { feePeriod: '2024-02' } });
    expect(current.state).toEqual(['consistent']);
    expect(current.context.medicalChanges.map((change: { kind: string }) => change.kind)).toEqual(['change', 'correction']);
  });

  it('rule NO_CONFLICT_TO_CORRECT rejects a correction without a conflict', () => {
    const error = reject(hrChangedInJanuary(), 'HR_CHANGE_CORRECTED', 'hr', '2024-01-20', { data: { after: ZHANG_SAN, month: '2024-01' } });

    expect(error.code).toBe('NO_CONFLICT_TO_CORRECT');
    expect(error.localized).toEqual({
      zh: '月末核对未发现人社与医保变更不一致，无须更正。',
      en: 'No month-end check has found hr and medical changed to different data, so there is nothing to correct.',
    });
  });

  it('rule CHANGE_ALREADY_RECORDED explains a second change', () => {
    const error = reject(hrChangedInJanuary(), 'HR_CHANGE_RECORDED', 'hr', '2024-01-20', { data: { after: ZHANG_SAN, month: '2024-01' } });

    expect(error.code).toBe('CHANGE_ALREADY_RECORDED');
    expect(error.localized.en).toBe(
      'This side has already recorded its change; a correction (HR_CHANGE_CORRECTED or MEDICAL_CHANGE_CORRECTED) is accepted only after a month-end check found the two sides changed to different data.',
    );
  });
});

describe('personal-data-change change rules', () => {
  it('rule IDENTITY_UNCHANGED rejects the old data', () => {
    const error = reject(start(personalDataChange, INPUT, '2024-01-10'), 'HR_CHANGE_RECORDED', 'hr', '2024-01-15', {
      data: { after: ZHANG_YI, month: '2024-01' },
    });

    expect(error.code).toBe('IDENTITY_UNCHANGED');
    expect(error.localized).toEqual({
      zh: `变更后的信息与变更前相同（张一（居民身份证 ${ID_NUMBER}）），姓名、证件类型或证件号码至少须有一项变更。`,
      en: `The new data equals the data before the change (张一 (Resident ID card ${ID_NUMBER})); change at least the name, the ID type or the ID number.`,
    });
  });

  it('rule CHANGE_MONTH_IN_FUTURE rejects a later month', () => {
    const error = reject(start(personalDataChange, INPUT, '2024-01-10'), 'HR_CHANGE_RECORDED', 'hr', '2024-01-15', {
      data: { after: ZHANG_ER, month: '2024-02' },
    });

    expect(error.code).toBe('CHANGE_MONTH_IN_FUTURE');
    expect(error.localized).toEqual({
      zh: '变更月份 2024年02月 晚于业务日期 2024-01-15 所在月份，变更须在办理后录入。',
      en: 'The change month 2024-02 is after the month of the business date 2024-01-15; record a change once it is made.',
    });
  });

  it('rule CHANGE_MONTH_BEFORE_REQUEST rejects an earlier month', () => {
    const error = reject(start(personalDataChange, INPUT, '2024-01-10'), 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-01-15', {
      data: { after: ZHANG_ER, month: '2023-12' },
    });

    expect(error.code).toBe('CHANGE_MONTH_BEFORE_REQUEST');
    expect(error.localized).toEqual({
      zh: '变更月份 2023年12月 早于申请变更月份 2024年01月。',
      en: 'The change month 2023-12 is before the month the change was requested, 2024-01.',
    });
  });

  it('rule CHANGE_MONTH_ALREADY_CHECKED rejects a change dated in a checked month', () => {
    const checked = send(hrChangedInJanuary(), 'MONTH_END_CHECK', 'system', '2024-02-01', { data: { feePeriod: '2024-01' } });
    const error = reject(checked, 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-02-03', { data: { after: ZHANG_ER, month: '2024-01' } });

    expect(error.code).toBe('CHANGE_MONTH_ALREADY_CHECKED');
    expect(error.localized).toEqual({
      zh: '2024年01月的月末推送已核对，变更月份 2024年01月 不能早于或等于该月，请填写实际办理变更的月份。',
      en: 'The month-end push of 2024-01 has been checked, so the change month 2024-01 must be later; give the month the change is actually made.',
    });
  });

  it('accepts an ID number change and normalises it', () => {
    const newId = { ...ZHANG_YI, idNumber: OTHER_RESIDENT_ID };
    const current = send(start(personalDataChange, INPUT, '2024-01-10'), 'HR_CHANGE_RECORDED', 'hr', '2024-01-15', {
      data: { after: newId, month: '2024-01' },
    });

    expect(current.context.hrChanges[0].after).toEqual(newId);
  });

  it('accepts an ID type change to a passport', () => {
    const passport = { name: '张一', idType: 'passport', idNumber: 'e12345678' };
    const current = send(start(personalDataChange, INPUT, '2024-01-10'), 'MEDICAL_CHANGE_RECORDED', 'medical', '2024-01-15', {
      data: { after: passport, month: '2024-01' },
    });

    expect(current.context.medicalChanges[0].after.idNumber).toBe('E12345678');
  });

  it('rejects an invalid resident ID', () => {
    const error = rejectStart(personalDataChange, { ...INPUT, before: { ...ZHANG_YI, idNumber: '110105194912310021' } }, '2024-01-10');

    expect(error.code).toBe('INPUT_INVALID');
    expect(error.localized.en).toContain('field before.idNumber');
  });

  it('lets only hr record the hr change', () => {
    const error = reject(start(personalDataChange, INPUT, '2024-01-10'), 'HR_CHANGE_RECORDED', 'medical', '2024-01-15', {
      data: { after: ZHANG_ER, month: '2024-01' },
    });

    expect(error.code).toBe('PARTY_NOT_ALLOWED');
  });
});
