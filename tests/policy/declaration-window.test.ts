import { describe, expect, it } from 'vitest';

import { CalendarYearMissingError } from '../../machines/policy/calendar.js';
import {
  declarationWindow,
  isWithinDeclarationWindow,
  legacyBatchDebitDate,
} from '../../machines/policy/declaration-window.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { parseFeePeriod } from '../../machines/policy/fee-period.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { parseIsoDate } from '../../machines/policy/iso-date.js';

const period = (text: string): FeePeriod => parseFeePeriod(text);
const date = (text: string): IsoDate => parseIsoDate(text);

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('declarationWindow', () => {
  it('keeps the nominal 10th when it is a holiday', () => {
    // 2024-02-10 is the first day of the Spring Festival holiday.
    const window = declarationWindow(period('2024-01'));

    expect(window.opensOn).toBe('2024-02-10');
  });

  it('moves a Sunday 25th to the next working day', () => {
    const window = declarationWindow(period('2024-01'));

    expect(window).toEqual({
      feePeriod: '2024-01',
      opensOn: '2024-02-10',
      closesOn: '2024-02-25',
      deadline: '2024-02-26',
      deadlineMoved: true,
      rule: {
        zh: '费款所属期2024年01月的申报期为2024-02-10至2024-02-25；2024-02-25不是工作日，截止日顺延至2024-02-26（顺延规则未见公开依据，为默认开启的设置）。',
        en: 'Fee period 2024-01 is declared from 2024-02-10 to 2024-02-25; 2024-02-25 is not a working day, so the deadline moves to 2024-02-26 (the moving rule has no published source and is a setting, on by default).',
      },
    });
  });

  it('moves a Saturday 25th to Monday', () => {
    const window = declarationWindow(period('2024-04'));

    expect(window.closesOn).toBe('2024-05-25');
    expect(window.deadline).toBe('2024-05-27');
    expect(window.deadlineMoved).toBe(true);
  });

  it('moves a Saturday 25th to an adjusted working Sunday', () => {
    const window = declarationWindow(period('2024-12'));

    expect(window.closesOn).toBe('2025-01-25');
    expect(window.deadline).toBe('2025-01-26');
  });

  it('moves a holiday 25th past the holiday', () => {
    // 2026-09-25 is a Friday in the Mid-Autumn Festival holiday.
    const window = declarationWindow(period('2026-08'));

    expect(window.closesOn).toBe('2026-09-25');
    expect(window.deadline).toBe('2026-09-28');
  });

  it('keeps a working 25th', () => {
    const window = declarationWindow(period('2024-02'));

    expect(window.closesOn).toBe('2024-03-25');
    expect(window.deadline).toBe('2024-03-25');
    expect(window.deadlineMoved).toBe(false);
    expect(window.rule).toEqual({
      zh: '费款所属期2024年02月的申报期为2024-03-10至2024-03-25；2024-03-25是工作日，截止日不变。',
      en: 'Fee period 2024-02 is declared from 2024-03-10 to 2024-03-25; 2024-03-25 is a working day, so the deadline stays.',
    });
  });

  it('keeps the 25th when the switch is off', () => {
    const window = declarationWindow(period('2024-01'), { moveDeadlineToNextWorkingDay: false });

    expect(window.deadline).toBe('2024-02-25');
    expect(window.deadlineMoved).toBe(false);
    expect(window.rule).toEqual({
      zh: '费款所属期2024年01月的申报期为2024-02-10至2024-02-25；截止日不顺延（已关闭“截止日遇非工作日顺延”设置）。',
      en: 'Fee period 2024-01 is declared from 2024-02-10 to 2024-02-25; the deadline is not moved, because the next-working-day setting is off.',
    });
  });

  it('crosses the year for fee period 12', () => {
    const window = declarationWindow(period('2023-12'));

    expect(window.opensOn).toBe('2024-01-10');
    expect(window.closesOn).toBe('2024-01-25');
    expect(window.deadline).toBe('2024-01-25');
  });

  it('needs the calendar of the deadline year', () => {
    const error = catchError(() => declarationWindow(period('2026-12')));

    expect(error).toBeInstanceOf(CalendarYearMissingError);
    expect((error as CalendarYearMissingError).year).toBe(2027);
  });

  it('needs no calendar when the switch is off', () => {
    const window = declarationWindow(period('2026-12'), { moveDeadlineToNextWorkingDay: false });

    expect(window.deadline).toBe('2027-01-25');
  });
});

describe('isWithinDeclarationWindow', () => {
  it('includes the opening day and the moved deadline', () => {
    const feePeriod = period('2024-01');

    expect(isWithinDeclarationWindow(feePeriod, date('2024-02-09'))).toBe(false);
    expect(isWithinDeclarationWindow(feePeriod, date('2024-02-10'))).toBe(true);
    expect(isWithinDeclarationWindow(feePeriod, date('2024-02-25'))).toBe(true);
    expect(isWithinDeclarationWindow(feePeriod, date('2024-02-26'))).toBe(true);
    expect(isWithinDeclarationWindow(feePeriod, date('2024-02-27'))).toBe(false);
  });

  it('ends on the 25th when the switch is off', () => {
    const options = { moveDeadlineToNextWorkingDay: false };

    expect(isWithinDeclarationWindow(period('2024-01'), date('2024-02-25'), options)).toBe(true);
    expect(isWithinDeclarationWindow(period('2024-01'), date('2024-02-26'), options)).toBe(false);
  });

  it('excludes the fee period month itself', () => {
    expect(isWithinDeclarationWindow(period('2024-03'), date('2024-03-15'))).toBe(false);
  });
});

describe('legacyBatchDebitDate', () => {
  it('keeps a working 10th', () => {
    expect(legacyBatchDebitDate(period('2023-12'))).toBe('2024-01-10');
  });

  it('moves a holiday 10th to the next working day', () => {
    // 2024-02-10..17 is the Spring Festival holiday and Sunday 2024-02-18 is a working day.
    expect(legacyBatchDebitDate(period('2024-01'))).toBe('2024-02-18');
  });

  it('moves a Sunday 10th to Monday', () => {
    expect(legacyBatchDebitDate(period('2024-02'))).toBe('2024-03-11');
  });

  it('moves a Sunday 10th before the handover to Monday', () => {
    // 2023-12-10 was a Sunday.
    expect(legacyBatchDebitDate(period('2023-11'))).toBe('2023-12-11');
  });

  it('needs the calendar of the debit year', () => {
    const error = catchError(() => legacyBatchDebitDate(period('2013-11')));

    expect(error).toBeInstanceOf(CalendarYearMissingError);
    expect((error as CalendarYearMissingError).year).toBe(2013);
  });
});
