import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { DECLARATION_OPENS_ON_DAY } from '../policy/declaration-window.js';
import { addMonths, compareFeePeriods, feePeriodOfDate, feePeriodParts, feePeriodSchema, formatFeePeriodZh } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import { compareIsoDates, isoDateFromParts } from '../policy/iso-date.js';
import type { IsoDate } from '../policy/iso-date.js';
import { PPM_PER_PERCENT } from '../policy/money.js';
import { WORK_INJURY_CLASSES_DATA_VERSION, workInjuryBaseRate, workInjuryRiskClassSchema } from '../policy/work-injury-classes.js';
import type { WorkInjuryRiskClass } from '../policy/work-injury-classes.js';
import { confirmationsSchema, employerCodeSchema, withCreditCodeConfirmation } from './common-schemas.js';

/**
 * Industry change (单位行业变更): the employer's industry moves to another work-injury risk class (one to
 * eight, by the GB/T 4754-2011 industries), and with it the work-injury base rate. hr records the change,
 * pushes it to tax in bulk before the collection period of the month after the change succeeded, and tax
 * applies the new class to its assessments.
 */

/**
 * Version of the date rules in this file. They follow Beijing's January 2024 process change; raise the
 * version whenever a rule here changes.
 */
const INDUSTRY_CHANGE_RULES_VERSION = '2024-01';

/** GB/T 4754-2011 industry code: the section letter A to T and a division, group or class of 2 to 4 digits. */
const industryCodeSchema = z.string().regex(/^[A-T]\d{2,4}$/, {
  message: encodeLocalizedText({
    zh: '行业代码应为《国民经济行业分类》（GB/T 4754-2011）门类字母 A–T 加 2 至 4 位数字，例如 I6510',
    en: 'the industry code must be a GB/T 4754-2011 section letter A to T followed by 2 to 4 digits, such as I6510',
  }),
});

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      currentRiskClass: workInjuryRiskClassSchema,
      /** Month the employer applied for the change at hr. */
      appliedIn: feePeriodSchema,
      confirmations: confirmationsSchema,
    })
    .strict(),
);

export type IndustryChangeInput = z.output<typeof inputSchema>;

const hrRecordChangeSchema = z
  .object({
    newRiskClass: workInjuryRiskClassSchema,
    /** Month in which the change succeeded at hr. */
    changeSucceededIn: feePeriodSchema,
    newIndustryCode: industryCodeSchema.optional(),
  })
  .strict();
const hrBulkPushSchema = z.object({}).strict();
const taxApplyNewClassSchema = z.object({}).strict();

/** A risk class with the national base rate read for it. */
interface ClassRate {
  readonly riskClass: WorkInjuryRiskClass;
  readonly baseRatePpm: number;
}

interface Context {
  readonly employerCode: string;
  readonly appliedIn: FeePeriod;
  readonly startedOn: IsoDate;
  readonly oldClass: ClassRate;
  readonly newClass: ClassRate | null;
  readonly newIndustryCode: string | null;
  readonly changeSucceededIn: FeePeriod | null;
  /** First fee period assessed with the new class. */
  readonly effectiveFromFeePeriod: FeePeriod | null;
  /**
   * Opening day of the collection period of the month after the change: the 10th, when declaring fee
   * period `changeSucceededIn` starts. The bulk push is on time only before this day.
   */
  readonly pushDueBefore: IsoDate | null;
  readonly pushedOn: IsoDate | null;
  readonly pushTimeliness: 'on-time' | 'late' | null;
  /** Warning about fee periods a late push may have left on the old class; null after an on-time push. */
  readonly warning: LocalizedText | null;
  readonly newClassAppliedOn: IsoDate | null;
  readonly decisions: readonly RecordedDecision[];
}

type Events =
  | CaseEvent<'HR_RECORD_CHANGE', z.output<typeof hrRecordChangeSchema>>
  | CaseEvent<'HR_BULK_PUSH', z.output<typeof hrBulkPushSchema>>
  | CaseEvent<'TAX_APPLY_NEW_CLASS', z.output<typeof taxApplyNewClassSchema>>;

/**
 * Returns the first fee period assessed with the new class: the month the change succeeded. The bulk
 * push is due before the 10th of the next month, when fee period M is first declared and assessed, and
 * it is due then precisely so that this assessment uses the new class.
 * NOTE: Beijing's process description gives only the push deadline, not the effective month. If the new
 * class turns out to apply from the next month, change this function.
 */
export function effectiveFromFeePeriodOf(changeSucceededIn: FeePeriod): FeePeriod {
  return changeSucceededIn;
}

/** Returns the 10th of the month after `feePeriod`, when its declaration window opens. */
export function collectionPeriodOpensOn(feePeriod: FeePeriod): IsoDate {
  const { year, month } = feePeriodParts(addMonths(feePeriod, 1));
  return isoDateFromParts(year, month, DECLARATION_OPENS_ON_DAY);
}

/** Formats a rate in parts per million as a percentage, such as 0.2% for 2,000. */
function formatRatePercent(ratePpm: number): string {
  return `${ratePpm / PPM_PER_PERCENT}%`;
}

const riskClassChanges: RuleCheck<Context, { newRiskClass: WorkInjuryRiskClass }> = (context, data) => {
  if (!data || data.newRiskClass !== context.oldClass.riskClass) return null;
  return {
    code: 'RISK_CLASS_UNCHANGED',
    message: {
      zh: `新的工伤风险类别与原类别相同（${data.newRiskClass}类），工伤保险基准费率不变，无须推送税务。`,
      en: `The new work-injury risk class equals the current one (${data.newRiskClass}), so the base rate does not change and nothing needs pushing to tax.`,
    },
    details: { riskClass: data.newRiskClass },
  };
};

const changeMonthNotInFuture: RuleCheck<Context, { changeSucceededIn: FeePeriod }> = (_context, data, businessDate) => {
  const currentMonth = feePeriodOfDate(businessDate);
  if (!data || compareFeePeriods(data.changeSucceededIn, currentMonth) <= 0) return null;
  return {
    code: 'CHANGE_MONTH_IN_FUTURE',
    message: {
      zh: `变更成功月份 ${formatFeePeriodZh(data.changeSucceededIn)} 晚于业务日期 ${businessDate} 所在月份，变更须在成功后录入。`,
      en: `The change month ${data.changeSucceededIn} is after the month of the business date ${businessDate}; record a change once it has succeeded.`,
    },
    details: { changeSucceededIn: data.changeSucceededIn, businessDate },
  };
};

const changeMonthNotBeforeApplication: RuleCheck<Context, { changeSucceededIn: FeePeriod }> = (context, data) => {
  if (!data || compareFeePeriods(data.changeSucceededIn, context.appliedIn) >= 0) return null;
  return {
    code: 'CHANGE_MONTH_BEFORE_APPLICATION',
    message: {
      zh: `变更成功月份 ${formatFeePeriodZh(data.changeSucceededIn)} 早于申请月份 ${formatFeePeriodZh(context.appliedIn)}。`,
      en: `The change month ${data.changeSucceededIn} is before the month of application, ${context.appliedIn}.`,
    },
    details: { changeSucceededIn: data.changeSucceededIn, appliedIn: context.appliedIn },
  };
};

/** hr cannot push a change to tax before the month in which it succeeded. */
const pushNotBeforeChangeMonth: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const changeMonth = context.changeSucceededIn;
  if (changeMonth === null || compareFeePeriods(feePeriodOfDate(businessDate), changeMonth) >= 0) return null;
  return {
    code: 'BULK_PUSH_BEFORE_CHANGE_MONTH',
    message: {
      zh: `行业变更于 ${formatFeePeriodZh(changeMonth)} 成功，业务日期 ${businessDate} 早于该月，不能推送。`,
      en: `The industry change succeeded in ${changeMonth} and the business date ${businessDate} is before that month, so it cannot be pushed yet.`,
    },
    details: { changeSucceededIn: changeMonth, businessDate },
  };
};

function isPushOnTime(context: Context, businessDate: IsoDate): boolean {
  return context.pushDueBefore !== null && compareIsoDates(businessDate, context.pushDueBefore) < 0;
}

function describeLatePush(context: Context, pushedOn: IsoDate): LocalizedText {
  const period = context.effectiveFromFeePeriod ?? context.appliedIn;
  const oldClass = context.oldClass;
  const newClass = context.newClass ?? oldClass;
  return {
    zh: `人社于 ${pushedOn} 推送行业变更，未在费款所属期${formatFeePeriodZh(period)}的征期开始日 ${context.pushDueBefore} 之前推送：该期及之后在推送前申报的月份可能已按原工伤风险类别（${oldClass.riskClass}类，基准费率 ${formatRatePercent(oldClass.baseRatePpm)}）核定，请单位和税务核对，并按新类别（${newClass.riskClass}类，基准费率 ${formatRatePercent(newClass.baseRatePpm)}）更正。`,
    en: `hr pushed the industry change on ${pushedOn}, not before ${context.pushDueBefore}, the day the collection period of fee period ${period} opened: months from ${period} declared before the push may have been assessed with the old risk class ${oldClass.riskClass} (base rate ${formatRatePercent(oldClass.baseRatePpm)}), so the employer and tax should check them and correct them to class ${newClass.riskClass} (base rate ${formatRatePercent(newClass.baseRatePpm)}).`,
  };
}

const passes =
  (...rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as IndustryChangeInput & { startedOn: IsoDate },
  },
  guards: {
    changeValid: passes(riskClassChanges, changeMonthNotInFuture, changeMonthNotBeforeApplication),
    pushOnTime: (args) => passes(pushNotBeforeChangeMonth)(args) && isPushOnTime(args.context, args.event.meta.businessDate),
    pushValid: passes(pushNotBeforeChangeMonth),
  },
  actions: {
    recordChange: assign(({ context, event }) => {
      if (event.type !== 'HR_RECORD_CHANGE') return {};
      const decidedOn = event.meta.businessDate;
      const { newRiskClass, changeSucceededIn } = event.data;
      const newClass = { riskClass: newRiskClass, baseRatePpm: workInjuryBaseRate(newRiskClass).baseRatePpm };
      const effectiveFromFeePeriod = effectiveFromFeePeriodOf(changeSucceededIn);
      const pushDueBefore = collectionPeriodOpensOn(changeSucceededIn);
      return {
        newClass,
        newIndustryCode: event.data.newIndustryCode ?? null,
        changeSucceededIn,
        effectiveFromFeePeriod,
        pushDueBefore,
        decisions: [
          ...context.decisions,
          {
            rule: 'work-injury-base-rate',
            inputs: { riskClass: newRiskClass },
            result: { baseRatePpm: newClass.baseRatePpm },
            dataVersion: WORK_INJURY_CLASSES_DATA_VERSION,
            decidedOn,
          },
          {
            rule: 'industry-change-effective-from',
            inputs: { changeSucceededIn },
            result: { effectiveFromFeePeriod },
            dataVersion: INDUSTRY_CHANGE_RULES_VERSION,
            decidedOn,
          },
          {
            rule: 'industry-change-push-due-before',
            inputs: { changeSucceededIn, declarationOpensOnDay: DECLARATION_OPENS_ON_DAY },
            result: { pushDueBefore },
            dataVersion: INDUSTRY_CHANGE_RULES_VERSION,
            decidedOn,
          },
        ],
      };
    }),
    recordPush: assign(({ context, event }) => {
      const pushedOn = event.meta.businessDate;
      const timeliness = isPushOnTime(context, pushedOn) ? ('on-time' as const) : ('late' as const);
      return {
        pushedOn,
        pushTimeliness: timeliness,
        warning: timeliness === 'late' ? describeLatePush(context, pushedOn) : null,
        decisions: [
          ...context.decisions,
          {
            rule: 'industry-change-push-timeliness',
            inputs: { pushedOn, pushDueBefore: context.pushDueBefore },
            result: { timeliness },
            dataVersion: INDUSTRY_CHANGE_RULES_VERSION,
            decidedOn: pushedOn,
          },
        ],
      };
    }),
  },
}).createMachine({
  id: 'industry-change',
  context: ({ input }) => {
    const oldClass = { riskClass: input.currentRiskClass, baseRatePpm: workInjuryBaseRate(input.currentRiskClass).baseRatePpm };
    return {
      employerCode: input.employerCode,
      appliedIn: input.appliedIn,
      startedOn: input.startedOn,
      oldClass,
      newClass: null,
      newIndustryCode: null,
      changeSucceededIn: null,
      effectiveFromFeePeriod: null,
      pushDueBefore: null,
      pushedOn: null,
      pushTimeliness: null,
      warning: null,
      newClassAppliedOn: null,
      decisions: [
        {
          rule: 'work-injury-base-rate',
          inputs: { riskClass: oldClass.riskClass },
          result: { baseRatePpm: oldClass.baseRatePpm },
          dataVersion: WORK_INJURY_CLASSES_DATA_VERSION,
          decidedOn: input.startedOn,
        },
      ],
    };
  },
  initial: 'awaitingHrRecord',
  states: {
    awaitingHrRecord: {
      on: { HR_RECORD_CHANGE: { guard: 'changeValid', target: 'awaitingBulkPush', actions: 'recordChange' } },
    },
    // A late push is accepted, not rejected, because rejecting cannot undo a push hr has made and tax
    // still has to apply the new class. The warning shows both sides which declared months to check.
    awaitingBulkPush: {
      on: {
        HR_BULK_PUSH: [
          { guard: 'pushOnTime', target: 'awaitingTaxConfirmation', actions: 'recordPush' },
          { guard: 'pushValid', target: 'awaitingTaxConfirmationAfterLatePush', actions: 'recordPush' },
        ],
      },
    },
    awaitingTaxConfirmation: {
      on: {
        TAX_APPLY_NEW_CLASS: { target: 'newClassApplied', actions: assign({ newClassAppliedOn: ({ event }) => event.meta.businessDate }) },
      },
    },
    awaitingTaxConfirmationAfterLatePush: {
      on: {
        TAX_APPLY_NEW_CLASS: { target: 'newClassApplied', actions: assign({ newClassAppliedOn: ({ event }) => event.meta.businessDate }) },
      },
    },
    newClassApplied: { type: 'final' },
  },
});

export const industryChange = defineProcess({
  id: 'industry-change',
  version: 1,
  title: { zh: '单位行业变更（工伤风险类别）', en: 'Industry change (work-injury risk class)' },
  description: {
    zh: '按《国民经济行业分类》（GB/T 4754-2011），行业按工伤风险程度由低到高分为一类至八类，各类执行不同的工伤保险行业基准费率。单位行业性质变更后，人社部门在变更成功的次月征期前（次月10日前）将变更信息批量推送至税务部门，税务部门自变更成功当月的费款所属期起按新类别核定。推送晚于征期开始的，仍予受理，但提示核对已按原类别申报的月份。',
    en: "Industries are divided by work-injury risk into classes one to eight (GB/T 4754-2011), and each class has its own work-injury base rate. When an employer's industry changes, hr pushes the change to tax in bulk before the collection period of the month after the change succeeded (before the 10th of that month), and tax assesses with the new class from the fee period of the change month. A push after the collection period has opened is still accepted, with a warning to check the months already declared with the old class.",
  },
  machine,
  inputSchema,
  events: {
    HR_RECORD_CHANGE: {
      title: { zh: '人社录入行业变更', en: 'hr records the industry change' },
      parties: ['hr'],
      schema: hrRecordChangeSchema,
      rules: [riskClassChanges, changeMonthNotInFuture, changeMonthNotBeforeApplication],
    },
    HR_BULK_PUSH: {
      title: { zh: '人社批量推送变更至税务', en: 'hr pushes the change to tax in bulk' },
      parties: ['hr'],
      schema: hrBulkPushSchema,
      rules: [pushNotBeforeChangeMonth],
    },
    TAX_APPLY_NEW_CLASS: {
      title: { zh: '税务按新类别核定', en: 'Tax applies the new class' },
      parties: ['tax'],
      schema: taxApplyNewClassSchema,
    },
  },
  stateTitles: {
    awaitingHrRecord: { zh: '待人社录入变更', en: "Awaiting hr's record of the change" },
    awaitingBulkPush: { zh: '待人社批量推送（须在次月征期前）', en: "Awaiting hr's bulk push (due before the next month's collection period)" },
    awaitingTaxConfirmation: { zh: '已按时推送，待税务确认新类别', en: 'Pushed on time, awaiting tax to apply the new class' },
    awaitingTaxConfirmationAfterLatePush: {
      zh: '推送晚于征期开始，待税务确认新类别并核对已申报月份',
      en: 'Pushed late, awaiting tax to apply the new class and check declared months',
    },
    newClassApplied: { zh: '税务已按新类别核定（办结）', en: 'New class applied by tax (closed)' },
  },
  caseKeys: (input: IndustryChangeInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.appliedIn,
    feePeriodTo: input.appliedIn,
  }),
});
