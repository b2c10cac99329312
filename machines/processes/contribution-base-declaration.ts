import { assign, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { LinkedCaseRequest } from '../engine/apply-event.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import {
  CONTRIBUTION_LIMITS_DATA_VERSION,
  ContributionLimitsMissingError,
  clampContributionBase,
  contributionLimitsFor,
} from '../policy/contribution-limits.js';
import type { BaseLimitApplied } from '../policy/contribution-limits.js';
import { compareFeePeriods, feeEraOf, feePeriodOfDate, feePeriodSchema, formatFeePeriodZh } from '../policy/fee-period.js';
import type { FeeEra, FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Insurance } from '../policy/parties.js';
import { WORK_INJURY_CLASSES } from '../policy/work-injury-classes.js';
import {
  confirmationsSchema,
  employerCodeSchema,
  insurancesSchema,
  personSchema,
  positiveFenSchema,
  withCreditCodeConfirmation,
} from './common-schemas.js';

/**
 * Contribution base declaration (缴费基数申报): the employer declares a person's monthly wage to tax, after
 * an addition, on a wage change, or in the annual base assessment. Each month's wage is clamped to the
 * lower and upper limits of its fee period, and the case shows the base and why.
 *
 * When the base of a month that already had one changes, a linked case settles the difference once tax
 * has recorded the new base. A raised base opens a base-difference top-up and a lowered one a
 * base-difference refund, one linked case per direction and per side of the 2023-12 handover.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;

/** Maximum months in one declaration: five years, a bound chosen to cover annual and retroactive corrections. */
export const MAX_DECLARED_MONTHS = 60;

export const DECLARATION_KINDS = ['after-addition', 'adjustment', 'annual'] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

export const DECLARATION_KIND_TITLES: Readonly<Record<DeclarationKind, LocalizedText>> = {
  'after-addition': { zh: '增员后申报缴费工资', en: 'Wage after an addition' },
  adjustment: { zh: '调整缴费工资', en: 'Wage adjustment' },
  annual: { zh: '年度缴费基数核定', en: 'Annual base assessment' },
};

/**
 * Highest applied work-injury rate in the shipped class data: the highest base rate at its highest float
 * (class 8, 1.9% at 150%, is 28,500 ppm). A larger value is a typing error.
 */
export const MAX_WORK_INJURY_RATE_PPM = Math.max(
  ...WORK_INJURY_CLASSES.classes.map((entry) => (entry.baseRatePpm * Math.max(100, ...entry.floatPercents)) / 100),
);

const declaredMonthSchema = z
  .object({
    feePeriod: feePeriodSchema,
    wageFen: positiveFenSchema,
    /** The base that applied to this month before this declaration; given only for a month that had one. */
    previousBaseFen: positiveFenSchema.optional(),
  })
  .strict();

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      person: personSchema,
      insurances: insurancesSchema,
      kind: z.enum(DECLARATION_KINDS),
      months: z.array(declaredMonthSchema).min(1).max(MAX_DECLARED_MONTHS),
      /**
       * The employer's applied work-injury rate (risk class and float). The linked difference cases need it
       * to compute work-injury amounts, so it is required with work injury and a previous base.
       */
      workInjuryRatePpm: z.number().int().min(1).max(MAX_WORK_INJURY_RATE_PPM).optional(),
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      const seen = new Set<string>();
      for (const [index, month] of input.months.entries()) {
        if (seen.has(month.feePeriod)) {
          context.addIssue({
            code: 'custom',
            path: ['months', index, 'feePeriod'],
            params: { code: 'FEE_PERIOD_REPEATED' },
            message: encodeLocalizedText({
              zh: `费款所属期 ${formatFeePeriodZh(month.feePeriod)} 重复申报`,
              en: `fee period ${month.feePeriod} is declared more than once`,
            }),
          });
        }
        seen.add(month.feePeriod);

        if (input.kind === 'after-addition' && month.previousBaseFen !== undefined) {
          context.addIssue({
            code: 'custom',
            path: ['months', index, 'previousBaseFen'],
            params: { code: 'PREVIOUS_BASE_AFTER_ADDITION' },
            message: encodeLocalizedText({
              zh: '增员后首次申报的月份没有原缴费基数；更改已申报月份的基数请选择“调整缴费工资”（adjustment）',
              en: 'a first declaration after an addition has no previous base; to change the base of a declared month use kind adjustment',
            }),
          });
        }

        reportMissingLimits(month.feePeriod, context, ['months', index, 'feePeriod']);
      }

      if (input.kind === 'annual') reportAnnualSpanningSets(input.months, context);
      reportWorkInjuryRate(input, context);
    }),
);

export type ContributionBaseDeclarationInput = z.output<typeof inputSchema>;

const declareSchema = z.object({}).strict();
const taxRecordBaseSchema = z.object({}).strict();

/** Direction in which this declaration moves the base of a month that already had one. */
export type BaseChangeDirection = 'raised' | 'lowered' | 'unchanged';

/** One declared month with its clamped base and the reason. */
export interface DeclaredMonth {
  readonly feePeriod: FeePeriod;
  readonly wageFen: number;
  readonly baseFen: number;
  readonly applied: BaseLimitApplied;
  readonly limitSetId: string;
  readonly lowerFen: number;
  readonly upperFen: number;
  readonly explanation: LocalizedText;
  readonly previousBaseFen: number | null;
  /** Null for a month that had no base before. */
  readonly change: BaseChangeDirection | null;
}

/** The input months of a base-difference case, as the top-up and refund processes take them. */
interface DifferenceMonth {
  readonly feePeriod: FeePeriod;
  readonly oldBaseFen: number;
  readonly newBaseFen: number;
}

interface Context {
  readonly employerCode: string;
  readonly confirmations: readonly string[];
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly insurances: readonly Insurance[];
  readonly kind: DeclarationKind;
  readonly workInjuryRatePpm: number | null;
  readonly startedOn: IsoDate;
  /** The declared months in fee-period order. */
  readonly months: readonly DeclaredMonth[];
  readonly limitsDataVersion: string;
  readonly declaredOn: IsoDate | null;
  readonly baseRecordedOn: IsoDate | null;
  readonly decisions: readonly RecordedDecision[];
}

type Events =
  | CaseEvent<'DECLARE', z.output<typeof declareSchema>>
  | CaseEvent<'TAX_RECORD_BASE', z.output<typeof taxRecordBaseSchema>>;

function reportMissingLimits(feePeriod: FeePeriod, context: z.RefinementCtx, path: readonly PropertyKey[]): void {
  try {
    contributionLimitsFor(feePeriod);
  } catch (error) {
    if (!(error instanceof ContributionLimitsMissingError)) throw error;
    context.addIssue({
      code: 'custom',
      path: [...path],
      params: { code: error.code, feePeriod: error.feePeriod },
      message: encodeLocalizedText(error.localized),
    });
  }
}

/**
 * A month with a previous base may open a difference case, which needs the work-injury rate when work
 * injury is declared. Without work injury the rate is rejected, as the difference cases reject it.
 */
function reportWorkInjuryRate(
  input: { readonly insurances: readonly Insurance[]; readonly months: readonly { previousBaseFen?: number | undefined }[]; readonly workInjuryRatePpm?: number | undefined },
  context: z.RefinementCtx,
): void {
  const withWorkInjury = input.insurances.includes('workInjury');
  const mayOpenDifferenceCase = input.months.some((month) => month.previousBaseFen !== undefined);

  if (withWorkInjury && mayOpenDifferenceCase && input.workInjuryRatePpm === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['workInjuryRatePpm'],
      params: { code: 'WORK_INJURY_RATE_REQUIRED' },
      message: encodeLocalizedText({
        zh: '申报险种含工伤保险且有原缴费基数的月份：请填写单位适用的工伤保险费率 workInjuryRatePpm（百万分率，按行业类别和浮动档次），基数差额案件据此计算工伤保险差额',
        en: 'the insurances include work injury and some months have a previous base, so give the employer applied work-injury rate in workInjuryRatePpm (parts per million, from its risk class and float); the base-difference cases compute the work-injury difference with it',
      }),
    });
  }
  if (!withWorkInjury && input.workInjuryRatePpm !== undefined) {
    context.addIssue({
      code: 'custom',
      path: ['workInjuryRatePpm'],
      params: { code: 'WORK_INJURY_RATE_NOT_NEEDED' },
      message: encodeLocalizedText({
        zh: '申报险种不含工伤保险，请删除 workInjuryRatePpm',
        en: 'the insurances do not include work injury, so remove workInjuryRatePpm',
      }),
    });
  }
}

/** An annual assessment sets one year's base, so its months must share one limit set. */
function reportAnnualSpanningSets(months: readonly { feePeriod: FeePeriod }[], context: z.RefinementCtx): void {
  const setIds = new Set<string>();
  for (const month of months) {
    try {
      setIds.add(contributionLimitsFor(month.feePeriod).id);
    } catch (error) {
      if (!(error instanceof ContributionLimitsMissingError)) throw error;
    }
  }
  if (setIds.size <= 1) return;
  const list = [...setIds].join(', ');
  context.addIssue({
    code: 'custom',
    path: ['months'],
    params: { code: 'ANNUAL_DECLARATION_SPANS_LIMIT_SETS' },
    message: encodeLocalizedText({
      zh: `年度缴费基数核定的月份跨越了多个缴费基数年度（${list}），请按年度分别申报`,
      en: `the months of an annual base assessment span more than one limit year (${list}); declare each year separately`,
    }),
  });
}

/** Clamps each month's wage and compares the base with the previous one. */
export function clampDeclaredMonths(months: ContributionBaseDeclarationInput['months']): DeclaredMonth[] {
  const sorted = [...months].sort((a, b) => compareFeePeriods(a.feePeriod, b.feePeriod));
  return sorted.map((month) => {
    const clamped = clampContributionBase(month.wageFen, month.feePeriod);
    const previousBaseFen = month.previousBaseFen ?? null;
    return {
      feePeriod: month.feePeriod,
      wageFen: month.wageFen,
      baseFen: clamped.baseFen,
      applied: clamped.applied,
      limitSetId: clamped.limitSetId,
      lowerFen: clamped.lowerFen,
      upperFen: clamped.upperFen,
      explanation: clamped.explanation,
      previousBaseFen,
      change: previousBaseFen === null ? null : compareBases(clamped.baseFen, previousBaseFen),
    };
  });
}

function compareBases(newBaseFen: number, previousBaseFen: number): BaseChangeDirection {
  if (newBaseFen > previousBaseFen) return 'raised';
  return newBaseFen < previousBaseFen ? 'lowered' : 'unchanged';
}

/**
 * Builds the linked base-difference cases: raised months for a `base-difference-top-up`, lowered months
 * for a `base-difference-refund`. Each linked case covers months of one era only, because the agency
 * that handles a difference depends on the side of the 2023-12 handover, so a direction whose months
 * cross it yields two requests, legacy first. The linked case id is unknown here; the store records the
 * link between the two cases.
 */
export function buildBaseDifferenceRequests(context: Context): LinkedCaseRequest[] {
  const requests: LinkedCaseRequest[] = [];
  const directions = [
    { change: 'raised', processId: 'base-difference-top-up', relation: 'top-up-of' },
    { change: 'lowered', processId: 'base-difference-refund', relation: 'refund-of' },
  ] as const;

  for (const direction of directions) {
    for (const era of ['legacy', 'tax'] as const satisfies readonly FeeEra[]) {
      const months = differenceMonths(context.months, direction.change, era);
      if (months.length === 0) continue;
      requests.push({
        type: 'case.openLinked',
        processId: direction.processId,
        relation: direction.relation,
        input: {
          employerCode: context.employerCode,
          person: { name: context.person.name, idNumber: context.person.idNumber },
          months,
          insurances: context.insurances,
          ...(context.workInjuryRatePpm === null ? {} : { workInjuryRatePpm: context.workInjuryRatePpm }),
          confirmations: context.confirmations,
        },
      });
    }
  }
  return requests;
}

function differenceMonths(months: readonly DeclaredMonth[], change: BaseChangeDirection, era: FeeEra): DifferenceMonth[] {
  const selected: DifferenceMonth[] = [];
  for (const month of months) {
    if (month.change !== change || month.previousBaseFen === null || feeEraOf(month.feePeriod) !== era) continue;
    selected.push({ feePeriod: month.feePeriod, oldBaseFen: month.previousBaseFen, newBaseFen: month.baseFen });
  }
  return selected;
}

/**
 * A previous base exists only for a month already declared, so it must be a fee period before the
 * month of the declaration. A current or future month is declared for the first time.
 */
const previousBaseOnlyForPastPeriods: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const currentMonth = feePeriodOfDate(businessDate);
  const notPast = context.months.filter(
    (month) => month.previousBaseFen !== null && compareFeePeriods(month.feePeriod, currentMonth) >= 0,
  );
  if (notPast.length === 0) return null;
  const periods = notPast.map((month) => month.feePeriod);
  return {
    code: 'PREVIOUS_BASE_FOR_CURRENT_PERIOD',
    message: {
      zh: `费款所属期 ${periods.map(formatFeePeriodZh).join('、')} 不早于申报当月 ${formatFeePeriodZh(currentMonth)}，尚未申报过，不应填写原缴费基数（previousBaseFen）。`,
      en: `Fee periods ${periods.join(', ')} are not before the month of the declaration, ${currentMonth}, so they have not been declared yet and take no previous base (previousBaseFen).`,
    },
    details: { feePeriods: periods, currentMonth },
  };
};

const passes =
  (...rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as ContributionBaseDeclarationInput & { startedOn: IsoDate },
    emitted: {} as LinkedCaseRequest,
  },
  guards: {
    previousBaseOnlyForPastPeriods: passes(previousBaseOnlyForPastPeriods),
  },
  actions: {
    recordBase: assign(({ context, event }) => {
      const requests = buildBaseDifferenceRequests(context);
      return {
        baseRecordedOn: event.meta.businessDate,
        decisions: [
          ...context.decisions,
          {
            rule: 'base-difference-cases',
            inputs: {
              months: context.months.map(({ feePeriod, baseFen, previousBaseFen }) => ({ feePeriod, baseFen, previousBaseFen })),
            },
            result: requests.map((request) => ({ processId: request.processId, relation: request.relation, input: request.input })),
            dataVersion: CONTRIBUTION_LIMITS_DATA_VERSION,
            decidedOn: event.meta.businessDate,
          },
        ],
      };
    }),
    openBaseDifferenceCases: enqueueActions(({ context, enqueue }) => {
      for (const request of buildBaseDifferenceRequests(context)) enqueue.emit(request);
    }),
  },
}).createMachine({
  id: 'contribution-base-declaration',
  context: ({ input }) => {
    const months = clampDeclaredMonths(input.months);
    return {
      employerCode: input.employerCode,
      confirmations: input.confirmations,
      person: input.person,
      insurances: input.insurances,
      kind: input.kind,
      workInjuryRatePpm: input.workInjuryRatePpm ?? null,
      startedOn: input.startedOn,
      months,
      limitsDataVersion: CONTRIBUTION_LIMITS_DATA_VERSION,
      declaredOn: null,
      baseRecordedOn: null,
      decisions: months.map((month) => ({
        rule: 'clamp-contribution-base',
        inputs: { feePeriod: month.feePeriod, wageFen: month.wageFen },
        result: {
          baseFen: month.baseFen,
          applied: month.applied,
          limitSetId: month.limitSetId,
          lowerFen: month.lowerFen,
          upperFen: month.upperFen,
          explanation: month.explanation,
        },
        dataVersion: CONTRIBUTION_LIMITS_DATA_VERSION,
        decidedOn: input.startedOn,
      })),
    };
  },
  initial: 'awaitingDeclaration',
  states: {
    awaitingDeclaration: {
      on: {
        DECLARE: {
          guard: 'previousBaseOnlyForPastPeriods',
          target: 'awaitingTaxRecord',
          actions: assign({ declaredOn: ({ event }) => event.meta.businessDate }),
        },
      },
    },
    awaitingTaxRecord: {
      on: { TAX_RECORD_BASE: { target: 'baseRecorded', actions: 'recordBase' } },
    },
    baseRecorded: { type: 'final', entry: 'openBaseDifferenceCases' },
  },
});

export const contributionBaseDeclaration = defineProcess({
  id: 'contribution-base-declaration',
  version: 1,
  title: { zh: '缴费基数申报', en: 'Contribution base declaration' },
  description: {
    zh: '用人单位通过社保费管理客户端、电子税务局或税务窗口向税务部门申报人员的缴费工资：增员后的缴费工资、缴费工资调整和年度缴费基数核定。每月的缴费基数按该费款所属期的缴费基数上下限确定：低于下限的按下限计，高于上限的按上限计，本案件列出每月的缴费基数及理由。已申报月份的基数调高的，税务记录新基数后自动发起基数差额补缴；调低的，发起基数差额退费。',
    en: "The employer declares a person's contribution wage to tax through the fee-management client, the e-tax bureau or a tax window: the wage after an addition, wage adjustments, and the annual base assessment. Each month's base is the wage clamped to that fee period's lower and upper limits, and the case shows each month's base and why. When the base of an already declared month goes up, a base-difference top-up opens once tax has recorded the new base; when it goes down, a base-difference refund opens.",
  },
  machine,
  inputSchema,
  events: {
    DECLARE: {
      title: { zh: '向税务申报缴费工资', en: 'Declare the wage to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareSchema,
      rules: [previousBaseOnlyForPastPeriods],
    },
    TAX_RECORD_BASE: {
      title: { zh: '税务记录缴费基数', en: 'Tax records the base' },
      parties: ['tax'],
      schema: taxRecordBaseSchema,
    },
  },
  stateTitles: {
    awaitingDeclaration: { zh: '待单位向税务申报', en: 'Awaiting the declaration to tax' },
    awaitingTaxRecord: { zh: '已申报，待税务记录基数', en: 'Declared, awaiting tax to record the base' },
    baseRecorded: { zh: '税务已记录缴费基数（办结）', en: 'Base recorded by tax (closed)' },
  },
  caseKeys: (input: ContributionBaseDeclarationInput) => {
    const periods = input.months.map((month) => month.feePeriod).sort(compareFeePeriods);
    const first = periods[0] ?? '';
    return {
      employerCode: input.employerCode,
      feePeriodFrom: first,
      feePeriodTo: periods.at(-1) ?? first,
      personIdNumber: input.person.idNumber,
    };
  },
});
