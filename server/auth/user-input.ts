import { z } from 'zod';
import { encodeLocalizedText } from '../../machines/localized-text.js';
import { validateCreditCode } from '../../machines/policy/identifiers.js';
import { AGENCIES } from '../../machines/policy/parties.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';
import { ROLES } from './roles.js';

/**
 * User names: 1 to 64 ASCII letters, digits or `._@-`. They are recorded as the actor of every event,
 * so they stay ASCII (safe in logs and HTTP headers) and never change once created.
 */
export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, {
    message: encodeLocalizedText({
      zh: '用户名须为 1 至 64 个英文字母、数字或 . _ @ - 字符',
      en: 'the user name must be 1 to 64 ASCII letters, digits or . _ @ - characters',
    }),
  });

export const passwordSchema = z
  .string()
  .refine((password) => [...password].length >= MIN_PASSWORD_LENGTH && [...password].length <= MAX_PASSWORD_LENGTH, {
    message: encodeLocalizedText({
      zh: `密码须为 ${MIN_PASSWORD_LENGTH} 至 ${MAX_PASSWORD_LENGTH} 个字符`,
      en: `the password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    }),
  });

/** A unified social credit code whose length and characters are valid; a failed check character is accepted. */
const userEmployerCodeSchema = z.string().superRefine((value, context) => {
  const check = validateCreditCode(value);
  if (!check.ok && check.severity === 'error') context.addIssue({ code: 'custom', message: encodeLocalizedText(check.message) });
});

/**
 * A new user as an administrator or the CLI submits it. Caseworkers name their agency, employer staff their
 * employer's unified social credit code, and no other role takes either.
 */
export const newUserSchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().trim().min(1).max(100).optional(),
    role: z.enum(ROLES),
    agency: z.enum(AGENCIES).optional(),
    employerCode: userEmployerCodeSchema.optional(),
    password: passwordSchema.optional(),
  })
  .strict()
  .superRefine((user, context) => {
    if (user.role === 'caseworker' && user.agency === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['agency'],
        message: encodeLocalizedText({ zh: '经办人须注明所属部门（hr、medical 或 tax）', en: 'a caseworker needs an agency: hr, medical or tax' }),
      });
    }
    if (user.role !== 'caseworker' && user.agency !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['agency'],
        message: encodeLocalizedText({ zh: '只有经办人可以注明所属部门', en: 'only a caseworker has an agency' }),
      });
    }
    if (user.role === 'employer' && user.employerCode === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['employerCode'],
        message: encodeLocalizedText({ zh: '用人单位经办人须注明单位的统一社会信用代码', en: "employer staff need their employer's unified social credit code" }),
      });
    }
    if (user.role !== 'employer' && user.employerCode !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['employerCode'],
        message: encodeLocalizedText({ zh: '只有用人单位经办人可以注明统一社会信用代码', en: 'only employer staff have an employer code' }),
      });
    }
  });

export type NewUser = z.output<typeof newUserSchema>;

/** A change to a user: enable or disable, a new password, a new display name. */
export const userChangeSchema = z
  .object({
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
    displayName: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export type UserChange = z.output<typeof userChangeSchema>;

/** Longest token lifetime in days that can be asked for; tokens without one never expire. */
export const MAX_TOKEN_DAYS = 3660;

export const newTokenSchema = z
  .object({
    label: z.string().trim().min(1).max(100).default('api'),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
  })
  .strict();

export type NewToken = z.output<typeof newTokenSchema>;
