import { assign, setup } from 'xstate';
import { z } from 'zod';
import { encodeLocalizedText } from '../localized-text.js';
import type { RecordedDecision } from '../engine/decision.js';
import { defineProcess } from '../engine/process-definition.js';
import type { CaseEvent } from '../engine/process-definition.js';
import type { RuleCheck } from '../engine/rule.js';
import { compareFeePeriods, feeEraOf, feePeriodSchema, formatFeePeriodZh, HANDOVER_FEE_PERIOD } from '../policy/fee-period.js';
import type { FeePeriod } from '../policy/fee-period.js';
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
 * Policy back-payment (政策性补缴): an employer pays past months for a person under a specific policy
 * that allows it. hr handles it whatever the fee period, so unlike the other back-payments a case may
 * span the 2023-12 handover. The employer applies at hr, hr reviews the application against the policy,
 * assesses the amount, and the employer pays.
 */
const HR_CHANNELS = ['hr-online', 'hr-window'] as const;
// NOTE: Beijing's January 2024 briefing 社保费申报缴纳流程优化 does not say where the fees hr assesses
// here are paid. Tax collects all other fees, so payment is accepted through tax channels as well as hr's.
const PAYMENT_CHANNELS = ['fee-client', 'e-tax', 'tax-window', ...HR_CHANNELS] as const;

const inputSchema = withCreditCodeConfirmation(
  z
    .object({
      employerCode: employerCodeSchema,
      person: personSchema,
      fromPeriod: feePeriodSchema,
      toPeriod: feePeriodSchema,
      insurances: insurancesSchema,
      /** The policy that allows the back-payment: title and document number, as the employer cites it. */
      policyBasis: z.string().trim().min(1).max(200),
      confirmations: confirmationsSchema,
    })
    .strict()
    .superRefine((input, context) => {
      if (compareFeePeriods(input.fromPeriod, input.toPeriod) > 0) {
        context.addIssue({
          code: 'custom',
          path: ['toPeriod'],
          params: { code: 'PERIOD_RANGE_REVERSED' },
          message: encodeLocalizedText({
            zh: `补缴止月 ${input.toPeriod} 早于起月 ${input.fromPeriod}`,
            en: `toPeriod ${input.toPeriod} is before fromPeriod ${input.fromPeriod}`,
          }),
        });
      }
    }),
);

export type PolicyBackPaymentInput = z.output<typeof inputSchema>;

const applySchema = z.object({}).strict();
const hrApproveSchema = z.object({}).strict();
const hrRejectSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const hrAssessSchema = z.object({ amountFen: positiveFenSchema }).strict();
const paySchema = z.object({ amountFen: positiveFenSchema }).strict();

interface Context {
  readonly employerCode: string;
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly fromPeriod: FeePeriod;
  readonly toPeriod: FeePeriod;
  readonly insurances: readonly Insurance[];
  readonly policyBasis: string;
  readonly startedOn: IsoDate;
  /** The routing decisions, one per era the period touches, to show that both go to hr. */
  readonly decisions: readonly RecordedDecision[];
  readonly approvedOn: IsoDate | null;
  readonly rejectionReason: string | null;
  readonly assessedFen: Fen | null;
  readonly paidFen: Fen | null;
}

type Events =
  | CaseEvent<'APPLY', z.output<typeof applySchema>>
  | CaseEvent<'HR_APPROVE', z.output<typeof hrApproveSchema>>
  | CaseEvent<'HR_REJECT', z.output<typeof hrRejectSchema>>
  | CaseEvent<'HR_ASSESS', z.output<typeof hrAssessSchema>>
  | CaseEvent<'PAY', z.output<typeof paySchema>>;

/** A payment must match hr's assessed amount to the fen. */
const paymentMatchesAssessment: RuleCheck<Context, { amountFen: number }> = (context, data) => {
  if (!data || data.amountFen === context.assessedFen) return null;
  return {
    code: 'PAYMENT_AMOUNT_MISMATCH',
    message: {
      zh: `缴款金额 ${data.amountFen} 分与人社核定金额 ${context.assessedFen ?? '（未核定）'} 分不一致。`,
      en: `The payment of ${data.amountFen} fen differs from the ${context.assessedFen ?? '(none)'} fen hr assessed.`,
    },
    details: { givenFen: data.amountFen, expectedFen: context.assessedFen },
  };
};

const passes =
  <TData>(rule: RuleCheck<Context, TData>) =>
  ({ context, event }: { context: Context; event: Events }): boolean =>
    rule(context, event.data as TData, event.meta.businessDate) === null;

function recordRoutes(input: PolicyBackPaymentInput, startedOn: IsoDate): RecordedDecision[] {
  const crossesHandover = feeEraOf(input.fromPeriod) !== feeEraOf(input.toPeriod);
  const periods = crossesHandover ? [input.fromPeriod, input.toPeriod] : [input.fromPeriod];

  // For this kind the route depends on neither the insurance nor the era, and one decision per era touched
  // makes that visible.
  return periods.map((feePeriod) => {
    const insurance = input.insurances[0] ?? 'pension';
    const request = { kind: 'policy-back-payment', feePeriod, insurance } as const satisfies FeeRouteRequest;
    return {
      rule: 'route-fee-case',
      inputs: { ...request },
      result: routeFeeCase(request),
      dataVersion: ROUTING_TABLE_VERSION,
      decidedOn: startedOn,
    };
  });
}

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Events,
    input: {} as PolicyBackPaymentInput & { startedOn: IsoDate },
  },
  guards: {
    paymentMatchesAssessment: passes(paymentMatchesAssessment),
  },
}).createMachine({
  id: 'policy-back-payment',
  context: ({ input }) => ({
    employerCode: input.employerCode,
    person: input.person,
    fromPeriod: input.fromPeriod,
    toPeriod: input.toPeriod,
    insurances: input.insurances,
    policyBasis: input.policyBasis,
    startedOn: input.startedOn,
    decisions: recordRoutes(input, input.startedOn),
    approvedOn: null,
    rejectionReason: null,
    assessedFen: null,
    paidFen: null,
  }),
  initial: 'awaitingApplication',
  states: {
    awaitingApplication: { on: { APPLY: { target: 'awaitingReview' } } },
    awaitingReview: {
      on: {
        HR_APPROVE: { target: 'awaitingAssessment', actions: assign({ approvedOn: ({ event }) => event.meta.businessDate }) },
        HR_REJECT: { target: 'rejected', actions: assign({ rejectionReason: ({ event }) => event.data.reason }) },
      },
    },
    awaitingAssessment: {
      on: { HR_ASSESS: { target: 'awaitingPayment', actions: assign({ assessedFen: ({ event }) => event.data.amountFen }) } },
    },
    awaitingPayment: {
      on: {
        PAY: { guard: 'paymentMatchesAssessment', target: 'paid', actions: assign({ paidFen: ({ event }) => event.data.amountFen }) },
      },
    },
    paid: { type: 'final' },
    rejected: { type: 'final' },
  },
});

export const policyBackPayment = defineProcess({
  id: 'policy-back-payment',
  version: 1,
  title: { zh: '政策性补缴', en: 'Policy back-payment' },
  description: {
    zh: `用人单位依据特定政策为某人员补缴以前月份的社会保险费。无论费款所属期在 ${formatFeePeriodZh(HANDOVER_FEE_PERIOD)} 之前还是之后，均由人社部门办理，因此补缴期间可以跨越交接月。单位通过人社网厅或综合窗口申请并注明政策依据，人社审核后予以受理或不予受理（注明原因）；受理的，人社核定补缴金额，单位按核定金额缴款。`,
    en: `An employer pays past months for a person under a policy that allows it. hr handles it whether the fee periods are before or after ${HANDOVER_FEE_PERIOD}, so one case may span the handover. The employer applies through hr's online hall or counter, citing the policy; hr reviews and approves, or rejects with a reason. After approval hr assesses the amount and the employer pays exactly that amount.`,
  },
  machine,
  inputSchema,
  events: {
    APPLY: {
      title: { zh: '向人社申请政策性补缴', en: 'Apply at hr' },
      parties: ['employer'],
      channels: HR_CHANNELS,
      schema: applySchema,
    },
    HR_APPROVE: {
      title: { zh: '人社审核通过', en: 'hr approves' },
      parties: ['hr'],
      schema: hrApproveSchema,
    },
    HR_REJECT: {
      title: { zh: '人社不予受理', en: 'hr rejects' },
      parties: ['hr'],
      schema: hrRejectSchema,
    },
    HR_ASSESS: {
      title: { zh: '人社核定补缴金额', en: 'hr assesses the amount' },
      parties: ['hr'],
      schema: hrAssessSchema,
    },
    PAY: {
      title: { zh: '缴款', en: 'Pay' },
      parties: ['employer'],
      channels: PAYMENT_CHANNELS,
      schema: paySchema,
      rules: [paymentMatchesAssessment],
    },
  },
  stateTitles: {
    awaitingApplication: { zh: '待向人社申请', en: 'Awaiting application at hr' },
    awaitingReview: { zh: '待人社审核', en: 'Awaiting review by hr' },
    awaitingAssessment: { zh: '审核通过，待人社核定', en: 'Approved, awaiting assessment by hr' },
    awaitingPayment: { zh: '已核定，待缴款', en: 'Assessed, awaiting payment' },
    paid: { zh: '已缴款（办结）', en: 'Paid (closed)' },
    rejected: { zh: '不予受理（办结）', en: 'Rejected (closed)' },
  },
  caseKeys: (input: PolicyBackPaymentInput) => ({
    employerCode: input.employerCode,
    feePeriodFrom: input.fromPeriod,
    feePeriodTo: input.toPeriod,
    personIdNumber: input.person.idNumber,
  }),
});
