import { z } from 'zod';
import { decodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';

const zhLocale = z.locales.zhCN();

/** One issue of a failed parse as the API returns it: the path, zod's code and a message in both languages. */
export interface SchemaIssue {
  readonly path: string;
  readonly code: string;
  readonly message: LocalizedText;
}

/**
 * Describes a failed parse in both languages, one sentence per issue. Zod's own messages come from its
 * English default and its zh-CN locale (zod 4 ships both); custom messages written with
 * `encodeLocalizedText` are split into their halves.
 */
export function describeSchemaIssues(schema: z.ZodType, data: unknown, error: z.ZodError): LocalizedText {
  const issues = listSchemaIssues(schema, data, error);
  return {
    zh: issues.map((issue) => (issue.path ? `字段 ${issue.path}：${issue.message.zh}` : issue.message.zh)).join('；'),
    en: issues.map((issue) => (issue.path ? `field ${issue.path}: ${issue.message.en}` : issue.message.en)).join('; '),
  };
}

/** Lists the issues of a failed parse, each with a message in both languages. */
export function listSchemaIssues(schema: z.ZodType, data: unknown, error: z.ZodError): SchemaIssue[] {
  const zhResult = schema.safeParse(data, { error: zhLocale.localeError as z.core.$ZodErrorMap });
  const zhIssues = zhResult.success ? [] : zhResult.error.issues;
  return error.issues.map((issue, index) => {
    const custom = decodeLocalizedText(issue.message);
    const message = custom ?? { zh: zhIssues[index]?.message ?? issue.message, en: issue.message };
    return { path: issue.path.map(String).join('.'), code: issue.code, message };
  });
}
