import { describe, expect, it } from 'vitest';

import type { IdentifierCheck } from '../../machines/policy/identifiers.js';
import { maskResidentId, validateCreditCode, validateResidentId } from '../../machines/policy/identifiers.js';

function failureOf(result: IdentifierCheck): Extract<IdentifierCheck, { ok: false }> {
  if (result.ok) {
    throw new Error(`expected a failed check, got ok with ${result.value}`);
  }
  return result;
}

describe('validateCreditCode', () => {
  it.each(['91350100M000100Y43', '91110000600037341L'])('accepts %s', (code) => {
    expect(validateCreditCode(code)).toEqual({ ok: true, value: code });
  });

  it.each([
    ['9135010', 7],
    ['91350100M000100Y435', 19],
    ['', 0],
  ])('rejects %j as %i characters long', (code, length) => {
    const result = validateCreditCode(code);

    expect(result).toEqual({
      ok: false,
      severity: 'error',
      code: 'CREDIT_CODE_LENGTH',
      message: {
        zh: `统一社会信用代码“${code}”无效：应为 18 位，实际为 ${length} 位。请核对营业执照上的代码。`,
        en: `Invalid unified social credit code "${code}": expected 18 characters, got ${length}. Check the code on the business licence.`,
      },
    });
  });

  it('counts a Chinese character as one', () => {
    const result = validateCreditCode('91350100M000100Y4号');

    expect(result.ok).toBe(false);
    expect(failureOf(result).code).toBe('CREDIT_CODE_CHARACTER');
    expect(failureOf(result).position).toBe(18);
    expect(failureOf(result).character).toBe('号');
  });

  it('names a forbidden letter and its position', () => {
    const result = validateCreditCode('91350100I000100Y43');

    expect(result).toEqual({
      ok: false,
      severity: 'error',
      code: 'CREDIT_CODE_CHARACTER',
      position: 9,
      character: 'I',
      message: {
        zh: '统一社会信用代码“91350100I000100Y43”无效：第 9 位字符“I”不是统一社会信用代码允许的字符（只允许数字和除 I、O、Z、S、V 以外的大写字母）。',
        en: 'Invalid unified social credit code "91350100I000100Y43": character "I" at position 9 is not allowed (only digits and capital letters other than I, O, Z, S and V are).',
      },
    });
  });

  it.each([
    ['O', 1],
    ['Z', 5],
    ['S', 12],
    ['V', 17],
    ['m', 9],
    [' ', 18],
  ])('names %j at position %i', (character, position) => {
    const valid = Array.from('91350100M000100Y43');
    valid[position - 1] = character;
    const result = validateCreditCode(valid.join(''));

    expect(result.ok).toBe(false);
    expect(failureOf(result).code).toBe('CREDIT_CODE_CHARACTER');
    expect(failureOf(result).position).toBe(position);
    expect(failureOf(result).character).toBe(character);
    expect(failureOf(result).message.zh).toContain(`第 ${position} 位字符“${character}”`);
    expect(failureOf(result).message.en).toContain(`character "${character}" at position ${position}`);
  });

  it('warns on a check character mismatch', () => {
    const result = validateCreditCode('91350100M000100Y44');

    expect(result).toEqual({
      ok: false,
      severity: 'warning',
      code: 'CREDIT_CODE_CHECK_MISMATCH',
      position: 18,
      character: '4',
      expected: '3',
      message: {
        zh: '统一社会信用代码“91350100M000100Y44”的校验位应为“3”，实际为“4”。早期试点地区发放的代码可能无法通过校验，请经办人核对营业执照后确认。',
        en: 'The check character of unified social credit code "91350100M000100Y44" should be "3" but is "4". Codes issued in early pilot regions can fail this check, so a caseworker must confirm the code against the business licence.',
      },
    });
  });

  it('maps a check value of 31 to 0', () => {
    // Positions 1-17 all '0' give a weighted sum of 0, so the check value 31 - 0 = 31 becomes '0'.
    expect(validateCreditCode('000000000000000000')).toEqual({ ok: true, value: '000000000000000000' });
  });
});

describe('validateResidentId', () => {
  it.each(['11010519491231002X', '110101199003071233', '440304200002290014'])('accepts %s', (id) => {
    expect(validateResidentId(id)).toEqual({ ok: true, value: id });
  });

  it('accepts a lowercase x and returns it uppercase', () => {
    expect(validateResidentId('11010519491231002x')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it.each([
    ['110105491231002', 15],
    ['11010519491231002X1', 19],
  ])('rejects %s as %i characters long', (id, length) => {
    expect(validateResidentId(id)).toEqual({
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_LENGTH',
      message: {
        zh: `居民身份证号码无效：应为 18 位，实际为 ${length} 位。15 位的旧号码须先换算为 18 位。`,
        en: `Invalid resident ID number: expected 18 characters, got ${length}. Convert an old 15-digit number to 18 digits first.`,
      },
    });
  });

  it('names a letter inside the digits', () => {
    expect(validateResidentId('1101051949123100XX')).toEqual({
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_CHARACTER',
      position: 17,
      character: 'X',
      message: {
        zh: '居民身份证号码无效：第 17 位字符“X”不是居民身份证号码允许的字符（前 17 位只能是数字，第 18 位是数字或 X）。',
        en: 'Invalid resident ID number: character "X" at position 17 is not allowed (positions 1-17 must be digits, position 18 a digit or X).',
      },
    });
  });

  it.each([
    ['A1010519491231002X', 1, 'A'],
    ['110105１9491231002X', 7, '１'],
    ['11010519491231002Y', 18, 'Y'],
    ['11010519491231002-', 18, '-'],
  ])('names the bad character of %s', (id, position, character) => {
    const result = validateResidentId(id);

    expect(result.ok).toBe(false);
    expect(failureOf(result).code).toBe('RESIDENT_ID_CHARACTER');
    expect(failureOf(result).position).toBe(position);
    expect(failureOf(result).character).toBe(character);
    expect(failureOf(result).message.zh).toContain(`第 ${position} 位字符“${character}”`);
  });

  it.each(['110105194902300012', '110105202313010012', '110105189912310012', '110105210001010012'])(
    'rejects the birth date in %s',
    (id) => {
      const result = validateResidentId(id);

      expect(result.ok).toBe(false);
      expect(failureOf(result).code).toBe('RESIDENT_ID_BIRTH_DATE');
      expect(failureOf(result).position).toBe(7);
      expect(failureOf(result).message.zh).toContain(`出生日期“${id.slice(6, 14)}”不是有效日期`);
      expect(failureOf(result).message.en).toContain(`birth date "${id.slice(6, 14)}" in positions 7-14`);
    },
  );

  it('rejects a check character mismatch as an error', () => {
    expect(validateResidentId('110105194912310021')).toEqual({
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_CHECK_MISMATCH',
      position: 18,
      character: '1',
      expected: 'X',
      message: {
        zh: '居民身份证号码无效：第 18 位校验码应为“X”，实际为“1”。请核对号码是否录入有误。',
        en: 'Invalid resident ID number: the check character at position 18 should be "X" but is "1". Check the number for a typing error.',
      },
    });
  });

  it('never repeats the whole number in a message', () => {
    const id = '110105194912310021';
    const result = validateResidentId(id);

    expect(failureOf(result).message.zh).not.toContain(id);
    expect(failureOf(result).message.en).not.toContain(id);
  });
});

describe('maskResidentId', () => {
  it('keeps the first 6 and last 4 characters', () => {
    expect(maskResidentId('110101199003071234')).toBe('110101********1234');
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });

  it('masks malformed input completely', () => {
    expect(maskResidentId('110105491231002')).toBe('***************');
    expect(maskResidentId('')).toBe('');
  });
});
