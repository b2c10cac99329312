import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
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
  isFeePeriod,
} from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import { compareIsoDates, daysInMonth, isoDateFromParts, isoDateSchema } from '../policy/iso-date.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Insurance } from '../policy/parties.js';
import { WORK_INJURY_CLASSES_DATA_VERSION, workInjuryBaseRate, workInjuryRiskClassSchema } from '../policy/work-injury-classes.js';
import type { WorkInjuryRiskClass } from '../policy/work-injury-classes.js';
import { confirmationsSchema, employerCodeSchema, insurancesSchema, withCreditCodeConfirmation } from './common-schemas.js';

/**
 * Employer registration (用人单位登记): how an employer's basic data (entered when its account was opened)
 * and enrolment data (the insurances it joined) reach the tax bureau, which assesses fees from them.
 *
 * Normally hr records the data and sends it to tax in its month-end push. A newly opened employer that
 * must pay back-payments for new staff in its first month cannot wait for that push: it asks for a
 * temporary registration (临时登记) at the hr window, hr pushes its data by hand, tax does the
 * association registration (关联登记), and only then may the employer pay. Deregistering enterprises and
 * special accounts such as construction projects (codes with letters) always take the temporary route.
 */
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;

/**
 * Version of the routing and date rules in this file. They follow Beijing's January 2024 process change;
 * raise the version whenever a rule here changes.
 */
const EMPLOYER_REGISTRATION_RULES_VERSION = '2024-01';

export const ACCOUNT_KINDS = ['ordinary', 'deregistering', 'special-construction-project'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

const ACCOUNT_KIND_TITLES: Readonly<Record<AccountKind, LocalizedText>> = {
  ordinary: { zh: '普通单位户', en: 'ordinary employer account' },
  deregistering: { zh: '注销企业', en: 'deregistering enterprise' },
  'special-construction-project': { zh: '建筑业项目等带字母的特殊户', en: 'special account such as a construction project (code with letters)' },
};

/** An opening date whose month is a valid fee period, so every month derived from it is one too. */
const openedOnSchema = isoDateSchema.refine((date) => isFeePeriod(date.slice(0, 7)), {
  message: encodeLocalizedText({
    zh: '开户日期的年份应在 1990 至 2099 之间',
    en: 'the opening date must fall in the years 1990 to 2099',
  }),
});

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      employerName: z
        .string()
        .trim()
        .min(1, { message: encodeLocalizedText({ zh: '单位名称不能为空', en: 'the employer name must not be empty' }) })
        .max(200),
      /** Day the employer's social insurance account was opened (开户). */
      openedOn: openedOnSchema,
      /** Insurances the employer joined (参保险种). */
      insurances: insurancesSchema,
      workInjuryRiskClass: workInjuryRiskClassSchema,
      accountKind: z.enum(ACCOUNT_KINDS),
      /** Whether the employer must pay back-payments for new staff in its first month. */
      needsFirstMonthBackPayment: z.boolean(),
      confirmations: confirmationsSchema,
    })
    .strict(),
);

export type EmployerRegistrationInput = z.output<typeof inputSchema>;

const hrRecordEnrolmentSchema = z.object({}).strict();
const hrMonthEndPushSchema = z.object({ pushedForMonth: feePeriodSchema }).strict();
const taxAssessSchema = z.object({}).strict();
const requestTemporaryRegistrationSchema = z.object({}).strict();
const hrManualPushSchema = z.object({}).strict();
const taxAssociationRegistrationSchema = z.object({}).strict();

/** The route an employer's data takes to tax. */
export type RegistrationRoute = 'month-end-push' | 'temporary-registration';

interface Context {
  readonly employerCode: string;
  readonly employerName: string;
  readonly openedOn: IsoDate;
  readonly insurances: readonly Insurance[];
  readonly workInjuryRiskClass: WorkInjuryRiskClass;
  /** National base rate of the employer's risk class. The employer's floated rate is not part of this case. */
  readonly workInjuryBaseRatePpm: number;
  readonly accountKind: AccountKind;
  readonly needsFirstMonthBackPayment: boolean;
  readonly startedOn: IsoDate;
  readonly route: RegistrationRoute;
  readonly routeReason: LocalizedText;
  readonly hrRecordedOn: IsoDate | null;
  readonly temporaryRegistrationRequestedOn: IsoDate | null;
  /** The month whose month-end push carried the data, on the month-end route. */
  readonly pushedForMonth: FeePeriod | null;
  readonly pushedOn: IsoDate | null;
  readonly pushKind: 'month-end' | 'manual' | null;
  readonly registeredAtTaxOn: IsoDate | null;
  /** First day the employer may pay, on the temporary route: the day of tax's association registration. */
  readonly mayPayFrom: IsoDate | null;
  readonly decisions: readonly RecordedDecision[];
}

type Events =
  | CaseEvent<'HR_RECORD_ENROLMENT', z.output<typeof hrRecordEnrolmentSchema>>
  | CaseEvent<'HR_MONTH_END_PUSH', z.output<typeof hrMonthEndPushSchema>>
  | CaseEvent<'TAX_ASSESS', z.output<typeof taxAssessSchema>>
  | CaseEvent<'REQUEST_TEMPORARY_REGISTRATION', z.output<typeof requestTemporaryRegistrationSchema>>
  | CaseEvent<'HR_MANUAL_PUSH', z.output<typeof hrManualPushSchema>>
  | CaseEvent<'TAX_ASSOCIATION_REGISTRATION', z.output<typeof taxAssociationRegistrationSchema>>;

/**
 * Chooses the route: special accounts and deregistering enterprises always register temporarily, and
 * an ordinary employer does so only when it must pay back-payments for new staff in its first month.
 */
export function chooseRegistrationRoute(
  accountKind: AccountKind,
  needsFirstMonthBackPayment: boolean,
): { readonly route: RegistrationRoute; readonly reason: LocalizedText } {
  if (accountKind !== 'ordinary') {
    const kind = ACCOUNT_KIND_TITLES[accountKind];
    return {
      route: 'temporary-registration',
      reason: {
        zh: `${kind.zh}参照新开户单位办理临时登记：由人社手工推送单位信息，税务关联登记后方可缴费。`,
        en: `A ${kind.en} follows the temporary registration of a new employer: hr pushes its data by hand and it may pay once tax has done the association registration.`,
      },
    };
  }
  if (needsFirstMonthBackPayment) {
    return {
      route: 'temporary-registration',
      reason: {
        zh: '新开户单位当月须为新增员工办理补缴，不能等待月末推送，须到人社窗口办理临时登记。',
        en: 'The new employer must pay back-payments for new staff in its first month and cannot wait for the month-end push, so it registers temporarily at the hr window.',
      },
    };
  }
  return {
    route: 'month-end-push',
    reason: {
      zh: '普通单位户，开户当月无须补缴：人社于月末将单位基本信息和参保信息推送至税务，税务据此核定。',
      en: 'An ordinary employer with no first-month back-payment: hr sends its basic and enrolment data to tax in the month-end push, and tax assesses from it.',
    },
  };
}

/** No step of the registration can happen before the account was opened. */
const accountIsOpen: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  if (compareIsoDates(businessDate, context.openedOn) >= 0) return null;
  return {
    code: 'EMPLOYER_NOT_YET_OPENED',
    message: {
      zh: `单位的社会保险账户于 ${context.openedOn} 开户，业务日期 ${businessDate} 早于开户日期，请于开户后办理。`,
      en: `The employer's account opens on ${context.openedOn} and the business date ${businessDate} is before it, so this step must wait until the account is open.`,
    },
    details: { openedOn: context.openedOn, businessDate },
  };
};

/**
 * An ordinary employer registers temporarily only in its first month. Later, the month-end push of the
 * opening month has already carried its data to tax, so the case waits for that push instead.
 */
const temporaryRegistrationInFirstMonth: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  if (context.accountKind !== 'ordinary') return null;
  const openingMonth = feePeriodOfDate(context.openedOn);
  if (feePeriodOfDate(businessDate) === openingMonth) return null;
  return {
    code: 'TEMPORARY_REGISTRATION_AFTER_FIRST_MONTH',
    message: {
      zh: `临时登记只适用于新开户单位开户当月（${formatFeePeriodZh(openingMonth)}）的补缴，业务日期 ${businessDate} 已不在该月：开户当月的月末推送已将单位信息传至税务，请等待人社月末推送（HR_MONTH_END_PUSH）。`,
      en: `A temporary registration serves only back-payments in the employer's opening month, ${openingMonth}, and the business date ${businessDate} is outside it: the opening month's month-end push has sent the data to tax, so wait for hr's month-end push (HR_MONTH_END_PUSH).`,
    },
    details: { openingMonth, businessDate },
  };
};

/** A month-end push carries the data of a month in which the account was already open. */
const pushedMonthNotBeforeOpening: RuleCheck<Context, { pushedForMonth: FeePeriod }> = (context, data) => {
  const openingMonth = feePeriodOfDate(context.openedOn);
  if (!data || compareFeePeriods(data.pushedForMonth, openingMonth) >= 0) return null;
  return {
    code: 'MONTH_END_PUSH_BEFORE_OPENING',
    message: {
      zh: `推送月份 ${formatFeePeriodZh(data.pushedForMonth)} 早于单位开户月份 ${formatFeePeriodZh(openingMonth)}，该月末推送不可能包含本单位信息。`,
      en: `The pushed month ${data.pushedForMonth} is before the opening month ${openingMonth}, so that month-end push cannot contain this employer.`,
    },
    details: { pushedForMonth: data.pushedForMonth, openingMonth },
  };
};

/** A month-end push happens on the last day of its month or later, never before. */
const pushAtOrAfterMonthEnd: RuleCheck<Context, { pushedForMonth: FeePeriod }> = (_context, data, businessDate) => {
  if (!data) return null;
  const monthEnd = lastDayOfMonth(data.pushedForMonth);
  if (compareIsoDates(businessDate, monthEnd) >= 0) return null;
  return {
    code: 'MONTH_END_PUSH_BEFORE_MONTH_END',
    message: {
      zh: `${formatFeePeriodZh(data.pushedForMonth)}的月末推送最早于 ${monthEnd} 进行，业务日期 ${businessDate} 早于该日。`,
      en: `The month-end push of ${data.pushedForMonth} happens on ${monthEnd} at the earliest, and the business date ${businessDate} is before it.`,
    },
    details: { pushedForMonth: data.pushedForMonth, monthEnd, businessDate },
  };
};

/** Special accounts and deregistering enterprises reach tax only through the manual push. */
const monthEndPushForOrdinaryAccount: RuleCheck<Context, unknown> = (context) => {
  if (context.accountKind === 'ordinary') return null;
  const kind = ACCOUNT_KIND_TITLES[context.accountKind];
  return {
    code: 'MONTH_END_PUSH_NOT_FOR_SPECIAL_ACCOUNT',
    message: {
      zh: `${kind.zh}须办理临时登记，由人社手工推送（HR_MANUAL_PUSH），不经月末推送。`,
      en: `A ${kind.en} must register temporarily and reaches tax through hr's manual push (HR_MANUAL_PUSH), not the month-end push.`,
    },
    details: { accountKind: context.accountKind },
  };
};

const passes =
  (...rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

function lastDayOfMonth(period: FeePeriod): IsoDate {
  const { year, month } = feePeriodParts(period);
  return isoDateFromParts(year, month, daysInMonth(year, month));
}

function appendDecision(context: Context, decision: RecordedDecision): readonly RecordedDecision[] {
  return [...context.decisions, decision];
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as EmployerRegistrationInput & { startedOn: IsoDate },
  },
  guards: {
    isTemporaryRoute: ({ context }) => context.route === 'temporary-registration',
    accountIsOpen: passes(accountIsOpen),
    temporaryRegistrationAllowed: passes(accountIsOpen, temporaryRegistrationInFirstMonth),
    monthEndPushValid: passes(monthEndPushForOrdinaryAccount, pushedMonthNotBeforeOpening, pushAtOrAfterMonthEnd),
  },
  actions: {
    recordMonthEndPush: assign(({ event }) => {
      if (event.type !== 'HR_MONTH_END_PUSH') return {};
      return { pushedForMonth: event.data.pushedForMonth, pushedOn: event.meta.businessDate, pushKind: 'month-end' as const };
    }),
    recordManualPush: assign({ pushedOn: ({ event }) => event.meta.businessDate, pushKind: 'manual' as const }),
    recordRegisteredAtTax: assign({ registeredAtTaxOn: ({ event }) => event.meta.businessDate }),
    recordMayPayFrom: assign(({ context, event }) => ({
      mayPayFrom: event.meta.businessDate,
      decisions: appendDecision(context, {
        rule: 'employer-may-pay-from',
        inputs: { route: context.route, pushedOn: context.pushedOn, associationRegisteredOn: event.meta.businessDate },
        result: { mayPayFrom: event.meta.businessDate },
        dataVersion: EMPLOYER_REGISTRATION_RULES_VERSION,
        decidedOn: event.meta.businessDate,
      }),
    })),
  },
}).createMachine({
  id: 'employer-registration',
  context: ({ input }) => {
    const { route, reason } = chooseRegistrationRoute(input.accountKind, input.needsFirstMonthBackPayment);
    const rate = workInjuryBaseRate(input.workInjuryRiskClass);
    return {
      employerCode: input.employerCode,
      employerName: input.employerName,
      openedOn: input.openedOn,
      insurances: input.insurances,
      workInjuryRiskClass: input.workInjuryRiskClass,
      workInjuryBaseRatePpm: rate.baseRatePpm,
      accountKind: input.accountKind,
      needsFirstMonthBackPayment: input.needsFirstMonthBackPayment,
      startedOn: input.startedOn,
      route,
      routeReason: reason,
      hrRecordedOn: null,
      temporaryRegistrationRequestedOn: null,
      pushedForMonth: null,
      pushedOn: null,
      pushKind: null,
      registeredAtTaxOn: null,
      mayPayFrom: null,
      decisions: [
        {
          rule: 'route-employer-registration',
          inputs: { accountKind: input.accountKind, needsFirstMonthBackPayment: input.needsFirstMonthBackPayment },
          result: { route, reason },
          dataVersion: EMPLOYER_REGISTRATION_RULES_VERSION,
          decidedOn: input.startedOn,
        },
        {
          rule: 'work-injury-base-rate',
          inputs: { riskClass: input.workInjuryRiskClass },
          result: { baseRatePpm: rate.baseRatePpm },
          dataVersion: WORK_INJURY_CLASSES_DATA_VERSION,
          decidedOn: input.startedOn,
        },
      ],
    };
  },
  initial: 'routing',
  states: {
    // Decided at once from the input by an automatic transition, so the route shows in the history.
    routing: {
      always: [{ guard: 'isTemporaryRoute', target: 'temporaryRoute' }, { target: 'monthEndRoute' }],
    },
    monthEndRoute: {
      initial: 'awaitingHrRecord',
      states: {
        awaitingHrRecord: {
          on: {
            HR_RECORD_ENROLMENT: {
              guard: 'accountIsOpen',
              target: 'awaitingMonthEndPush',
              actions: assign({ hrRecordedOn: ({ event }) => event.meta.businessDate }),
            },
          },
        },
        awaitingMonthEndPush: {
          on: { HR_MONTH_END_PUSH: { guard: 'monthEndPushValid', target: 'awaitingTaxAssessment', actions: 'recordMonthEndPush' } },
        },
        awaitingTaxAssessment: {
          on: { TAX_ASSESS: { target: '#employer-registration.registered', actions: 'recordRegisteredAtTax' } },
        },
      },
    },
    temporaryRoute: {
      initial: 'awaitingTemporaryRegistration',
      states: {
        awaitingTemporaryRegistration: {
          on: {
            REQUEST_TEMPORARY_REGISTRATION: {
              guard: 'temporaryRegistrationAllowed',
              target: 'awaitingHrManualPush',
              actions: assign({ temporaryRegistrationRequestedOn: ({ event }) => event.meta.businessDate }),
            },
            // An ordinary employer that never came to the window in its first month is carried by the
            // month-end push of that month instead. Tax then assesses as on the month-end route.
            HR_MONTH_END_PUSH: {
              guard: 'monthEndPushValid',
              target: '#employer-registration.monthEndRoute.awaitingTaxAssessment',
              actions: 'recordMonthEndPush',
            },
          },
        },
        awaitingHrManualPush: {
          on: { HR_MANUAL_PUSH: { target: 'awaitingAssociationRegistration', actions: 'recordManualPush' } },
        },
        awaitingAssociationRegistration: {
          on: {
            TAX_ASSOCIATION_REGISTRATION: {
              target: '#employer-registration.readyToPay',
              actions: ['recordRegisteredAtTax', 'recordMayPayFrom'],
            },
          },
        },
      },
    },
    registered: { type: 'final' },
    readyToPay: { type: 'final' },
  },
});

export const employerRegistration = defineProcess({
  id: 'employer-registration',
  version: 1,
  title: { zh: '用人单位登记', en: 'Employer registration' },
  description: {
    zh: '人社部门每月末将单位开户时录入的基本信息和参保信息（参加的险种）传递给税务部门，税务部门据此核定缴费。新开户单位当月须为新增员工办理补缴的，须到人社窗口办理“临时登记”，由人社手工将单位基本信息和参保信息推送至税务，税务部门关联登记后单位方可缴费。注销企业和建筑业项目等带字母的特殊户参照执行。',
    en: "At each month end hr sends the tax bureau the employer's basic data, entered when its account was opened, and its enrolment data, the insurances it joined; tax assesses fees from them. A newly opened employer that must pay back-payments for new staff in its first month registers temporarily at the hr window: hr pushes its data to tax by hand, tax does the association registration, and only then may the employer pay. Deregistering enterprises and special accounts such as construction projects (codes with letters) follow the same path.",
  },
  machine,
  inputSchema,
  events: {
    HR_RECORD_ENROLMENT: {
      title: { zh: '人社录入单位基本信息和参保信息', en: "hr records the employer's basic and enrolment data" },
      parties: ['hr'],
      schema: hrRecordEnrolmentSchema,
      rules: [accountIsOpen],
    },
    HR_MONTH_END_PUSH: {
      title: { zh: '人社月末推送单位信息', en: "hr month-end push of the employer's data" },
      parties: ['hr'],
      schema: hrMonthEndPushSchema,
      rules: [monthEndPushForOrdinaryAccount, pushedMonthNotBeforeOpening, pushAtOrAfterMonthEnd],
    },
    TAX_ASSESS: {
      title: { zh: '税务依推送信息核定', en: 'Tax assesses from the pushed data' },
      parties: ['tax'],
      schema: taxAssessSchema,
    },
    REQUEST_TEMPORARY_REGISTRATION: {
      title: { zh: '到人社窗口办理临时登记', en: 'Request temporary registration at the hr window' },
      parties: ['employer'],
      channels: ['hr-window'],
      schema: requestTemporaryRegistrationSchema,
      rules: [accountIsOpen, temporaryRegistrationInFirstMonth],
    },
    HR_MANUAL_PUSH: {
      title: { zh: '人社手工推送单位信息至税务', en: "hr pushes the employer's data to tax by hand" },
      parties: ['hr'],
      schema: hrManualPushSchema,
    },
    TAX_ASSOCIATION_REGISTRATION: {
      title: { zh: '税务关联登记', en: 'Tax association registration' },
      parties: ['tax'],
      schema: taxAssociationRegistrationSchema,
    },
  },
  stateTitles: {
    routing: { zh: '按单位类型和补缴需要分流', en: 'Routing by account kind and first-month back-payment' },
    monthEndRoute: { zh: '月末推送办理', en: 'Month-end push route' },
    'monthEndRoute.awaitingHrRecord': { zh: '待人社录入单位信息', en: "Awaiting hr's record of the employer's data" },
    'monthEndRoute.awaitingMonthEndPush': { zh: '待人社月末推送', en: "Awaiting hr's month-end push" },
    'monthEndRoute.awaitingTaxAssessment': { zh: '待税务核定', en: 'Awaiting tax assessment' },
    temporaryRoute: { zh: '临时登记办理', en: 'Temporary registration route' },
    'temporaryRoute.awaitingTemporaryRegistration': { zh: '待单位到人社窗口办理临时登记', en: 'Awaiting temporary registration at the hr window' },
    'temporaryRoute.awaitingHrManualPush': { zh: '待人社手工推送', en: "Awaiting hr's manual push" },
    'temporaryRoute.awaitingAssociationRegistration': { zh: '待税务关联登记', en: 'Awaiting tax association registration' },
    registered: { zh: '已登记，税务按推送信息核定（办结）', en: 'Registered; tax assesses from the pushed data (closed)' },
    readyToPay: { zh: '税务已关联登记，单位可缴费（办结）', en: 'Association registered; the employer may pay (closed)' },
  },
  caseKeys: (input: EmployerRegistrationInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: feePeriodOfDate(input.openedOn),
    feePeriodTo: feePeriodOfDate(input.openedOn),
  }),
  explainNotAccepted: (context: Context, eventType: string) => {
    if (eventType === 'HR_MONTH_END_PUSH' && context.route === 'month-end-push' && context.hrRecordedOn === null) {
      return {
        code: 'ENROLMENT_NOT_RECORDED',
        message: {
          zh: '人社尚未录入单位基本信息和参保信息（HR_RECORD_ENROLMENT），月末推送没有可推送的内容。',
          en: "hr has not recorded the employer's basic and enrolment data yet (HR_RECORD_ENROLMENT), so the month-end push has nothing to send.",
        },
      };
    }
    if (TEMPORARY_ROUTE_EVENTS.has(eventType) && context.route === 'month-end-push') {
      return {
        code: 'NOT_ON_TEMPORARY_ROUTE',
        message: {
          zh: `本单位走月末推送流程（${context.routeReason.zh}），不办理临时登记。`,
          en: `This employer is on the month-end push route (${context.routeReason.en}), so it does not register temporarily.`,
        },
        details: { route: context.route },
      };
    }
    return null;
  },
});

const TEMPORARY_ROUTE_EVENTS = new Set(['REQUEST_TEMPORARY_REGISTRATION', 'HR_MANUAL_PUSH', 'TAX_ASSOCIATION_REGISTRATION']);
