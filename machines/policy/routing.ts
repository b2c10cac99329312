import type { LocalizedText } from '../localized-text.js';
import { PolicyError } from './errors.js';
import type { FeeEra, FeePeriod } from './fee-period.js';
import { HANDOVER_FEE_PERIOD, feeEraOf, formatFeePeriodZh } from './fee-period.js';
import type { Agency, Insurance } from './parties.js';
import { INSURANCE_TITLES, PARTY_TITLES, agencyOfInsurance } from './parties.js';

/**
 * Version of the routing rules below, named after the month they took effect. Store it with every
 * recorded routing decision, and change it whenever a rule in this file changes.
 */
export const ROUTING_TABLE_VERSION = '2024-01';

/** The fee business cases that are routed to an agency. */
export const FEE_CASE_KINDS = [
  'monthly-report',
  'sporadic-report',
  'arrears',
  'individual-back-payment',
  'policy-back-payment',
  'base-difference-top-up',
  'base-difference-refund',
  'refund-application',
] as const;
export type FeeCaseKind = (typeof FEE_CASE_KINDS)[number];

export const FEE_CASE_KIND_TITLES: Readonly<Record<FeeCaseKind, LocalizedText>> = {
  'monthly-report': { zh: '月报缴费', en: 'Monthly report' },
  'sporadic-report': { zh: '零星月报', en: 'Sporadic report' },
  arrears: { zh: '单位欠缴社保费处理', en: 'Employer arrears back-payment' },
  'individual-back-payment': { zh: '单位申报个人补缴', en: 'Individual back-payment' },
  'policy-back-payment': { zh: '政策性补缴', en: 'Policy back-payment' },
  'base-difference-top-up': { zh: '单位申报基数差补缴', en: 'Base-difference top-up' },
  'base-difference-refund': { zh: '单位申报基数差退费', en: 'Base-difference refund' },
  'refund-application': { zh: '单位人员缴费退费申请', en: 'Refund application' },
};

/**
 * Reason for a refund application. Only `'tax-collection-error'` (税务征收机构原因造成的误收) goes to
 * the tax bureau. Every other refund, difference refunds included, goes to hr or medical.
 */
export type RefundReason = 'tax-collection-error' | 'other';

export interface FeeRouteRequest {
  readonly kind: FeeCaseKind;
  readonly feePeriod: FeePeriod;
  readonly insurance: Insurance;
  /** Read only for `refund-application`; a missing reason counts as `'other'`. Ignored for other kinds. */
  readonly refundReason?: RefundReason;
}

/** The agency that owns one fee case, and the rule that decided it. */
export interface FeeRoute {
  readonly agency: Agency;
  readonly era: FeeEra;
  /**
   * True when the employer must first correct the contribution base at the tax bureau before the refund
   * track at hr or medical starts: base-difference refunds for fee periods 2023-12 and later.
   */
  readonly baseCorrectionAtTaxFirst: boolean;
  /** One sentence per language naming the fee period, the 2023-12 boundary and the resulting agency. */
  readonly rule: LocalizedText;
}

/**
 * Decides which agency handles a fee case, following Beijing's January 2024 briefing
 * 社保费申报缴纳流程优化:
 * - fee periods 2023-12 and later: arrears, individual back-payment, base-difference top-up and the
 *   monthly report go to the tax bureau;
 * - fee periods before 2023-12: all of these stay with hr (所有补缴业务仍由社保负责);
 * - in every era: policy back-payment and the sporadic report go to hr, and base-difference refunds go to
 *   hr for the three insurances and to medical for medical insurance;
 * - in every era: a refund application goes to the tax bureau only for its own collection error.
 *
 * Throws `PolicyError` with code `FEE_CASE_KIND_INVALID` for a kind outside `FEE_CASE_KINDS`, which only
 * untyped callers can pass.
 */
export function routeFeeCase(request: FeeRouteRequest): FeeRoute {
  const era = feeEraOf(request.feePeriod);

  switch (request.kind) {
    case 'monthly-report':
    case 'arrears':
    case 'individual-back-payment':
    case 'base-difference-top-up':
      return era === 'tax' ? routeToTaxAfterHandover(request) : routeToHrBeforeHandover(request);
    case 'policy-back-payment':
    case 'sporadic-report':
      return routeToHrInEveryEra(request, era);
    case 'base-difference-refund':
      return routeBaseDifferenceRefund(request, era);
    case 'refund-application':
      return routeRefundApplication(request, era);
    default:
      throw unknownKindError(request.kind);
  }
}

function routeToTaxAfterHandover(request: FeeRouteRequest): FeeRoute {
  const { kind, feePeriod } = request;
  const title = FEE_CASE_KIND_TITLES[kind];

  // An individual back-payment can be declared to tax only after hr has sent the maintained start month.
  const prerequisite: LocalizedText =
    kind === 'individual-back-payment'
      ? {
          zh: '，申报前须先在人社部门“单位申报个人补缴”模块维护缴费开始年月',
          en: ', after the payment start month has been maintained at the hr bureau',
        }
      : { zh: '', en: '' };

  return {
    agency: 'tax',
    era: 'tax',
    baseCorrectionAtTaxFirst: false,
    rule: {
      zh: `${taxEraClauseZh(feePeriod)}，${title.zh}向税务部门申报${prerequisite.zh}。`,
      en: `${title.en} for fee period ${feePeriod} is declared to the tax bureau${prerequisite.en}, because the period is ${HANDOVER_FEE_PERIOD} or later.`,
    },
  };
}

// For fee periods before 2023-12 the briefing states 所有补缴业务仍由社保负责 and names no medical-bureau
// route, so medical-insurance back-payments and monthly reports of that era go to hr as well.
function routeToHrBeforeHandover(request: FeeRouteRequest): FeeRoute {
  const { kind, feePeriod } = request;
  const title = FEE_CASE_KIND_TITLES[kind];
  const legacyProcess: LocalizedText =
    kind === 'monthly-report'
      ? {
          zh: '由社保部门核定生成、次月10日批量扣款',
          en: 'assessment by the hr bureau and batch debit on the 10th of the next month',
        }
      : { zh: '通过人社部门网厅或综合窗口', en: 'web hall or counter' };

  return {
    agency: 'hr',
    era: 'legacy',
    baseCorrectionAtTaxFirst: false,
    rule: {
      zh: `${legacyEraClauseZh(feePeriod)}，${title.zh}仍由人社部门按原流程办理（${legacyProcess.zh}）。`,
      en: `${title.en} for fee period ${feePeriod} stays with the hr bureau's legacy process (${legacyProcess.en}), because the period is before ${HANDOVER_FEE_PERIOD}.`,
    },
  };
}

// NOTE: the briefing assigns policy back-payment to 社保 and keeps the sporadic report in hr's system
// without naming an insurance, so medical insurance is routed to hr here too. Change this rule if the
// medical bureau turns out to run its own policy back-payment or sporadic report.
function routeToHrInEveryEra(request: FeeRouteRequest, era: FeeEra): FeeRoute {
  const { kind, feePeriod } = request;
  const reason: LocalizedText =
    kind === 'policy-back-payment'
      ? { zh: '政策性补缴始终由人社部门办理', en: 'Policy back-payment is always handled by the hr bureau' }
      : { zh: '零星月报是人社部门保留的功能', en: 'The sporadic report is a function the hr bureau kept' };

  return {
    agency: 'hr',
    era,
    baseCorrectionAtTaxFirst: false,
    rule: {
      zh: `${reason.zh}，不受${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}交接界限影响（本案费款所属期${formatFeePeriodZh(feePeriod)}）。`,
      en: `${reason.en}, so the ${HANDOVER_FEE_PERIOD} handover boundary does not apply to fee period ${feePeriod}.`,
    },
  };
}

function routeBaseDifferenceRefund(request: FeeRouteRequest, era: FeeEra): FeeRoute {
  const { feePeriod, insurance } = request;
  const agency = agencyOfInsurance(insurance);
  const agencyTitle = PARTY_TITLES[agency];
  const insuranceTitle = INSURANCE_TITLES[insurance];

  if (era === 'tax') {
    return {
      agency,
      era,
      baseCorrectionAtTaxFirst: true,
      rule: {
        zh: `${taxEraClauseZh(feePeriod)}，须先向税务部门更正缴费基数，再由${agencyTitle.zh}办理${insuranceTitle.zh}的基数差退费。`,
        en: `The base-difference refund of ${insuranceTitle.en.toLowerCase()} for fee period ${feePeriod} is handled by the ${agencyTitle.en.toLowerCase()} after the base has been corrected at the tax bureau, because the period is ${HANDOVER_FEE_PERIOD} or later.`,
      },
    };
  }

  return {
    agency,
    era,
    baseCorrectionAtTaxFirst: false,
    rule: {
      zh: `${legacyEraClauseZh(feePeriod)}，${insuranceTitle.zh}的基数差退费由${agencyTitle.zh}按原流程办理。`,
      en: `The base-difference refund of ${insuranceTitle.en.toLowerCase()} for fee period ${feePeriod} is handled by the ${agencyTitle.en.toLowerCase()} through its legacy process, because the period is before ${HANDOVER_FEE_PERIOD}.`,
    },
  };
}

function routeRefundApplication(request: FeeRouteRequest, era: FeeEra): FeeRoute {
  const { feePeriod, insurance } = request;
  const handoverZh = formatFeePeriodZh(HANDOVER_FEE_PERIOD);
  const boundaryZh = `不受${handoverZh}交接界限影响（本案费款所属期${formatFeePeriodZh(feePeriod)}）`;
  const boundaryEn = `the ${HANDOVER_FEE_PERIOD} handover boundary does not apply to fee period ${feePeriod}`;

  // The tax bureau collected the fees before the handover too, so its own collection errors are its
  // refunds in both eras.
  if (request.refundReason === 'tax-collection-error') {
    return {
      agency: 'tax',
      era,
      baseCorrectionAtTaxFirst: false,
      rule: {
        zh: `因税务征收机构原因造成的误收退费由税务部门受理，${boundaryZh}。`,
        en: `A refund of fees collected in error by the tax bureau is handled by the tax bureau, and ${boundaryEn}.`,
      },
    };
  }

  const agency = agencyOfInsurance(insurance);
  const agencyTitle = PARTY_TITLES[agency];
  const insuranceTitle = INSURANCE_TITLES[insurance];
  return {
    agency,
    era,
    baseCorrectionAtTaxFirst: false,
    rule: {
      zh: `非税务误收的${insuranceTitle.zh}退费（含退差）由${agencyTitle.zh}受理，${boundaryZh}。`,
      en: `A refund of ${insuranceTitle.en.toLowerCase()} not caused by a tax bureau collection error is handled by the ${agencyTitle.en.toLowerCase()}, and ${boundaryEn}.`,
    },
  };
}

function taxEraClauseZh(feePeriod: FeePeriod): string {
  return `费款所属期${formatFeePeriodZh(feePeriod)}在${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}（含）之后`;
}

function legacyEraClauseZh(feePeriod: FeePeriod): string {
  return `费款所属期${formatFeePeriodZh(feePeriod)}在${formatFeePeriodZh(HANDOVER_FEE_PERIOD)}之前`;
}

function unknownKindError(kind: unknown): PolicyError {
  return new PolicyError(
    'FEE_CASE_KIND_INVALID',
    {
      zh: `业务类型“${String(kind)}”无效：应为 ${FEE_CASE_KINDS.join('、')} 之一。`,
      en: `Invalid fee case kind "${String(kind)}": expected one of ${FEE_CASE_KINDS.join(', ')}.`,
    },
    { value: kind },
  );
}
