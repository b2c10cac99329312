import type { LocalizedText } from '../localized-text.js';
import { isExistingDate } from './iso-date.js';

/**
 * Result of checking an identifier. On success `value` is the normalized identifier. A failure with
 * severity `'error'` must block the input; one with `'warning'` needs a caseworker's confirmation.
 * `position` is 1-based and counts characters, not bytes.
 */
export type IdentifierCheck =
  | { readonly ok: true; readonly value: string }
  | {
      readonly ok: false;
      readonly severity: 'error' | 'warning';
      readonly code: string;
      readonly message: LocalizedText;
      readonly position?: number;
      readonly character?: string;
      /** The check character the other 17 characters require, for a check-character mismatch. */
      readonly expected?: string;
    };

const IDENTIFIER_LENGTH = 18;

// GB 32100-2015: the 31 characters of a unified social credit code, valued 0 to 30 in this order.
// I, O, Z, S and V are left out because they are easily confused with 1, 0, 2, 5 and U.
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const CREDIT_CODE_MODULUS = 31;

// GB 11643-1999 (ISO 7064 MOD 11-2): weights of positions 1-17, and the check character for each
// remainder 0 to 10 of the weighted sum.
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK_CHARACTERS = '10X98765432';
const RESIDENT_ID_MODULUS = 11;

/**
 * Birth years accepted in a resident ID. The policy core reads no clock, so a birth date in the future
 * cannot be rejected here; the bounds only catch mistyped centuries.
 */
export const MIN_RESIDENT_BIRTH_YEAR = 1900;
export const MAX_RESIDENT_BIRTH_YEAR = 2099;

/**
 * Checks a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
 * `0-9A-HJ-NP-RT-UW-Y`, the last being a check character. Lowercase letters and spaces are rejected,
 * not normalized.
 * Errors: `CREDIT_CODE_LENGTH`, `CREDIT_CODE_CHARACTER` (first bad character). Warning:
 * `CREDIT_CODE_CHECK_MISMATCH`, because some codes issued in early pilot regions fail the check and a
 * caseworker must confirm them against the business licence.
 */
export function validateCreditCode(text: string): IdentifierCheck {
  const characters = Array.from(text);

  if (characters.length !== IDENTIFIER_LENGTH) {
    return {
      ok: false,
      severity: 'error',
      code: 'CREDIT_CODE_LENGTH',
      message: {
        zh: `统一社会信用代码“${text}”无效：应为 18 位，实际为 ${characters.length} 位。请核对营业执照上的代码。`,
        en: `Invalid unified social credit code "${text}": expected 18 characters, got ${characters.length}. Check the code on the business licence.`,
      },
    };
  }

  const values: number[] = [];
  for (const [index, character] of characters.entries()) {
    const value = CREDIT_CODE_ALPHABET.indexOf(character);
    if (value < 0) {
      const position = index + 1;
      return {
        ok: false,
        severity: 'error',
        code: 'CREDIT_CODE_CHARACTER',
        position,
        character,
        message: {
          zh: `统一社会信用代码“${text}”无效：第 ${position} 位字符“${character}”不是统一社会信用代码允许的字符（只允许数字和除 I、O、Z、S、V 以外的大写字母）。`,
          en: `Invalid unified social credit code "${text}": character "${character}" at position ${position} is not allowed (only digits and capital letters other than I, O, Z, S and V are).`,
        },
      };
    }
    values.push(value);
  }

  const weightedSum = CREDIT_CODE_WEIGHTS.reduce((sum, weight, index) => sum + weight * (values[index] ?? 0), 0);
  // A check value of 31 means 0.
  const checkValue = (CREDIT_CODE_MODULUS - (weightedSum % CREDIT_CODE_MODULUS)) % CREDIT_CODE_MODULUS;
  const expected = CREDIT_CODE_ALPHABET.charAt(checkValue);
  const actual = characters[IDENTIFIER_LENGTH - 1] ?? '';
  if (actual !== expected) {
    return {
      ok: false,
      severity: 'warning',
      code: 'CREDIT_CODE_CHECK_MISMATCH',
      position: IDENTIFIER_LENGTH,
      character: actual,
      expected,
      message: {
        zh: `统一社会信用代码“${text}”的校验位应为“${expected}”，实际为“${actual}”。早期试点地区发放的代码可能无法通过校验，请经办人核对营业执照后确认。`,
        en: `The check character of unified social credit code "${text}" should be "${expected}" but is "${actual}". Codes issued in early pilot regions can fail this check, so a caseworker must confirm the code against the business licence.`,
      },
    };
  }

  return { ok: true, value: text };
}

/**
 * Checks an 18-digit resident ID number (居民身份证号码, GB 11643-1999): 17 digits, a check character
 * `0-9` or `X`, and a real birth date in positions 7-14. A lowercase `x` is accepted and returned as
 * `X`. Messages never repeat the whole number, because they may be logged.
 * Errors, in the order checked: `RESIDENT_ID_LENGTH`, `RESIDENT_ID_CHARACTER` (first bad character),
 * `RESIDENT_ID_BIRTH_DATE`, `RESIDENT_ID_CHECK_MISMATCH`.
 */
export function validateResidentId(text: string): IdentifierCheck {
  const characters = Array.from(text);

  if (characters.length !== IDENTIFIER_LENGTH) {
    return {
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_LENGTH',
      message: {
        zh: `居民身份证号码无效：应为 18 位，实际为 ${characters.length} 位。15 位的旧号码须先换算为 18 位。`,
        en: `Invalid resident ID number: expected 18 characters, got ${characters.length}. Convert an old 15-digit number to 18 digits first.`,
      },
    };
  }

  const lastIndex = IDENTIFIER_LENGTH - 1;
  const normalized = characters.map((character, index) => (index === lastIndex ? character.toUpperCase() : character));
  const badIndex = normalized.findIndex((character, index) => !isAllowedResidentIdCharacter(character, index));
  if (badIndex >= 0) {
    const position = badIndex + 1;
    const character = characters[badIndex] ?? '';
    return {
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_CHARACTER',
      position,
      character,
      message: {
        zh: `居民身份证号码无效：第 ${position} 位字符“${character}”不是居民身份证号码允许的字符（前 17 位只能是数字，第 18 位是数字或 X）。`,
        en: `Invalid resident ID number: character "${character}" at position ${position} is not allowed (positions 1-17 must be digits, position 18 a digit or X).`,
      },
    };
  }

  const birthDate = normalized.slice(6, 14).join('');
  if (!isPlausibleBirthDate(birthDate)) {
    return {
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_BIRTH_DATE',
      position: 7,
      message: {
        zh: `居民身份证号码无效：第 7–14 位的出生日期“${birthDate}”不是有效日期（年份应在 ${MIN_RESIDENT_BIRTH_YEAR}–${MAX_RESIDENT_BIRTH_YEAR} 之间）。`,
        en: `Invalid resident ID number: the birth date "${birthDate}" in positions 7-14 is not a valid date (the year must be from ${MIN_RESIDENT_BIRTH_YEAR} to ${MAX_RESIDENT_BIRTH_YEAR}).`,
      },
    };
  }

  const weightedSum = RESIDENT_ID_WEIGHTS.reduce((sum, weight, index) => sum + weight * Number(normalized[index]), 0);
  const expected = RESIDENT_ID_CHECK_CHARACTERS.charAt(weightedSum % RESIDENT_ID_MODULUS);
  const actual = normalized[IDENTIFIER_LENGTH - 1] ?? '';
  if (actual !== expected) {
    return {
      ok: false,
      severity: 'error',
      code: 'RESIDENT_ID_CHECK_MISMATCH',
      position: IDENTIFIER_LENGTH,
      character: actual,
      expected,
      message: {
        zh: `居民身份证号码无效：第 18 位校验码应为“${expected}”，实际为“${actual}”。请核对号码是否录入有误。`,
        en: `Invalid resident ID number: the check character at position 18 should be "${expected}" but is "${actual}". Check the number for a typing error.`,
      },
    };
  }

  return { ok: true, value: normalized.join('') };
}

/**
 * Masks a resident ID number for display: the first 6 characters (region code), eight asterisks, and the
 * last 4, such as `110101********1234`. Input that is not 18 characters long is masked completely,
 * one asterisk per character, so that no part of a malformed number is shown.
 */
export function maskResidentId(id: string): string {
  const characters = Array.from(id);
  if (characters.length !== IDENTIFIER_LENGTH) {
    return '*'.repeat(characters.length);
  }
  return `${characters.slice(0, 6).join('')}********${characters.slice(14).join('')}`;
}

function isAllowedResidentIdCharacter(character: string, index: number): boolean {
  if (character >= '0' && character <= '9' && character.length === 1) {
    return true;
  }
  return index === IDENTIFIER_LENGTH - 1 && character === 'X';
}

function isPlausibleBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < MIN_RESIDENT_BIRTH_YEAR || year > MAX_RESIDENT_BIRTH_YEAR) {
    return false;
  }
  return isExistingDate(year, month, day);
}
