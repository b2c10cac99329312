import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { CALENDAR_DATA_VERSION } from '../policy/calendar.js';
import { legacyBatchDebitDate } from '../policy/declaration-window.js';
import { compareFeePeriods, feeEraOf, feePeriodSchema, formatFeePeriodZh, HANDOVER_FEE_PERIOD } from '../policy/fee-period.js';
import type { FeeEra, FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import { LATE_FEE_DAILY_RATE_PER_TEN_THOUSAND, lateFeeDays, lateFeeFen } from '../policy/money.js';
import type { LateFeeFirstDay } from '../policy/money.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRoute } from '../policy/routing.js';
import { confirmationsSchema, employerCodeSchema, fenSchema, positiveFenSchema, withCreditCodeConfirmation } from './common-schemas.js';
import { computeOrReportMissingCalendar, recordDeclarationWindow } from './deadline-records.js';

/**
 * Employer arrears (单位欠缴社保费处理): an employer pays fee periods it left unpaid, with the late fee.
 *
 * Fee periods 2023-12 and later are declared to the tax bureau directly: the employer declares, tax
 * assesses the principal of each month, and one payment covers every month with its late fee. Earlier
 * fee periods stay on hr's legacy route, where months are paid one at a time, earliest unpaid month first.
 * A monthly report whose window closes unpaid opens one of these cases for its fee period.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;

/** Maximum length of the free-text note of an arrears case, in UTF-16 code units. */
export const MAX_ARREARS_NOTE_LENGTH = 1000;

const monthInputSchema = z
  .object({
    feePeriod: feePeriodSchema,
    /** Unpaid principal in fen, or 0 on the tax route when it is not known before tax assesses it. */
    principalFen: fenSchema,
  })
  .strict();

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      /** The unpaid months in any order, which the case sorts. */
      months: z.array(monthInputSchema).min(1),
      /** Id of the case that opened this one, such as an overdue monthly report, when known. */
      sourceCaseId: z.string().trim().min(1).max(100).optional(),
      /** Free text shown with the case, such as why a principal is still 0. */
      note: z.string().trim().min(1).max(MAX_ARREARS_NOTE_LENGTH).optional(),
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      if (!checkFeePeriodsUnique(input.months, context) || !checkSingleEra(input.months, context)) return;
      checkLegacyPrincipalsPositive(input.months, context);
      input.months.forEach((month, index) => {
        computeOrReportMissingCalendar(() => computeDeadline(month.feePeriod), context, ['months', index, 'feePeriod']);
      });
    }),
);

export type ArrearsInput = z.output<typeof inputSchema>;

const declareSchema = z.object({}).strict();
const assessSchema = z
  .object({ months: z.array(z.object({ feePeriod: feePeriodSchema, principalFen: positiveFenSchema }).strict()).min(1) })
  .strict();
const paySchema = z.object({ amountFen: positiveFenSchema }).strict();
const payMonthSchema = z.object({ feePeriod: feePeriodSchema, amountFen: positiveFenSchema }).strict();

/** The day after which a month's late fee runs, with the rule that produced it. */
export interface MonthDeadline {
  /**
   * `declaration-window-deadline`: the tax-era deadline of `declarationWindow`, the 25th of the next
   * month moved to the next working day. `legacy-batch-debit-date`: the legacy batch debit date.
   */
  readonly rule: 'declaration-window-deadline' | 'legacy-batch-debit-date';
  readonly date: IsoDate;
  readonly explanation: LocalizedText;
  readonly calendarDataVersion: string;
}

/**
 * A month's late fee as of a payment, with every input of `lateFeeFen` and `lateFeeDays`, so that an
 * auditor can recompute it: principal × daily rate per ten thousand × days / 10,000, rounded half up.
 */
export interface LateFeeRecord {
  readonly principalFen: number;
  readonly deadline: IsoDate;
  readonly paidOn: IsoDate;
  readonly firstDayCounted: LateFeeFirstDay;
  readonly days: number;
  readonly dailyRatePerTenThousand: number;
  readonly capAtPrincipal: false;
  readonly lateFeeFen: number;
  /** Principal plus late fee: what the month costs on `paidOn`. */
  readonly amountFen: number;
}

export interface ArrearsMonth {
  readonly feePeriod: FeePeriod;
  /** Principal the case was opened with, or 0 when it was not known yet (see the case note). */
  readonly principalFen: number;
  /** Principal tax assessed on the tax route, which replaces `principalFen`. Null before ASSESS and on hr's route. */
  readonly assessedPrincipalFen: number | null;
  readonly deadline: MonthDeadline;
  readonly payment: LateFeeRecord | null;
}

interface Context {
  readonly employerCode: string;
  readonly startedOn: IsoDate;
  readonly sourceCaseId: string | null;
  readonly note: string | null;
  readonly era: FeeEra;
  /** The routing decision with its inputs and the routing table version, for auditors to recompute. */
  readonly route: {
    readonly inputs: { readonly kind: 'arrears'; readonly feePeriod: FeePeriod; readonly insurance: 'pension' };
    readonly result: FeeRoute;
    readonly rulesVersion: string;
  };
  /** The unpaid months, earliest first. */
  readonly months: readonly ArrearsMonth[];
  readonly declaredOn: IsoDate | null;
  readonly paidFen: number | null;
}

type Events =
  | CaseEvent<'DECLARE', z.output<typeof declareSchema>>
  | CaseEvent<'ASSESS', z.output<typeof assessSchema>>
  | CaseEvent<'PAY', z.output<typeof paySchema>>
  | CaseEvent<'PAY_MONTH', z.output<typeof payMonthSchema>>;

type MonthInput = z.output<typeof monthInputSchema>;

function checkFeePeriodsUnique(months: readonly MonthInput[], context: z.RefinementCtx): boolean {
  const seen = new Set<string>();
  let unique = true;
  months.forEach((month, index) => {
    if (seen.has(month.feePeriod)) {
      unique = false;
      context.addIssue({
        code: 'custom',
        path: ['months', index, 'feePeriod'],
        params: { code: 'FEE_PERIOD_REPEATED' },
        message: encodeLocalizedText({
          zh: `费款所属期 ${month.feePeriod} 重复：每个月只能列一次。`,
          en: `Fee period ${month.feePeriod} is listed more than once. List each month once.`,
        }),
      });
    }
    seen.add(month.feePeriod);
  });
  return unique;
}

// The two eras go to different agencies (hr before 2023-12, tax after), so one case contains one era.
function checkSingleEra(months: readonly MonthInput[], context: z.RefinementCtx): boolean {
  const sorted = sortMonths(months);
  const earliest = sorted[0];
  const latest = sorted[sorted.length - 1];
  if (!earliest || !latest || feeEraOf(earliest.feePeriod) === feeEraOf(latest.feePeriod)) return true;

  context.addIssue({
    code: 'custom',
    path: ['months'],
    params: { code: 'FEE_PERIODS_CROSS_HANDOVER' },
    message: encodeLocalizedText({
      zh: `欠费月份 ${earliest.feePeriod} 至 ${latest.feePeriod} 跨越 ${HANDOVER_FEE_PERIOD} 交接月：${HANDOVER_FEE_PERIOD} 前的月份由人社按原流程办理，之后的月份向税务申报，请拆成两个案件。`,
      en: `The months ${earliest.feePeriod} to ${latest.feePeriod} cross the ${HANDOVER_FEE_PERIOD} handover. Months before it stay with hr and later months go to tax, so open two cases.`,
    }),
  });
  return false;
}

// On hr's route the principal is not assessed again, so the case must be opened with the real amount.
function checkLegacyPrincipalsPositive(months: readonly MonthInput[], context: z.RefinementCtx): void {
  months.forEach((month, index) => {
    if (feeEraOf(month.feePeriod) === 'tax' || month.principalFen > 0) return;
    context.addIssue({
      code: 'custom',
      path: ['months', index, 'principalFen'],
      params: { code: 'LEGACY_PRINCIPAL_MISSING' },
      message: encodeLocalizedText({
        zh: `费款所属期 ${month.feePeriod} 由人社按原流程办理，不再核定本金：请填写人社核定的欠费本金（分），不能为 0。`,
        en: `Fee period ${month.feePeriod} is on hr's legacy route, where the principal is not assessed again, so enter the nonzero principal hr assessed, in fen.`,
      }),
    });
  });
}

function sortMonths<T extends { readonly feePeriod: FeePeriod }>(months: readonly T[]): T[] {
  return [...months].sort((a, b) => compareFeePeriods(a.feePeriod, b.feePeriod));
}

/**
 * Computes the day after which a month's late fee runs.
 * - Tax era: the declaration deadline (`declarationWindow(feePeriod).deadline`).
 * - Legacy era: the batch debit date, the 10th of the next month moved to the next working day. Beijing's
 *   January 2024 process briefing (社保费申报缴纳流程优化) gives no due date for legacy arrears, so using
 *   the batch debit date is this product's choice, because it is the day hr collected the month's fees
 *   under the old mode.
 * Throws `CalendarYearMissingError` when the date falls in a year without calendar data.
 */
function computeDeadline(feePeriod: FeePeriod): MonthDeadline {
  if (feeEraOf(feePeriod) === 'tax') {
    const window = recordDeclarationWindow(feePeriod);
    return {
      rule: 'declaration-window-deadline',
      date: window.result.deadline,
      explanation: window.result.rule,
      calendarDataVersion: window.calendarDataVersion,
    };
  }

  const date = legacyBatchDebitDate(feePeriod);
  return {
    rule: 'legacy-batch-debit-date',
    date,
    explanation: {
      zh: `费款所属期${formatFeePeriodZh(feePeriod)}早于${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}，按原批扣日（次月10日，节假日顺延）${date}计算滞纳金起点；以批扣日为准是本系统的选择。`,
      en: `Fee period ${feePeriod} is before ${HANDOVER_FEE_PERIOD}, so the late fee runs from the legacy batch debit date (the 10th of the next month, moved past holidays), ${date}. Using the batch debit date is this product's choice.`,
    },
    calendarDataVersion: CALENDAR_DATA_VERSION,
  };
}

/** Computes a month's late fee as of `paidOn` at 0.05% a day, counted from the day after the deadline. */
function computeLateFee(principalFen: number, deadline: IsoDate, paidOn: IsoDate): LateFeeRecord {
  const firstDayCounted: LateFeeFirstDay = 'day-after-deadline';
  const days = lateFeeDays(deadline, paidOn, { firstDayCounted });
  const dailyRatePerTenThousand = LATE_FEE_DAILY_RATE_PER_TEN_THOUSAND;
  const fee = lateFeeFen({ principalFen, days, dailyRatePerTenThousand, capAtPrincipal: false });
  return {
    principalFen,
    deadline,
    paidOn,
    firstDayCounted,
    days,
    dailyRatePerTenThousand,
    capAtPrincipal: false,
    lateFeeFen: fee,
    amountFen: principalFen + fee,
  };
}

/** Returns the principal a payment settles: tax's assessment on the tax route, the opened amount on hr's. */
function principalDue(month: ArrearsMonth): number {
  return month.assessedPrincipalFen ?? month.principalFen;
}

function findEarliestUnpaid(context: Context): ArrearsMonth | undefined {
  return context.months.find((month) => month.payment === null);
}

function describeLateFee(record: LateFeeRecord, feePeriod: FeePeriod): LocalizedText {
  return {
    zh: `${formatFeePeriodZh(feePeriod)}：本金 ${record.principalFen} 分 + 滞纳金 ${record.lateFeeFen} 分（截止日 ${record.deadline} 次日起至 ${record.paidOn} 共 ${record.days} 天，每日万分之${record.dailyRatePerTenThousand}）`,
    en: `${feePeriod}: principal ${record.principalFen} fen + late fee ${record.lateFeeFen} fen (${record.days} days from the day after ${record.deadline} to ${record.paidOn}, at ${record.dailyRatePerTenThousand} per ten thousand a day)`,
  };
}

/** Rejects an assessment that does not cover exactly the months of the case, each once. */
const assessmentCoversMonths: RuleCheck<Context, { months: readonly { feePeriod: FeePeriod }[] }> = (context, data) => {
  if (!data) return null;
  const expected = context.months.map((month) => month.feePeriod);
  const assessed = sortMonths(data.months).map((month) => month.feePeriod);
  if (assessed.length === expected.length && assessed.every((period, index) => period === expected[index])) return null;
  return {
    code: 'ASSESSED_MONTHS_MISMATCH',
    message: {
      zh: `核定的月份 ${assessed.join('、')} 与本案欠费月份 ${expected.join('、')} 不一致：请对本案每个月各核定一次本金。`,
      en: `The assessed months ${assessed.join(', ')} differ from the months of this case, ${expected.join(', ')}. Assess the principal of each month of the case once.`,
    },
    details: { assessedMonths: assessed, caseMonths: expected },
  };
};

/**
 * Rejects a tax-route payment other than the amount due: every month's principal plus its late fee as of
 * the payment date, because one payment settles all months.
 */
const paymentMatchesAmountDue: RuleCheck<Context, { amountFen: number }> = (context, data, businessDate) => {
  if (!data) return null;
  const records = context.months.map((month) => ({
    feePeriod: month.feePeriod,
    record: computeLateFee(principalDue(month), month.deadline.date, businessDate),
  }));
  const expectedFen = records.reduce((sum, { record }) => sum + record.amountFen, 0);
  if (data.amountFen === expectedFen) return null;

  const breakdown = records.map(({ feePeriod, record }) => describeLateFee(record, feePeriod));
  return {
    code: 'PAYMENT_AMOUNT_MISMATCH',
    message: {
      zh: `缴款金额 ${data.amountFen} 分与截至 ${businessDate} 的应缴金额 ${expectedFen} 分不一致。应缴金额为：${breakdown.map((line) => line.zh).join('；')}。`,
      en: `The payment of ${data.amountFen} fen differs from the ${expectedFen} fen due on ${businessDate}, which is ${breakdown.map((line) => line.en).join('; ')}.`,
    },
    details: { amountFen: data.amountFen, expectedFen, lateFees: records },
  };
};

/** Rejects a legacy payment for any month but the earliest unpaid one (从最早欠缴月依次补缴). */
const earliestUnpaidMonthFirst: RuleCheck<Context, { feePeriod: FeePeriod }> = (context, data) => {
  if (!data) return null;
  const month = context.months.find((candidate) => candidate.feePeriod === data.feePeriod);
  if (!month) {
    const periods = context.months.map((candidate) => candidate.feePeriod);
    return {
      code: 'ARREARS_MONTH_NOT_IN_CASE',
      message: {
        zh: `费款所属期 ${data.feePeriod} 不在本案欠费月份（${periods.join('、')}）中。`,
        en: `Fee period ${data.feePeriod} is not one of the months of this case (${periods.join(', ')}).`,
      },
      details: { feePeriod: data.feePeriod, caseMonths: periods },
    };
  }

  const earliest = findEarliestUnpaid(context);
  if (!earliest || earliest.feePeriod === data.feePeriod) return null;
  const alreadyPaid: LocalizedText =
    month.payment === null
      ? { zh: '', en: '' }
      : { zh: `该月已于 ${month.payment.paidOn} 缴清；`, en: ` That month was paid on ${month.payment.paidOn}.` };
  return {
    code: 'EARLIEST_UNPAID_MONTH_FIRST',
    message: {
      zh: `${alreadyPaid.zh}${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}前的欠费须从最早欠缴月依次补缴：请先缴 ${formatFeePeriodZh(earliest.feePeriod)}（${earliest.feePeriod}），再缴 ${data.feePeriod}。`,
      en: `Arrears before ${HANDOVER_FEE_PERIOD} are paid earliest unpaid month first, so pay ${earliest.feePeriod} before ${data.feePeriod}.${alreadyPaid.en}`,
    },
    details: { feePeriod: data.feePeriod, earliestUnpaid: earliest.feePeriod },
  };
};

/** Rejects a legacy month payment other than that month's principal plus its late fee as of the payment date. */
const monthPaymentMatchesAmountDue: RuleCheck<Context, { feePeriod: FeePeriod; amountFen: number }> = (
  context,
  data,
  businessDate,
) => {
  const month = data ? context.months.find((candidate) => candidate.feePeriod === data.feePeriod) : undefined;
  if (!data || !month) return null;
  const record = computeLateFee(principalDue(month), month.deadline.date, businessDate);
  if (data.amountFen === record.amountFen) return null;

  const breakdown = describeLateFee(record, month.feePeriod);
  return {
    code: 'PAYMENT_AMOUNT_MISMATCH',
    message: {
      zh: `缴款金额 ${data.amountFen} 分与 ${month.feePeriod} 截至 ${businessDate} 的应缴金额 ${record.amountFen} 分不一致。应缴金额为：${breakdown.zh}。`,
      en: `The payment of ${data.amountFen} fen differs from the ${record.amountFen} fen due for ${month.feePeriod} on ${businessDate}, which is ${breakdown.en}.`,
    },
    details: { amountFen: data.amountFen, expectedFen: record.amountFen, lateFee: record },
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
    input: {} as ArrearsInput & { startedOn: IsoDate },
  },
  guards: {
    isTaxEra: ({ context }) => context.era === 'tax',
    assessmentCoversMonths: passes(assessmentCoversMonths),
    paymentMatchesAmountDue: passes(paymentMatchesAmountDue),
    monthPaymentAccepted: passes(earliestUnpaidMonthFirst, monthPaymentMatchesAmountDue),
    lastMonthPaymentAccepted: (args) =>
      passes(earliestUnpaidMonthFirst, monthPaymentMatchesAmountDue)(args) &&
      args.context.months.filter((month) => month.payment === null).length === 1,
  },
  actions: {
    recordMonthPayment: assign(({ context, event }) => {
      if (event.type !== 'PAY_MONTH') return {};
      return {
        months: context.months.map((month) =>
          month.feePeriod === event.data.feePeriod
            ? { ...month, payment: computeLateFee(principalDue(month), month.deadline.date, event.meta.businessDate) }
            : month,
        ),
        paidFen: (context.paidFen ?? 0) + event.data.amountFen,
      };
    }),
  },
}).createMachine({
  id: 'arrears',
  context: ({ input }) => {
    const months = sortMonths(input.months);
    const earliest = months[0]?.feePeriod;
    if (earliest === undefined) throw new Error('arrears input has no months, which its schema rejects');
    // Arrears route the same way for every insurance, so pension is recorded for all of them.
    const routeInputs = { kind: 'arrears', feePeriod: earliest, insurance: 'pension' } as const;
    return {
      employerCode: input.employerCode,
      startedOn: input.startedOn,
      sourceCaseId: input.sourceCaseId ?? null,
      note: input.note ?? null,
      era: feeEraOf(earliest),
      route: { inputs: routeInputs, result: routeFeeCase(routeInputs), rulesVersion: ROUTING_TABLE_VERSION },
      months: months.map((month) => ({
        feePeriod: month.feePeriod,
        principalFen: month.principalFen,
        assessedPrincipalFen: null,
        deadline: computeDeadline(month.feePeriod),
        payment: null,
      })),
      declaredOn: null,
      paidFen: null,
    };
  },
  initial: 'routing',
  states: {
    // Decided at once from the fee periods; an automatic transition, so the route shows in the history.
    routing: {
      always: [{ guard: 'isTaxEra', target: 'taxRoute' }, { target: 'legacyRoute' }],
    },
    taxRoute: {
      initial: 'awaitingDeclaration',
      states: {
        awaitingDeclaration: {
          on: {
            DECLARE: { target: 'declared', actions: assign({ declaredOn: ({ event }) => event.meta.businessDate }) },
          },
        },
        declared: {
          on: {
            ASSESS: {
              guard: 'assessmentCoversMonths',
              target: 'assessed',
              actions: assign({
                months: ({ context, event }) =>
                  context.months.map((month) => ({
                    ...month,
                    assessedPrincipalFen:
                      event.data.months.find((assessed) => assessed.feePeriod === month.feePeriod)?.principalFen ?? null,
                  })),
              }),
            },
          },
        },
        assessed: {
          on: {
            PAY: {
              guard: 'paymentMatchesAmountDue',
              target: '#arrears.paid',
              actions: assign({
                months: ({ context, event }) =>
                  context.months.map((month) => ({
                    ...month,
                    payment: computeLateFee(principalDue(month), month.deadline.date, event.meta.businessDate),
                  })),
                paidFen: ({ event }) => event.data.amountFen,
              }),
            },
          },
        },
      },
    },
    legacyRoute: {
      initial: 'payingMonths',
      states: {
        payingMonths: {
          on: {
            PAY_MONTH: [
              { guard: 'lastMonthPaymentAccepted', target: '#arrears.paid', actions: 'recordMonthPayment' },
              { guard: 'monthPaymentAccepted', actions: 'recordMonthPayment' },
            ],
          },
        },
      },
    },
    paid: { type: 'final' },
  },
});

export const arrears = defineProcess({
  id: 'arrears',
  version: 1,
  title: { zh: '单位欠缴社保费处理', en: 'Employer arrears' },
  description: {
    zh: `用人单位补缴欠缴的社会保险费及滞纳金（每日万分之五，自截止日次日起计）。费款所属期为 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 及以后的，直接向税务部门申报，税务核定各月本金后一次缴清本金和滞纳金；之前的费款所属期仍由人社按原流程（网厅或综合窗口）办理，从最早欠缴月起逐月补缴。同一案件的月份须属于同一时期。`,
    en: `An employer pays social insurance fees it left unpaid, with a late fee of 0.05% a day from the day after the deadline. Fee periods from ${HANDOVER_FEE_PERIOD} on are declared to the tax bureau directly: tax assesses each month's principal and one payment covers the principal and late fees. Earlier fee periods stay on hr's legacy route (online hall or window), paid month by month, earliest unpaid month first. All months of a case must be on the same side of the handover.`,
  },
  machine,
  inputSchema,
  events: {
    DECLARE: {
      title: { zh: '向税务申报欠费', en: 'Declare the arrears to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareSchema,
    },
    ASSESS: {
      title: { zh: '税务核定各月本金', en: 'Tax assesses the principal of each month' },
      parties: ['tax'],
      schema: assessSchema,
      rules: [assessmentCoversMonths],
    },
    PAY: {
      title: { zh: '缴清本金和滞纳金', en: 'Pay principal and late fees' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: paySchema,
      rules: [paymentMatchesAmountDue],
    },
    PAY_MONTH: {
      title: { zh: '补缴一个月（原流程）', en: 'Pay one month (legacy route)' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: payMonthSchema,
      rules: [earliestUnpaidMonthFirst, monthPaymentMatchesAmountDue],
    },
  },
  stateTitles: {
    routing: { zh: '按费款所属期分流', en: 'Routing by fee period' },
    taxRoute: { zh: '税务办理（2023年12月及以后）', en: 'Tax route (2023-12 and later)' },
    'taxRoute.awaitingDeclaration': { zh: '待单位向税务申报', en: 'Awaiting the declaration to tax' },
    'taxRoute.declared': { zh: '已申报，待税务核定本金', en: 'Declared, awaiting assessment' },
    'taxRoute.assessed': { zh: '已核定，待缴清本金和滞纳金', en: 'Assessed, awaiting payment' },
    legacyRoute: { zh: '人社原流程（2023年12月前）', en: 'hr legacy route (before 2023-12)' },
    'legacyRoute.payingMonths': { zh: '从最早欠缴月起逐月补缴', en: 'Paying month by month, earliest first' },
    paid: { zh: '已缴清（办结）', en: 'Paid (closed)' },
  },
  caseKeys: (input: ArrearsInput) => {
    const months = sortMonths(input.months);
    return {
      employerCode: input.employerCode,
      feePeriodFrom: months[0]?.feePeriod ?? '',
      feePeriodTo: months[months.length - 1]?.feePeriod ?? '',
    };
  },
  explainNotAccepted: (context: Context, eventType: string) => {
    const from = context.months[0]?.feePeriod ?? context.route.inputs.feePeriod;
    if (context.era === 'legacy' && TAX_ROUTE_EVENTS.has(eventType)) {
      return {
        code: 'LEGACY_ROUTE_AT_HR',
        message: {
          zh: `欠费月份自 ${formatFeePeriodZh(from)} 起，早于 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}，仍由人社按原流程（网厅或综合窗口）逐月补缴（PAY_MONTH），税务不受理此类事件。`,
          en: `The months from ${from} are before ${HANDOVER_FEE_PERIOD}, so hr handles them on its legacy route (online hall or window), month by month (PAY_MONTH), and tax takes no part.`,
        },
        details: { route: context.route.result },
      };
    }
    if (context.era === 'tax' && eventType === 'PAY_MONTH') {
      return {
        code: 'TAX_ROUTE_PAYS_ONCE',
        message: {
          zh: `欠费月份自 ${formatFeePeriodZh(from)} 起，向税务申报（DECLARE），税务核定后一次缴清全部月份（PAY），不按月在人社补缴。`,
          en: `The months from ${from} are declared to tax (DECLARE) and, once tax has assessed them, paid together in one payment (PAY), not month by month at hr.`,
        },
        details: { route: context.route.result },
      };
    }
    return null;
  },
});

const TAX_ROUTE_EVENTS = new Set(['DECLARE', 'ASSESS', 'PAY']);
