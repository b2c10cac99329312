import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { compareFeePeriods, feePeriodOfDate, feePeriodParts, feePeriodSchema, formatFeePeriodZh } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import { validateResidentId } from '../policy/identifiers.js';
import { compareIsoDates, daysInMonth, isoDateFromParts } from '../policy/iso-date.js';
import type { IsoDate } from '../policy/iso-date.js';
import { INSURANCE_TITLES, THREE_INSURANCES } from '../policy/parties.js';
import type { Insurance } from '../policy/parties.js';
import { confirmationsSchema, employerCodeSchema, personNameSchema, withCreditCodeConfirmation } from './common-schemas.js';
import { personalDataChangeTimers } from './personal-data-change-timers.js';

/**
 * Personal data change (个人信息变更): a change of name, ID type or ID number, which hr (three insurances)
 * and medical (medical insurance) must both make, in the same month.
 *
 * Each side pushes its records to tax at month end. When only one side has changed, or the two pushes
 * reach tax in different months, tax keeps two records for one person, one per side. The case tracks both
 * sides in parallel, checks what tax holds after each month-end push, and is done only when both sides
 * agree and tax holds one record. The case assumes a person insured at both hr and medical.
 */

/**
 * Version of the consistency rules in this file. They follow Beijing's January 2024 process change;
 * raise the version whenever a rule here changes.
 */
const CONSISTENCY_RULES_VERSION = '2024-01';

export const ID_TYPES = [
  'resident-id',
  'passport',
  'hk-macau-travel-permit',
  'taiwan-travel-permit',
  'foreign-permanent-residence-id',
  'hk-macau-taiwan-residence-permit',
] as const;
export type IdType = (typeof ID_TYPES)[number];

export const ID_TYPE_TITLES: Readonly<Record<IdType, LocalizedText>> = {
  'resident-id': { zh: '居民身份证', en: 'Resident ID card' },
  passport: { zh: '护照', en: 'Passport' },
  'hk-macau-travel-permit': { zh: '港澳居民来往内地通行证', en: 'Mainland travel permit for Hong Kong and Macao residents' },
  'taiwan-travel-permit': { zh: '台湾居民来往大陆通行证', en: 'Mainland travel permit for Taiwan residents' },
  'foreign-permanent-residence-id': { zh: '外国人永久居留身份证', en: 'Foreigner permanent residence ID card' },
  'hk-macau-taiwan-residence-permit': { zh: '港澳台居民居住证', en: 'Residence permit for Hong Kong, Macao and Taiwan residents' },
};

/** Other ID numbers: letters and digits only, normalised to capitals; the length covers passports and permits. */
const OTHER_ID_NUMBER_PATTERN = /^[0-9A-Z]{5,30}$/;

/** A person's identity as hr, medical and tax hold it. A resident ID is checked and normalised. */
const identitySchema = z
  .object({
    name: personNameSchema,
    idType: z.enum(ID_TYPES),
    idNumber: z.string().trim(),
  })
  .strict()
  .transform((identity, context) => {
    if (identity.idType === 'resident-id') {
      const check = validateResidentId(identity.idNumber);
      if (!check.ok) {
        context.addIssue({ code: 'custom', path: ['idNumber'], params: { code: check.code }, message: encodeLocalizedText(check.message) });
        return z.NEVER;
      }
      return { ...identity, idNumber: check.value };
    }
    const idNumber = identity.idNumber.toUpperCase();
    if (!OTHER_ID_NUMBER_PATTERN.test(idNumber)) {
      context.addIssue({
        code: 'custom',
        path: ['idNumber'],
        message: encodeLocalizedText({
          zh: `证件号码“${identity.idNumber}”无效：${ID_TYPE_TITLES[identity.idType].zh}号码应为 5 至 30 位字母或数字`,
          en: `Invalid ID number "${identity.idNumber}": a ${ID_TYPE_TITLES[identity.idType].en} number has 5 to 30 letters or digits`,
        }),
      });
      return z.NEVER;
    }
    return { ...identity, idNumber };
  });

export type Identity = z.output<typeof identitySchema>;

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      /** The identity hr, medical and tax hold before the change. */
      before: identitySchema,
      /** Month in which the change was requested; both sides should make it in this month. */
      requestedIn: feePeriodSchema,
      confirmations: confirmationsSchema,
    })
    .strict(),
);

export type PersonalDataChangeInput = z.output<typeof inputSchema>;

const changeRecordedSchema = z.object({ after: identitySchema, month: feePeriodSchema }).strict();
const monthEndCheckSchema = z.object({ feePeriod: feePeriodSchema }).strict();

type Side = 'hr' | 'medical';

/** One change a side recorded; it reaches tax with the push at the end of `month`. */
interface SideChange {
  readonly after: Identity;
  readonly month: FeePeriod;
  readonly recordedOn: IsoDate;
  readonly kind: 'change' | 'correction';
}

/** One record of the person at tax after a month-end push. */
export interface TaxRecord {
  readonly name: string;
  readonly idType: IdType;
  readonly idNumber: string;
  readonly insurances: readonly Insurance[];
  readonly pushedBy: readonly Side[];
}

export type CheckOutcome = 'unchanged' | 'split-record' | 'conflict' | 'consistent';

interface CheckResult {
  readonly feePeriod: FeePeriod;
  readonly outcome: CheckOutcome;
  readonly hrIdentity: Identity;
  readonly medicalIdentity: Identity;
  readonly records: readonly TaxRecord[];
}

interface Context {
  readonly employerCode: string;
  readonly before: Identity;
  readonly requestedIn: FeePeriod;
  readonly startedOn: IsoDate;
  readonly hrChanges: readonly SideChange[];
  readonly medicalChanges: readonly SideChange[];
  readonly lastCheck: CheckResult | null;
  /** The person's records at tax after the latest check; one record before any change reaches tax. */
  readonly taxRecords: readonly TaxRecord[];
  /** Both records named as tax shows them, while the latest check found two; null otherwise. */
  readonly splitRecordSummary: LocalizedText | null;
  /** Set while the latest check found both sides changed to different data; cleared by the next check. */
  readonly conflict: { readonly hr: Identity; readonly medical: Identity } | null;
  /** Whether both sides made their latest change in the same month, as they should; null until both have. */
  readonly changedInSameMonth: boolean | null;
  readonly decisions: readonly RecordedDecision[];
}

type ChangeData = z.output<typeof changeRecordedSchema>;

type Events =
  | CaseEvent<'HR_CHANGE_RECORDED', ChangeData>
  | CaseEvent<'MEDICAL_CHANGE_RECORDED', ChangeData>
  | CaseEvent<'HR_CHANGE_CORRECTED', ChangeData>
  | CaseEvent<'MEDICAL_CHANGE_CORRECTED', ChangeData>
  | CaseEvent<'MONTH_END_CHECK', z.output<typeof monthEndCheckSchema>>;

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.name === b.name && a.idType === b.idType && a.idNumber === b.idNumber;
}

function describeIdentity(identity: Identity): LocalizedText {
  const type = ID_TYPE_TITLES[identity.idType];
  return { zh: `${identity.name}（${type.zh} ${identity.idNumber}）`, en: `${identity.name} (${type.en} ${identity.idNumber})` };
}

/** Returns the identity a side's push carried to tax at the end of `feePeriod`. */
function pushedIdentity(before: Identity, changes: readonly SideChange[], feePeriod: FeePeriod): Identity {
  let identity = before;
  for (const change of changes) {
    if (compareFeePeriods(change.month, feePeriod) <= 0) identity = change.after;
  }
  return identity;
}

/**
 * Compares what the two sides have pushed by the end of `feePeriod`. Equal identities make one record
 * with all four insurances. Different ones make two records, the three insurances under hr's identity
 * and medical insurance under medical's, as tax shows a person changed at one side only.
 */
export function checkAtMonthEnd(
  before: Identity,
  hrChanges: readonly SideChange[],
  medicalChanges: readonly SideChange[],
  feePeriod: FeePeriod,
): CheckResult {
  const hrIdentity = pushedIdentity(before, hrChanges, feePeriod);
  const medicalIdentity = pushedIdentity(before, medicalChanges, feePeriod);
  const hrChanged = !sameIdentity(hrIdentity, before);
  const medicalChanged = !sameIdentity(medicalIdentity, before);

  if (sameIdentity(hrIdentity, medicalIdentity)) {
    const record: TaxRecord = { ...hrIdentity, insurances: [...THREE_INSURANCES, 'medical'], pushedBy: ['hr', 'medical'] };
    return { feePeriod, outcome: hrChanged ? 'consistent' : 'unchanged', hrIdentity, medicalIdentity, records: [record] };
  }

  const records: TaxRecord[] = [
    { ...hrIdentity, insurances: [...THREE_INSURANCES], pushedBy: ['hr'] },
    { ...medicalIdentity, insurances: ['medical'], pushedBy: ['medical'] },
  ];
  const outcome = hrChanged && medicalChanged ? 'conflict' : 'split-record';
  return { feePeriod, outcome, hrIdentity, medicalIdentity, records };
}

/** Names both records the way tax shows them, such as "张二：养老保险、失业保险、工伤保险；张一：医疗保险(含生育)". */
export function summarizeTaxRecords(feePeriod: FeePeriod, records: readonly TaxRecord[]): LocalizedText {
  const zhRecords = records.map((r) => `${describeIdentity(r).zh}：${r.insurances.map((i) => INSURANCE_TITLES[i].zh).join('、')}`);
  const enRecords = records.map((r) => `${describeIdentity(r).en}: ${r.insurances.map((i) => INSURANCE_TITLES[i].en).join(', ')}`);
  return {
    zh: `${formatFeePeriodZh(feePeriod)}月末推送后，税务端同一人存在 ${records.length} 条记录：${zhRecords.join('；')}。`,
    en: `After the month-end push of ${feePeriod}, tax holds ${records.length} records for one person: ${enRecords.join('; ')}.`,
  };
}

function lastDayOfMonth(period: FeePeriod): IsoDate {
  const { year, month } = feePeriodParts(period);
  return isoDateFromParts(year, month, daysInMonth(year, month));
}

const identityChanges: RuleCheck<Context, ChangeData> = (context, data) => {
  if (!data || !sameIdentity(data.after, context.before)) return null;
  return {
    code: 'IDENTITY_UNCHANGED',
    message: {
      zh: `变更后的信息与变更前相同（${describeIdentity(context.before).zh}），姓名、证件类型或证件号码至少须有一项变更。`,
      en: `The new data equals the data before the change (${describeIdentity(context.before).en}); change at least the name, the ID type or the ID number.`,
    },
  };
};

const changeMonthNotInFuture: RuleCheck<Context, ChangeData> = (_context, data, businessDate) => {
  if (!data || compareFeePeriods(data.month, feePeriodOfDate(businessDate)) <= 0) return null;
  return {
    code: 'CHANGE_MONTH_IN_FUTURE',
    message: {
      zh: `变更月份 ${formatFeePeriodZh(data.month)} 晚于业务日期 ${businessDate} 所在月份，变更须在办理后录入。`,
      en: `The change month ${data.month} is after the month of the business date ${businessDate}; record a change once it is made.`,
    },
    details: { month: data.month, businessDate },
  };
};

const changeMonthNotBeforeRequest: RuleCheck<Context, ChangeData> = (context, data) => {
  if (!data || compareFeePeriods(data.month, context.requestedIn) >= 0) return null;
  return {
    code: 'CHANGE_MONTH_BEFORE_REQUEST',
    message: {
      zh: `变更月份 ${formatFeePeriodZh(data.month)} 早于申请变更月份 ${formatFeePeriodZh(context.requestedIn)}。`,
      en: `The change month ${data.month} is before the month the change was requested, ${context.requestedIn}.`,
    },
    details: { month: data.month, requestedIn: context.requestedIn },
  };
};

/** A month already checked has had its push; a change dated in it would rewrite what tax was shown. */
const changeMonthNotChecked: RuleCheck<Context, ChangeData> = (context, data) => {
  const checked = context.lastCheck?.feePeriod;
  if (!data || checked === undefined || compareFeePeriods(data.month, checked) > 0) return null;
  return {
    code: 'CHANGE_MONTH_ALREADY_CHECKED',
    message: {
      zh: `${formatFeePeriodZh(checked)}的月末推送已核对，变更月份 ${formatFeePeriodZh(data.month)} 不能早于或等于该月，请填写实际办理变更的月份。`,
      en: `The month-end push of ${checked} has been checked, so the change month ${data.month} must be later; give the month the change is actually made.`,
    },
    details: { month: data.month, lastCheckedFeePeriod: checked },
  };
};

const conflictIsOpen: RuleCheck<Context, unknown> = (context) => {
  if (context.conflict !== null) return null;
  return {
    code: 'NO_CONFLICT_TO_CORRECT',
    message: {
      zh: '月末核对未发现人社与医保变更不一致，无须更正。',
      en: 'No month-end check has found hr and medical changed to different data, so there is nothing to correct.',
    },
  };
};

const checkAfterMonthEnd: RuleCheck<Context, { feePeriod: FeePeriod }> = (_context, data, businessDate) => {
  if (!data) return null;
  const monthEnd = lastDayOfMonth(data.feePeriod);
  if (compareIsoDates(businessDate, monthEnd) >= 0) return null;
  return {
    code: 'MONTH_END_CHECK_BEFORE_MONTH_END',
    message: {
      zh: `${formatFeePeriodZh(data.feePeriod)}的月末推送于 ${monthEnd} 进行，业务日期 ${businessDate} 早于该日，尚不能核对。`,
      en: `The month-end push of ${data.feePeriod} happens on ${monthEnd} and the business date ${businessDate} is before it, so it cannot be checked yet.`,
    },
    details: { feePeriod: data.feePeriod, monthEnd, businessDate },
  };
};

const checkMovesForward: RuleCheck<Context, { feePeriod: FeePeriod }> = (context, data) => {
  const checked = context.lastCheck?.feePeriod;
  if (!data || checked === undefined || compareFeePeriods(data.feePeriod, checked) > 0) return null;
  return {
    code: 'MONTH_END_CHECK_REPEATED',
    message: {
      zh: `${formatFeePeriodZh(checked)}的月末推送已核对，不能再核对 ${formatFeePeriodZh(data.feePeriod)}。`,
      en: `The month-end push of ${checked} has already been checked, so ${data.feePeriod} cannot be checked again.`,
    },
    details: { feePeriod: data.feePeriod, lastCheckedFeePeriod: checked },
  };
};

const CHANGE_RULES = [identityChanges, changeMonthNotInFuture, changeMonthNotBeforeRequest, changeMonthNotChecked] as const;
const CORRECTION_RULES = [conflictIsOpen, ...CHANGE_RULES] as const;
const CHECK_RULES = [checkAfterMonthEnd, checkMovesForward] as const;

const passes =
  (rules: readonly RuleCheck<Context, never>[]) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rules.every((rule) => rule(context, event.data as never, event.meta.businessDate) === null);

function checkOf(context: Context, event: Events): CheckResult | null {
  if (event.type !== 'MONTH_END_CHECK') return null;
  return checkAtMonthEnd(context.before, context.hrChanges, context.medicalChanges, event.data.feePeriod);
}

function outcomeIs(outcome: CheckOutcome) {
  return (args: { context: Context; event: Events }): boolean =>
    passes(CHECK_RULES)(args) && checkOf(args.context, args.event)?.outcome === outcome;
}

/** Builds the context update that appends one side's change or correction. */
function appendChange(side: Side, kind: SideChange['kind']) {
  return ({ context, event }: { context: Context; event: Events }): Partial<Context> => {
    if (event.type === 'MONTH_END_CHECK') return {};
    const change: SideChange = { after: event.data.after, month: event.data.month, recordedOn: event.meta.businessDate, kind };
    const hrChanges = side === 'hr' ? [...context.hrChanges, change] : context.hrChanges;
    const medicalChanges = side === 'medical' ? [...context.medicalChanges, change] : context.medicalChanges;
    const hrLast = hrChanges.at(-1);
    const medicalLast = medicalChanges.at(-1);
    return {
      hrChanges,
      medicalChanges,
      changedInSameMonth: hrLast && medicalLast ? hrLast.month === medicalLast.month : null,
    };
  };
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as PersonalDataChangeInput & { startedOn: IsoDate },
  },
  guards: {
    changeValid: passes(CHANGE_RULES),
    correctionValid: passes(CORRECTION_RULES),
    checkValid: passes(CHECK_RULES),
    checkIsConsistent: outcomeIs('consistent'),
    checkIsConflict: outcomeIs('conflict'),
    checkIsSplit: outcomeIs('split-record'),
  },
  actions: {
    recordHrChange: assign(appendChange('hr', 'change')),
    recordMedicalChange: assign(appendChange('medical', 'change')),
    recordHrCorrection: assign(appendChange('hr', 'correction')),
    recordMedicalCorrection: assign(appendChange('medical', 'correction')),
    recordCheck: assign(({ context, event }) => {
      const check = checkOf(context, event);
      if (check === null) return {};
      return {
        lastCheck: check,
        taxRecords: check.records,
        splitRecordSummary: check.records.length > 1 ? summarizeTaxRecords(check.feePeriod, check.records) : null,
        conflict: check.outcome === 'conflict' ? { hr: check.hrIdentity, medical: check.medicalIdentity } : null,
        decisions: [
          ...context.decisions,
          {
            rule: 'personal-data-month-end-check',
            inputs: {
              feePeriod: check.feePeriod,
              before: context.before,
              hrChanges: context.hrChanges,
              medicalChanges: context.medicalChanges,
            },
            result: { outcome: check.outcome, records: check.records, changedInSameMonth: context.changedInSameMonth },
            dataVersion: CONSISTENCY_RULES_VERSION,
            decidedOn: event.meta.businessDate,
          },
        ],
      };
    }),
  },
}).createMachine({
  id: 'personal-data-change',
  context: ({ input }) => ({
    employerCode: input.employerCode,
    before: input.before,
    requestedIn: input.requestedIn,
    startedOn: input.startedOn,
    hrChanges: [],
    medicalChanges: [],
    lastCheck: null,
    taxRecords: [{ ...input.before, insurances: [...THREE_INSURANCES, 'medical'], pushedBy: ['hr', 'medical'] }],
    splitRecordSummary: null,
    conflict: null,
    changedInSameMonth: null,
    decisions: [],
  }),
  initial: 'tracking',
  states: {
    tracking: {
      type: 'parallel',
      states: {
        hr: {
          initial: 'pending',
          states: {
            pending: { on: { HR_CHANGE_RECORDED: { guard: 'changeValid', target: 'changed', actions: 'recordHrChange' } } },
            changed: { on: { HR_CHANGE_CORRECTED: { guard: 'correctionValid', actions: 'recordHrCorrection' } } },
          },
        },
        medical: {
          initial: 'pending',
          states: {
            pending: { on: { MEDICAL_CHANGE_RECORDED: { guard: 'changeValid', target: 'changed', actions: 'recordMedicalChange' } } },
            changed: { on: { MEDICAL_CHANGE_CORRECTED: { guard: 'correctionValid', actions: 'recordMedicalCorrection' } } },
          },
        },
        // The month-end checks live in their own region, so that a check never resets the two sides.
        taxView: {
          initial: 'oneRecord',
          states: {
            oneRecord: { on: { MONTH_END_CHECK: monthEndCheckTransitions() } },
            splitRecord: { on: { MONTH_END_CHECK: monthEndCheckTransitions() } },
            conflict: { on: { MONTH_END_CHECK: monthEndCheckTransitions() } },
          },
        },
      },
    },
    consistent: { type: 'final' },
  },
});

function monthEndCheckTransitions() {
  return [
    { guard: 'checkIsConsistent', target: '#personal-data-change.consistent', actions: 'recordCheck' },
    { guard: 'checkIsConflict', target: '#personal-data-change.tracking.taxView.conflict', actions: 'recordCheck' },
    { guard: 'checkIsSplit', target: '#personal-data-change.tracking.taxView.splitRecord', actions: 'recordCheck' },
    { guard: 'checkValid', target: '#personal-data-change.tracking.taxView.oneRecord', actions: 'recordCheck' },
  ] as const;
}

export const personalDataChange = defineProcess({
  id: 'personal-data-change',
  version: 1,
  title: { zh: '个人信息变更', en: 'Personal data change' },
  description: {
    zh: '姓名、证件类型、证件号码发生变更的，应在同一个月内分别到人社和医保办理变更。两边不在同一个月变更，或者人社、医保推送时间不一致，会导致税务端同一人存在两条信息不一致的记录（例如只在人社把张一改为张二，次月税务端显示张二参加三险、张一参加医疗）。本案件分别跟踪人社和医保的变更，每月末核对税务端的记录，两边一致且税务端只有一条记录时办结。',
    en: "A change of name, ID type or ID number must be made at both hr and medical, in the same month. If the two sides change in different months, or their month-end pushes reach tax at different times, tax holds two inconsistent records for one person (for example, with the name changed from 张一 to 张二 at hr only, tax shows 张二 with the three insurances and 张一 with medical insurance the next month). This case tracks both sides, checks tax's records at each month end, and closes when both sides agree and tax holds one record.",
  },
  machine,
  inputSchema,
  events: {
    HR_CHANGE_RECORDED: {
      title: { zh: '人社完成变更', en: 'hr records the change' },
      parties: ['hr'],
      schema: changeRecordedSchema,
      rules: [...CHANGE_RULES],
    },
    MEDICAL_CHANGE_RECORDED: {
      title: { zh: '医保完成变更', en: 'Medical records the change' },
      parties: ['medical'],
      schema: changeRecordedSchema,
      rules: [...CHANGE_RULES],
    },
    HR_CHANGE_CORRECTED: {
      title: { zh: '人社更正变更信息', en: 'hr corrects its change' },
      parties: ['hr'],
      schema: changeRecordedSchema,
      rules: [...CORRECTION_RULES],
    },
    MEDICAL_CHANGE_CORRECTED: {
      title: { zh: '医保更正变更信息', en: 'Medical corrects its change' },
      parties: ['medical'],
      schema: changeRecordedSchema,
      rules: [...CORRECTION_RULES],
    },
    MONTH_END_CHECK: {
      title: { zh: '月末核对税务端记录', en: "Month-end check of tax's records" },
      parties: ['system'],
      schema: monthEndCheckSchema,
      rules: [...CHECK_RULES],
    },
  },
  stateTitles: {
    tracking: { zh: '跟踪人社与医保变更', en: 'Tracking the hr and medical changes' },
    'tracking.hr': { zh: '人社（三险）', en: 'hr (three insurances)' },
    'tracking.hr.pending': { zh: '人社待变更', en: 'hr change pending' },
    'tracking.hr.changed': { zh: '人社已变更', en: 'hr changed' },
    'tracking.medical': { zh: '医保（医疗）', en: 'Medical (medical insurance)' },
    'tracking.medical.pending': { zh: '医保待变更', en: 'Medical change pending' },
    'tracking.medical.changed': { zh: '医保已变更', en: 'Medical changed' },
    'tracking.taxView': { zh: '税务端记录', en: "Tax's records" },
    'tracking.taxView.oneRecord': { zh: '税务端一条原记录，待月末核对', en: 'Tax holds one unchanged record; awaiting the month-end check' },
    'tracking.taxView.splitRecord': {
      zh: '税务端同一人两条记录：人社新信息（三险）与医保原信息（医疗），或反之',
      en: "Split record at tax: one side's new data and the other side's old data, as two records",
    },
    'tracking.taxView.conflict': {
      zh: '人社与医保变更信息不一致，待更正',
      en: 'hr and medical changed to different data; awaiting a correction',
    },
    consistent: { zh: '两边一致，税务端一条记录（办结）', en: 'Both sides agree; tax holds one record (closed)' },
  },
  caseKeys: (input: PersonalDataChangeInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.requestedIn,
    feePeriodTo: input.requestedIn,
    ...(input.before.idType === 'resident-id' ? { personIdNumber: input.before.idNumber } : {}),
  }),
  timers: personalDataChangeTimers,
  explainNotAccepted: (context: Context, eventType: string) => {
    const changesBySide: Readonly<Record<string, readonly SideChange[]>> = {
      HR_CHANGE_RECORDED: context.hrChanges,
      MEDICAL_CHANGE_RECORDED: context.medicalChanges,
    };
    const changes = changesBySide[eventType];
    if (changes === undefined || changes.length === 0) return null;
    return {
      code: 'CHANGE_ALREADY_RECORDED',
      message: {
        zh: '该部门已录入变更；只有月末核对发现两边变更信息不一致时，才可提交更正（HR_CHANGE_CORRECTED 或 MEDICAL_CHANGE_CORRECTED）。',
        en: 'This side has already recorded its change; a correction (HR_CHANGE_CORRECTED or MEDICAL_CHANGE_CORRECTED) is accepted only after a month-end check found the two sides changed to different data.',
      },
    };
  },
});
