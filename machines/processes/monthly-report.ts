import { assign, emit, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { LinkedCaseRequest } from '../engine/apply-event.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { feePeriodSchema, formatFeePeriodZh, isTaxEra, HANDOVER_FEE_PERIOD } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import { compareIsoDates } from '../policy/iso-date.js';
import { INSURANCES, INSURANCE_TITLES, agencyOfInsurance } from '../policy/parties.js';
import type { Insurance } from '../policy/parties.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRoute } from '../policy/routing.js';
import { confirmationsSchema, employerCodeSchema, positiveFenSchema, withCreditCodeConfirmation } from './common-schemas.js';
import { computeOrReportMissingCalendar, recordDeclarationWindow } from './deadline-records.js';
import type { DeclarationWindowRecord } from './deadline-records.js';
import { monthlyReportTimers } from './monthly-report-timers.js';

/**
 * Monthly report (月报缴费): an employer declares and pays one fee period's fees to the tax bureau.
 *
 * Since fee period 2023-12 hr no longer generates the report. At month end hr (three insurances) and
 * medical (medical insurance) push the month's changes to tax, and from the 10th to the 25th of the next
 * month the employer declares through a tax channel, tax assesses and the employer pays. A headcount that
 * differs from the push sends the employer to check the push insurance by insurance. A report still unpaid
 * after the deadline becomes overdue and opens an `arrears` case.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;

const headcountSchema = z.number().int().min(0);

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      feePeriod: feePeriodSchema,
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
            zh: `费款所属期 ${formatFeePeriodZh(input.feePeriod)} 早于 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}：当时的月报由人社部门生成并批量扣款，不在此申报。未缴的月报请按单位欠缴社保费处理（arrears 流程）办理。`,
            en: `Fee period ${input.feePeriod} is before ${HANDOVER_FEE_PERIOD}, when hr generated the monthly reports and debited them in a batch, so it is not declared here. Handle an unpaid report of that time as arrears (the arrears process).`,
          }),
        });
        return;
      }
      computeOrReportMissingCalendar(() => recordDeclarationWindow(input.feePeriod), context, ['feePeriod']);
    }),
);

export type MonthlyReportInput = z.output<typeof inputSchema>;

const hrHeadcountSchema = z
  .object({
    headcount: z.object({ pension: headcountSchema, unemployment: headcountSchema, workInjury: headcountSchema }).strict(),
  })
  .strict();
const medicalHeadcountSchema = z.object({ headcount: z.object({ medical: headcountSchema }).strict() }).strict();
const windowOpenedSchema = z.object({}).strict();
const declareSchema = z
  .object({
    actualHeadcount: z
      .object({
        pension: headcountSchema,
        unemployment: headcountSchema,
        workInjury: headcountSchema,
        medical: headcountSchema,
      })
      .strict(),
  })
  .strict();
const confirmPushedHeadcountSchema = z.object({}).strict();
const assessSchema = z.object({ amountFen: positiveFenSchema }).strict();
const paySchema = z.object({ amountFen: positiveFenSchema }).strict();
const deadlinePassedSchema = z.object({}).strict();

type Headcount = Readonly<Record<Insurance, number>>;

/** One insurance whose declared headcount differs from the month-end push, and the agency to ask. */
export interface HeadcountDifference {
  readonly insurance: Insurance;
  readonly pushedBy: 'hr' | 'medical';
  readonly pushed: number;
  readonly actual: number;
}

interface Context {
  readonly employerCode: string;
  readonly confirmations: readonly string[];
  readonly feePeriod: FeePeriod;
  readonly startedOn: IsoDate;
  /** The routing decision with its inputs and the routing table version, for auditors to recompute. */
  readonly route: {
    readonly inputs: { readonly kind: 'monthly-report'; readonly feePeriod: FeePeriod; readonly insurance: Insurance };
    readonly result: FeeRoute;
    readonly rulesVersion: string;
  };
  readonly window: DeclarationWindowRecord;
  /** Business date of the latest accepted event (the start date before any); opens the window when due. */
  readonly lastBusinessDate: IsoDate;
  /** Headcount per insurance from the month-end pushes and later corrections, or null until pushed. */
  readonly pushedHeadcount: Readonly<Record<Insurance, number | null>>;
  /** The actual headcount of the employer's latest declaration. */
  readonly declaredHeadcount: Headcount | null;
  /**
   * Insurances whose latest declared headcount differs from the push, in insurance order. Cleared by a
   * push correction, because the employer then declares again against the corrected push.
   */
  readonly headcountDifferences: readonly HeadcountDifference[];
  /** `headcountDifferences` as one sentence per language, such as "养老保险：推送 10 人，实际 11 人". */
  readonly headcountDifferenceSummary: LocalizedText | null;
  /** Basis of the declaration: the numbers matched the push, or the employer confirmed the push after checking. */
  readonly declarationBasis: 'headcount-matches-push' | 'employer-confirmed-push' | null;
  readonly assessedFen: number | null;
  readonly paidFen: number | null;
  readonly overdueOn: IsoDate | null;
}

type Events =
  | CaseEvent<'HR_MONTH_END_PUSH', z.output<typeof hrHeadcountSchema>>
  | CaseEvent<'MEDICAL_MONTH_END_PUSH', z.output<typeof medicalHeadcountSchema>>
  | CaseEvent<'WINDOW_OPENED', z.output<typeof windowOpenedSchema>>
  | CaseEvent<'DECLARE', z.output<typeof declareSchema>>
  | CaseEvent<'HR_PUSH_CORRECTION', z.output<typeof hrHeadcountSchema>>
  | CaseEvent<'MEDICAL_PUSH_CORRECTION', z.output<typeof medicalHeadcountSchema>>
  | CaseEvent<'CONFIRM_PUSHED_HEADCOUNT', z.output<typeof confirmPushedHeadcountSchema>>
  | CaseEvent<'ASSESS', z.output<typeof assessSchema>>
  | CaseEvent<'PAY', z.output<typeof paySchema>>
  | CaseEvent<'DEADLINE_PASSED', z.output<typeof deadlinePassedSchema>>;

/** Rejects a declaration before the window's opening day, the 10th of the next month. */
const windowHasOpened: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const { opensOn } = context.window.result;
  if (compareIsoDates(businessDate, opensOn) >= 0) return null;
  return {
    code: 'DECLARATION_WINDOW_NOT_OPEN',
    message: {
      zh: `费款所属期${formatFeePeriodZh(context.feePeriod)}的申报期自 ${opensOn} 开始，业务日期 ${businessDate} 早于该日，请于 ${opensOn} 及以后申报。`,
      en: `The declaration window of fee period ${context.feePeriod} opens on ${opensOn} and the business date ${businessDate} is before it, so declare on or after ${opensOn}.`,
    },
    details: { feePeriod: context.feePeriod, opensOn, businessDate },
  };
};

/**
 * Rejects a declaration or payment after the window's deadline. Checked by date and not only by state, because
 * the timer that sends DEADLINE_PASSED may fire late, and a payment after the deadline owes a late fee
 * that only the arrears case computes.
 */
const deadlineNotPassed: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const { deadline } = context.window.result;
  if (compareIsoDates(businessDate, deadline) <= 0) return null;
  return {
    code: 'DECLARATION_DEADLINE_PASSED',
    message: {
      zh: `费款所属期${formatFeePeriodZh(context.feePeriod)}的申报缴费截止日为 ${deadline}，业务日期 ${businessDate} 已超过截止日，本月报不再受理申报和缴款，未缴费用转为单位欠缴社保费处理。`,
      en: `The deadline of fee period ${context.feePeriod} was ${deadline} and the business date ${businessDate} is after it, so this monthly report accepts no more declarations or payments, and the unpaid fees become an arrears case.`,
    },
    details: { feePeriod: context.feePeriod, deadline, businessDate },
  };
};

/** Rejects DEADLINE_PASSED until the deadline day has ended. */
const deadlineHasPassed: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const { deadline } = context.window.result;
  if (compareIsoDates(businessDate, deadline) > 0) return null;
  return {
    code: 'DEADLINE_NOT_PASSED',
    message: {
      zh: `费款所属期${formatFeePeriodZh(context.feePeriod)}的申报缴费截止日为 ${deadline}，业务日期 ${businessDate} 未超过截止日，月报不能转为逾期。`,
      en: `The deadline of fee period ${context.feePeriod} is ${deadline} and the business date ${businessDate} is not after it, so the monthly report cannot become overdue yet.`,
    },
    details: { feePeriod: context.feePeriod, deadline, businessDate },
  };
};

/** Rejects a payment that differs from the assessed amount. */
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
  (...rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

/**
 * Compares a declaration with the push, insurance by insurance. Both pushes have arrived before any
 * declaration, so a missing push (null) cannot occur there. It would count as 0.
 */
function findHeadcountDifferences(pushed: Context['pushedHeadcount'], actual: Headcount): HeadcountDifference[] {
  const differences: HeadcountDifference[] = [];
  for (const insurance of INSURANCES) {
    const pushedCount = pushed[insurance] ?? 0;
    if (pushedCount !== actual[insurance]) {
      differences.push({ insurance, pushedBy: agencyOfInsurance(insurance), pushed: pushedCount, actual: actual[insurance] });
    }
  }
  return differences;
}

function summarizeHeadcountDifferences(differences: readonly HeadcountDifference[]): LocalizedText | null {
  if (differences.length === 0) return null;
  return {
    zh: differences.map((d) => `${INSURANCE_TITLES[d.insurance].zh}：推送 ${d.pushed} 人，实际 ${d.actual} 人`).join('；'),
    en: differences.map((d) => `${INSURANCE_TITLES[d.insurance].en}: pushed ${d.pushed}, actual ${d.actual}`).join('; '),
  };
}

function headcountMatchesPush(context: Context, event: Events): boolean {
  return event.type === 'DECLARE' && findHeadcountDifferences(context.pushedHeadcount, event.data.actualHeadcount).length === 0;
}

function buildArrearsRequest(context: Context): LinkedCaseRequest {
  // This case's own id is unknown to the machine, so `sourceCaseId` stays unset. The store records the
  // `arrears-of` link between the two cases instead.

  // The arrears note is one plain string, so it contains both languages.
  const principalUnknownNote =
    `费款所属期${formatFeePeriodZh(context.feePeriod)}的月报在税务核定前逾期，欠费本金未知，暂记为 0 分，以税务核定为准。 / ` +
    `The monthly report for fee period ${context.feePeriod} went overdue before tax assessed it, so the principal is unknown and recorded as 0 fen until tax assesses it.`;
  return {
    type: 'case.openLinked',
    processId: 'arrears',
    relation: 'arrears-of',
    input: {
      employerCode: context.employerCode,
      confirmations: context.confirmations,
      months: [{ feePeriod: context.feePeriod, principalFen: context.assessedFen ?? 0 }],
      ...(context.assessedFen === null ? { note: principalUnknownNote } : {}),
    },
  };
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as MonthlyReportInput & { startedOn: IsoDate },
    emitted: {} as LinkedCaseRequest,
  },
  guards: {
    windowOpenedByLastBusinessDate: ({ context }) => compareIsoDates(context.lastBusinessDate, context.window.result.opensOn) >= 0,
    windowHasOpened: passes(windowHasOpened),
    declarationOnTime: passes(windowHasOpened, deadlineNotPassed),
    declarationOnTimeAndHeadcountMatches: (args) => passes(windowHasOpened, deadlineNotPassed)(args) && headcountMatchesPush(args.context, args.event),
    deadlineNotPassed: passes(deadlineNotPassed),
    deadlineHasPassed: passes(deadlineHasPassed),
    paymentOnTimeAndMatchesAssessment: passes(deadlineNotPassed, paymentMatchesAssessment),
  },
  actions: {
    recordBusinessDate: assign({ lastBusinessDate: ({ event }) => event.meta.businessDate }),
    recordDeclaredHeadcount: assign(({ context, event }) => {
      if (event.type !== 'DECLARE') return {};
      const differences = findHeadcountDifferences(context.pushedHeadcount, event.data.actualHeadcount);
      return {
        declaredHeadcount: event.data.actualHeadcount,
        headcountDifferences: differences,
        headcountDifferenceSummary: summarizeHeadcountDifferences(differences),
        declarationBasis: differences.length === 0 ? ('headcount-matches-push' as const) : null,
      };
    }),
    recordHrPush: assign(({ context, event }) => {
      if (event.type !== 'HR_MONTH_END_PUSH' && event.type !== 'HR_PUSH_CORRECTION') return {};
      return { pushedHeadcount: { ...context.pushedHeadcount, ...event.data.headcount } };
    }),
    recordMedicalPush: assign(({ context, event }) => {
      if (event.type !== 'MEDICAL_MONTH_END_PUSH' && event.type !== 'MEDICAL_PUSH_CORRECTION') return {};
      return { pushedHeadcount: { ...context.pushedHeadcount, ...event.data.headcount } };
    }),
    clearHeadcountDifferences: assign({ headcountDifferences: [], headcountDifferenceSummary: null }),
    recordOverdue: assign({ overdueOn: ({ event }) => event.meta.businessDate }),
    openArrearsCase: emit(({ context }) => buildArrearsRequest(context)),
  },
}).createMachine({
  id: 'monthly-report',
  context: ({ input }) => {
    const routeInputs = { kind: 'monthly-report', feePeriod: input.feePeriod, insurance: 'pension' } as const;
    return {
      employerCode: input.employerCode,
      confirmations: input.confirmations,
      feePeriod: input.feePeriod,
      startedOn: input.startedOn,
      // A monthly report covers all four insurances, and for this kind the route does not depend on the
      // insurance, so pension is recorded for all of them.
      route: { inputs: routeInputs, result: routeFeeCase(routeInputs), rulesVersion: ROUTING_TABLE_VERSION },
      window: recordDeclarationWindow(input.feePeriod),
      lastBusinessDate: input.startedOn,
      pushedHeadcount: { pension: null, unemployment: null, workInjury: null, medical: null },
      declaredHeadcount: null,
      headcountDifferences: [],
      headcountDifferenceSummary: null,
      declarationBasis: null,
      assessedFen: null,
      paidFen: null,
      overdueOn: null,
    };
  },
  initial: 'awaitingMonthEndPush',
  states: {
    // NOTE: DEADLINE_PASSED is not accepted while a push is missing, so a case whose pushes never arrive
    // stays open here until an agency sends its push.
    awaitingMonthEndPush: {
      type: 'parallel',
      states: {
        hr: {
          initial: 'waiting',
          states: {
            waiting: {
              on: { HR_MONTH_END_PUSH: { target: 'pushed', actions: ['recordBusinessDate', 'recordHrPush'] } },
            },
            pushed: { type: 'final' },
          },
        },
        medical: {
          initial: 'waiting',
          states: {
            waiting: {
              on: { MEDICAL_MONTH_END_PUSH: { target: 'pushed', actions: ['recordBusinessDate', 'recordMedicalPush'] } },
            },
            pushed: { type: 'final' },
          },
        },
      },
      onDone: { target: 'awaitingWindow' },
    },
    awaitingWindow: {
      always: { guard: 'windowOpenedByLastBusinessDate', target: 'windowOpen' },
      on: {
        WINDOW_OPENED: { guard: 'windowHasOpened', target: 'windowOpen', actions: 'recordBusinessDate' },
        // Rejected by the windowHasOpened rule while the window is closed. Once the opening day has come,
        // a declaration that arrives before the WINDOW_OPENED timer is handled as in windowOpen.
        DECLARE: [
          {
            guard: 'declarationOnTimeAndHeadcountMatches',
            target: 'declared',
            actions: ['recordBusinessDate', 'recordDeclaredHeadcount'],
          },
          { guard: 'declarationOnTime', target: 'headcountMismatch', actions: ['recordBusinessDate', 'recordDeclaredHeadcount'] },
        ],
      },
    },
    windowOpen: {
      on: {
        DECLARE: [
          {
            guard: 'declarationOnTimeAndHeadcountMatches',
            target: 'declared',
            actions: ['recordBusinessDate', 'recordDeclaredHeadcount'],
          },
          { guard: 'declarationOnTime', target: 'headcountMismatch', actions: ['recordBusinessDate', 'recordDeclaredHeadcount'] },
        ],
        DEADLINE_PASSED: { guard: 'deadlineHasPassed', target: 'overdue', actions: ['recordBusinessDate', 'recordOverdue'] },
      },
    },
    // The employer checks with hr (three insurances) and medical whether some people's push failed.
    headcountMismatch: {
      on: {
        HR_PUSH_CORRECTION: {
          target: 'windowOpen',
          actions: ['recordBusinessDate', 'recordHrPush', 'clearHeadcountDifferences'],
        },
        MEDICAL_PUSH_CORRECTION: {
          target: 'windowOpen',
          actions: ['recordBusinessDate', 'recordMedicalPush', 'clearHeadcountDifferences'],
        },
        CONFIRM_PUSHED_HEADCOUNT: {
          guard: 'deadlineNotPassed',
          target: 'declared',
          actions: ['recordBusinessDate', assign({ declarationBasis: 'employer-confirmed-push' as const })],
        },
        DEADLINE_PASSED: { guard: 'deadlineHasPassed', target: 'overdue', actions: ['recordBusinessDate', 'recordOverdue'] },
      },
    },
    declared: {
      on: {
        ASSESS: {
          target: 'assessed',
          actions: ['recordBusinessDate', assign({ assessedFen: ({ event }) => event.data.amountFen })],
        },
        DEADLINE_PASSED: { guard: 'deadlineHasPassed', target: 'overdue', actions: ['recordBusinessDate', 'recordOverdue'] },
      },
    },
    assessed: {
      on: {
        PAY: {
          guard: 'paymentOnTimeAndMatchesAssessment',
          target: 'paid',
          actions: ['recordBusinessDate', assign({ paidFen: ({ event }) => event.data.amountFen })],
        },
        DEADLINE_PASSED: { guard: 'deadlineHasPassed', target: 'overdue', actions: ['recordBusinessDate', 'recordOverdue'] },
      },
    },
    paid: { type: 'final' },
    overdue: { type: 'final', entry: 'openArrearsCase' },
  },
});

export const monthlyReport = defineProcess({
  id: 'monthly-report',
  version: 1,
  title: { zh: '月报缴费', en: 'Monthly report' },
  description: {
    zh: `用人单位向税务部门申报缴纳一个费款所属期（${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 及以后）的社会保险费。人社部门不再生成月报：月末人社（养老、失业、工伤）和医保（医疗）将当月增量、减量和变量推送至税务，单位于次月10日至25日通过社保费管理客户端、电子税务局或税务窗口申报，税务核定后缴款。税务端人数与实际参保人数不符时，单位应先到人社部门核实是否有职工的参保数据推送不成功，并按险种逐一核对。截止日仍未缴款的，转为单位欠缴社保费处理。`,
    en: `An employer declares and pays one fee period's social insurance fees (${HANDOVER_FEE_PERIOD} and later) to the tax bureau. hr no longer generates the monthly report: at month end hr (pension, unemployment, work injury) and medical (medical insurance) push the month's increments, decrements and changes to tax, and from the 10th to the 25th of the next month the employer declares through the fee-management client, the e-tax bureau or a tax window, tax assesses and the employer pays. When the headcount at tax differs from the actual insured headcount, the employer first checks with hr whether the push of some people failed, comparing insurance by insurance. A report still unpaid after the deadline becomes an arrears case.`,
  },
  machine,
  inputSchema,
  events: {
    HR_MONTH_END_PUSH: {
      title: { zh: '人社月末推送（三险人数）', en: 'hr month-end push (three insurances)' },
      parties: ['hr'],
      recipients: ['tax'],
      schema: hrHeadcountSchema,
    },
    MEDICAL_MONTH_END_PUSH: {
      title: { zh: '医保月末推送（医疗人数）', en: 'Medical month-end push (medical insurance)' },
      parties: ['medical'],
      recipients: ['tax'],
      schema: medicalHeadcountSchema,
    },
    WINDOW_OPENED: {
      title: { zh: '申报期开始', en: 'Declaration window opens' },
      parties: ['system'],
      schema: windowOpenedSchema,
      rules: [windowHasOpened],
    },
    DECLARE: {
      title: { zh: '向税务申报月报', en: 'Declare the monthly report to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareSchema,
      rules: [windowHasOpened, deadlineNotPassed],
    },
    HR_PUSH_CORRECTION: {
      title: { zh: '人社更正推送（三险人数）', en: 'hr corrects its push (three insurances)' },
      parties: ['hr'],
      recipients: ['tax'],
      schema: hrHeadcountSchema,
    },
    MEDICAL_PUSH_CORRECTION: {
      title: { zh: '医保更正推送（医疗人数）', en: 'Medical corrects its push (medical insurance)' },
      parties: ['medical'],
      recipients: ['tax'],
      schema: medicalHeadcountSchema,
    },
    CONFIRM_PUSHED_HEADCOUNT: {
      title: { zh: '单位核实后确认推送人数无误', en: 'Employer confirms the pushed headcount after checking' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: confirmPushedHeadcountSchema,
      rules: [deadlineNotPassed],
    },
    ASSESS: {
      title: { zh: '税务核定', en: 'Tax assessment' },
      parties: ['tax'],
      schema: assessSchema,
    },
    PAY: {
      title: { zh: '缴款', en: 'Pay' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: paySchema,
      rules: [deadlineNotPassed, paymentMatchesAssessment],
    },
    DEADLINE_PASSED: {
      title: { zh: '截止日已过仍未缴款', en: 'Deadline passed unpaid' },
      parties: ['system'],
      schema: deadlinePassedSchema,
      rules: [deadlineHasPassed],
    },
  },
  stateTitles: {
    awaitingMonthEndPush: { zh: '待人社、医保月末推送', en: 'Awaiting the month-end pushes of hr and medical' },
    'awaitingMonthEndPush.hr': { zh: '人社推送（三险）', en: 'hr push (three insurances)' },
    'awaitingMonthEndPush.hr.waiting': { zh: '待人社推送', en: 'Awaiting the hr push' },
    'awaitingMonthEndPush.hr.pushed': { zh: '人社已推送', en: 'hr has pushed' },
    'awaitingMonthEndPush.medical': { zh: '医保推送（医疗）', en: 'Medical push (medical insurance)' },
    'awaitingMonthEndPush.medical.waiting': { zh: '待医保推送', en: 'Awaiting the medical push' },
    'awaitingMonthEndPush.medical.pushed': { zh: '医保已推送', en: 'Medical has pushed' },
    awaitingWindow: { zh: '待申报期开始（次月10日）', en: 'Awaiting the declaration window (10th of the next month)' },
    windowOpen: { zh: '申报期内，待单位申报', en: 'Window open, awaiting the declaration' },
    headcountMismatch: {
      zh: '申报人数与推送人数不符，待按险种核对人社、医保推送',
      en: 'Declared headcount differs from the push; check the push insurance by insurance',
    },
    declared: { zh: '已申报，待税务核定', en: 'Declared, awaiting assessment' },
    assessed: { zh: '已核定，待缴款', en: 'Assessed, awaiting payment' },
    paid: { zh: '已缴款（办结）', en: 'Paid (closed)' },
    overdue: { zh: '逾期未缴，已转欠费处理（办结）', en: 'Overdue, handed over to arrears (closed)' },
  },
  caseKeys: (input: MonthlyReportInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.feePeriod,
    feePeriodTo: input.feePeriod,
  }),
  timers: monthlyReportTimers,
  explainNotAccepted: (context: Context, eventType: string) => {
    if (eventType !== 'DECLARE') return null;
    const missing = INSURANCES.filter((insurance) => context.pushedHeadcount[insurance] === null);
    if (missing.length === 0) return null;

    const agencies = [...new Set(missing.map(agencyOfInsurance))];
    const agencyNames: LocalizedText = {
      zh: agencies.map((agency) => (agency === 'hr' ? '人社部门' : '医保部门')).join('和'),
      en: agencies.join(' and '),
    };
    const { opensOn } = context.window.result;
    return {
      code: 'MONTH_END_PUSH_PENDING',
      message: {
        zh: `尚不能申报：${agencyNames.zh}的月末推送尚未到达税务。推送到达且申报期于 ${opensOn} 开始后方可申报。`,
        en: `The report cannot be declared yet, because the month-end push of ${agencyNames.en} has not reached tax. Declare once the pushes have arrived and the window has opened on ${opensOn}.`,
      },
      details: { missingPushes: agencies, opensOn },
    };
  },
});
