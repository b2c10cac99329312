import { z } from 'zod';

import contributionRatesBeijing from './data/contribution-rates-beijing.json' with { type: 'json' };
import { PolicyError } from './errors.js';
import type { FeePeriod } from './fee-period.js';
import { compareFeePeriods, formatFeePeriodZh, isFeePeriod } from './fee-period.js';
import type { Fen, RatePpm } from './money.js';
import type { Insurance } from './parties.js';

/**
 * Confidence of a data value: `official` when an official text was found, `secondary` when only a copy
 * was found, and `unverified` when no source was found.
 */
export type DataMark = 'official' | 'secondary' | 'unverified';

/** The insurances with one citywide rate. Work injury is not among them: its rate belongs to each employer. */
export const FLAT_RATE_INSURANCES = ['pension', 'unemployment', 'medical'] as const satisfies readonly Insurance[];
export type FlatRateInsurance = (typeof FLAT_RATE_INSURANCES)[number];

/** A rate as shipped: parts per million of the contribution base, with its confidence mark. */
export interface MarkedRate {
  readonly ratePpm: RatePpm;
  readonly mark: DataMark;
  readonly note?: string;
}

/**
 * Beijing contribution rates for a range of fee periods, as shipped in
 * `data/contribution-rates-beijing.json`. Medical insurance includes maternity.
 */
export interface ContributionRateSet {
  /** Version of this set, such as "2024.1". Raise it whenever the set changes. */
  readonly version: string;
  /** First and last fee period the set applies to, both included. */
  readonly effectiveFrom: FeePeriod;
  readonly effectiveTo: FeePeriod;
  readonly source: string;
  /** The weakest mark among the set's values, derived when the file loads. */
  readonly mark: DataMark;
  readonly employer: Readonly<Record<FlatRateInsurance, MarkedRate>>;
  readonly employee: Readonly<Record<FlatRateInsurance, MarkedRate>>;
  /** The employee's fixed monthly medical charge (大额互助), which does not depend on the base. */
  readonly employeeMedicalMonthlyFixedFen: { readonly amountFen: Fen; readonly mark: DataMark; readonly note?: string };
}

/** Thrown when no shipped rate set covers a fee period, because rates are never guessed. */
export class ContributionRatesMissingError extends PolicyError {
  readonly feePeriod: FeePeriod;

  constructor(feePeriod: FeePeriod, coverage: string) {
    super(
      'CONTRIBUTION_RATES_MISSING',
      {
        zh: `没有费款所属期${formatFeePeriodZh(feePeriod)}的缴费比例数据（已有数据覆盖 ${coverage}）：请在 contribution-rates-beijing.json 中按北京市公布的缴费比例添加覆盖该月的比例组。`,
        en: `No contribution rates for fee period ${feePeriod} (the shipped rates cover ${coverage}): add a rate set covering that month to contribution-rates-beijing.json from Beijing's published rates.`,
      },
      { feePeriod, coverage },
    );
    this.feePeriod = feePeriod;
  }
}

const MARK_STRENGTH: Readonly<Record<DataMark, number>> = { official: 2, secondary: 1, unverified: 0 };

const markSchema = z.enum(['official', 'secondary', 'unverified']);
const feePeriodTextSchema = z.string().refine(isFeePeriod, { message: 'expected a fee period YYYY-MM' });
const markedRateSchema = z
  .object({ ratePpm: z.number().int().min(0).max(1_000_000), mark: markSchema, note: z.string().optional() })
  .strict();
const sharesSchema = z.object({ pension: markedRateSchema, unemployment: markedRateSchema, medical: markedRateSchema }).strict();
const rateSetSchema = z
  .object({
    version: z.string().min(1),
    effectiveFrom: feePeriodTextSchema,
    effectiveTo: feePeriodTextSchema,
    source: z.string().min(1),
    employer: sharesSchema,
    employee: sharesSchema,
    employeeMedicalMonthlyFixedFen: z
      .object({ amountFen: z.number().int().min(0), mark: markSchema, note: z.string().optional() })
      .strict(),
  })
  .strict();
const ratesFileSchema = z.object({ rateSets: z.array(rateSetSchema).min(1) }).strict();

/**
 * Validates a contribution-rates file and returns its rate sets in fee-period order. The shipped file is
 * checked this way when this module loads, so a broken file fails at startup, not in a case.
 * Throws `PolicyError` with code `CONTRIBUTION_RATES_DATA_INVALID` naming the problem: a schema error, a
 * range that ends before it starts, a repeated version, or two sets covering the same month.
 */
export function parseContributionRatesData(file: unknown): ContributionRateSet[] {
  const parsed = ratesFileSchema.safeParse(file);
  if (!parsed.success) throw invalidRatesError(z.prettifyError(parsed.error));

  const sets = parsed.data.rateSets.map((raw): ContributionRateSet => {
    const effectiveFrom = raw.effectiveFrom as FeePeriod;
    const effectiveTo = raw.effectiveTo as FeePeriod;
    if (compareFeePeriods(effectiveFrom, effectiveTo) > 0) {
      throw invalidRatesError(`rate set ${raw.version} ends (${effectiveTo}) before it starts (${effectiveFrom})`);
    }
    return { ...raw, effectiveFrom, effectiveTo, mark: weakestMarkOf(raw) };
  });
  sets.sort((a, b) => compareFeePeriods(a.effectiveFrom, b.effectiveFrom));

  const versions = new Set<string>();
  for (const [index, set] of sets.entries()) {
    if (versions.has(set.version)) throw invalidRatesError(`version ${set.version} is used by more than one rate set`);
    versions.add(set.version);

    const previous = index > 0 ? sets[index - 1] : undefined;
    if (previous && compareFeePeriods(previous.effectiveTo, set.effectiveFrom) >= 0) {
      throw invalidRatesError(`rate sets ${previous.version} and ${set.version} both cover ${set.effectiveFrom}`);
    }
  }
  return sets;
}

const RATE_SETS: readonly ContributionRateSet[] = parseContributionRatesData(contributionRatesBeijing);

/** Versions of all shipped rate sets joined in fee-period order, such as "2023.1+2024.1+2025.1". */
export const CONTRIBUTION_RATES_DATA_VERSION: string = RATE_SETS.map((set) => set.version).join('+');

/** Returns the shipped rate sets in fee-period order. */
export function contributionRateSets(): readonly ContributionRateSet[] {
  return RATE_SETS;
}

/**
 * Returns the rate set that covers a fee period. Gaps between sets are allowed in the data, and a fee
 * period that falls in one, or outside all sets, throws `ContributionRatesMissingError`.
 */
export function contributionRateSet(feePeriod: FeePeriod): ContributionRateSet {
  const set = RATE_SETS.find(
    (candidate) =>
      compareFeePeriods(candidate.effectiveFrom, feePeriod) <= 0 && compareFeePeriods(feePeriod, candidate.effectiveTo) <= 0,
  );
  if (set === undefined) throw new ContributionRatesMissingError(feePeriod, describeCoverage());
  return set;
}

/**
 * Returns the employer's rate of an insurance for a fee period, in parts per million.
 * Throws `PolicyError` with code `WORK_INJURY_RATE_NOT_FLAT` for work injury, because that rate depends on
 * the employer's industry risk class and its float, and `ContributionRatesMissingError` when no rate set
 * covers the fee period.
 */
export function employerRatePpm(insurance: Insurance, feePeriod: FeePeriod): RatePpm {
  if (insurance === 'workInjury') {
    throw new PolicyError(
      'WORK_INJURY_RATE_NOT_FLAT',
      {
        zh: `工伤保险没有统一的单位缴费比例（费款所属期${formatFeePeriodZh(feePeriod)}）：费率取决于单位的行业风险类别和浮动档次，请传入该单位适用的工伤保险费率。`,
        en: `Work-injury insurance has no citywide employer rate (fee period ${feePeriod}): the rate depends on the employer's industry risk class and float, so pass the employer's applied work-injury rate.`,
      },
      { insurance, feePeriod },
    );
  }
  return contributionRateSet(feePeriod).employer[insurance].ratePpm;
}

/**
 * Returns the employee's rate of an insurance for a fee period, in parts per million. Work injury returns
 * 0 for every fee period, because employees pay no work-injury contribution (Social Insurance Law of the
 * PRC, art. 33). The fixed monthly medical charge is not a rate: read it from `contributionRateSet`.
 * Throws `ContributionRatesMissingError` when no rate set covers the fee period.
 */
export function employeeRatePpm(insurance: Insurance, feePeriod: FeePeriod): RatePpm {
  if (insurance === 'workInjury') return 0;
  return contributionRateSet(feePeriod).employee[insurance].ratePpm;
}

function describeCoverage(): string {
  return RATE_SETS.map((set) => `${set.effectiveFrom}..${set.effectiveTo}`).join(', ');
}

function weakestMarkOf(raw: z.output<typeof rateSetSchema>): DataMark {
  const marks: DataMark[] = [
    ...FLAT_RATE_INSURANCES.map((insurance) => raw.employer[insurance].mark),
    ...FLAT_RATE_INSURANCES.map((insurance) => raw.employee[insurance].mark),
    raw.employeeMedicalMonthlyFixedFen.mark,
  ];
  return marks.reduce((weakest, mark) => (MARK_STRENGTH[mark] < MARK_STRENGTH[weakest] ? mark : weakest));
}

function invalidRatesError(problem: string): PolicyError {
  return new PolicyError(
    'CONTRIBUTION_RATES_DATA_INVALID',
    {
      zh: `缴费比例数据文件 contribution-rates-beijing.json 无效（${problem}）：请按北京市公布的缴费比例更正该文件。`,
      en: `Invalid contribution-rates file contribution-rates-beijing.json (${problem}): correct it from Beijing's published rates.`,
    },
    { problem },
  );
}
