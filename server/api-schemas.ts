import { encodeLocalizedText } from '../machines/localized-text.js';
import { z } from '@hono/zod-openapi';
import { CHANNELS } from '../machines/policy/parties.js';

/**
 * Request and response schemas of the JSON API. The same schemas validate requests and generate
 * /api/openapi.json. Event data and case input are checked again against the schemas of the process.
 */
export const localizedTextSchema = z.object({ zh: z.string(), en: z.string() }).openapi('LocalizedText');

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'START_MONTH_NOT_MAINTAINED' }),
      message: localizedTextSchema,
      allowedEvents: z.array(z.unknown()).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('ErrorBody');

export const createCaseBodySchema = z
  .object({
    processId: z.string().min(1).max(100).openapi({ example: 'individual-back-payment' }),
    input: z.record(z.string(), z.unknown()).openapi({ description: 'The input of the process; see GET /api/processes/{processId}.' }),
    sandboxId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Open the case in this training sandbox; its business date is the sandbox's simulated date." }),
  })
  .strict()
  .openapi('CreateCaseRequest');

export const eventBodySchema = z
  .object({
    type: z.string().min(1).max(100).openapi({ example: 'DECLARE' }),
    data: z.record(z.string(), z.unknown()).default({}),
    expectedVersion: z
      .number({
        error: (issue) =>
          issue.input === undefined
            ? encodeLocalizedText({
                zh: '缺少 expectedVersion：请填写案件当前的 version（见 GET /api/cases/:id）',
                en: "expectedVersion is missing: send the case's current version (see GET /api/cases/:id)",
              })
            : undefined,
      })
      .int()
      .min(1),
    channel: z.enum(CHANNELS).optional(),
  })
  .strict()
  .openapi('EventRequest');

/** Page size limits of the case list. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

const feePeriodQuery = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export const listCasesQuerySchema = z
  .object({
    process: z.string().max(100).optional(),
    state: z.string().max(200).optional(),
    employer: z.string().max(18).optional(),
    feePeriod: feePeriodQuery.optional(),
    status: z.enum(['active', 'done']).optional(),
    demo: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    after: z.string().max(64).optional(),
  })
  .strict();

export const diagramQuerySchema = z
  .object({
    lang: z.enum(['zh', 'en']).default('zh'),
    at: z.coerce.number().int().min(1).optional(),
  })
  .strict();

export const caseSchema = z.record(z.string(), z.unknown()).openapi('Case');
