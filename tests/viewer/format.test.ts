import { describe, expect, it } from 'vitest';
import { formatDate, formatFeePeriod, formatFen, formatInstant } from '../../viewer/format.js';
import { pickLanguage, translate } from '../../viewer/i18n/messages.js';

describe('formatFen', () => {
  it.each([
    [0, '¥0.00', 'CNY 0.00'],
    [5, '¥0.05', 'CNY 0.05'],
    [123_456, '¥1,234.56', 'CNY 1,234.56'],
    [100_000_000_00, '¥100,000,000.00', 'CNY 100,000,000.00'],
    [-250, '-¥2.50', '-CNY 2.50'],
  ])('formats %i fen', (fen, zh, en) => {
    expect(formatFen(fen, 'zh')).toBe(zh);
    expect(formatFen(fen, 'en')).toBe(en);
  });

  it('keeps the largest safe amount exact', () => {
    expect(formatFen(Number.MAX_SAFE_INTEGER, 'en')).toBe('CNY 90,071,992,547,409.91');
  });
});

describe('date formats', () => {
  it('formats business dates in Chinese', () => {
    expect(formatDate('2024-01-16', 'zh')).toBe('2024年01月16日');
    expect(formatDate('2024-01-16', 'en')).toBe('2024-01-16');
  });

  it('formats fee periods in Chinese', () => {
    expect(formatFeePeriod('2023-12', 'zh')).toBe('2023年12月');
    expect(formatFeePeriod('2023-12', 'en')).toBe('2023-12');
  });

  it('shows instants in Beijing time', () => {
    expect(formatInstant('2024-01-15T17:30:00.000Z', 'zh')).toBe('2024年01月16日 01:30:00');
  });
});

describe('translate', () => {
  it('fills placeholders in both languages', () => {
    expect(translate('zh', 'error.generic', { message: '版本冲突' })).toBe('操作未成功：版本冲突');
    expect(translate('en', 'error.generic', { message: 'conflict' })).toBe('The action failed: conflict');
  });

  it('leaves a missing placeholder visible', () => {
    expect(translate('en', 'error.generic')).toBe('The action failed: {message}');
  });

  it('defaults to Simplified Chinese', () => {
    expect(pickLanguage(undefined, undefined)).toBe('zh');
    expect(pickLanguage('fr', 'en')).toBe('en');
    expect(pickLanguage('en', 'zh')).toBe('en');
  });
});
