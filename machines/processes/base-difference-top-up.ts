import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck, RuleViolation } from '../engine/rule.js';
import { compareFeePeriods, feeEraOf, feePeriodSchema, formatFeePeriodZh, HANDOVER_FEE_PERIOD } from '../policy/fee-period.js';
import type { FeeEra, FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import { rateTimesBaseFen } from '../policy/money.js';
import type { Fen, RatePpm } from '../policy/money.js';
import { INSURANCES } from '../policy/parties.js';
import type { Insurance } from '../policy/parties.js';
import { ContributionRatesMissingError, contributionRateSet, employeeRatePpm, employerRatePpm } from '../policy/rates.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRouteRequest } from '../policy/routing.js';
import {
  confirmationsSchema,
  employerCodeSchema,
  fenSchema,
  insurancesSchema,
  personSchema,
  positiveFenSchema,
  withCreditCodeConfirmation,
} from './common-schemas.js';

/**
 * Base-difference top-up (单位申报基数差补缴): an employer raised a person's contribution base for past
 * months and pays the difference. Fee periods 2023-12 and later are declared to the tax bureau directly;
 * earlier ones go through hr's web hall or counter as before.
 *
 * This module also exports the input schema and the amount table that the base-difference refund shares,
 * because both cases take the same input and compute the same (new base - old base) x rate table.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;

/**
 * Highest applied work-injury rate: industry risk class 8 (base rate 1.9%) floated to 150%, per the national
 * rule of 2015 (人社部发〔2015〕71号, known from secondary copies). A larger value is a typing error.
 */
export const MAX_WORK_INJURY_RATE_PPM = 28_500;

/** Whether a base-difference case pays the difference (new base above old) or refunds it (new base below). */
export type BaseDifferenceDirection = 'top-up' | 'refund';

const monthSchema = z.object({ feePeriod: feePeriodSchema, oldBaseFen: fenSchema, newBaseFen: fenSchema }).strict();

export type BaseDifferenceMonth = z.output<typeof monthSchema>;

const workInjuryRateSchema = z
  .number()
  .int()
  .min(1)
  .max(MAX_WORK_INJURY_RATE_PPM, {
    message: encodeLocalizedText({
      zh: `单位适用的工伤保险费率不能超过 ${MAX_WORK_INJURY_RATE_PPM} ppm（八类行业基准费率 1.9% 上浮至 150%）`,
      en: `the applied work-injury rate must not exceed ${MAX_WORK_INJURY_RATE_PPM} ppm (class 8's base rate of 1.9% floated to 150%)`,
    }),
  });

/**
 * Builds the input schema of a base-difference case. Other processes open these cases with this shape,
 * so change it only together with them. Besides the fields' own checks, it rejects a fee period listed
 * twice and a month whose bases do not move in the case's direction. It also rejects months on both
 * sides of the 2023-12 handover, a missing or needless work-injury rate, and a month without rates.
 */
export function baseDifferenceInputSchema(direction: BaseDifferenceDirection) {
  return withCreditCodeConfirmation(
    z
      .object({
        employerCode: employerCodeSchema,
        person: personSchema,
        months: z.array(monthSchema).min(1),
        insurances: insurancesSchema,
        /** The employer's applied work-injury rate (risk class and float), required with work injury. */
        workInjuryRatePpm: workInjuryRateSchema.optional(),
        /** The case that found the difference, such as a contribution base declaration. */
        sourceCaseId: z.string().min(1).max(100).optional(),
        confirmations: confirmationsSchema,
      })
      .strict()
      .superRefine((input, context) => {
        const report = (path: PropertyKey[], code: string, message: { zh: string; en: string }): void => {
          context.addIssue({ code: 'custom', path, params: { code }, message: encodeLocalizedText(message) });
        };

        reportRepeatedMonths(input.months, report);
        reportBasesAgainstDirection(input.months, direction, report);
        reportMixedEras(input.months, report);
        reportWorkInjuryRate(input.insurances, input.workInjuryRatePpm, report);
        reportMissingRates(input.months, input.insurances, report);
      }),
  );
}

type IssueReporter = (path: PropertyKey[], code: string, message: { zh: string; en: string }) => void;

function reportRepeatedMonths(months: readonly BaseDifferenceMonth[], report: IssueReporter): void {
  const seen = new Set<string>();
  for (const [index, month] of months.entries()) {
    if (seen.has(month.feePeriod)) {
      report(['months', index, 'feePeriod'], 'FEE_PERIOD_REPEATED', {
        zh: `费款所属期 ${formatFeePeriodZh(month.feePeriod)} 重复出现，每个月只能列一次`,
        en: `fee period ${month.feePeriod} is listed more than once; list each month once`,
      });
    }
    seen.add(month.feePeriod);
  }
}

function reportBasesAgainstDirection(
  months: readonly BaseDifferenceMonth[],
  direction: BaseDifferenceDirection,
  report: IssueReporter,
): void {
  for (const [index, month] of months.entries()) {
    const { feePeriod, oldBaseFen, newBaseFen } = month;
    if (direction === 'top-up' && newBaseFen <= oldBaseFen) {
      report(['months', index, 'newBaseFen'], 'BASE_NOT_RAISED', {
        zh: `${formatFeePeriodZh(feePeriod)}的新基数 ${newBaseFen} 分不高于原基数 ${oldBaseFen} 分，没有基数差可补缴；基数调低的月份请办理基数差退费`,
        en: `the new base of ${newBaseFen} fen for ${feePeriod} is not above the old base of ${oldBaseFen} fen, so there is no difference to top up; a lowered base is a base-difference refund`,
      });
    }
    if (direction === 'refund' && newBaseFen >= oldBaseFen) {
      report(['months', index, 'newBaseFen'], 'BASE_NOT_LOWERED', {
        zh: `${formatFeePeriodZh(feePeriod)}的新基数 ${newBaseFen} 分不低于原基数 ${oldBaseFen} 分，没有基数差可退；基数调高的月份请办理基数差补缴`,
        en: `the new base of ${newBaseFen} fen for ${feePeriod} is not below the old base of ${oldBaseFen} fen, so there is no difference to refund; a raised base is a base-difference top-up`,
      });
    }
  }
}

function reportMixedEras(months: readonly BaseDifferenceMonth[], report: IssueReporter): void {
  const legacy = months.filter((month) => feeEraOf(month.feePeriod) === 'legacy').map((month) => month.feePeriod);
  const tax = months.filter((month) => feeEraOf(month.feePeriod) === 'tax').map((month) => month.feePeriod);
  if (legacy.length === 0 || tax.length === 0) return;
  report(['months'], 'FEE_PERIODS_CROSS_HANDOVER', {
    zh: `所列月份跨越 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 交接月（之前：${legacy.join('、')}；之后：${tax.join('、')}），两边由不同部门办理，请以 ${HANDOVER_FEE_PERIOD} 为界拆成两个案件`,
    en: `the months cross the ${HANDOVER_FEE_PERIOD} handover (before: ${legacy.join(', ')}; from it: ${tax.join(', ')}) and each side goes to a different agency, so split them at ${HANDOVER_FEE_PERIOD} into two cases`,
  });
}

function reportWorkInjuryRate(
  insurances: readonly Insurance[],
  workInjuryRatePpm: number | undefined,
  report: IssueReporter,
): void {
  const hasWorkInjury = insurances.includes('workInjury');
  if (hasWorkInjury && workInjuryRatePpm === undefined) {
    report(['workInjuryRatePpm'], 'WORK_INJURY_RATE_MISSING', {
      zh: '险种包含工伤保险，请在 workInjuryRatePpm 中填写该单位适用的工伤保险费率（百万分率，按行业风险类别和浮动档次确定）',
      en: 'the insurances include work injury, so give the employer applied work-injury rate in workInjuryRatePpm (parts per million, from its risk class and float)',
    });
  }
  if (!hasWorkInjury && workInjuryRatePpm !== undefined) {
    report(['workInjuryRatePpm'], 'WORK_INJURY_RATE_UNUSED', {
      zh: '险种不含工伤保险，不应填写 workInjuryRatePpm；如需计算工伤保险差额，请在 insurances 中加入 workInjury',
      en: 'the insurances do not include work injury, so leave out workInjuryRatePpm, or add workInjury to insurances',
    });
  }
}

// A missing rate set is reported here so that the machine, which computes the amounts at start, never
// meets one.
function reportMissingRates(months: readonly BaseDifferenceMonth[], insurances: readonly Insurance[], report: IssueReporter): void {
  if (insurances.every((insurance) => insurance === 'workInjury')) return;
  for (const [index, month] of months.entries()) {
    try {
      contributionRateSet(month.feePeriod);
    } catch (error) {
      if (!(error instanceof ContributionRatesMissingError)) throw error;
      report(['months', index, 'feePeriod'], error.code, error.localized);
    }
  }
}

/** One line of the amount table: one insurance in one month. Amounts are magnitudes in fen. */
export interface BaseDifferenceRow {
  readonly feePeriod: FeePeriod;
  readonly insurance: Insurance;
  readonly oldBaseFen: Fen;
  readonly newBaseFen: Fen;
  /** New base minus old base: positive for a top-up, negative for a refund. */
  readonly baseDifferenceFen: number;
  readonly employerRatePpm: RatePpm;
  readonly employeeRatePpm: RatePpm;
  /** Version of the shipped rate set used, or null for work injury, whose rate comes from the case input. */
  readonly ratesVersion: string | null;
  readonly employerFen: Fen;
  readonly employeeFen: Fen;
  /** Employer and employee shares together: to pay for a top-up, to refund for a refund. */
  readonly amountFen: Fen;
}

/** The amounts of a base-difference case, as the case stores and shows them. */
export interface BaseDifferenceTable {
  readonly direction: BaseDifferenceDirection;
  /** By fee period, then in the order of `INSURANCES`. */
  readonly rows: readonly BaseDifferenceRow[];
  readonly totalByInsurance: Readonly<Partial<Record<Insurance, Fen>>>;
  readonly totalFen: Fen;
  /** Versions of the rate sets used, joined with "+", or "none" when only work injury was computed. */
  readonly ratesDataVersion: string;
}

/**
 * Computes the amount table of a base-difference case: per month and insurance, |new base - old base|
 * times the employer rate and, separately, times the employee rate, each rounded half up once to whole
 * fen. Work injury uses `workInjuryRatePpm` for the employer and has no employee share.
 * Throws `ContributionRatesMissingError` for a month without rates and a plain `Error` when work injury
 * is listed without a rate; the input schema rejects both first.
 */
export function computeBaseDifferenceTable(
  direction: BaseDifferenceDirection,
  months: readonly BaseDifferenceMonth[],
  insurances: readonly Insurance[],
  workInjuryRatePpm: RatePpm | null,
): BaseDifferenceTable {
  const rows: BaseDifferenceRow[] = [];
  for (const month of sortMonths(months)) {
    for (const insurance of INSURANCES) {
      if (insurances.includes(insurance)) rows.push(computeRow(month, insurance, workInjuryRatePpm));
    }
  }

  const totalByInsurance: Partial<Record<Insurance, Fen>> = {};
  for (const row of rows) totalByInsurance[row.insurance] = (totalByInsurance[row.insurance] ?? 0) + row.amountFen;
  const versions = [...new Set(rows.map((row) => row.ratesVersion).filter((version): version is string => version !== null))];

  return {
    direction,
    rows,
    totalByInsurance,
    totalFen: rows.reduce((sum, row) => sum + row.amountFen, 0),
    ratesDataVersion: versions.length > 0 ? versions.join('+') : 'none',
  };
}

/** Returns the months in fee-period order. */
export function sortMonths(months: readonly BaseDifferenceMonth[]): BaseDifferenceMonth[] {
  return [...months].sort((a, b) => compareFeePeriods(a.feePeriod, b.feePeriod));
}

function computeRow(month: BaseDifferenceMonth, insurance: Insurance, workInjuryRatePpm: RatePpm | null): BaseDifferenceRow {
  const feePeriod = month.feePeriod;
  const magnitude = Math.abs(month.newBaseFen - month.oldBaseFen);

  let employerRate: RatePpm;
  let ratesVersion: string | null;
  if (insurance === 'workInjury') {
    if (workInjuryRatePpm === null) throw new Error(`work injury listed for ${feePeriod} without the employer's applied rate`);
    employerRate = workInjuryRatePpm;
    ratesVersion = null;
  } else {
    employerRate = employerRatePpm(insurance, feePeriod);
    ratesVersion = contributionRateSet(feePeriod).version;
  }
  const employeeRate = employeeRatePpm(insurance, feePeriod);

  const employerFen = rateTimesBaseFen(magnitude, employerRate);
  const employeeFen = rateTimesBaseFen(magnitude, employeeRate);
  return {
    feePeriod,
    insurance,
    oldBaseFen: month.oldBaseFen,
    newBaseFen: month.newBaseFen,
    baseDifferenceFen: month.newBaseFen - month.oldBaseFen,
    employerRatePpm: employerRate,
    employeeRatePpm: employeeRate,
    ratesVersion,
    employerFen,
    employeeFen,
    amountFen: employerFen + employeeFen,
  };
}

/** Builds the recorded decision of the amount table, with the inputs an auditor needs to recompute it. */
export function recordBaseDifferenceTable(
  table: BaseDifferenceTable,
  months: readonly BaseDifferenceMonth[],
  insurances: readonly Insurance[],
  workInjuryRatePpm: RatePpm | null,
  decidedOn: IsoDate,
): RecordedDecision {
  return {
    rule: 'compute-base-difference',
    inputs: { direction: table.direction, months: sortMonths(months), insurances: [...insurances], workInjuryRatePpm },
    result: { totalFen: table.totalFen, totalByInsurance: table.totalByInsurance, rows: table.rows },
    dataVersion: table.ratesDataVersion,
    decidedOn,
  };
}

const inputSchema = baseDifferenceInputSchema('top-up');

export type BaseDifferenceTopUpInput = z.output<typeof inputSchema>;

const declareSchema = z.object({}).strict();
const assessSchema = z.object({ amountFen: positiveFenSchema }).strict();
const paySchema = z.object({ amountFen: positiveFenSchema }).strict();
const applyAtHrSchema = z.object({}).strict();
const hrAssessSchema = z.object({ amountFen: positiveFenSchema }).strict();
const withdrawSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  /** In fee-period order. */
  readonly months: readonly BaseDifferenceMonth[];
  readonly insurances: readonly Insurance[];
  readonly workInjuryRatePpm: RatePpm | null;
  readonly sourceCaseId: string | null;
  readonly startedOn: IsoDate;
  readonly era: FeeEra;
  readonly amounts: BaseDifferenceTable;
  /** The routing and amount decisions, in the order they were made. */
  readonly decisions: readonly RecordedDecision[];
  readonly assessedFen: Fen | null;
  readonly paidFen: Fen | null;
  readonly withdrawalReason: string | null;
}

type Events =
  | CaseEvent<'DECLARE', z.output<typeof declareSchema>>
  | CaseEvent<'ASSESS', z.output<typeof assessSchema>>
  | CaseEvent<'PAY', z.output<typeof paySchema>>
  | CaseEvent<'APPLY_AT_HR', z.output<typeof applyAtHrSchema>>
  | CaseEvent<'HR_ASSESS', z.output<typeof hrAssessSchema>>
  | CaseEvent<'WITHDRAW', z.output<typeof withdrawSchema>>;

/**
 * An assessment or payment must equal the computed table's total, because the amount follows from the
 * bases and rates alone. A differing amount means a wrong base or rate, and the case must be withdrawn
 * and opened again with the right ones.
 */
const amountMatchesComputedTotal: RuleCheck<Context, { amountFen: number }> = (context, data) => {
  if (!data || data.amountFen === context.amounts.totalFen) return null;
  const { totalFen, ratesDataVersion } = context.amounts;
  return {
    code: 'BASE_DIFFERENCE_AMOUNT_MISMATCH',
    message: {
      zh: `金额 ${data.amountFen} 分与按基数差计算的应补缴金额 ${totalFen} 分不一致（${context.months.length} 个月，缴费比例数据版本 ${ratesDataVersion}）。请核对新旧基数和费率；如基数或费率有误，请撤回本案后按正确数据重新立案。`,
      en: `The amount of ${data.amountFen} fen differs from the computed base-difference top-up of ${totalFen} fen (${context.months.length} months, rates data version ${ratesDataVersion}). Check the bases and rates; if one is wrong, withdraw this case and open a new one with the right data.`,
    },
    details: { expectedFen: totalFen, givenFen: data.amountFen, ratesDataVersion },
  };
};

const passes =
  <TData>(rule: RuleCheck<Context, TData>) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rule(context, event.data as TData, event.meta.businessDate) === null;

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as BaseDifferenceTopUpInput & { startedOn: IsoDate },
  },
  guards: {
    isTaxEra: ({ context }) => context.era === 'tax',
    amountMatchesComputedTotal: passes(amountMatchesComputedTotal),
  },
  actions: {
    recordAssessment: assign({ assessedFen: ({ event }) => ('amountFen' in event.data ? event.data.amountFen : null) }),
    recordPayment: assign({ paidFen: ({ event }) => ('amountFen' in event.data ? event.data.amountFen : null) }),
    recordWithdrawal: assign({ withdrawalReason: ({ event }) => ('reason' in event.data ? event.data.reason : null) }),
  },
}).createMachine({
  id: 'base-difference-top-up',
  context: ({ input }) => {
    const months = sortMonths(input.months);
    const workInjuryRatePpm = input.workInjuryRatePpm ?? null;
    const routeRequest = {
      kind: 'base-difference-top-up',
      feePeriod: months[0]?.feePeriod ?? HANDOVER_FEE_PERIOD,
      insurance: input.insurances[0] ?? 'pension',
    } as const satisfies FeeRouteRequest;
    const route = routeFeeCase(routeRequest);
    const amounts = computeBaseDifferenceTable('top-up', months, input.insurances, workInjuryRatePpm);

    // All months are in one era (the input schema checks it), and for this kind the route does not
    // depend on the insurance, so the first month and insurance decide for the whole case.
    return {
      employerCode: input.employerCode,
      person: input.person,
      months,
      insurances: input.insurances,
      workInjuryRatePpm,
      sourceCaseId: input.sourceCaseId ?? null,
      startedOn: input.startedOn,
      era: route.era,
      amounts,
      decisions: [
        {
          rule: 'route-fee-case',
          inputs: { ...routeRequest },
          result: route,
          dataVersion: ROUTING_TABLE_VERSION,
          decidedOn: input.startedOn,
        },
        recordBaseDifferenceTable(amounts, months, input.insurances, workInjuryRatePpm, input.startedOn),
      ],
      assessedFen: null,
      paidFen: null,
      withdrawalReason: null,
    };
  },
  initial: 'routing',
  states: {
    // The route is decided at once from the fee period, by an eventless transition so that the route
    // shows in the case history.
    routing: {
      always: [{ guard: 'isTaxEra', target: 'taxRoute' }, { target: 'legacyRoute' }],
    },
    taxRoute: {
      initial: 'awaitingDeclaration',
      on: { WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' } },
      states: {
        awaitingDeclaration: { on: { DECLARE: { target: 'declared' } } },
        declared: {
          on: { ASSESS: { guard: 'amountMatchesComputedTotal', target: 'assessed', actions: 'recordAssessment' } },
        },
        assessed: {
          on: {
            PAY: { guard: 'amountMatchesComputedTotal', target: '#base-difference-top-up.paid', actions: 'recordPayment' },
          },
        },
      },
    },
    legacyRoute: {
      initial: 'awaitingHrApplication',
      on: { WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' } },
      states: {
        awaitingHrApplication: { on: { APPLY_AT_HR: { target: 'awaitingHrAssessment' } } },
        awaitingHrAssessment: {
          on: { HR_ASSESS: { guard: 'amountMatchesComputedTotal', target: 'awaitingPayment', actions: 'recordAssessment' } },
        },
        awaitingPayment: {
          on: {
            PAY: { guard: 'amountMatchesComputedTotal', target: '#base-difference-top-up.paid', actions: 'recordPayment' },
          },
        },
      },
    },
    paid: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

const TAX_ROUTE_EVENTS = new Set(['DECLARE', 'ASSESS']);
const LEGACY_ROUTE_EVENTS = new Set(['APPLY_AT_HR', 'HR_ASSESS']);

function explainNotAccepted(context: Context, eventType: string): RuleViolation | null {
  const first = context.months[0]?.feePeriod ?? HANDOVER_FEE_PERIOD;
  if (context.era === 'legacy' && TAX_ROUTE_EVENTS.has(eventType)) {
    return {
      code: 'LEGACY_ROUTE_AT_HR',
      message: {
        zh: `补差月份自 ${formatFeePeriodZh(first)} 起，早于 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}，仍通过人社部门网厅或综合窗口按原流程办理，不向税务申报。`,
        en: `The months from ${first} are before ${HANDOVER_FEE_PERIOD}, so the top-up goes through hr's web hall or counter on the legacy route, not to tax.`,
      },
      details: { era: context.era },
    };
  }
  if (context.era === 'tax' && LEGACY_ROUTE_EVENTS.has(eventType)) {
    return {
      code: 'TAX_ROUTE_DECLARE_TO_TAX',
      message: {
        zh: `补差月份自 ${formatFeePeriodZh(first)} 起，在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}（含）之后，直接向税务部门申报（社保费管理客户端、电子税务局或税务窗口），人社不再受理。`,
        en: `The months from ${first} are ${HANDOVER_FEE_PERIOD} or later, so the top-up is declared to tax directly (fee-management client, e-tax bureau or tax window); hr no longer takes it.`,
      },
      details: { era: context.era },
    };
  }
  return null;
}

export const baseDifferenceTopUp = defineProcess({
  id: 'base-difference-top-up',
  version: 1,
  title: { zh: '单位申报基数差补缴', en: 'Base-difference top-up' },
  description: {
    zh: `用人单位调高某人员以前月份的缴费基数后，补缴新旧基数之差对应的社会保险费。应补金额按月、按险种计算：（新基数 − 原基数）× 缴费比例，单位部分和个人部分分别四舍五入到分；工伤保险按单位适用的费率计算，个人不缴。费款所属期在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 及以后的，直接向税务部门申报，由税务核定后缴款；之前的，通过人社部门网厅或综合窗口按原流程办理。核定和缴款金额必须与计算结果一致。`,
    en: `After an employer raises a person's contribution base for past months, it pays the fees on the difference. The amount is computed per month and insurance as (new base - old base) x rate, with the employer and employee shares each rounded half up to the fen; work injury uses the employer's applied rate and has no employee share. Fee periods from ${HANDOVER_FEE_PERIOD} on are declared to the tax bureau, which assesses before the employer pays; earlier ones go through hr's web hall or counter as before. The assessed and paid amounts must equal the computed total.`,
  },
  machine,
  inputSchema,
  events: {
    DECLARE: {
      title: { zh: '向税务申报基数差补缴', en: 'Declare the top-up to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareSchema,
    },
    ASSESS: {
      title: { zh: '税务核定', en: 'Tax assessment' },
      parties: ['tax'],
      schema: assessSchema,
      rules: [amountMatchesComputedTotal],
    },
    APPLY_AT_HR: {
      title: { zh: '向人社申请补差（原流程）', en: 'Apply at hr (legacy route)' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: applyAtHrSchema,
    },
    HR_ASSESS: {
      title: { zh: '人社核定补差金额（原流程）', en: 'hr assesses the top-up (legacy route)' },
      parties: ['hr'],
      schema: hrAssessSchema,
      rules: [amountMatchesComputedTotal],
    },
    PAY: {
      title: { zh: '缴款', en: 'Pay' },
      parties: ['employer'],
      channels: [...TAX_DECLARATION_CHANNELS, ...HR_CHANNELS],
      schema: paySchema,
      rules: [amountMatchesComputedTotal],
    },
    WITHDRAW: {
      title: { zh: '撤回补差申请', en: 'Withdraw the top-up' },
      parties: ['employer'],
      channels: [...TAX_DECLARATION_CHANNELS, ...HR_CHANNELS],
      schema: withdrawSchema,
    },
  },
  stateTitles: {
    routing: { zh: '按费款所属期分流', en: 'Routing by fee period' },
    taxRoute: { zh: '税务办理（2023年12月及以后）', en: 'Tax route (2023-12 and later)' },
    'taxRoute.awaitingDeclaration': { zh: '待向税务申报', en: 'Awaiting the declaration to tax' },
    'taxRoute.declared': { zh: '已申报，待税务核定', en: 'Declared, awaiting assessment' },
    'taxRoute.assessed': { zh: '已核定，待缴款', en: 'Assessed, awaiting payment' },
    legacyRoute: { zh: '人社原流程（2023年12月前）', en: 'hr legacy route (before 2023-12)' },
    'legacyRoute.awaitingHrApplication': { zh: '待向人社申请', en: 'Awaiting application at hr' },
    'legacyRoute.awaitingHrAssessment': { zh: '待人社核定', en: 'Awaiting hr assessment' },
    'legacyRoute.awaitingPayment': { zh: '待缴款', en: 'Awaiting payment' },
    paid: { zh: '已缴款（办结）', en: 'Paid (closed)' },
    withdrawn: { zh: '已撤回（办结）', en: 'Withdrawn (closed)' },
  },
  caseKeys: (input: BaseDifferenceTopUpInput) => {
    const months = sortMonths(input.months);
    return {
      employerCode: input.employerCode,
      feePeriodFrom: months[0]?.feePeriod ?? '',
      feePeriodTo: months[months.length - 1]?.feePeriod ?? '',
      personIdNumber: input.person.idNumber,
    };
  },
  explainNotAccepted,
});
