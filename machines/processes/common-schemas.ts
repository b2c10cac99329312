import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import { validateCreditCode, validateResidentId } from '../policy/identifiers.js';
import { CHANNELS, INSURANCES } from '../policy/parties.js';

/** Codes of soft warnings that a request may confirm in `confirmations` to proceed anyway. */
export const CONFIRMABLE_WARNINGS = ['CREDIT_CODE_CHECK_MISMATCH'] as const;

/**
 * Unified social credit code of the employer. A wrong length or character is an error. A failed check
 * character is only a warning, because some codes issued in early pilot regions fail the check: the input
 * must then list `CREDIT_CODE_CHECK_MISMATCH` in `confirmations` (see `withCreditCodeConfirmation`).
 */
export const employerCodeSchema = z.string().superRefine((value, context) => {
  const check = validateCreditCode(value);
  if (!check.ok && check.severity === 'error') {
    context.addIssue({ code: 'custom', message: encodeLocalizedText(check.message), params: { code: check.code } });
  }
});

export const confirmationsSchema = z.array(z.enum(CONFIRMABLE_WARNINGS)).max(CONFIRMABLE_WARNINGS.length).default([]);

/** Rejects an employer code whose check character fails unless the request confirmed that warning. */
export function withCreditCodeConfirmation<T extends z.ZodType<{ employerCode: string; confirmations: readonly string[] }>>(
  schema: T,
): T {
  return schema.superRefine((value, context) => {
    const check = validateCreditCode(value.employerCode);
    if (!check.ok && check.severity === 'warning' && !value.confirmations.includes(check.code)) {
      context.addIssue({
        code: 'custom',
        path: ['employerCode'],
        params: { code: check.code },
        message: encodeLocalizedText({
          zh: `${check.message.zh} 如确认该代码无误，请在 confirmations 中加入 ${check.code} 后重新提交。`,
          en: `${check.message.en} If the code is right, resubmit with ${check.code} in confirmations.`,
        }),
      });
    }
  }) as unknown as T;
}

/** Resident ID number (18 digits, last may be X), normalised to an uppercase X. */
export const residentIdSchema = z.string().transform((value, context) => {
  const check = validateResidentId(value);
  if (!check.ok) {
    context.addIssue({ code: 'custom', message: encodeLocalizedText(check.message), params: { code: check.code } });
    return z.NEVER;
  }
  return check.value;
});

/** Maximum length of a person's name in Unicode code points; long ethnic-minority names fit. */
export const MAX_PERSON_NAME_LENGTH = 50;

export const personNameSchema = z
  .string()
  .trim()
  .refine((name) => name.length > 0 && [...name].length <= MAX_PERSON_NAME_LENGTH, {
    message: encodeLocalizedText({
      zh: `姓名不能为空，且不能超过 ${MAX_PERSON_NAME_LENGTH} 个字`,
      en: `the name must not be empty or longer than ${MAX_PERSON_NAME_LENGTH} characters`,
    }),
  });

export const personSchema = z.object({ name: personNameSchema, idNumber: residentIdSchema }).strict();

export const insuranceSchema = z.enum(INSURANCES);

export const insurancesSchema = z
  .array(insuranceSchema)
  .min(1)
  .refine((list) => new Set(list).size === list.length, {
    message: encodeLocalizedText({ zh: '险种不能重复', en: 'insurances must not repeat' }),
  });

export const channelSchema = z.enum(CHANNELS);

/** An amount in integer fen (分), never negative; 9e15 fen keeps sums exact in a double. */
export const fenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const positiveFenSchema = fenSchema.min(1);
