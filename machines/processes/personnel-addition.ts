import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { CALENDAR_DATA_VERSION, CalendarYearMissingError } from '../policy/calendar.js';
import { DECLARATION_OPENS_ON_DAY, declarationWindow } from '../policy/declaration-window.js';
import {
  addMonths,
  feePeriodOfDate,
  feePeriodParts,
  formatFeePeriodZh,
  feePeriodSchema,
  HANDOVER_FEE_PERIOD,
  isFeePeriod,
} from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import { compareIsoDates, isoDateFromParts, isoDateSchema } from '../policy/iso-date.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Insurance } from '../policy/parties.js';
import { MEDICAL_START_RULE, startMonthsAtNewEmployer } from '../policy/employer-move.js';
import {
  confirmationsSchema,
  employerCodeSchema,
  insurancesSchema,
  personSchema,
  positiveFenSchema,
  withCreditCodeConfirmation,
} from './common-schemas.js';
import { personnelAdditionTimers } from './personnel-addition-timers.js';

/**
 * Personnel addition (增员): the unified registration of social insurance, employment and labour filing
 * (社会保险、就业、劳动用工备案统一登记) records a person's basic data, labour contract and insurances, but no
 * wage. The start month sent to tax is the month the addition succeeded, and from the 10th of the next
 * month the employer declares the person's contribution wage to tax.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;

/**
 * Version of the date rules in this file. They follow Beijing's January 2024 process change; raise the
 * version whenever a rule here changes.
 */
const ADDITION_RULES_VERSION = '2024-01';

/**
 * First day of registrations without a wage. Registrations from January 2024, when the tax bureau began
 * collecting declared fees, no longer collect the wage: it is declared to tax instead.
 */
export const WAGE_FREE_REGISTRATION_FROM: IsoDate = (() => {
  const { year, month } = feePeriodParts(addMonths(HANDOVER_FEE_PERIOD, 1));
  return isoDateFromParts(year, month, 1);
})();

/** Pattern of input field names that would carry a wage; the registration rejects such fields with the reason. */
const WAGE_FIELD_PATTERN = /wage|salary|contributionbase|basefen|工资|基数/i;

const contractDateSchema = isoDateSchema.refine((date) => isFeePeriod(date.slice(0, 7)), {
  message: encodeLocalizedText({ zh: '合同日期的年份应在 1990 至 2099 之间', en: 'contract dates must fall in the years 1990 to 2099' }),
});

export const LABOUR_CONTRACT_KINDS = ['fixed-term', 'open-ended', 'task-based'] as const;

/** The labour contract as the unified registration records it. */
const labourContractSchema = z
  .object({
    /** 固定期限, 无固定期限, 以完成一定工作任务为期限. */
    kind: z.enum(LABOUR_CONTRACT_KINDS),
    startsOn: contractDateSchema,
    endsOn: contractDateSchema.optional(),
  })
  .strict()
  .superRefine((contract, context) => {
    if (contract.kind === 'fixed-term' && contract.endsOn === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['endsOn'],
        message: encodeLocalizedText({
          zh: '固定期限劳动合同须填写合同终止日期',
          en: 'a fixed-term labour contract needs its end date, endsOn',
        }),
      });
    }
    if (contract.endsOn !== undefined && compareIsoDates(contract.endsOn, contract.startsOn) < 0) {
      context.addIssue({
        code: 'custom',
        path: ['endsOn'],
        message: encodeLocalizedText({
          zh: `合同终止日期 ${contract.endsOn} 早于起始日期 ${contract.startsOn}`,
          en: `the contract end date ${contract.endsOn} is before its start date ${contract.startsOn}`,
        }),
      });
    }
  });

/**
 * Explains an unknown wage field instead of reporting it as merely unknown, because a wage is the one
 * field an employer used to send at registration. Other unknown fields keep zod's own message.
 */
function explainWageFields(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const wageFields = issue.keys.filter((key) => WAGE_FIELD_PATTERN.test(key));
  if (wageFields.length === 0) return undefined;
  return encodeLocalizedText({
    zh: `增员登记不采集缴费工资（字段 ${wageFields.join('、')}）：缴费工资由用人单位自增员成功次月10日起向税务部门申报，请删除该字段。`,
    en: `The addition registration collects no wage (field ${wageFields.join(', ')}): the employer declares the wage to tax from the 10th of the month after the addition succeeds, so remove the field.`,
  });
}

const inputSchema = withCreditCodeConfirmation(
  z.strictObject(
    {
      employerCode: employerCodeSchema,
      person: personSchema,
      labourContract: labourContractSchema,
      insurances: insurancesSchema,
      /**
       * The employer the person leaves in the month of this addition, if any, so that the start months
       * follow the one-payer rule of SPEC §4.3.
       */
      previousEmployer: z
        .strictObject({
          employerCode: employerCodeSchema,
          /** The last month the previous employer charged: its stop month, when that month is charged. */
          lastChargedMonth: feePeriodSchema,
          /** The insurances it charged; the insurances of this addition when absent. */
          insurances: insurancesSchema.optional(),
        })
        .optional(),
      confirmations: confirmationsSchema,
    },
    { error: explainWageFields },
  ),
);

export type PersonnelAdditionInput = z.output<typeof inputSchema>;
type PreviousEmployer = NonNullable<PersonnelAdditionInput['previousEmployer']>;

const registrationSucceededSchema = z.object({}).strict();
const declareWageSchema = z.object({ wageFen: positiveFenSchema }).strict();
const wageDeclarationOverdueSchema = z.object({}).strict();

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly labourContract: z.output<typeof labourContractSchema>;
  readonly insurances: readonly Insurance[];
  /** The employer the person leaves in the addition month; absent in cases opened before it existed. */
  readonly previousEmployer?: PreviousEmployer | null;
  readonly startedOn: IsoDate;
  readonly registeredOn: IsoDate | null;
  /**
   * Start month per insurance as sent to tax: the month the addition succeeded, except that pension,
   * unemployment and medical start after the previous employer's last charged month (SPEC §4.3).
   */
  readonly startMonths: Partial<Record<Insurance, FeePeriod>>;
  /** First day the employer may declare the wage to tax: the 10th of the month after the addition. */
  readonly wageDeclarationDueFrom: IsoDate | null;
  /** Deadline of the start month's declaration window, once the overdue reminder has been accepted. */
  readonly firstWindowDeadline: IsoDate | null;
  readonly overdueNotedOn: IsoDate | null;
  readonly reminder: LocalizedText | null;
  readonly wageFen: number | null;
  readonly wageDeclaredOn: IsoDate | null;
  readonly decisions: readonly RecordedDecision[];
}

type Events =
  | CaseEvent<'REGISTRATION_SUCCEEDED', z.output<typeof registrationSucceededSchema>>
  | CaseEvent<'DECLARE_WAGE', z.output<typeof declareWageSchema>>
  | CaseEvent<'WAGE_DECLARATION_OVERDUE', z.output<typeof wageDeclarationOverdueSchema>>;

/** Returns the first day the wage may be declared for an addition that succeeded on `registeredOn`. */
export function wageDeclarationDueFromOf(registeredOn: IsoDate): IsoDate {
  const { year, month } = feePeriodParts(addMonths(feePeriodOfDate(registeredOn), 1));
  return isoDateFromParts(year, month, DECLARATION_OPENS_ON_DAY);
}

/** This registration without a wage exists only from January 2024; earlier ones collected the wage at hr. */
const registrationIsWageFree: RuleCheck<Context, unknown> = (_context, _data, businessDate) => {
  if (compareIsoDates(businessDate, WAGE_FREE_REGISTRATION_FROM) >= 0) return null;
  return {
    code: 'ADDITION_BEFORE_SELF_DECLARATION',
    message: {
      zh: `业务日期 ${businessDate} 早于 ${WAGE_FREE_REGISTRATION_FROM}：当时的增员由人社采集缴费工资并核定，不适用本流程。`,
      en: `The business date ${businessDate} is before ${WAGE_FREE_REGISTRATION_FROM}, when hr still collected the wage at registration and assessed the fees, so this process does not apply.`,
    },
    details: { businessDate, wageFreeRegistrationFrom: WAGE_FREE_REGISTRATION_FROM },
  };
};

const wageDeclarationIsDue: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const dueFrom = context.wageDeclarationDueFrom;
  if (dueFrom === null || compareIsoDates(businessDate, dueFrom) >= 0) return null;
  return {
    code: 'WAGE_DECLARATION_NOT_YET_DUE',
    message: {
      zh: `该人员于 ${context.registeredOn} 增员成功，缴费工资自 ${dueFrom}（增员成功次月10日）起向税务部门申报；业务日期 ${businessDate} 早于该日，请于 ${dueFrom} 及以后申报。`,
      en: `The person was added on ${context.registeredOn}, so the wage is declared to tax from ${dueFrom}, the 10th of the next month; the business date ${businessDate} is before that day, so declare on or after ${dueFrom}.`,
    },
    details: { registeredOn: context.registeredOn, wageDeclarationDueFrom: dueFrom, businessDate },
  };
};

/**
 * The overdue reminder is accepted only after the deadline of the start month's declaration window, the
 * first window in which the wage was needed. A year without calendar data is reported, not guessed.
 */
const wageDeclarationPastFirstWindow: RuleCheck<Context, unknown> = (context, _data, businessDate) => {
  const startMonth = firstStartMonth(context);
  if (startMonth === null) return null;
  const deadline = firstWindowDeadlineOrError(startMonth);
  if (deadline instanceof CalendarYearMissingError) {
    return { code: deadline.code, message: deadline.localized, details: { year: deadline.year } };
  }
  if (compareIsoDates(businessDate, deadline) > 0) return null;
  return {
    code: 'WAGE_DECLARATION_NOT_OVERDUE',
    message: {
      zh: `费款所属期${formatFeePeriodZh(startMonth)}的申报截止日为 ${deadline}，业务日期 ${businessDate} 未超过该日，缴费工资申报尚未逾期。`,
      en: `The declaration deadline of fee period ${startMonth} is ${deadline} and the business date ${businessDate} is not after it, so the wage declaration is not overdue yet.`,
    },
    details: { startMonth, deadline, businessDate },
  };
};

function firstStartMonth(context: Context): FeePeriod | null {
  return context.registeredOn === null ? null : feePeriodOfDate(context.registeredOn);
}

function firstWindowDeadlineOrError(startMonth: FeePeriod): IsoDate | CalendarYearMissingError {
  try {
    return declarationWindow(startMonth, { moveDeadlineToNextWorkingDay: true }).deadline;
  } catch (error) {
    if (error instanceof CalendarYearMissingError) return error;
    throw error;
  }
}

const passes =
  (...rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

/** The reminder the case shows once the first declaration window has closed without a wage. */
export const WAGE_DECLARATION_OVERDUE_REMINDER: LocalizedText = {
  zh: '首个申报期已过，该人员的缴费工资仍未向税务部门申报，请尽快申报。',
  en: "The first declaration window has closed and the person's wage has not been declared to tax yet; declare it now.",
};

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as PersonnelAdditionInput & { startedOn: IsoDate },
  },
  guards: {
    registrationIsWageFree: passes(registrationIsWageFree),
    wageDeclarationIsDue: passes(wageDeclarationIsDue),
    wageDeclarationPastFirstWindow: passes(wageDeclarationPastFirstWindow),
  },
  actions: {
    recordRegistration: assign(({ context, event }) => {
      const registeredOn = event.meta.businessDate;
      const additionMonth = feePeriodOfDate(registeredOn);
      const previous = context.previousEmployer ?? null;
      const previousCharge = previous ? { lastChargedMonth: previous.lastChargedMonth, insurances: previous.insurances ?? context.insurances } : null;
      const startMonths = startMonthsAtNewEmployer(context.insurances, additionMonth, previousCharge);
      const dueFrom = wageDeclarationDueFromOf(registeredOn);
      return {
        registeredOn,
        startMonths,
        wageDeclarationDueFrom: dueFrom,
        decisions: [
          ...context.decisions,
          {
            rule: 'addition-start-month',
            inputs: {
              registeredOn,
              insurances: context.insurances,
              ...(previousCharge ? { previousEmployer: { ...previousCharge, employerCode: previous?.employerCode }, medicalStartRule: MEDICAL_START_RULE } : {}),
            },
            result: { startMonths },
            dataVersion: ADDITION_RULES_VERSION,
            decidedOn: registeredOn,
          },
          {
            rule: 'wage-declaration-due-from',
            inputs: { registeredOn, declarationOpensOnDay: DECLARATION_OPENS_ON_DAY },
            result: { wageDeclarationDueFrom: dueFrom },
            dataVersion: ADDITION_RULES_VERSION,
            decidedOn: registeredOn,
          },
        ],
      };
    }),
    recordOverdue: assign(({ context, event }) => {
      const startMonth = firstStartMonth(context);
      const deadline = startMonth === null ? null : firstWindowDeadlineOrError(startMonth);
      const firstWindowDeadline = typeof deadline === 'string' ? deadline : null;
      return {
        overdueNotedOn: event.meta.businessDate,
        reminder: WAGE_DECLARATION_OVERDUE_REMINDER,
        firstWindowDeadline,
        decisions: [
          ...context.decisions,
          {
            rule: 'wage-declaration-overdue',
            inputs: { startMonth, moveDeadlineToNextWorkingDay: true },
            result: { firstWindowDeadline, overdue: true },
            dataVersion: CALENDAR_DATA_VERSION,
            decidedOn: event.meta.businessDate,
          },
        ],
      };
    }),
    recordWage: assign(({ event }) => {
      if (event.type !== 'DECLARE_WAGE') return {};
      return { wageFen: event.data.wageFen, wageDeclaredOn: event.meta.businessDate, reminder: null };
    }),
  },
}).createMachine({
  id: 'personnel-addition',
  context: ({ input }) => ({
    employerCode: input.employerCode,
    person: input.person,
    labourContract: input.labourContract,
    insurances: input.insurances,
    previousEmployer: input.previousEmployer ?? null,
    startedOn: input.startedOn,
    registeredOn: null,
    startMonths: {},
    wageDeclarationDueFrom: null,
    firstWindowDeadline: null,
    overdueNotedOn: null,
    reminder: null,
    wageFen: null,
    wageDeclaredOn: null,
    decisions: [],
  }),
  initial: 'awaitingRegistration',
  states: {
    awaitingRegistration: {
      on: {
        REGISTRATION_SUCCEEDED: { guard: 'registrationIsWageFree', target: 'awaitingWageDeclaration', actions: 'recordRegistration' },
      },
    },
    awaitingWageDeclaration: {
      on: {
        DECLARE_WAGE: { guard: 'wageDeclarationIsDue', target: 'wageDeclared', actions: 'recordWage' },
        WAGE_DECLARATION_OVERDUE: { guard: 'wageDeclarationPastFirstWindow', target: 'overdue', actions: 'recordOverdue' },
      },
    },
    // A reminder, not an end: the wage can still be declared.
    overdue: {
      on: { DECLARE_WAGE: { guard: 'wageDeclarationIsDue', target: 'wageDeclared', actions: 'recordWage' } },
    },
    wageDeclared: { type: 'final' },
  },
});

export const personnelAddition = defineProcess({
  id: 'personnel-addition',
  version: 1,
  title: { zh: '人员参保登记（增加）', en: 'Personnel addition' },
  description: {
    zh: `办理社会保险、就业、劳动用工备案统一登记（增员）时，只申报个人基本信息、劳动合同信息和险种，不采集缴费工资。增员成功后推送税务的开始缴费年月为增员成功当月；人员同月从原单位转入时，工伤保险仍自增员当月开始，养老、失业和医疗保险自原单位最后缴费月的次月开始（同一人同一月不能重复缴纳）。${formatFeePeriodZh(addMonths(HANDOVER_FEE_PERIOD, 1))}及以后办理参保登记的人员，用人单位自增员成功次月10日起向税务部门申报缴费工资；以后调整缴费工资和年度缴费基数核定也向税务部门申报。`,
    en: "The unified registration of social insurance, employment and labour filing (addition) records only the person's basic data, labour contract and insurances; it collects no wage. The start month sent to tax is the month the addition succeeded; for a person who left another employer in the same month, work injury still starts then, while pension, unemployment and medical start in the month after the previous employer's last charged month, because one person cannot pay them twice for a month. For people registered from January 2024 on, the employer declares the contribution wage to tax from the 10th of the month after the addition succeeded; later wage changes and the annual base assessment are declared to tax as well.",
  },
  machine,
  inputSchema,
  events: {
    REGISTRATION_SUCCEEDED: {
      title: { zh: '增员登记成功', en: 'Addition registered' },
      parties: ['hr'],
      schema: registrationSucceededSchema,
      rules: [registrationIsWageFree],
    },
    DECLARE_WAGE: {
      title: { zh: '向税务申报缴费工资', en: 'Declare the wage to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareWageSchema,
      rules: [wageDeclarationIsDue],
    },
    WAGE_DECLARATION_OVERDUE: {
      title: { zh: '缴费工资申报逾期提醒', en: 'Wage declaration overdue reminder' },
      parties: ['system'],
      schema: wageDeclarationOverdueSchema,
      rules: [wageDeclarationPastFirstWindow],
    },
  },
  stateTitles: {
    awaitingRegistration: { zh: '待增员登记成功', en: 'Awaiting the addition registration' },
    awaitingWageDeclaration: { zh: '待向税务申报缴费工资（增员次月10日起）', en: 'Awaiting the wage declaration to tax (from the 10th of the next month)' },
    overdue: { zh: '缴费工资申报已逾期，待申报', en: 'Wage declaration overdue, still awaiting it' },
    wageDeclared: { zh: '已向税务申报缴费工资（办结）', en: 'Wage declared to tax (closed)' },
  },
  caseKeys: (input: PersonnelAdditionInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: feePeriodOfDate(input.labourContract.startsOn),
    feePeriodTo: feePeriodOfDate(input.labourContract.startsOn),
    personIdNumber: input.person.idNumber,
  }),
  timers: personnelAdditionTimers,
});
