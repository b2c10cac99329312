import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { LocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck, RuleViolation } from '../engine/rule.js';
import { formatFeePeriodZh, HANDOVER_FEE_PERIOD } from '../policy/fee-period.js';
import type { FeeEra } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Fen, RatePpm } from '../policy/money.js';
import { agencyOfInsurance, INSURANCE_TITLES } from '../policy/parties.js';
import type { Insurance } from '../policy/parties.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRouteRequest } from '../policy/routing.js';
import {
  baseDifferenceInputSchema,
  computeBaseDifferenceTable,
  recordBaseDifferenceTable,
  sortMonths,
} from './base-difference-top-up.js';
import type { BaseDifferenceMonth, BaseDifferenceTable } from './base-difference-top-up.js';
import { positiveFenSchema } from './common-schemas.js';

/**
 * Base-difference refund (单位申报基数差退费): an employer lowered a person's contribution base for past
 * months and gets the difference back.
 *
 * For fee periods 2023-12 and later the base is first corrected at the tax bureau: the employer declares
 * the correction through a tax channel and tax confirms it. Only then do the two refund tracks start, in
 * parallel: hr refunds pension, unemployment and work injury, and the medical bureau refunds medical
 * insurance. The case is done when both tracks have finished. Earlier fee periods have no tax step and
 * start with the two tracks. A track with none of its insurances in the case is skipped at once.
 */
const TAX_DECLARATION_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;
const MEDICAL_CHANNELS = ['medical-window'] as const;

/** The two refund tracks, named after the agency that refunds. */
type RefundTrack = 'hr' | 'medical';

const inputSchema = baseDifferenceInputSchema('refund');

export type BaseDifferenceRefundInput = z.output<typeof inputSchema>;

const declareBaseCorrectionSchema = z.object({}).strict();
const taxCorrectBaseSchema = z.object({}).strict();
const applyRefundSchema = z.object({}).strict();
const refundSchema = z.object({ amountFen: positiveFenSchema }).strict();

interface TrackProgress {
  /** Total of the track's insurances in the amount table, or 0 for a track the case skips. */
  readonly dueFen: Fen;
  readonly appliedOn: IsoDate | null;
  readonly refundedFen: Fen | null;
  readonly refundedOn: IsoDate | null;
}

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  /** In fee-period order. */
  readonly months: readonly BaseDifferenceMonth[];
  readonly insurances: readonly Insurance[];
  readonly workInjuryRatePpm: RatePpm | null;
  readonly sourceCaseId: string | null;
  readonly startedOn: IsoDate;
  readonly era: FeeEra;
  /** The amounts to refund, per month and insurance. */
  readonly amounts: BaseDifferenceTable;
  /** Routing per insurance, the amount table and any skipped track, in the order they were decided. */
  readonly decisions: readonly RecordedDecision[];
  readonly baseCorrectionDeclaredOn: IsoDate | null;
  readonly baseCorrectedOn: IsoDate | null;
  readonly tracks: Readonly<Record<RefundTrack, TrackProgress>>;
}

type Events =
  | CaseEvent<'DECLARE_BASE_CORRECTION', z.output<typeof declareBaseCorrectionSchema>>
  | CaseEvent<'TAX_CORRECT_BASE', z.output<typeof taxCorrectBaseSchema>>
  | CaseEvent<'APPLY_HR_REFUND', z.output<typeof applyRefundSchema>>
  | CaseEvent<'HR_REFUND', z.output<typeof refundSchema>>
  | CaseEvent<'APPLY_MEDICAL_REFUND', z.output<typeof applyRefundSchema>>
  | CaseEvent<'MEDICAL_REFUND', z.output<typeof refundSchema>>;

const TRACK_TITLES: Readonly<Record<RefundTrack, LocalizedText>> = {
  hr: { zh: '人社（养老、失业、工伤）', en: 'hr (pension, unemployment, work injury)' },
  medical: { zh: '医保（医疗保险）', en: 'medical (medical insurance)' },
};

/** A track refunds exactly the computed total of its insurances, because the bases fix the amount. */
const refundMatchesTrackTotal =
  (track: RefundTrack): RuleCheck<Context, { amountFen: number }> =>
  (context, data) => {
    const dueFen = context.tracks[track].dueFen;
    if (!data || data.amountFen === dueFen) return null;
    return {
      code: 'BASE_DIFFERENCE_REFUND_MISMATCH',
      message: {
        zh: `${TRACK_TITLES[track].zh}退费金额 ${data.amountFen} 分与按基数差计算的应退金额 ${dueFen} 分不一致（缴费比例数据版本 ${context.amounts.ratesDataVersion}）。请按计算表核对各月各险种的应退金额。`,
        en: `The refund of ${data.amountFen} fen by ${TRACK_TITLES[track].en} differs from the computed base-difference refund of ${dueFen} fen (rates data version ${context.amounts.ratesDataVersion}). Check the amount per month and insurance against the computed table.`,
      },
      details: { track, expectedFen: dueFen, givenFen: data.amountFen },
    };
  };

const hrRefundMatchesTrackTotal = refundMatchesTrackTotal('hr');
const medicalRefundMatchesTrackTotal = refundMatchesTrackTotal('medical');

const passes =
  <TData>(rule: RuleCheck<Context, TData>) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rule(context, event.data as TData, event.meta.businessDate) === null;

function hasTrackInsurance(context: Context, track: RefundTrack): boolean {
  return context.insurances.some((insurance) => agencyOfInsurance(insurance) === track);
}

// Eventless transitions run with the event that started the step. At case start that is XState's init
// event, which carries no business date, so the start date is used instead.
function businessDateOf(context: Context, event: unknown): IsoDate {
  const meta = (event as { meta?: { businessDate?: IsoDate } }).meta;
  return meta?.businessDate ?? context.startedOn;
}

const SKIPPED_TRACK_REASONS: Readonly<Record<RefundTrack, LocalizedText>> = {
  hr: { zh: '不含养老、失业、工伤保险，人社退费环节跳过', en: 'with no pension, unemployment or work injury, so the hr refund track is skipped' },
  medical: { zh: '不含医疗保险，医保退费环节跳过', en: 'with no medical insurance, so the medical refund track is skipped' },
};

function recordSkippedTrack(context: Context, event: unknown, track: RefundTrack): RecordedDecision {
  const names = context.insurances.map((insurance) => INSURANCE_TITLES[insurance]);
  return {
    rule: 'skip-refund-track',
    inputs: { track, insurances: [...context.insurances] },
    result: {
      skipped: true,
      reason: {
        zh: `本案险种为${names.map((name) => name.zh).join('、')}，${SKIPPED_TRACK_REASONS[track].zh}。`,
        en: `The case's insurances are ${names.map((name) => name.en.toLowerCase()).join(', ')}, ${SKIPPED_TRACK_REASONS[track].en}.`,
      },
    },
    dataVersion: ROUTING_TABLE_VERSION,
    decidedOn: businessDateOf(context, event),
  };
}

function updateTrack(context: Context, track: RefundTrack, change: Partial<TrackProgress>): Context['tracks'] {
  return { ...context.tracks, [track]: { ...context.tracks[track], ...change } };
}

function refundedAmount(event: Events): Fen | null {
  return event.type === 'HR_REFUND' || event.type === 'MEDICAL_REFUND' ? event.data.amountFen : null;
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as BaseDifferenceRefundInput & { startedOn: IsoDate },
  },
  guards: {
    isTaxEra: ({ context }) => context.era === 'tax',
    hasHrInsurance: ({ context }) => hasTrackInsurance(context, 'hr'),
    hasMedicalInsurance: ({ context }) => hasTrackInsurance(context, 'medical'),
    hrRefundMatchesTrackTotal: passes(hrRefundMatchesTrackTotal),
    medicalRefundMatchesTrackTotal: passes(medicalRefundMatchesTrackTotal),
  },
  actions: {
    recordBaseCorrectionDeclared: assign({ baseCorrectionDeclaredOn: ({ event }) => event.meta.businessDate }),
    recordBaseCorrected: assign({ baseCorrectedOn: ({ event }) => event.meta.businessDate }),
    recordSkipped: assign(({ context, event }, params: { track: RefundTrack }) => ({
      decisions: [...context.decisions, recordSkippedTrack(context, event, params.track)],
    })),
    recordApplied: assign(({ context, event }, params: { track: RefundTrack }) => ({
      tracks: updateTrack(context, params.track, { appliedOn: event.meta.businessDate }),
    })),
    recordRefunded: assign(({ context, event }, params: { track: RefundTrack }) => ({
      tracks: updateTrack(context, params.track, { refundedFen: refundedAmount(event), refundedOn: event.meta.businessDate }),
    })),
  },
}).createMachine({
  id: 'base-difference-refund',
  context: ({ input }) => {
    const months = sortMonths(input.months);
    const firstPeriod = months[0]?.feePeriod ?? HANDOVER_FEE_PERIOD;
    const workInjuryRatePpm = input.workInjuryRatePpm ?? null;
    const amounts = computeBaseDifferenceTable('refund', months, input.insurances, workInjuryRatePpm);

    // The route depends on the insurance (hr or medical), so it is decided and recorded per insurance.
    // All months are in one era (the input schema checks it), so the first month decides for all.
    const routeDecisions: RecordedDecision[] = input.insurances.map((insurance) => {
      const request = { kind: 'base-difference-refund', feePeriod: firstPeriod, insurance } as const satisfies FeeRouteRequest;
      return {
        rule: 'route-fee-case',
        inputs: { ...request },
        result: routeFeeCase(request),
        dataVersion: ROUTING_TABLE_VERSION,
        decidedOn: input.startedOn,
      };
    });
    const trackTotal = (track: RefundTrack): Fen =>
      input.insurances
        .filter((insurance) => agencyOfInsurance(insurance) === track)
        .reduce((sum, insurance) => sum + (amounts.totalByInsurance[insurance] ?? 0), 0);
    const pendingTrack = (track: RefundTrack): TrackProgress => ({
      dueFen: trackTotal(track),
      appliedOn: null,
      refundedFen: null,
      refundedOn: null,
    });

    return {
      employerCode: input.employerCode,
      person: input.person,
      months,
      insurances: input.insurances,
      workInjuryRatePpm,
      sourceCaseId: input.sourceCaseId ?? null,
      startedOn: input.startedOn,
      era: routeFeeCase({ kind: 'base-difference-refund', feePeriod: firstPeriod, insurance: 'pension' }).era,
      amounts,
      decisions: [...routeDecisions, recordBaseDifferenceTable(amounts, months, input.insurances, workInjuryRatePpm, input.startedOn)],
      baseCorrectionDeclaredOn: null,
      baseCorrectedOn: null,
      tracks: { hr: pendingTrack('hr'), medical: pendingTrack('medical') },
    };
  },
  initial: 'routing',
  states: {
    // The route is decided at once from the fee period, by an eventless transition so that the route
    // shows in the case history.
    routing: {
      always: [{ guard: 'isTaxEra', target: 'baseCorrectionAtTax' }, { target: 'refunding' }],
    },
    baseCorrectionAtTax: {
      initial: 'awaitingDeclaration',
      states: {
        awaitingDeclaration: {
          on: {
            DECLARE_BASE_CORRECTION: { target: 'awaitingTaxCorrection', actions: 'recordBaseCorrectionDeclared' },
          },
        },
        awaitingTaxCorrection: {
          on: { TAX_CORRECT_BASE: { target: '#base-difference-refund.refunding', actions: 'recordBaseCorrected' } },
        },
      },
    },
    refunding: {
      type: 'parallel',
      states: {
        hr: {
          initial: 'checkingInsurances',
          states: {
            checkingInsurances: {
              always: [
                { guard: 'hasHrInsurance', target: 'awaitingApplication' },
                { target: 'skipped', actions: { type: 'recordSkipped', params: { track: 'hr' } } },
              ],
            },
            awaitingApplication: {
              on: {
                APPLY_HR_REFUND: { target: 'awaitingRefund', actions: { type: 'recordApplied', params: { track: 'hr' } } },
              },
            },
            awaitingRefund: {
              on: {
                HR_REFUND: {
                  guard: 'hrRefundMatchesTrackTotal',
                  target: 'refunded',
                  actions: { type: 'recordRefunded', params: { track: 'hr' } },
                },
              },
            },
            refunded: { type: 'final' },
            skipped: { type: 'final' },
          },
        },
        medical: {
          initial: 'checkingInsurances',
          states: {
            checkingInsurances: {
              always: [
                { guard: 'hasMedicalInsurance', target: 'awaitingApplication' },
                { target: 'skipped', actions: { type: 'recordSkipped', params: { track: 'medical' } } },
              ],
            },
            awaitingApplication: {
              on: {
                APPLY_MEDICAL_REFUND: { target: 'awaitingRefund', actions: { type: 'recordApplied', params: { track: 'medical' } } },
              },
            },
            awaitingRefund: {
              on: {
                MEDICAL_REFUND: {
                  guard: 'medicalRefundMatchesTrackTotal',
                  target: 'refunded',
                  actions: { type: 'recordRefunded', params: { track: 'medical' } },
                },
              },
            },
            refunded: { type: 'final' },
            skipped: { type: 'final' },
          },
        },
      },
      onDone: { target: 'done' },
    },
    done: { type: 'final' },
  },
});

const TAX_STEP_EVENTS = new Set(['DECLARE_BASE_CORRECTION', 'TAX_CORRECT_BASE']);
const REFUND_EVENTS: Readonly<Record<string, RefundTrack>> = {
  APPLY_HR_REFUND: 'hr',
  HR_REFUND: 'hr',
  APPLY_MEDICAL_REFUND: 'medical',
  MEDICAL_REFUND: 'medical',
};

function explainNotAccepted(context: Context, eventType: string): RuleViolation | null {
  const first = context.months[0]?.feePeriod ?? HANDOVER_FEE_PERIOD;
  const track = REFUND_EVENTS[eventType];

  if (track && context.era === 'tax' && context.baseCorrectedOn === null) {
    return {
      code: 'BASE_NOT_CORRECTED_AT_TAX',
      message: {
        zh: `退差月份自 ${formatFeePeriodZh(first)} 起，在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}（含）之后：须先向税务部门更正缴费基数（单位申报更正 DECLARE_BASE_CORRECTION，税务确认 TAX_CORRECT_BASE），再到人社、医保办理退费。`,
        en: `The months from ${first} are ${HANDOVER_FEE_PERIOD} or later, so the base must first be corrected at tax (the employer declares the correction, DECLARE_BASE_CORRECTION, and tax confirms it, TAX_CORRECT_BASE) before hr and medical refund.`,
      },
      details: { era: context.era, missingStep: context.baseCorrectionDeclaredOn === null ? 'DECLARE_BASE_CORRECTION' : 'TAX_CORRECT_BASE' },
    };
  }
  if (track && !hasTrackInsurance(context, track)) {
    return {
      code: 'REFUND_TRACK_SKIPPED',
      message: {
        zh: `本案不含由${TRACK_TITLES[track].zh}退费的险种，该退费环节已跳过。`,
        en: `The case has no insurance refunded by ${TRACK_TITLES[track].en}, so that refund track was skipped.`,
      },
      details: { track },
    };
  }
  if (TAX_STEP_EVENTS.has(eventType) && context.era === 'legacy') {
    return {
      code: 'NO_TAX_STEP_BEFORE_HANDOVER',
      message: {
        zh: `退差月份自 ${formatFeePeriodZh(first)} 起，早于 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}：无需在税务更正基数，三险由人社、医疗由医保按原流程直接办理退费。`,
        en: `The months from ${first} are before ${HANDOVER_FEE_PERIOD}, so no base correction at tax is needed: hr refunds the three insurances and medical refunds medical insurance on their legacy routes.`,
      },
      details: { era: context.era },
    };
  }
  return null;
}

export const baseDifferenceRefund = defineProcess({
  id: 'base-difference-refund',
  version: 1,
  title: { zh: '单位申报基数差退费', en: 'Base-difference refund' },
  description: {
    zh: `用人单位调低某人员以前月份的缴费基数后，申请退还新旧基数之差对应的社会保险费。应退金额按月、按险种计算：（原基数 − 新基数）× 缴费比例，单位部分和个人部分分别四舍五入到分。费款所属期在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 及以后的，先由单位向税务部门申报更正基数并经税务确认，再分两路办理退费：养老、失业、工伤由人社部门退，医疗由医保部门退，两路都办结后本案办结。之前的费款所属期无需税务更正，直接分两路办理。本案不含某一路的险种时，该路自动跳过并记录原因。`,
    en: `After an employer lowers a person's contribution base for past months, it gets back the fees on the difference. The amount is computed per month and insurance as (old base - new base) x rate, with the employer and employee shares each rounded half up to the fen. For fee periods from ${HANDOVER_FEE_PERIOD} on, the employer first declares the corrected base to tax and tax confirms it; then two refund tracks run in parallel, hr for pension, unemployment and work injury and the medical bureau for medical insurance, and the case is done when both have finished. Earlier fee periods skip the tax step. A track with none of its insurances in the case is skipped, with the reason recorded.`,
  },
  machine,
  inputSchema,
  events: {
    DECLARE_BASE_CORRECTION: {
      title: { zh: '向税务申报更正缴费基数', en: 'Declare the base correction to tax' },
      parties: ['employer'],
      channels: TAX_DECLARATION_CHANNELS,
      schema: declareBaseCorrectionSchema,
    },
    TAX_CORRECT_BASE: {
      title: { zh: '税务确认更正基数', en: 'Tax confirms the corrected base' },
      parties: ['tax'],
      schema: taxCorrectBaseSchema,
    },
    APPLY_HR_REFUND: {
      title: { zh: '向人社申请三险退差', en: 'Apply to hr for the three-insurance refund' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: applyRefundSchema,
    },
    HR_REFUND: {
      title: { zh: '人社退费', en: 'hr refunds' },
      parties: ['hr'],
      schema: refundSchema,
      rules: [hrRefundMatchesTrackTotal],
    },
    APPLY_MEDICAL_REFUND: {
      title: { zh: '向医保申请医疗退差', en: 'Apply to medical for the medical-insurance refund' },
      parties: ['employer'],
      channels: MEDICAL_CHANNELS,
      schema: applyRefundSchema,
    },
    MEDICAL_REFUND: {
      title: { zh: '医保退费', en: 'Medical refunds' },
      parties: ['medical'],
      schema: refundSchema,
      rules: [medicalRefundMatchesTrackTotal],
    },
  },
  stateTitles: {
    routing: { zh: '按费款所属期分流', en: 'Routing by fee period' },
    baseCorrectionAtTax: { zh: '税务更正基数（2023年12月及以后）', en: 'Base correction at tax (2023-12 and later)' },
    'baseCorrectionAtTax.awaitingDeclaration': { zh: '待单位向税务申报更正基数', en: 'Awaiting the base correction declaration' },
    'baseCorrectionAtTax.awaitingTaxCorrection': { zh: '待税务确认更正', en: 'Awaiting the correction by tax' },
    refunding: { zh: '人社、医保分别退费', en: 'Refunds at hr and medical' },
    'refunding.hr': { zh: '人社退费（三险）', en: 'hr refund (three insurances)' },
    'refunding.hr.checkingInsurances': { zh: '检查是否含三险', en: 'Checking for the three insurances' },
    'refunding.hr.awaitingApplication': { zh: '待向人社申请', en: 'Awaiting the application at hr' },
    'refunding.hr.awaitingRefund': { zh: '待人社退费', en: 'Awaiting the refund by hr' },
    'refunding.hr.refunded': { zh: '人社已退费', en: 'Refunded by hr' },
    'refunding.hr.skipped': { zh: '不含三险，跳过', en: 'Skipped, no three insurances' },
    'refunding.medical': { zh: '医保退费（医疗）', en: 'Medical refund (medical insurance)' },
    'refunding.medical.checkingInsurances': { zh: '检查是否含医疗保险', en: 'Checking for medical insurance' },
    'refunding.medical.awaitingApplication': { zh: '待向医保申请', en: 'Awaiting the application at medical' },
    'refunding.medical.awaitingRefund': { zh: '待医保退费', en: 'Awaiting the refund by medical' },
    'refunding.medical.refunded': { zh: '医保已退费', en: 'Refunded by medical' },
    'refunding.medical.skipped': { zh: '不含医疗保险，跳过', en: 'Skipped, no medical insurance' },
    done: { zh: '已退费（办结）', en: 'Refunded (closed)' },
  },
  caseKeys: (input: BaseDifferenceRefundInput) => {
    const months = sortMonths(input.months);
    return {
      employerCode: input.employerCode,
      feePeriodFrom: months[0]?.feePeriod ?? '',
      feePeriodTo: months[months.length - 1]?.feePeriod ?? '',
      personIdNumber: input.person.idNumber,
    };
  },
  explainNotAccepted,
});
