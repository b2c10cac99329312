import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import {
  compareFeePeriods,
  feePeriodSchema,
  formatFeePeriodZh,
  isTaxEra,
  HANDOVER_FEE_PERIOD,
} from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Insurance } from '../policy/parties.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRoute } from '../policy/routing.js';
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
 * Individual back-payment (单位申报个人补缴): an employer pays past months for one person.
 *
 * For fee periods 2023-12 and later the tax bureau assesses and collects, but only after the employer has
 * maintained the person's real start month in hr's "单位申报个人补缴" module and hr has pushed it to tax;
 * a declaration to tax before that is rejected, naming the missing step. Earlier fee periods stay on hr's
 * legacy route, where tax takes no part.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      person: personSchema,
      fromPeriod: feePeriodSchema,
      toPeriod: feePeriodSchema,
      insurances: insurancesSchema,
      /** The start month tax has on record now, normally the month the person was added (增员当月). */
      startMonthAtTax: feePeriodSchema.optional(),
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      if (compareFeePeriods(input.fromPeriod, input.toPeriod) > 0) {
        context.addIssue({
          code: 'custom',
          path: ['toPeriod'],
          message: encodeLocalizedText({
            zh: `补缴止月 ${input.toPeriod} 早于起月 ${input.fromPeriod}`,
            en: `toPeriod ${input.toPeriod} is before fromPeriod ${input.fromPeriod}`,
          }),
        });
      }
      if (isTaxEra(input.fromPeriod) !== isTaxEra(input.toPeriod)) {
        context.addIssue({
          code: 'custom',
          path: ['toPeriod'],
          message: encodeLocalizedText({
            zh: `补缴期间 ${input.fromPeriod} 至 ${input.toPeriod} 跨越 ${HANDOVER_FEE_PERIOD} 交接月：${HANDOVER_FEE_PERIOD} 前的月份由人社按原流程办理，之后的月份向税务申报，请拆成两个案件`,
            en: `the period ${input.fromPeriod} to ${input.toPeriod} crosses the ${HANDOVER_FEE_PERIOD} handover: months before it stay with hr, later months go to tax; open two cases`,
          }),
        });
      }
    }),
);

export type IndividualBackPaymentInput = z.output<typeof inputSchema>;

const maintainStartMonthSchema = z.object({ startMonth: feePeriodSchema }).strict();
const hrPushStartMonthSchema = z.object({ startMonth: feePeriodSchema }).strict();
const declareSchema = z.object({}).strict();
const assessSchema = z
  .object({
    amountFen: positiveFenSchema,
    byInsurance: z.partialRecord(z.enum(['pension', 'unemployment', 'workInjury', 'medical']), fenSchema).optional(),
  })
  .strict()
  .refine((data) => !data.byInsurance || sumValues(data.byInsurance) === data.amountFen, {
    path: ['byInsurance'],
    message: encodeLocalizedText({
      zh: '分险种金额之和必须等于核定总额',
      en: 'the amounts by insurance must add up to amountFen',
    }),
  });
const paySchema = z.object({ amountFen: positiveFenSchema }).strict();
const applyAtHrSchema = z.object({}).strict();
const hrAssessSchema = z.object({ amountFen: positiveFenSchema }).strict();

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly fromPeriod: FeePeriod;
  readonly toPeriod: FeePeriod;
  readonly insurances: readonly Insurance[];
  readonly startedOn: IsoDate;
  /** The routing decision with its inputs and the routing table version, for auditors to recompute. */
  readonly route: { readonly inputs: { readonly kind: string; readonly feePeriod: string }; readonly result: FeeRoute; readonly rulesVersion: string };
  readonly startMonthAtTax: FeePeriod | null;
  readonly maintainedStartMonth: FeePeriod | null;
  readonly pushedStartMonth: FeePeriod | null;
  readonly assessedFen: number | null;
  readonly paidFen: number | null;
}

type Events =
  | CaseEvent<'MAINTAIN_START_MONTH', z.output<typeof maintainStartMonthSchema>>
  | CaseEvent<'HR_PUSH_START_MONTH', z.output<typeof hrPushStartMonthSchema>>
  | CaseEvent<'DECLARE', z.output<typeof declareSchema>>
  | CaseEvent<'ASSESS', z.output<typeof assessSchema>>
  | CaseEvent<'PAY', z.output<typeof paySchema>>
  | CaseEvent<'APPLY_AT_HR', z.output<typeof applyAtHrSchema>>
  | CaseEvent<'HR_ASSESS', z.output<typeof hrAssessSchema>>;

/** The maintained start month must cover the first month paid, or the back-payment has no start month. */
const startMonthCoversPeriod: RuleCheck<Context, { startMonth: FeePeriod }> = (context, data) => {
  if (!data || compareFeePeriods(data.startMonth, context.fromPeriod) <= 0) return null;
  return {
    code: 'START_MONTH_AFTER_BACK_PAYMENT',
    message: {
      zh: `维护的开始缴费年月 ${formatFeePeriodZh(data.startMonth)} 晚于补缴起月 ${formatFeePeriodZh(context.fromPeriod)}：开始年月必须不晚于要补缴的第一个月。`,
      en: `The maintained start month ${data.startMonth} is after the first month paid, ${context.fromPeriod}; it must be no later than that month.`,
    },
    details: { startMonth: data.startMonth, fromPeriod: context.fromPeriod },
  };
};

/** hr can push only the start month the employer maintained in its module. */
const pushMatchesMaintained: RuleCheck<Context, { startMonth: FeePeriod }> = (context, data) => {
  if (!data || data.startMonth === context.maintainedStartMonth) return null;
  return {
    code: 'PUSHED_START_MONTH_MISMATCH',
    message: {
      zh: `推送的开始缴费年月 ${formatFeePeriodZh(data.startMonth)} 与单位维护的 ${context.maintainedStartMonth ? formatFeePeriodZh(context.maintainedStartMonth) : '（未维护）'} 不一致。`,
      en: `The pushed start month ${data.startMonth} differs from the month the employer maintained, ${context.maintainedStartMonth ?? '(none)'}.`,
    },
    details: { pushed: data.startMonth, maintained: context.maintainedStartMonth },
  };
};

/**
 * A declaration to tax needs the maintained start month to have reached tax: first the employer's
 * maintenance at hr, then hr's push. The message names whichever step is missing.
 */
const startMonthReachedTax: RuleCheck<Context, unknown> = (context) => {
  if (context.maintainedStartMonth === null) {
    return {
      code: 'START_MONTH_NOT_MAINTAINED',
      message: {
        zh: `尚不能向税务申报补缴：请先在人社“单位申报个人补缴”模块维护该人员的缴费开始年月（维护开始缴费年月，MAINTAIN_START_MONTH），再由人社推送至税务。`,
        en: `The back-payment cannot be declared to tax yet: first maintain the person's start month in hr's individual back-payment module (MAINTAIN_START_MONTH), then hr pushes it to tax.`,
      },
      details: { missingStep: 'MAINTAIN_START_MONTH' },
    };
  }
  if (context.pushedStartMonth === null) {
    return {
      code: 'START_MONTH_NOT_PUSHED',
      message: {
        zh: `尚不能向税务申报补缴：单位已维护开始缴费年月 ${formatFeePeriodZh(context.maintainedStartMonth)}，但人社尚未将其推送至税务（人社推送开始缴费年月，HR_PUSH_START_MONTH）。`,
        en: `The back-payment cannot be declared to tax yet: the start month ${context.maintainedStartMonth} is maintained, but hr has not pushed it to tax (HR_PUSH_START_MONTH).`,
      },
      details: { missingStep: 'HR_PUSH_START_MONTH', maintainedStartMonth: context.maintainedStartMonth },
    };
  }
  return null;
};

/** A payment must match the assessed amount to the fen. */
const paymentMatchesAssessment: RuleCheck<Context, { amountFen: number }> = (context, data) => {
  if (!data || data.amountFen === context.assessedFen) return null;
  return {
    code: 'PAYMENT_AMOUNT_MISMATCH',
    message: {
      zh: `缴款金额 ${data.amountFen} 分与核定金额 ${context.assessedFen ?? '（未核定）'} 分不一致。`,
      en: `The payment of ${data.amountFen} fen differs from the assessed ${context.assessedFen ?? '(none)'} fen.`,
    },
    details: { amountFen: data.amountFen, assessedFen: context.assessedFen },
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
    input: {} as IndividualBackPaymentInput & { startedOn: IsoDate },
  },
  guards: {
    isTaxEra: ({ context }) => context.route.result.era === 'tax',
    startMonthCoversPeriod: passes(startMonthCoversPeriod),
    pushMatchesMaintained: passes(pushMatchesMaintained),
    startMonthReachedTax: passes(startMonthReachedTax),
    paymentMatchesAssessment: passes(paymentMatchesAssessment),
  },
}).createMachine({
  id: 'individual-back-payment',
  context: ({ input }) => {
    const routeInputs = { kind: 'individual-back-payment', feePeriod: input.fromPeriod } as const;
    return {
      employerCode: input.employerCode,
      person: input.person,
      fromPeriod: input.fromPeriod,
      toPeriod: input.toPeriod,
      insurances: input.insurances,
      startedOn: input.startedOn,
      route: {
        inputs: routeInputs,
        result: routeFeeCase({ ...routeInputs, insurance: input.insurances[0] ?? 'pension' }),
        rulesVersion: ROUTING_TABLE_VERSION,
      },
      startMonthAtTax: input.startMonthAtTax ?? null,
      maintainedStartMonth: null,
      pushedStartMonth: null,
      assessedFen: null,
      paidFen: null,
    };
  },
  initial: 'routing',
  states: {
    // Decided at once from the fee period; an automatic transition, so the route shows in the history.
    routing: {
      always: [{ guard: 'isTaxEra', target: 'taxRoute' }, { target: 'legacyRoute' }],
    },
    taxRoute: {
      initial: 'awaitingStartMonthMaintenance',
      states: {
        awaitingStartMonthMaintenance: {
          on: {
            MAINTAIN_START_MONTH: {
              guard: 'startMonthCoversPeriod',
              target: 'awaitingHrPush',
              actions: assign({ maintainedStartMonth: ({ event }) => event.data.startMonth }),
            },
            DECLARE: { guard: 'startMonthReachedTax', target: 'declared' },
          },
        },
        awaitingHrPush: {
          on: {
            MAINTAIN_START_MONTH: {
              guard: 'startMonthCoversPeriod',
              target: 'awaitingHrPush',
              reenter: true,
              actions: assign({ maintainedStartMonth: ({ event }) => event.data.startMonth }),
            },
            HR_PUSH_START_MONTH: {
              guard: 'pushMatchesMaintained',
              target: 'readyToDeclare',
              actions: assign({
                pushedStartMonth: ({ event }) => event.data.startMonth,
                startMonthAtTax: ({ event }) => event.data.startMonth,
              }),
            },
            DECLARE: { guard: 'startMonthReachedTax', target: 'declared' },
          },
        },
        readyToDeclare: {
          on: { DECLARE: { guard: 'startMonthReachedTax', target: 'declared' } },
        },
        declared: {
          on: { ASSESS: { target: 'assessed', actions: assign({ assessedFen: ({ event }) => event.data.amountFen }) } },
        },
        assessed: {
          on: {
            PAY: {
              guard: 'paymentMatchesAssessment',
              target: '#individual-back-payment.paid',
              actions: assign({ paidFen: ({ event }) => event.data.amountFen }),
            },
          },
        },
      },
    },
    legacyRoute: {
      initial: 'awaitingHrApplication',
      states: {
        awaitingHrApplication: { on: { APPLY_AT_HR: { target: 'awaitingHrAssessment' } } },
        awaitingHrAssessment: {
          on: { HR_ASSESS: { target: 'awaitingPayment', actions: assign({ assessedFen: ({ event }) => event.data.amountFen }) } },
        },
        awaitingPayment: {
          on: {
            PAY: {
              guard: 'paymentMatchesAssessment',
              target: '#individual-back-payment.paid',
              actions: assign({ paidFen: ({ event }) => event.data.amountFen }),
            },
          },
        },
      },
    },
    paid: { type: 'final' },
  },
});

export const individualBackPayment = defineProcess({
  id: 'individual-back-payment',
  version: 1,
  title: { zh: '单位申报个人补缴', en: 'Individual back-payment' },
  description: {
    zh: `用人单位为某个人员补缴以前月份的社会保险费。费款所属期为 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 及以后的，单位须先在人社“单位申报个人补缴”模块维护该人员的缴费开始年月，人社将其推送至税务后，单位再通过社保费管理客户端、电子税务局或税务窗口申报，由税务核定并缴款。之前的费款所属期仍按人社原流程办理。`,
    en: `An employer pays past months for one person. For fee periods from ${HANDOVER_FEE_PERIOD} on, the employer first maintains the person's start month in hr's individual back-payment module; once hr has pushed it to tax, the employer declares through the fee-management client, the e-tax bureau or a tax window, tax assesses and the employer pays. Earlier fee periods follow hr's legacy process.`,
  },
  machine,
  inputSchema,
  events: {
    MAINTAIN_START_MONTH: {
      title: { zh: '维护开始缴费年月', en: 'Maintain start month' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: maintainStartMonthSchema,
      rules: [startMonthCoversPeriod],
    },
    HR_PUSH_START_MONTH: {
      title: { zh: '人社推送开始缴费年月', en: 'hr pushes start month to tax' },
      parties: ['hr'],
      recipients: ['tax'],
      schema: hrPushStartMonthSchema,
      rules: [pushMatchesMaintained],
    },
    DECLARE: {
      title: { zh: '向税务申报补缴', en: 'Declare back-payment to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareSchema,
      rules: [startMonthReachedTax],
    },
    ASSESS: {
      title: { zh: '税务核定', en: 'Tax assessment' },
      parties: ['tax'],
      schema: assessSchema,
    },
    PAY: {
      title: { zh: '缴款', en: 'Pay' },
      parties: ['employer'],
      channels: [...TAX_DECLARATION_CHANNELS, ...HR_CHANNELS],
      schema: paySchema,
      rules: [paymentMatchesAssessment],
    },
    APPLY_AT_HR: {
      title: { zh: '向人社申请补缴（原流程）', en: 'Apply at hr (legacy route)' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: applyAtHrSchema,
    },
    HR_ASSESS: {
      title: { zh: '人社核定补缴金额（原流程）', en: 'hr assesses the amount (legacy route)' },
      parties: ['hr'],
      schema: hrAssessSchema,
    },
  },
  stateTitles: {
    routing: { zh: '按费款所属期分流', en: 'Routing by fee period' },
    taxRoute: { zh: '税务办理（2023年12月及以后）', en: 'Tax route (2023-12 and later)' },
    'taxRoute.awaitingStartMonthMaintenance': { zh: '待单位维护开始缴费年月', en: 'Awaiting start-month maintenance' },
    'taxRoute.awaitingHrPush': { zh: '待人社推送开始缴费年月', en: 'Awaiting hr push of start month' },
    'taxRoute.readyToDeclare': { zh: '可向税务申报', en: 'Ready to declare to tax' },
    'taxRoute.declared': { zh: '已申报，待税务核定', en: 'Declared, awaiting assessment' },
    'taxRoute.assessed': { zh: '已核定，待缴款', en: 'Assessed, awaiting payment' },
    legacyRoute: { zh: '人社原流程（2023年12月前）', en: 'hr legacy route (before 2023-12)' },
    'legacyRoute.awaitingHrApplication': { zh: '待向人社申请', en: 'Awaiting application at hr' },
    'legacyRoute.awaitingHrAssessment': { zh: '待人社核定', en: 'Awaiting hr assessment' },
    'legacyRoute.awaitingPayment': { zh: '待缴款', en: 'Awaiting payment' },
    paid: { zh: '已缴款（办结）', en: 'Paid (closed)' },
  },
  caseKeys: (input: IndividualBackPaymentInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.fromPeriod,
    feePeriodTo: input.toPeriod,
    personIdNumber: input.person.idNumber,
  }),
  explainNotAccepted: (context: Context, eventType: string) => {
    if (context.route.result.era !== 'legacy' || !TAX_ONLY_EVENTS.has(eventType)) return null;
    return {
      code: 'LEGACY_ROUTE_AT_HR',
      message: {
        zh: `补缴期间 ${formatFeePeriodZh(context.fromPeriod)} 早于 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}，仍由人社按原流程（网厅或综合窗口）办理，税务不受理此类事件。`,
        en: `The period from ${context.fromPeriod} is before ${HANDOVER_FEE_PERIOD}, so hr handles it on its legacy route (online hall or window); tax takes no part.`,
      },
      details: { route: context.route.result },
    };
  },
});

const TAX_ONLY_EVENTS = new Set(['MAINTAIN_START_MONTH', 'HR_PUSH_START_MONTH', 'DECLARE', 'ASSESS']);

function sumValues(record: Partial<Record<string, number>>): number {
  return Object.values(record).reduce<number>((sum, value) => sum + (value ?? 0), 0);
}
