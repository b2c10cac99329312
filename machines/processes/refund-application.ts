import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { LocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck, RuleViolation } from '../engine/rule.js';
import { compareFeePeriods, feePeriodSchema } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { Fen } from '../policy/money.js';
import { agencyOfInsurance, INSURANCE_TITLES, INSURANCES } from '../policy/parties.js';
import type { Insurance } from '../policy/parties.js';
import { routeFeeCase, ROUTING_TABLE_VERSION } from '../policy/routing.js';
import type { FeeRouteRequest, RefundReason } from '../policy/routing.js';
import {
  confirmationsSchema,
  employerCodeSchema,
  insuranceSchema,
  personSchema,
  positiveFenSchema,
  withCreditCodeConfirmation,
} from './common-schemas.js';

/**
 * Refund application (单位人员缴费退费申请): an employer applies for a refund of fees paid for its staff.
 *
 * The tax bureau handles only refunds of fees it collected in error through its own fault
 * (税务征收机构原因造成的误收); such an application goes to tax alone. Every other refund, difference
 * refunds included, is split by insurance: hr refunds pension, unemployment and work injury, and the
 * medical bureau refunds medical insurance, in two parallel tracks that must both finish. A track with no
 * lines is skipped at once. Each agency may refund up to the amount applied for, or reject with a reason.
 *
 * NOTE: one open refund application per employer at a time is the practice of another province's e-tax
 * flow and unverified for Beijing. Enforcing it needs a query across cases, so this machine does not, and
 * the case store would have to.
 */
const TAX_CHANNELS = ['fee-client', 'e-tax', 'tax-window'] as const;
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;
const MEDICAL_CHANNELS = ['medical-window'] as const;

export const REFUND_REASONS = ['tax-collection-error', 'other'] as const satisfies readonly RefundReason[];

/** A refund track, named after the party that handles it. */
type RefundTrack = 'tax' | 'hr' | 'medical';

const lineSchema = z.object({ insurance: insuranceSchema, feePeriod: feePeriodSchema, amountFen: positiveFenSchema }).strict();

export type RefundLine = z.output<typeof lineSchema>;

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      /** The insured person, when the application concerns one person. */
      person: personSchema.optional(),
      reason: z.enum(REFUND_REASONS),
      /** Explanation of what was overpaid and why, as the employer gives it to the agency. */
      explanation: z.string().trim().min(1).max(500),
      lines: z.array(lineSchema).min(1),
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      const seen = new Set<string>();
      for (const [index, line] of input.lines.entries()) {
        const key = `${line.insurance} ${line.feePeriod}`;
        if (seen.has(key)) {
          context.addIssue({
            code: 'custom',
            path: ['lines', index],
            params: { code: 'REFUND_LINE_REPEATED' },
            message: encodeLocalizedText({
              zh: `${INSURANCE_TITLES[line.insurance].zh}、费款所属期 ${line.feePeriod} 的退费行重复，每个险种每月只能列一行`,
              en: `the line for ${line.insurance} in ${line.feePeriod} is repeated; list each insurance and month once`,
            }),
          });
        }
        seen.add(key);
      }
    }),
);

export type RefundApplicationInput = z.output<typeof inputSchema>;

const applySchema = z.object({}).strict();
const refundSchema = z.object({ amountFen: positiveFenSchema }).strict();
const rejectSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

interface TrackProgress {
  /** Sum of the track's lines, or 0 for a track with no lines. */
  readonly appliedFen: Fen;
  readonly appliedOn: IsoDate | null;
  readonly outcome: 'refunded' | 'rejected' | 'skipped' | null;
  readonly refundedFen: Fen | null;
  readonly decidedOn: IsoDate | null;
  readonly rejectionReason: string | null;
}

interface Context {
  readonly employerCode: string;
  readonly personIdNumber: string | null;
  readonly reason: RefundReason;
  readonly explanation: string;
  /** By fee period, then in the order of `INSURANCES`. */
  readonly lines: readonly RefundLine[];
  readonly startedOn: IsoDate;
  /** The route of every line, then any skipped track, in the order they were decided. */
  readonly decisions: readonly RecordedDecision[];
  readonly tracks: Readonly<Record<RefundTrack, TrackProgress>>;
}

type Events =
  | CaseEvent<'APPLY_TAX_REFUND', z.output<typeof applySchema>>
  | CaseEvent<'TAX_REFUND', z.output<typeof refundSchema>>
  | CaseEvent<'TAX_REJECT_REFUND', z.output<typeof rejectSchema>>
  | CaseEvent<'APPLY_HR_REFUND', z.output<typeof applySchema>>
  | CaseEvent<'HR_REFUND', z.output<typeof refundSchema>>
  | CaseEvent<'HR_REJECT_REFUND', z.output<typeof rejectSchema>>
  | CaseEvent<'APPLY_MEDICAL_REFUND', z.output<typeof applySchema>>
  | CaseEvent<'MEDICAL_REFUND', z.output<typeof refundSchema>>
  | CaseEvent<'MEDICAL_REJECT_REFUND', z.output<typeof rejectSchema>>;

const TRACK_TITLES: Readonly<Record<RefundTrack, LocalizedText>> = {
  tax: { zh: '税务部门', en: 'the tax bureau' },
  hr: { zh: '人社部门（养老、失业、工伤）', en: 'hr (pension, unemployment, work injury)' },
  medical: { zh: '医保部门（医疗保险）', en: 'the medical bureau (medical insurance)' },
};

/** An agency may refund less than applied for after its review, but never more. */
const refundWithinApplication =
  (track: RefundTrack): RuleCheck<Context, { amountFen: number }> =>
  (context, data) => {
    const appliedFen = context.tracks[track].appliedFen;
    if (!data || data.amountFen <= appliedFen) return null;
    return {
      code: 'REFUND_EXCEEDS_APPLICATION',
      message: {
        zh: `${TRACK_TITLES[track].zh}退费金额 ${data.amountFen} 分超过申请退费金额 ${appliedFen} 分，退费不能多于申请。`,
        en: `The refund of ${data.amountFen} fen by ${TRACK_TITLES[track].en} exceeds the ${appliedFen} fen applied for; a refund cannot exceed the application.`,
      },
      details: { track, appliedFen, givenFen: data.amountFen },
    };
  };

const taxRefundWithinApplication = refundWithinApplication('tax');
const hrRefundWithinApplication = refundWithinApplication('hr');
const medicalRefundWithinApplication = refundWithinApplication('medical');

const passes =
  <TData>(rule: RuleCheck<Context, TData>) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rule(context, event.data as TData, event.meta.businessDate) === null;

/** Returns the track that handles a line: tax for its own collection error, else the insurance's agency. */
function trackOfLine(reason: RefundReason, line: RefundLine): RefundTrack {
  return reason === 'tax-collection-error' ? 'tax' : agencyOfInsurance(line.insurance);
}

function sortLines(lines: readonly RefundLine[]): RefundLine[] {
  return [...lines].sort(
    (a, b) => compareFeePeriods(a.feePeriod, b.feePeriod) || INSURANCES.indexOf(a.insurance) - INSURANCES.indexOf(b.insurance),
  );
}

// Eventless transitions run with the event that started the step. At case start that is XState's init
// event, which carries no business date, so the start date is used instead.
function businessDateOf(context: Context, event: unknown): IsoDate {
  const meta = (event as { meta?: { businessDate?: IsoDate } }).meta;
  return meta?.businessDate ?? context.startedOn;
}

function recordSkippedTrack(context: Context, event: unknown, track: RefundTrack): RecordedDecision {
  return {
    rule: 'skip-refund-track',
    inputs: { track, reason: context.reason, insurances: [...new Set(context.lines.map((line) => line.insurance))] },
    result: {
      skipped: true,
      reason: {
        zh: `申请中没有由${TRACK_TITLES[track].zh}退费的险种行，该退费环节跳过。`,
        en: `The application has no line for an insurance refunded by ${TRACK_TITLES[track].en}, so that refund track is skipped.`,
      },
    },
    dataVersion: ROUTING_TABLE_VERSION,
    decidedOn: businessDateOf(context, event),
  };
}

function updateTrack(context: Context, track: RefundTrack, change: Partial<TrackProgress>): Context['tracks'] {
  return { ...context.tracks, [track]: { ...context.tracks[track], ...change } };
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as RefundApplicationInput & { startedOn: IsoDate },
  },
  guards: {
    isTaxCollectionError: ({ context }) => context.reason === 'tax-collection-error',
    hasHrLines: ({ context }) => context.tracks.hr.appliedFen > 0,
    hasMedicalLines: ({ context }) => context.tracks.medical.appliedFen > 0,
    taxRefundWithinApplication: passes(taxRefundWithinApplication),
    hrRefundWithinApplication: passes(hrRefundWithinApplication),
    medicalRefundWithinApplication: passes(medicalRefundWithinApplication),
  },
  actions: {
    recordApplied: assign(({ context, event }, params: { track: RefundTrack }) => ({
      tracks: updateTrack(context, params.track, { appliedOn: event.meta.businessDate }),
    })),
    recordRefunded: assign(({ context, event }, params: { track: RefundTrack }) => ({
      tracks: updateTrack(context, params.track, {
        outcome: 'refunded',
        refundedFen: 'amountFen' in event.data ? event.data.amountFen : null,
        decidedOn: event.meta.businessDate,
      }),
    })),
    recordRejected: assign(({ context, event }, params: { track: RefundTrack }) => ({
      tracks: updateTrack(context, params.track, {
        outcome: 'rejected',
        rejectionReason: 'reason' in event.data ? event.data.reason : null,
        decidedOn: event.meta.businessDate,
      }),
    })),
    recordSkipped: assign(({ context, event }, params: { track: RefundTrack }) => ({
      tracks: updateTrack(context, params.track, { outcome: 'skipped' }),
      decisions: [...context.decisions, recordSkippedTrack(context, event, params.track)],
    })),
  },
}).createMachine({
  id: 'refund-application',
  context: ({ input }) => {
    const lines = sortLines(input.lines);
    const appliedFen = (track: RefundTrack): Fen =>
      lines.filter((line) => trackOfLine(input.reason, line) === track).reduce((sum, line) => sum + line.amountFen, 0);
    const pendingTrack = (track: RefundTrack): TrackProgress => ({
      appliedFen: appliedFen(track),
      appliedOn: null,
      outcome: null,
      refundedFen: null,
      decidedOn: null,
      rejectionReason: null,
    });

    // The route depends on the reason and the insurance, so every line is routed and recorded.
    const routeDecisions: RecordedDecision[] = lines.map((line) => {
      const request = {
        kind: 'refund-application',
        feePeriod: line.feePeriod,
        insurance: line.insurance,
        refundReason: input.reason,
      } as const satisfies FeeRouteRequest;
      return {
        rule: 'route-fee-case',
        inputs: { ...request },
        result: routeFeeCase(request),
        dataVersion: ROUTING_TABLE_VERSION,
        decidedOn: input.startedOn,
      };
    });

    return {
      employerCode: input.employerCode,
      personIdNumber: input.person?.idNumber ?? null,
      reason: input.reason,
      explanation: input.explanation,
      lines,
      startedOn: input.startedOn,
      decisions: routeDecisions,
      tracks: { tax: pendingTrack('tax'), hr: pendingTrack('hr'), medical: pendingTrack('medical') },
    };
  },
  initial: 'routing',
  states: {
    // The route is decided at once from the reason, by an eventless transition so that the route shows
    // in the case history.
    routing: {
      always: [{ guard: 'isTaxCollectionError', target: 'taxRefund' }, { target: 'agencyRefunds' }],
    },
    taxRefund: {
      initial: 'awaitingApplication',
      states: {
        awaitingApplication: {
          on: {
            APPLY_TAX_REFUND: { target: 'awaitingDecision', actions: { type: 'recordApplied', params: { track: 'tax' } } },
          },
        },
        awaitingDecision: {
          on: {
            TAX_REFUND: {
              guard: 'taxRefundWithinApplication',
              target: '#refund-application.refundedByTax',
              actions: { type: 'recordRefunded', params: { track: 'tax' } },
            },
            TAX_REJECT_REFUND: {
              target: '#refund-application.rejectedByTax',
              actions: { type: 'recordRejected', params: { track: 'tax' } },
            },
          },
        },
      },
    },
    agencyRefunds: {
      type: 'parallel',
      states: {
        hr: {
          initial: 'checkingLines',
          states: {
            checkingLines: {
              always: [
                { guard: 'hasHrLines', target: 'awaitingApplication' },
                { target: 'skipped', actions: { type: 'recordSkipped', params: { track: 'hr' } } },
              ],
            },
            awaitingApplication: {
              on: {
                APPLY_HR_REFUND: { target: 'awaitingDecision', actions: { type: 'recordApplied', params: { track: 'hr' } } },
              },
            },
            awaitingDecision: {
              on: {
                HR_REFUND: {
                  guard: 'hrRefundWithinApplication',
                  target: 'refunded',
                  actions: { type: 'recordRefunded', params: { track: 'hr' } },
                },
                HR_REJECT_REFUND: { target: 'rejected', actions: { type: 'recordRejected', params: { track: 'hr' } } },
              },
            },
            refunded: { type: 'final' },
            rejected: { type: 'final' },
            skipped: { type: 'final' },
          },
        },
        medical: {
          initial: 'checkingLines',
          states: {
            checkingLines: {
              always: [
                { guard: 'hasMedicalLines', target: 'awaitingApplication' },
                { target: 'skipped', actions: { type: 'recordSkipped', params: { track: 'medical' } } },
              ],
            },
            awaitingApplication: {
              on: {
                APPLY_MEDICAL_REFUND: { target: 'awaitingDecision', actions: { type: 'recordApplied', params: { track: 'medical' } } },
              },
            },
            awaitingDecision: {
              on: {
                MEDICAL_REFUND: {
                  guard: 'medicalRefundWithinApplication',
                  target: 'refunded',
                  actions: { type: 'recordRefunded', params: { track: 'medical' } },
                },
                MEDICAL_REJECT_REFUND: { target: 'rejected', actions: { type: 'recordRejected', params: { track: 'medical' } } },
              },
            },
            refunded: { type: 'final' },
            rejected: { type: 'final' },
            skipped: { type: 'final' },
          },
        },
      },
      onDone: { target: 'done' },
    },
    refundedByTax: { type: 'final' },
    rejectedByTax: { type: 'final' },
    done: { type: 'final' },
  },
});

const EVENT_TRACKS: Readonly<Record<string, RefundTrack>> = {
  APPLY_TAX_REFUND: 'tax',
  TAX_REFUND: 'tax',
  TAX_REJECT_REFUND: 'tax',
  APPLY_HR_REFUND: 'hr',
  HR_REFUND: 'hr',
  HR_REJECT_REFUND: 'hr',
  APPLY_MEDICAL_REFUND: 'medical',
  MEDICAL_REFUND: 'medical',
  MEDICAL_REJECT_REFUND: 'medical',
};

function explainNotAccepted(context: Context, eventType: string): RuleViolation | null {
  const track = EVENT_TRACKS[eventType];
  if (track === undefined) return null;

  if (context.reason === 'tax-collection-error' && track !== 'tax') {
    return {
      code: 'REFUND_HANDLED_BY_TAX',
      message: {
        zh: '本申请的原因是税务征收机构原因造成的误收，由税务部门受理全部退费，人社、医保不参与。',
        en: 'This application is for fees the tax bureau collected in error through its own fault, so tax handles the whole refund and hr and medical take no part.',
      },
      details: { reason: context.reason, track },
    };
  }
  if (context.reason !== 'tax-collection-error' && track === 'tax') {
    return {
      code: 'TAX_REFUNDS_ONLY_ITS_COLLECTION_ERRORS',
      message: {
        zh: '税务部门仅受理因税务征收机构原因造成的误收退费；其他退费（含退差）三险由人社、医疗由医保办理。',
        en: 'The tax bureau refunds only fees it collected in error through its own fault; other refunds, difference refunds included, go to hr for the three insurances and to medical for medical insurance.',
      },
      details: { reason: context.reason, track },
    };
  }
  if (context.tracks[track].outcome === 'skipped') {
    return {
      code: 'REFUND_TRACK_SKIPPED',
      message: {
        zh: `申请中没有由${TRACK_TITLES[track].zh}退费的险种行，该退费环节已跳过。`,
        en: `The application has no line refunded by ${TRACK_TITLES[track].en}, so that refund track was skipped.`,
      },
      details: { track },
    };
  }
  return null;
}

export const refundApplication = defineProcess({
  id: 'refund-application',
  version: 1,
  title: { zh: '单位人员缴费退费申请', en: 'Refund application' },
  description: {
    zh: '用人单位申请退还为职工多缴或误缴的社会保险费，按险种和费款所属期逐行列明申请金额。因税务征收机构原因造成的误收，由税务部门受理全部退费；其他退费（含退差）分两路办理：养老、失业、工伤由人社部门退，医疗由医保部门退，两路都办结后本案办结，没有某一路险种行的自动跳过并记录原因。各部门审核后可按不超过申请的金额退费，或注明原因不予退费。',
    en: 'An employer applies for a refund of social insurance fees overpaid or paid in error for its staff, one line per insurance and fee period. Fees the tax bureau collected in error through its own fault are refunded by tax alone. Every other refund, difference refunds included, runs in two parallel tracks, hr for pension, unemployment and work injury and the medical bureau for medical insurance, and the case is done when both have finished; a track without lines is skipped, with the reason recorded. Each agency may refund up to the amount applied for, or reject with a reason.',
  },
  machine,
  inputSchema,
  events: {
    APPLY_TAX_REFUND: {
      title: { zh: '向税务申请误收退费', en: 'Apply to tax for a collection-error refund' },
      parties: ['employer'],
      channels: TAX_CHANNELS,
      schema: applySchema,
    },
    TAX_REFUND: {
      title: { zh: '税务退费', en: 'Tax refunds' },
      parties: ['tax'],
      schema: refundSchema,
      rules: [taxRefundWithinApplication],
    },
    TAX_REJECT_REFUND: {
      title: { zh: '税务不予退费', en: 'Tax rejects the refund' },
      parties: ['tax'],
      schema: rejectSchema,
    },
    APPLY_HR_REFUND: {
      title: { zh: '向人社申请三险退费', en: 'Apply to hr for the three-insurance refund' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: applySchema,
    },
    HR_REFUND: {
      title: { zh: '人社退费', en: 'hr refunds' },
      parties: ['hr'],
      schema: refundSchema,
      rules: [hrRefundWithinApplication],
    },
    HR_REJECT_REFUND: {
      title: { zh: '人社不予退费', en: 'hr rejects the refund' },
      parties: ['hr'],
      schema: rejectSchema,
    },
    APPLY_MEDICAL_REFUND: {
      title: { zh: '向医保申请医疗退费', en: 'Apply to medical for the medical-insurance refund' },
      parties: ['employer'],
      channels: MEDICAL_CHANNELS,
      schema: applySchema,
    },
    MEDICAL_REFUND: {
      title: { zh: '医保退费', en: 'Medical refunds' },
      parties: ['medical'],
      schema: refundSchema,
      rules: [medicalRefundWithinApplication],
    },
    MEDICAL_REJECT_REFUND: {
      title: { zh: '医保不予退费', en: 'Medical rejects the refund' },
      parties: ['medical'],
      schema: rejectSchema,
    },
  },
  stateTitles: {
    routing: { zh: '按退费原因分流', en: 'Routing by refund reason' },
    taxRefund: { zh: '税务误收退费', en: 'Collection-error refund at tax' },
    'taxRefund.awaitingApplication': { zh: '待向税务申请', en: 'Awaiting the application at tax' },
    'taxRefund.awaitingDecision': { zh: '待税务审核退费', en: 'Awaiting the decision of tax' },
    agencyRefunds: { zh: '人社、医保分别退费', en: 'Refunds at hr and medical' },
    'agencyRefunds.hr': { zh: '人社退费（三险）', en: 'hr refund (three insurances)' },
    'agencyRefunds.hr.checkingLines': { zh: '检查是否有三险退费行', en: 'Checking for three-insurance lines' },
    'agencyRefunds.hr.awaitingApplication': { zh: '待向人社申请', en: 'Awaiting the application at hr' },
    'agencyRefunds.hr.awaitingDecision': { zh: '待人社审核退费', en: 'Awaiting the decision of hr' },
    'agencyRefunds.hr.refunded': { zh: '人社已退费', en: 'Refunded by hr' },
    'agencyRefunds.hr.rejected': { zh: '人社不予退费', en: 'Rejected by hr' },
    'agencyRefunds.hr.skipped': { zh: '无三险退费行，跳过', en: 'Skipped, no three-insurance lines' },
    'agencyRefunds.medical': { zh: '医保退费（医疗）', en: 'Medical refund (medical insurance)' },
    'agencyRefunds.medical.checkingLines': { zh: '检查是否有医疗退费行', en: 'Checking for medical-insurance lines' },
    'agencyRefunds.medical.awaitingApplication': { zh: '待向医保申请', en: 'Awaiting the application at medical' },
    'agencyRefunds.medical.awaitingDecision': { zh: '待医保审核退费', en: 'Awaiting the decision of medical' },
    'agencyRefunds.medical.refunded': { zh: '医保已退费', en: 'Refunded by medical' },
    'agencyRefunds.medical.rejected': { zh: '医保不予退费', en: 'Rejected by medical' },
    'agencyRefunds.medical.skipped': { zh: '无医疗退费行，跳过', en: 'Skipped, no medical-insurance lines' },
    refundedByTax: { zh: '税务已退费（办结）', en: 'Refunded by tax (closed)' },
    rejectedByTax: { zh: '税务不予退费（办结）', en: 'Rejected by tax (closed)' },
    done: { zh: '人社、医保均已办结（办结）', en: 'hr and medical have both decided (closed)' },
  },
  caseKeys: (input: RefundApplicationInput) => {
    const lines = sortLines(input.lines);
    return {
      employerCode: input.employerCode,
      feePeriodFrom: lines[0]?.feePeriod ?? '',
      feePeriodTo: lines[lines.length - 1]?.feePeriod ?? '',
      ...(input.person ? { personIdNumber: input.person.idNumber } : {}),
    };
  },
  explainNotAccepted,
});
