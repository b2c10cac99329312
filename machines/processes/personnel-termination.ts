import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { addMonths, compareFeePeriods, feePeriodOfDate, feePeriodSchema, formatFeePeriodZh, monthsBetween } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import { INSURANCES, INSURANCE_TITLES } from '../policy/parties.js';
import type { Insurance } from '../policy/parties.js';
import { MEDICAL_START_RULE, startMonthsAtNewEmployer } from '../policy/employer-move.js';
import type { MedicalStartRule } from '../policy/employer-move.js';
import {
  confirmationsSchema,
  employerCodeSchema,
  insurancesSchema,
  personSchema,
  withCreditCodeConfirmation,
} from './common-schemas.js';

/**
 * Personnel termination (减员): an employer ends a person's insurance after the labour contract ends.
 *
 * The case computes, per insurance, the stop month at this employer and whether it is charged, and for a
 * person who moves to another employer in the same month, the start months there. It shows the soft
 * warning of the termination screen as a confirmation step, then hr confirms the termination.
 */
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;

/**
 * Version of the month rules in this file. They follow Beijing's January 2024 process change; raise the
 * version whenever a rule here changes.
 */
const TERMINATION_RULES_VERSION = '2024-01';

export const TERMINATION_REASONS = [
  'contract-expired',
  'employee-resigned',
  'employer-dismissed',
  'mutual-agreement',
  'retirement',
  'death',
  'other-by-law',
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

export const TERMINATION_REASON_TITLES: Readonly<Record<TerminationReason, LocalizedText>> = {
  'contract-expired': { zh: '劳动合同期满终止', en: 'Labour contract expired' },
  'employee-resigned': { zh: '劳动者解除劳动合同', en: 'Employee ended the contract' },
  'employer-dismissed': { zh: '用人单位解除劳动合同', en: 'Employer ended the contract' },
  'mutual-agreement': { zh: '协商一致解除劳动合同', en: 'Ended by mutual agreement' },
  retirement: { zh: '退休', en: 'Retirement' },
  death: { zh: '死亡', en: 'Death' },
  'other-by-law': { zh: '法律法规规定的其他类型', en: 'Other types provided by laws and regulations' },
};

export { MEDICAL_START_RULE } from '../policy/employer-move.js';
export type { MedicalStartRule } from '../policy/employer-move.js';

/**
 * Warning text of the termination screen (减员软提示), verbatim from Beijing's January 2024 process
 * description, with an English translation.
 */
export const STOP_MONTH_CHARGED_WARNING: LocalizedText = {
  zh: '该人员在您单位本次停止缴费年月为解除劳动合同月，开始缴费年月当月和停止缴费年月当月都需要进行缴费。',
  en: "This person's stop month at your employer is the month the labour contract ended, and both the start month and the stop month are charged.",
};

export const TERMINATION_RECOMMENDATION: LocalizedText = {
  zh: '若无特殊情况，建议仍按原流程于人员离职次月为其办理减员。',
  en: 'Unless there is a special reason, terminate in the month after the person leaves, as before.',
};

const newEmployerSchema = z
  .object({
    employerCode: employerCodeSchema,
    /** Month in which the new employer's addition succeeded. */
    additionMonth: feePeriodSchema,
    /** Insurances at the new employer; the ones stopped here when left out. */
    insurances: insurancesSchema.optional(),
  })
  .strict();

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      person: personSchema,
      /** First month charged at this employer. */
      startMonth: feePeriodSchema,
      /** Month in which the labour contract ended (解除劳动合同月). */
      contractEndMonth: feePeriodSchema,
      /** Month in which the employer files the termination. */
      terminationMonth: feePeriodSchema,
      reason: z.enum(TERMINATION_REASONS),
      insurances: insurancesSchema,
      newEmployer: newEmployerSchema.optional(),
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      if (compareFeePeriods(input.startMonth, input.contractEndMonth) > 0) {
        context.addIssue({
          code: 'custom',
          path: ['contractEndMonth'],
          params: { code: 'CONTRACT_END_BEFORE_START_MONTH' },
          message: encodeLocalizedText({
            zh: `劳动合同解除月份 ${formatFeePeriodZh(input.contractEndMonth)} 早于开始缴费年月 ${formatFeePeriodZh(input.startMonth)}`,
            en: `the contract end month ${input.contractEndMonth} is before the start month ${input.startMonth}`,
          }),
        });
      }
      if (compareFeePeriods(input.terminationMonth, input.contractEndMonth) < 0) {
        context.addIssue({
          code: 'custom',
          path: ['terminationMonth'],
          params: { code: 'TERMINATION_BEFORE_CONTRACT_END' },
          message: encodeLocalizedText({
            zh: `减员月份 ${formatFeePeriodZh(input.terminationMonth)} 早于劳动合同解除月份 ${formatFeePeriodZh(input.contractEndMonth)}：劳动关系终止后方可减员，建议于离职次月办理`,
            en: `the termination month ${input.terminationMonth} is before the contract end month ${input.contractEndMonth}: terminate once the labour relation has ended, preferably in the month after`,
          }),
        });
      }
      if (input.newEmployer && input.newEmployer.employerCode === input.employerCode) {
        context.addIssue({
          code: 'custom',
          path: ['newEmployer', 'employerCode'],
          params: { code: 'NEW_EMPLOYER_IS_SAME' },
          message: encodeLocalizedText({
            zh: '新单位与本单位的统一社会信用代码相同',
            en: 'the new employer has the same credit code as this employer',
          }),
        });
      }
    }),
);

export type PersonnelTerminationInput = z.output<typeof inputSchema>;

const confirmWarningSchema = z.object({}).strict();
const hrConfirmTerminationSchema = z.object({}).strict();

/** When the termination is filed relative to the contract end. */
export type TerminationFiling = 'contract-end-month' | 'month-after' | 'later';

/** The months a termination produces, per insurance, recorded as one decision. */
export interface TerminationMonths {
  readonly filing: TerminationFiling;
  readonly stopMonth: FeePeriod;
  readonly stopMonths: Partial<Record<Insurance, FeePeriod>>;
  readonly stopMonthCharged: boolean;
  /** The last month this employer charges, or null when no month is charged at all. */
  readonly lastChargedMonth: FeePeriod | null;
  /** Months charged after the contract ended, because the termination was filed late. */
  readonly monthsChargedAfterContractEnd: readonly FeePeriod[];
  /** False: since 2024 the month-end push carries the stop month, so no separate monthly-report plan is made. */
  readonly separateMonthlyReportPlanNeeded: false;
  readonly newEmployerStartMonths: Partial<Record<Insurance, FeePeriod>> | null;
  readonly medicalStartRule: MedicalStartRule;
}

/**
 * Computes the stop month at this employer and the start months at a new employer.
 *
 * Stop month: filed in the contract end month, the stop month is that month. Filed in the month after
 * (the recommended way), it is still the contract end month, because the end-of-month push of the
 * contract end month listed the person and that month was charged. Filed later, the person stayed on
 * every push until the filing month, so the stop month is the month before filing, and the months after
 * the contract end are listed as charged.
 *
 * Charging: both the start month and the stop month are charged, except that a person added and
 * terminated in the same month with the reason "other types provided by laws and regulations" is not
 * charged for that month.
 *
 * New employer: work injury starts in the addition month. Pension and unemployment start no earlier than
 * the month after the last month charged here, because one person cannot pay them twice for a month.
 * Medical follows `medicalStartRule`.
 */
export function computeTerminationMonths(
  input: PersonnelTerminationInput,
  medicalStartRule: MedicalStartRule = MEDICAL_START_RULE,
): TerminationMonths {
  const filing = classifyFiling(monthsBetween(input.contractEndMonth, input.terminationMonth));
  const stopMonth = filing === 'later' ? addMonths(input.terminationMonth, -1) : input.contractEndMonth;

  const addedAndTerminatedInOneMonth = input.startMonth === input.terminationMonth;
  const stopMonthCharged = !(addedAndTerminatedInOneMonth && input.reason === 'other-by-law');
  // A month that is not charged is always the only month at this employer, so nothing is charged then.
  const lastChargedMonth = stopMonthCharged ? stopMonth : null;

  const monthsChargedAfterContractEnd: FeePeriod[] = [];
  for (let month = addMonths(input.contractEndMonth, 1); compareFeePeriods(month, stopMonth) <= 0; month = addMonths(month, 1)) {
    monthsChargedAfterContractEnd.push(month);
  }

  return {
    filing,
    stopMonth,
    stopMonths: Object.fromEntries(input.insurances.map((insurance) => [insurance, stopMonth])),
    stopMonthCharged,
    lastChargedMonth,
    monthsChargedAfterContractEnd,
    separateMonthlyReportPlanNeeded: false,
    newEmployerStartMonths: input.newEmployer
      ? computeNewEmployerStartMonths(input, lastChargedMonth, medicalStartRule)
      : null,
    medicalStartRule,
  };
}

function classifyFiling(monthsAfterContractEnd: number): TerminationFiling {
  if (monthsAfterContractEnd === 0) return 'contract-end-month';
  if (monthsAfterContractEnd === 1) return 'month-after';
  return 'later';
}

function computeNewEmployerStartMonths(
  input: PersonnelTerminationInput,
  lastChargedMonth: FeePeriod | null,
  medicalStartRule: MedicalStartRule,
): Partial<Record<Insurance, FeePeriod>> {
  const newEmployer = input.newEmployer;
  if (!newEmployer) return {};
  const previous = lastChargedMonth === null ? null : { lastChargedMonth, insurances: input.insurances };
  return startMonthsAtNewEmployer(newEmployer.insurances ?? input.insurances, newEmployer.additionMonth, previous, medicalStartRule);
}

/** Chooses the warning the employer confirms, or null when nothing needs confirming. */
export function chooseTerminationWarning(months: TerminationMonths, contractEndMonth: FeePeriod): LocalizedText | null {
  if (months.filing === 'later') {
    const list = months.monthsChargedAfterContractEnd;
    return {
      zh: `减员晚于离职次月：劳动合同于 ${formatFeePeriodZh(contractEndMonth)} 解除，但该人员在您单位的停止缴费年月为 ${formatFeePeriodZh(months.stopMonth)}，${list.map(formatFeePeriodZh).join('、')} 也需要缴费。`,
      en: `The termination is filed later than the month after leaving: the contract ended in ${contractEndMonth}, but the person's stop month at your employer is ${months.stopMonth}, so ${list.join(', ')} ${list.length === 1 ? 'is' : 'are'} charged as well.`,
    };
  }
  if (months.stopMonthCharged) return STOP_MONTH_CHARGED_WARNING;
  return null;
}

/** Lists the new employer's start months for display, grouping insurances that start together. */
export function summarizeNewEmployerStartMonths(startMonths: Partial<Record<Insurance, FeePeriod>>): LocalizedText {
  const byMonth = new Map<FeePeriod, Insurance[]>();
  for (const insurance of INSURANCES) {
    const month = startMonths[insurance];
    if (month === undefined) continue;
    byMonth.set(month, [...(byMonth.get(month) ?? []), insurance]);
  }
  const groups = [...byMonth.entries()].sort(([a], [b]) => compareFeePeriods(a, b));
  return {
    zh: `新单位开始缴费年月：${groups.map(([month, list]) => `${list.map((i) => INSURANCE_TITLES[i].zh).join('、')} ${formatFeePeriodZh(month)}`).join('；')}`,
    en: `Start months at the new employer: ${groups.map(([month, list]) => `${list.map((i) => INSURANCE_TITLES[i].en).join(', ')} from ${month}`).join('; ')}`,
  };
}

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly startMonth: FeePeriod;
  readonly contractEndMonth: FeePeriod;
  readonly terminationMonth: FeePeriod;
  readonly reason: TerminationReason;
  readonly insurances: readonly Insurance[];
  readonly newEmployerCode: string | null;
  readonly startedOn: IsoDate;
  readonly months: TerminationMonths;
  readonly newEmployerSummary: LocalizedText | null;
  /** The soft warning the employer confirms; null when there is none. */
  readonly warning: LocalizedText | null;
  readonly recommendation: LocalizedText;
  readonly warningConfirmedOn: IsoDate | null;
  readonly terminatedOn: IsoDate | null;
  readonly decisions: readonly RecordedDecision[];
}

type Events =
  | CaseEvent<'CONFIRM_WARNING', z.output<typeof confirmWarningSchema>>
  | CaseEvent<'HR_CONFIRM_TERMINATION', z.output<typeof hrConfirmTerminationSchema>>;

/**
 * The months are computed for a filing in `terminationMonth`, so the filing steps must happen in it.
 * A filing in another month needs a new case, because its stop month would differ.
 */
const actsInTerminationMonth: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const month = feePeriodOfDate(businessDate);
  if (month === context.terminationMonth) return null;
  return {
    code: 'TERMINATION_OUTSIDE_FILING_MONTH',
    message: {
      zh: `本减员按 ${formatFeePeriodZh(context.terminationMonth)} 办理计算停止缴费年月，业务日期 ${businessDate} 不在该月：请按实际办理月份重新发起减员。`,
      en: `The stop month was computed for a termination filed in ${context.terminationMonth}, and the business date ${businessDate} is outside that month: start a new termination for the month it is actually filed in.`,
    },
    details: { terminationMonth: context.terminationMonth, businessDate },
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
    input: {} as PersonnelTerminationInput & { startedOn: IsoDate },
  },
  guards: {
    hasWarning: ({ context }) => context.warning !== null,
    actsInTerminationMonth: passes(actsInTerminationMonth),
  },
}).createMachine({
  id: 'personnel-termination',
  context: ({ input }) => {
    const months = computeTerminationMonths(input);
    return {
      employerCode: input.employerCode,
      person: input.person,
      startMonth: input.startMonth,
      contractEndMonth: input.contractEndMonth,
      terminationMonth: input.terminationMonth,
      reason: input.reason,
      insurances: input.insurances,
      newEmployerCode: input.newEmployer?.employerCode ?? null,
      startedOn: input.startedOn,
      months,
      newEmployerSummary: months.newEmployerStartMonths ? summarizeNewEmployerStartMonths(months.newEmployerStartMonths) : null,
      warning: chooseTerminationWarning(months, input.contractEndMonth),
      recommendation: TERMINATION_RECOMMENDATION,
      warningConfirmedOn: null,
      terminatedOn: null,
      decisions: [
        {
          rule: 'termination-months',
          inputs: {
            startMonth: input.startMonth,
            contractEndMonth: input.contractEndMonth,
            terminationMonth: input.terminationMonth,
            reason: input.reason,
            insurances: input.insurances,
            newEmployer: input.newEmployer ?? null,
            medicalStartRule: months.medicalStartRule,
          },
          result: months,
          dataVersion: TERMINATION_RULES_VERSION,
          decidedOn: input.startedOn,
        },
      ],
    };
  },
  initial: 'assessing',
  states: {
    // Decided at once from the computed months by an automatic transition, so the route shows in the history.
    assessing: {
      always: [{ guard: 'hasWarning', target: 'awaitingConfirmation' }, { target: 'awaitingHrConfirmation' }],
    },
    awaitingConfirmation: {
      on: {
        CONFIRM_WARNING: {
          guard: 'actsInTerminationMonth',
          target: 'awaitingHrConfirmation',
          actions: assign({ warningConfirmedOn: ({ event }) => event.meta.businessDate }),
        },
      },
    },
    awaitingHrConfirmation: {
      on: {
        HR_CONFIRM_TERMINATION: {
          guard: 'actsInTerminationMonth',
          target: 'terminated',
          actions: assign({ terminatedOn: ({ event }) => event.meta.businessDate }),
        },
      },
    },
    terminated: { type: 'final' },
  },
});

export const personnelTermination = defineProcess({
  id: 'personnel-termination',
  version: 1,
  title: { zh: '人员参保登记（减少）', en: 'Personnel termination' },
  description: {
    zh: `用人单位当月为当月解除劳动关系的人员办理减员的，停止缴费年月为解除劳动合同月，无需再单独生成该人员当月月报缴费计划；开始缴费年月当月和停止缴费年月当月都需要缴费。当月增员、当月减员且减员原因选择“法律法规规定的其他类型”的，不产生当月缴费。同月转入新单位的，工伤在新单位当月开始缴费，养老、失业自次月开始缴费（同一人同一月不能重复缴纳养老保险）。${TERMINATION_RECOMMENDATION.zh}`,
    en: `When an employer terminates a person in the month the labour contract ends, the stop month is that month and no separate monthly-report plan is needed for the person; both the start month and the stop month are charged. A person added and terminated in the same month with the reason "other types provided by laws and regulations" is not charged for that month. When the person joins another employer in the same month, work injury starts there in that month, while pension and unemployment start in the next month, because one person cannot pay pension twice for a month. ${TERMINATION_RECOMMENDATION.en}`,
  },
  machine,
  inputSchema,
  events: {
    CONFIRM_WARNING: {
      title: { zh: '单位确认减员提示', en: 'Employer confirms the termination warning' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: confirmWarningSchema,
      rules: [actsInTerminationMonth],
    },
    HR_CONFIRM_TERMINATION: {
      title: { zh: '人社确认减员', en: 'hr confirms the termination' },
      parties: ['hr'],
      schema: hrConfirmTerminationSchema,
      rules: [actsInTerminationMonth],
    },
  },
  stateTitles: {
    assessing: { zh: '计算停止缴费年月', en: 'Computing the stop months' },
    awaitingConfirmation: { zh: '待单位确认减员提示', en: "Awaiting the employer's confirmation of the warning" },
    awaitingHrConfirmation: { zh: '待人社确认减员', en: "Awaiting hr's confirmation" },
    terminated: { zh: '已减员（办结）', en: 'Terminated (closed)' },
  },
  caseKeys: (input: PersonnelTerminationInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.contractEndMonth,
    feePeriodTo: input.terminationMonth,
    personIdNumber: input.person.idNumber,
  }),
});
