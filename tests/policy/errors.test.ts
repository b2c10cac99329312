import { describe, expect, it } from 'vitest';

import { PolicyError } from '../../machines/policy/errors.js';

describe('PolicyError', () => {
  it('carries code, both texts and details', () => {
    const error = new PolicyError('SOME_CODE', { zh: '中文说明', en: 'English text' }, { value: 42 });

    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('SOME_CODE');
    expect(error.localized).toEqual({ zh: '中文说明', en: 'English text' });
    expect(error.details).toEqual({ value: 42 });
  });

  it('uses the English text as message', () => {
    const error = new PolicyError('SOME_CODE', { zh: '中文说明', en: 'English text' });

    expect(error.message).toBe('English text');
    expect(error.name).toBe('PolicyError');
  });

  it('leaves details undefined when none are given', () => {
    const error = new PolicyError('SOME_CODE', { zh: '中文', en: 'English' });

    expect(error.details).toBeUndefined();
  });

  it('names a subclass after the subclass', () => {
    class SpecialError extends PolicyError {}
    const error = new SpecialError('SPECIAL', { zh: '特殊', en: 'Special' });

    expect(error.name).toBe('SpecialError');
    expect(error).toBeInstanceOf(PolicyError);
  });
});
