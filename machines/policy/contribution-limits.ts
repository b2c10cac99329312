import { z } from 'zod';

import type { LocalizedText } from '../localized-text.js';
import limitsFile from './data/contribution-limits-beijing.json' with { type: 'json' };
import { PolicyError } from './errors.js';
import type { FeePeriod } from './fee-period.js';
import { compareFeePeriods, feePeriodSchema, formatFeePeriodZh } from './fee-period.js';
import type { IsoDate } from './iso-date.js';
import { isoDateSchema } from './iso-date.js';
import type { Fen } from './money.js';
import { assertFen, formatYuan } from './money.js';

/**
 * One set of lower and upper limits of the monthly contribution base (缴费基数上下限), the same for every
 * insurance, valid for the fee periods from `effectiveFrom` through `effectiveTo`.
 */
export interface ContributionLimitSet {
  readonly id: string;
  readonly effectiveFrom: FeePeriod;
  readonly effectiveTo: FeePeriod;
  readonly lowerFen: Fen;
  readonly upperFen: Fen;
  /**
   * Day the set was published, or null when that day is unknown. A set may be published after its first
   * fee period (in 2024 the limits came out in July and applied from January), and then the bases of
   * the months already declared change: see `listBaseChangesUnderNewLimits`.
   */
  readonly publishedOn: IsoDate | null;
  /** Confidence mark of the amounts: `official` only when the notice text itself was found. */
  readonly mark: 'official' | 'secondary' | 'unverified';
  /** True for announced amounts that may still change. */
  readonly provisional: boolean;
  readonly source: string;
}

/** The content of `data/contribution-limits-beijing.json`. */
export interface ContributionLimitData {
  /** Version of the file, such as "2026.1"; raise it whenever the file changes. */
  readonly version: string;
  readonly region: string;
  /** Rule for the months a set covers, stated in the file because the Beijing rule is unverified. */
  readonly windowRule: 'calendar-year' | 'july-to-june';
  readonly windowNote: string;
  /** The sets in ascending order of fee periods, without overlaps. */
  readonly sets: readonly ContributionLimitSet[];
}

/** Thrown when no limit set covers a fee period, so no base can be clamped for it. */
export class ContributionLimitsMissingError extends PolicyError {
  readonly feePeriod: FeePeriod;

  constructor(feePeriod: FeePeriod, dataVersion: string) {
    const year = feePeriod.slice(0, 4);
    super(
      'CONTRIBUTION_LIMITS_MISSING',
      {
        zh: `缺少费款所属期${formatFeePeriodZh(feePeriod)}（${year}年度）的缴费基数上下限（数据版本 ${dataVersion}），无法确定该月的缴费基数：请在 contribution-limits-beijing.json 中添加覆盖该月的上下限后再申报。`,
        en: `No contribution base limits cover fee period ${feePeriod} (year ${year}) in data version ${dataVersion}, so the base for that month cannot be set: add a limit set covering it to contribution-limits-beijing.json, then declare again.`,
      },
      { feePeriod, year: Number(year), dataVersion },
    );
    this.feePeriod = feePeriod;
  }
}

const limitSetSchema = z
  .object({
    id: z.string().min(1),
    effectiveFrom: feePeriodSchema,
    effectiveTo: feePeriodSchema,
    lowerFen: z.number().int().positive(),
    upperFen: z.number().int().positive(),
    publishedOn: isoDateSchema.nullable(),
    mark: z.enum(['official', 'secondary', 'unverified']),
    provisional: z.boolean(),
    source: z.string().min(1),
  })
  .strict();

const limitFileSchema = z
  .object({
    version: z.string().min(1),
    region: z.string().min(1),
    windowRule: z.enum(['calendar-year', 'july-to-june']),
    windowNote: z.string().min(1),
    sets: z.array(z.unknown()).min(1),
  })
  .strict();

/**
 * Validates one limit set, such as a newly published one. Throws `PolicyError` with code
 * `CONTRIBUTION_LIMITS_DATA_INVALID` naming the set and the problem: a missing field, a lower limit above
 * the upper, or an `effectiveTo` before `effectiveFrom`.
 */
export function parseContributionLimitSet(raw: unknown): ContributionLimitSet {
  const parsed = limitSetSchema.safeParse(raw);
  const idHint = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : 'unknown';
  if (!parsed.success) {
    throw invalidLimitDataError(idHint, z.prettifyError(parsed.error));
  }

  const set: ContributionLimitSet = parsed.data;
  if (set.lowerFen > set.upperFen) {
    throw invalidLimitDataError(set.id, `lowerFen ${set.lowerFen} is above upperFen ${set.upperFen}`);
  }
  if (compareFeePeriods(set.effectiveFrom, set.effectiveTo) > 0) {
    throw invalidLimitDataError(set.id, `effectiveTo ${set.effectiveTo} is before effectiveFrom ${set.effectiveFrom}`);
  }
  return set;
}

/**
 * Validates the content of a limit data file and sorts its sets by fee period. The shipped file is
 * checked this way when this module loads, so a broken file fails at startup.
 * Throws `PolicyError` with code `CONTRIBUTION_LIMITS_DATA_INVALID` on any problem, overlapping sets
 * included, because one fee period must have exactly one pair of limits.
 */
export function parseContributionLimitData(file: unknown): ContributionLimitData {
  const parsed = limitFileSchema.safeParse(file);
  if (!parsed.success) {
    throw invalidLimitDataError('file', z.prettifyError(parsed.error));
  }

  const sets = parsed.data.sets.map(parseContributionLimitSet);
  sets.sort((a, b) => compareFeePeriods(a.effectiveFrom, b.effectiveFrom));
  for (const [index, set] of sets.entries()) {
    const previous = index > 0 ? sets[index - 1] : undefined;
    if (previous && compareFeePeriods(previous.effectiveTo, set.effectiveFrom) >= 0) {
      throw invalidLimitDataError(set.id, `it overlaps ${previous.id}, which runs to ${previous.effectiveTo}`);
    }
  }

  return { ...parsed.data, sets };
}

/** The shipped Beijing limits, validated at load. */
export const CONTRIBUTION_LIMITS: ContributionLimitData = parseContributionLimitData(limitsFile);

/** Version of the shipped limit data; store it with every clamped base. */
export const CONTRIBUTION_LIMITS_DATA_VERSION: string = CONTRIBUTION_LIMITS.version;

/**
 * Returns the limit set that covers a fee period. Never falls back to a neighbouring year.
 * Throws `ContributionLimitsMissingError` when no set covers it.
 */
export function contributionLimitsFor(
  feePeriod: FeePeriod,
  data: ContributionLimitData = CONTRIBUTION_LIMITS,
): ContributionLimitSet {
  const set = data.sets.find((candidate) => coversFeePeriod(candidate, feePeriod));
  if (set === undefined) {
    throw new ContributionLimitsMissingError(feePeriod, data.version);
  }
  return set;
}

/** Returns whether the set's window contains the fee period, both ends included. */
export function coversFeePeriod(set: ContributionLimitSet, feePeriod: FeePeriod): boolean {
  return compareFeePeriods(set.effectiveFrom, feePeriod) <= 0 && compareFeePeriods(feePeriod, set.effectiveTo) <= 0;
}

/** The limit that decided a clamped base, or `within-limits` when neither did. */
export type BaseLimitApplied = 'lower-limit' | 'upper-limit' | 'within-limits';

/** A declared monthly wage turned into the contribution base of one fee period, with the reason. */
export interface ClampedBase {
  readonly feePeriod: FeePeriod;
  readonly wageFen: Fen;
  readonly baseFen: Fen;
  readonly applied: BaseLimitApplied;
  readonly limitSetId: string;
  readonly lowerFen: Fen;
  readonly upperFen: Fen;
  readonly provisional: boolean;
  /** Reason for the base, quoting the wage and the limit, for display beside the base. */
  readonly explanation: LocalizedText;
}

/**
 * Clamps a declared monthly wage to the limits of its fee period: a wage below the lower limit is
 * raised to it, one above the upper limit is cut to it, and any other wage is the base itself.
 * Throws `ContributionLimitsMissingError` when no set covers the fee period, and `PolicyError` with code
 * `FEN_INVALID` for a wage that is not a non-negative whole number of fen.
 */
export function clampContributionBase(
  wageFen: Fen,
  feePeriod: FeePeriod,
  data: ContributionLimitData = CONTRIBUTION_LIMITS,
): ClampedBase {
  assertFen(wageFen, 'wageFen');
  return clampWithSet(wageFen, feePeriod, contributionLimitsFor(feePeriod, data));
}

/** One fee period whose base changes when a new limit set replaces the one used so far. */
export interface BaseChange {
  readonly feePeriod: FeePeriod;
  readonly wageFen: Fen;
  readonly oldBaseFen: Fen;
  readonly newBaseFen: Fen;
  readonly clamped: ClampedBase;
}

/** A wage already declared for a fee period and the base that was applied to it so far. */
export interface DeclaredBase {
  readonly feePeriod: FeePeriod;
  readonly wageFen: Fen;
  readonly baseFen: Fen;
}

/**
 * Lists the fee periods whose base changes under a newly published limit set, such as limits published
 * in July that apply from January. Only periods inside the new set's window count, and a period whose
 * base stays the same is left out. The result is in the order of `declared`, and each entry is the input
 * of a base-difference case: raised bases for a top-up, lowered ones for a refund.
 * Throws `PolicyError` with code `FEN_INVALID` for an invalid wage or base.
 */
export function listBaseChangesUnderNewLimits(
  newSet: ContributionLimitSet,
  declared: readonly DeclaredBase[],
): BaseChange[] {
  const changes: BaseChange[] = [];
  for (const entry of declared) {
    if (!coversFeePeriod(newSet, entry.feePeriod)) continue;
    assertFen(entry.wageFen, 'wageFen');
    assertFen(entry.baseFen, 'baseFen');

    const clamped = clampWithSet(entry.wageFen, entry.feePeriod, newSet);
    if (clamped.baseFen !== entry.baseFen) {
      changes.push({ feePeriod: entry.feePeriod, wageFen: entry.wageFen, oldBaseFen: entry.baseFen, newBaseFen: clamped.baseFen, clamped });
    }
  }
  return changes;
}

function clampWithSet(wageFen: Fen, feePeriod: FeePeriod, set: ContributionLimitSet): ClampedBase {
  let applied: BaseLimitApplied = 'within-limits';
  let baseFen = wageFen;
  if (wageFen < set.lowerFen) {
    applied = 'lower-limit';
    baseFen = set.lowerFen;
  } else if (wageFen > set.upperFen) {
    applied = 'upper-limit';
    baseFen = set.upperFen;
  }

  return {
    feePeriod,
    wageFen,
    baseFen,
    applied,
    limitSetId: set.id,
    lowerFen: set.lowerFen,
    upperFen: set.upperFen,
    provisional: set.provisional,
    explanation: explainClamp(wageFen, feePeriod, set, applied),
  };
}

function explainClamp(wageFen: Fen, feePeriod: FeePeriod, set: ContributionLimitSet, applied: BaseLimitApplied): LocalizedText {
  const wage = formatYuan(wageFen);
  const lower = formatYuan(set.lowerFen);
  const upper = formatYuan(set.upperFen);
  const periodZh = `费款所属期${formatFeePeriodZh(feePeriod)}`;
  const windowZh = `${formatFeePeriodZh(set.effectiveFrom)}至${formatFeePeriodZh(set.effectiveTo)}`;
  const windowEn = `${set.effectiveFrom} to ${set.effectiveTo}`;
  const provisional = set.provisional
    ? { zh: '该组上下限为暂定值，正式公布后可能调整。', en: ' These limits are provisional and may change when published officially.' }
    : { zh: '', en: '' };

  switch (applied) {
    case 'lower-limit':
      return {
        zh: `${periodZh}申报工资 ${wage} 元低于${windowZh}的缴费基数下限 ${lower} 元，缴费基数按下限 ${lower} 元计。${provisional.zh}`,
        en: `The declared wage of ${wage} yuan for fee period ${feePeriod} is below the lower limit of ${lower} yuan for ${windowEn}, so the base is the lower limit, ${lower} yuan.${provisional.en}`,
      };
    case 'upper-limit':
      return {
        zh: `${periodZh}申报工资 ${wage} 元高于${windowZh}的缴费基数上限 ${upper} 元，缴费基数按上限 ${upper} 元计。${provisional.zh}`,
        en: `The declared wage of ${wage} yuan for fee period ${feePeriod} is above the upper limit of ${upper} yuan for ${windowEn}, so the base is the upper limit, ${upper} yuan.${provisional.en}`,
      };
    case 'within-limits':
      return {
        zh: `${periodZh}申报工资 ${wage} 元在${windowZh}的缴费基数上下限（${lower} 元至 ${upper} 元）之内，缴费基数即申报工资 ${wage} 元。${provisional.zh}`,
        en: `The declared wage of ${wage} yuan for fee period ${feePeriod} is within the limits for ${windowEn} (${lower} to ${upper} yuan), so the base is the wage itself.${provisional.en}`,
      };
  }
}

function invalidLimitDataError(setId: string, problem: string): PolicyError {
  return new PolicyError(
    'CONTRIBUTION_LIMITS_DATA_INVALID',
    {
      zh: `缴费基数上下限数据无效（${setId}：${problem}）：请按公布的上下限通知更正 contribution-limits-beijing.json。`,
      en: `Invalid contribution base limit data (${setId}: ${problem}): correct contribution-limits-beijing.json from the published notice.`,
    },
    { setId, problem },
  );
}
