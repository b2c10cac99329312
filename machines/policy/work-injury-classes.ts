import { z } from 'zod';

import { encodeLocalizedText } from '../localized-text.js';
import classesFile from './data/work-injury-classes.json' with { type: 'json' };
import { PolicyError } from './errors.js';
import { isoDateSchema } from './iso-date.js';
import type { IsoDate } from './iso-date.js';
import type { RatePpm } from './money.js';

/** Lowest and highest industry work-injury risk class (行业工伤风险类别), by GB/T 4754-2011 industries. */
export const MIN_WORK_INJURY_RISK_CLASS = 1;
export const MAX_WORK_INJURY_RISK_CLASS = 8;

/** An industry work-injury risk class, 1 (lowest risk) to 8 (highest). */
export type WorkInjuryRiskClass = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The national base rate of one risk class and the floats an employer's rate may take from it. */
export interface WorkInjuryClassRate {
  readonly riskClass: WorkInjuryRiskClass;
  readonly baseRatePpm: RatePpm;
  /**
   * Percentages of the base rate an employer's floated rate may take besides 100. An employer's applied
   * rate is stored as data on the employer, never derived from these.
   */
  readonly floatPercents: readonly number[];
}

/** The content of `data/work-injury-classes.json`. */
export interface WorkInjuryClassData {
  readonly version: string;
  readonly standard: string;
  readonly effectiveFrom: IsoDate;
  readonly source: string;
  readonly mark: 'official' | 'secondary' | 'unverified';
  readonly classes: readonly WorkInjuryClassRate[];
}

const riskClassText = {
  zh: `工伤风险类别应为 ${MIN_WORK_INJURY_RISK_CLASS} 至 ${MAX_WORK_INJURY_RISK_CLASS} 的整数（按《国民经济行业分类》GB/T 4754-2011 划分的一类至八类）`,
  en: `the work-injury risk class must be an integer from ${MIN_WORK_INJURY_RISK_CLASS} to ${MAX_WORK_INJURY_RISK_CLASS} (classes one to eight by the GB/T 4754-2011 industries)`,
};

/** Zod schema of a risk class 1..8; the issue message carries both languages. */
export const workInjuryRiskClassSchema = z
  .number({ error: () => encodeLocalizedText(riskClassText) })
  .refine((value) => Number.isInteger(value) && value >= MIN_WORK_INJURY_RISK_CLASS && value <= MAX_WORK_INJURY_RISK_CLASS, {
    error: () => encodeLocalizedText(riskClassText),
  })
  .transform((value) => value as WorkInjuryRiskClass);

const classFileSchema = z
  .object({
    version: z.string().min(1),
    standard: z.string().min(1),
    effectiveFrom: isoDateSchema,
    source: z.string().min(1),
    mark: z.enum(['official', 'secondary', 'unverified']),
    classes: z.array(
      z
        .object({
          riskClass: workInjuryRiskClassSchema,
          baseRatePpm: z.number().int().min(0).max(1_000_000),
          floatPercents: z.array(z.number().int().positive()),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * Validates the content of a work-injury class file: every class 1..8 exactly once. The shipped file is
 * checked this way when this module loads.
 * Throws `PolicyError` with code `WORK_INJURY_CLASS_DATA_INVALID` naming the problem.
 */
export function parseWorkInjuryClassData(file: unknown): WorkInjuryClassData {
  const parsed = classFileSchema.safeParse(file);
  if (!parsed.success) {
    throw invalidClassDataError(z.prettifyError(parsed.error));
  }

  const seen = new Set<number>();
  for (const entry of parsed.data.classes) {
    if (seen.has(entry.riskClass)) throw invalidClassDataError(`class ${entry.riskClass} is listed twice`);
    seen.add(entry.riskClass);
  }
  for (let riskClass = MIN_WORK_INJURY_RISK_CLASS; riskClass <= MAX_WORK_INJURY_RISK_CLASS; riskClass++) {
    if (!seen.has(riskClass)) throw invalidClassDataError(`class ${riskClass} is missing`);
  }

  return parsed.data;
}

/** The shipped national base rates (人社部发〔2015〕71号, from 2015-10-01), validated at load. */
export const WORK_INJURY_CLASSES: WorkInjuryClassData = parseWorkInjuryClassData(classesFile);

/** Version of the shipped class data; store it with every recorded rate. */
export const WORK_INJURY_CLASSES_DATA_VERSION: string = WORK_INJURY_CLASSES.version;

/**
 * Returns the base rate of a risk class. The class is checked by the schema before it gets here, so a
 * missing class is a data or calling bug: throws `PolicyError` with code `WORK_INJURY_CLASS_MISSING`.
 */
export function workInjuryBaseRate(
  riskClass: WorkInjuryRiskClass,
  data: WorkInjuryClassData = WORK_INJURY_CLASSES,
): WorkInjuryClassRate {
  const rate = data.classes.find((entry) => entry.riskClass === riskClass);
  if (rate === undefined) {
    throw new PolicyError(
      'WORK_INJURY_CLASS_MISSING',
      {
        zh: `工伤风险类别 ${riskClass} 没有基准费率数据（数据版本 ${data.version}）。`,
        en: `Work-injury risk class ${riskClass} has no base rate in data version ${data.version}.`,
      },
      { riskClass, dataVersion: data.version },
    );
  }
  return rate;
}

function invalidClassDataError(problem: string): PolicyError {
  return new PolicyError(
    'WORK_INJURY_CLASS_DATA_INVALID',
    {
      zh: `工伤保险行业基准费率数据无效（${problem}）：请按人社部发〔2015〕71号更正 work-injury-classes.json。`,
      en: `Invalid work-injury base rate data (${problem}): correct work-injury-classes.json from notice 人社部发〔2015〕71号.`,
    },
    { problem },
  );
}
