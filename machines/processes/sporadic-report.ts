import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import {
  compareFeePeriods,
  feePeriodOfDate,
  feePeriodParts,
  feePeriodSchema,
  formatFeePeriodZh,
  isTaxEra,
  HANDOVER_FEE_PERIOD,
} from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import { daysInMonth, isoDateFromParts } from '../policy/iso-date.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Fen } from '../policy/money.js';
import type { Insurance } from '../policy/parties.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRouteRequest } from '../policy/routing.js';
import {
  confirmationsSchema,
  employerCodeSchema,
  insurancesSchema,
  personSchema,
  positiveFenSchema,
  withCreditCodeConfirmation,
} from './common-schemas.js';

/**
 * Sporadic report (零星月报): hr generates one person's fees for the current month, on any day of that
 * month. It is what remains of hr's old monthly-report plan module, and its typical use is a person
 * retiring, whose fees for the month of retirement are generated and paid in that month.
 *
 * The employer submits the request at hr and hr generates the amount. The fees are then paid at the tax
 * bureau, because tax collects every fee of fee periods 2023-12 and later. Payment, like generation, is
 * open all month, and a case still open when its month has ended is closed as lapsed.
 *
 * NOTE: Beijing's January 2024 briefing 社保费申报缴纳流程优化 names neither how hr's generated fees
 * reach tax nor what happens to generated fees left unpaid at month end. This process lets the employer
 * pay at tax right after generation, and closes a case unpaid at month end without opening another case.
 */
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;
const TAX_PAYMENT_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;

/** Version of the collection rule in this file, named after the month it took effect. */
export const SPORADIC_REPORT_COLLECTION_RULE_VERSION = '2024-01';

export const SPORADIC_REPORT_REASONS = ['retirement', 'other'] as const;

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      person: personSchema,
      feePeriod: feePeriodSchema,
      /** `retirement`: the month the person retires (退休当月); `other` needs a note. */
      reason: z.enum(SPORADIC_REPORT_REASONS),
      note: z.string().trim().min(1).max(500).optional(),
      insurances: insurancesSchema,
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      if (!isTaxEra(input.feePeriod)) {
        context.addIssue({
          code: 'custom',
          path: ['feePeriod'],
          params: { code: 'FEE_PERIOD_BEFORE_HANDOVER' },
          message: encodeLocalizedText({
            zh: `费款所属期 ${formatFeePeriodZh(input.feePeriod)} 早于 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}：当时个人当月费用由人社“单位月报缴费计划”生成并批量扣款，不在此办理；该月的欠费请按单位欠缴社保费处理或个人补缴办理。`,
            en: `Fee period ${input.feePeriod} is before ${HANDOVER_FEE_PERIOD}, when hr's monthly-report plan generated a person's current-month fees for the batch debit, so it is not handled here; pay that month's unpaid fees as arrears or an individual back-payment.`,
          }),
        });
      }
      if (input.reason === 'other' && input.note === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['note'],
          params: { code: 'NOTE_REQUIRED' },
          message: encodeLocalizedText({
            zh: '原因为“其他”（other）时，请在 note 中说明为何需要生成该人员的当月费用',
            en: 'with the reason other, explain in note why the person needs a sporadic report',
          }),
        });
      }
    }),
);

export type SporadicReportInput = z.output<typeof inputSchema>;

const submitAtHrSchema = z.object({}).strict();
const hrGenerateSchema = z.object({ amountFen: positiveFenSchema }).strict();
const hrRejectSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const paySchema = z.object({ amountFen: positiveFenSchema }).strict();
const withdrawSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const monthEndedSchema = z.object({}).strict();

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly feePeriod: FeePeriod;
  readonly reason: (typeof SPORADIC_REPORT_REASONS)[number];
  readonly note: string | null;
  readonly insurances: readonly Insurance[];
  readonly startedOn: IsoDate;
  /** The routing at start and the collection decision at generation, in the order they were made. */
  readonly decisions: readonly RecordedDecision[];
  readonly submittedOn: IsoDate | null;
  readonly generatedFen: Fen | null;
  readonly paidFen: Fen | null;
  /** hr's rejection or the employer's withdrawal, as written by them. */
  readonly closingReason: string | null;
}

type Events =
  | CaseEvent<'SUBMIT_AT_HR', z.output<typeof submitAtHrSchema>>
  | CaseEvent<'HR_GENERATE', z.output<typeof hrGenerateSchema>>
  | CaseEvent<'HR_REJECT', z.output<typeof hrRejectSchema>>
  | CaseEvent<'PAY', z.output<typeof paySchema>>
  | CaseEvent<'WITHDRAW', z.output<typeof withdrawSchema>>
  | CaseEvent<'MONTH_ENDED', z.output<typeof monthEndedSchema>>;

/**
 * Submission, generation and payment happen in the fee period's own month, because the sporadic report
 * covers only the current month. A past month is a back-payment, and a future month cannot be generated
 * in advance since the monthly-report plan module was taken offline.
 */
const feePeriodIsCurrentMonth: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const currentMonth = feePeriodOfDate(businessDate);
  const order = compareFeePeriods(context.feePeriod, currentMonth);
  if (order === 0) return null;

  const feePeriodZh = formatFeePeriodZh(context.feePeriod);
  const currentZh = formatFeePeriodZh(currentMonth);
  const next =
    order < 0
      ? {
          zh: `${feePeriodZh}已经过去，该月费用请向税务部门办理补缴（个人补缴或欠费处理）。`,
          en: `${context.feePeriod} has passed, so pay that month's fees to tax as a back-payment (individual back-payment or arrears).`,
        }
      : {
          zh: `不能提前生成以后月份的费用，请于${feePeriodZh}内办理。`,
          en: `Fees of a later month cannot be generated in advance, so do it during ${context.feePeriod}.`,
        };
  return {
    code: 'SPORADIC_REPORT_NOT_CURRENT_MONTH',
    message: {
      zh: `零星月报只能生成和缴纳当月费用：费款所属期${feePeriodZh}不是业务日期 ${businessDate} 所在的${currentZh}。${next.zh}`,
      en: `A sporadic report covers only the current month: fee period ${context.feePeriod} is not ${currentMonth}, the month of the business date ${businessDate}. ${next.en}`,
    },
    details: { feePeriod: context.feePeriod, currentMonth, businessDate },
  };
};

/** A case lapses only after the last day of its fee period's month. */
const feePeriodMonthHasEnded: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  if (compareFeePeriods(feePeriodOfDate(businessDate), context.feePeriod) > 0) return null;
  return {
    code: 'FEE_PERIOD_MONTH_NOT_ENDED',
    message: {
      zh: `费款所属期${formatFeePeriodZh(context.feePeriod)}尚未结束（业务日期 ${businessDate}），零星月报全月均可办理，不能按逾期关闭。`,
      en: `Fee period ${context.feePeriod} has not ended (business date ${businessDate}); a sporadic report stays open all month, so it cannot lapse yet.`,
    },
    details: { feePeriod: context.feePeriod, businessDate },
  };
};

/** A payment must match hr's generated amount to the fen. */
const paymentMatchesGeneratedAmount: RuleCheck<Context, { amountFen: number }> = (context, data) => {
  if (!data || data.amountFen === context.generatedFen) return null;
  return {
    code: 'PAYMENT_AMOUNT_MISMATCH',
    message: {
      zh: `缴款金额 ${data.amountFen} 分与人社生成的应缴金额 ${context.generatedFen ?? '（未生成）'} 分不一致。`,
      en: `The payment of ${data.amountFen} fen differs from the ${context.generatedFen ?? '(none)'} fen that hr generated.`,
    },
    details: { givenFen: data.amountFen, expectedFen: context.generatedFen },
  };
};

const passes =
  (...rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

/**
 * Records who collects the generated fees. Tax collects every fee of fee periods 2023-12 and later, and
 * the input schema admits no earlier period, so the result is always tax, open until the month's last day.
 */
function recordCollection(context: Context, generatedOn: IsoDate, amountFen: Fen): RecordedDecision {
  const { year, month } = feePeriodParts(context.feePeriod);
  const payBy = isoDateFromParts(year, month, daysInMonth(year, month));
  return {
    rule: 'sporadic-report-collection',
    inputs: { feePeriod: context.feePeriod, amountFen },
    result: {
      collector: 'tax',
      channels: [...TAX_PAYMENT_CHANNELS],
      payBy,
      rule: {
        zh: `费款所属期${formatFeePeriodZh(context.feePeriod)}在${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}（含）之后，人社生成的费用由税务部门征收，单位可在当月任意一天（至 ${payBy}）通过社保费管理客户端、电子税务局或税务窗口缴款。`,
        en: `Fee period ${context.feePeriod} is ${HANDOVER_FEE_PERIOD} or later, so the tax bureau collects the fees hr generated, and the employer pays on any day of the month (until ${payBy}) through the fee-management client, the e-tax bureau or a tax window.`,
      },
    },
    dataVersion: SPORADIC_REPORT_COLLECTION_RULE_VERSION,
    decidedOn: generatedOn,
  };
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as SporadicReportInput & { startedOn: IsoDate },
  },
  guards: {
    feePeriodIsCurrentMonth: passes(feePeriodIsCurrentMonth),
    feePeriodMonthHasEnded: passes(feePeriodMonthHasEnded),
    paymentAllowed: passes(feePeriodIsCurrentMonth, paymentMatchesGeneratedAmount),
  },
  actions: {
    recordClosingReason: assign({
      closingReason: ({ event }) => (event.type === 'HR_REJECT' || event.type === 'WITHDRAW' ? event.data.reason : null),
    }),
  },
}).createMachine({
  id: 'sporadic-report',
  context: ({ input }) => {
    const routeRequest = {
      kind: 'sporadic-report',
      feePeriod: input.feePeriod,
      insurance: input.insurances[0] ?? 'pension',
    } as const satisfies FeeRouteRequest;
    return {
      employerCode: input.employerCode,
      person: input.person,
      feePeriod: input.feePeriod,
      reason: input.reason,
      note: input.note ?? null,
      insurances: input.insurances,
      startedOn: input.startedOn,
      // For this kind the route does not depend on the insurance, so the first one decides for all.
      decisions: [
        {
          rule: 'route-fee-case',
          inputs: { ...routeRequest },
          result: routeFeeCase(routeRequest),
          dataVersion: ROUTING_TABLE_VERSION,
          decidedOn: input.startedOn,
        },
      ],
      submittedOn: null,
      generatedFen: null,
      paidFen: null,
      closingReason: null,
    };
  },
  initial: 'awaitingSubmission',
  states: {
    awaitingSubmission: {
      on: {
        SUBMIT_AT_HR: {
          guard: 'feePeriodIsCurrentMonth',
          target: 'awaitingGeneration',
          actions: assign({ submittedOn: ({ event }) => event.meta.businessDate }),
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordClosingReason' },
        MONTH_ENDED: { guard: 'feePeriodMonthHasEnded', target: 'lapsed' },
      },
    },
    awaitingGeneration: {
      on: {
        HR_GENERATE: {
          guard: 'feePeriodIsCurrentMonth',
          target: 'awaitingPayment',
          actions: assign(({ context, event }) => ({
            generatedFen: event.data.amountFen,
            decisions: [...context.decisions, recordCollection(context, event.meta.businessDate, event.data.amountFen)],
          })),
        },
        HR_REJECT: { target: 'rejected', actions: 'recordClosingReason' },
        MONTH_ENDED: { guard: 'feePeriodMonthHasEnded', target: 'lapsed' },
      },
    },
    awaitingPayment: {
      on: {
        PAY: {
          guard: 'paymentAllowed',
          target: 'paid',
          actions: assign({ paidFen: ({ event }) => event.data.amountFen }),
        },
        MONTH_ENDED: { guard: 'feePeriodMonthHasEnded', target: 'lapsed' },
      },
    },
    paid: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
    lapsed: { type: 'final' },
  },
});

export const sporadicReport = defineProcess({
  id: 'sporadic-report',
  version: 1,
  title: { zh: '零星月报', en: 'Sporadic report' },
  description: {
    zh: `人社部门为某一人员生成其当月应缴的社会保险费，当月任意一天均可办理，典型场景是人员退休当月的缴费。这是原“单位月报缴费计划生成”模块下线后人社保留的功能，不再生成单位整体费用。单位在人社网厅或综合窗口提交，人社生成应缴金额后，由于费款所属期在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 及以后的费用均由税务征收，单位在当月内通过社保费管理客户端、电子税务局或税务窗口缴款。只能办理当月：以往月份请办理补缴，以后月份不能提前生成。当月结束仍未办结的案件按逾期关闭。`,
    en: `hr generates one person's fees for the current month, on any day of the month; the typical case is a person retiring, for the month of retirement. It is the function hr kept when its monthly-report plan module went offline, and it no longer generates an employer's whole fees. The employer submits the request through hr's online hall or counter and hr generates the amount; because tax collects every fee of fee periods from ${HANDOVER_FEE_PERIOD} on, the employer then pays within the month through the fee-management client, the e-tax bureau or a tax window. Only the current month is accepted: a past month is a back-payment and a later month cannot be generated in advance. A case still open when its month ends is closed as lapsed.`,
  },
  machine,
  inputSchema,
  events: {
    SUBMIT_AT_HR: {
      title: { zh: '向人社提交零星月报', en: 'Submit the sporadic report at hr' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: submitAtHrSchema,
      rules: [feePeriodIsCurrentMonth],
    },
    HR_GENERATE: {
      title: { zh: '人社生成当月应缴费用', en: 'hr generates the current month fees' },
      parties: ['hr'],
      schema: hrGenerateSchema,
      rules: [feePeriodIsCurrentMonth],
    },
    HR_REJECT: {
      title: { zh: '人社不予生成', en: 'hr rejects the request' },
      parties: ['hr'],
      schema: hrRejectSchema,
    },
    PAY: {
      title: { zh: '向税务缴款', en: 'Pay at tax' },
      parties: ['employer'],
      channels: TAX_PAYMENT_CHANNELS,
      schema: paySchema,
      rules: [feePeriodIsCurrentMonth, paymentMatchesGeneratedAmount],
    },
    WITHDRAW: {
      title: { zh: '撤回', en: 'Withdraw' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: withdrawSchema,
    },
    MONTH_ENDED: {
      title: { zh: '当月结束仍未办结', en: 'Month ended before completion' },
      parties: ['system'],
      schema: monthEndedSchema,
      rules: [feePeriodMonthHasEnded],
    },
  },
  stateTitles: {
    awaitingSubmission: { zh: '待向人社提交', en: 'Awaiting submission at hr' },
    awaitingGeneration: { zh: '已提交，待人社生成费用', en: 'Submitted, awaiting generation by hr' },
    awaitingPayment: { zh: '已生成，待向税务缴款', en: 'Generated, awaiting payment at tax' },
    paid: { zh: '已缴款（办结）', en: 'Paid (closed)' },
    rejected: { zh: '人社不予生成（办结）', en: 'Rejected by hr (closed)' },
    withdrawn: { zh: '已撤回（办结）', en: 'Withdrawn (closed)' },
    lapsed: { zh: '当月未办结，逾期关闭', en: 'Lapsed at month end (closed)' },
  },
  startRules: [(input: SporadicReportInput, _data, businessDate) => feePeriodIsCurrentMonth({ feePeriod: input.feePeriod } as Context, undefined, businessDate)],
  caseKeys: (input: SporadicReportInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.feePeriod,
    feePeriodTo: input.feePeriod,
    personIdNumber: input.person.idNumber,
  }),
});
