import type { ProcessDefinition } from '../engine/process-definition.js';
import { arrears } from './arrears.js';
import { baseDifferenceRefund } from './base-difference-refund.js';
import { baseDifferenceTopUp } from './base-difference-top-up.js';
import { individualBackPayment } from './individual-back-payment.js';
import { monthlyReport } from './monthly-report.js';
import { policyBackPayment } from './policy-back-payment.js';
import { refundApplication } from './refund-application.js';
import { sporadicReport } from './sporadic-report.js';

/** Fee processes (缴费管理): reports, back-payments, refunds and arrears. */
export const FEE_PROCESSES: readonly ProcessDefinition[] = [
  monthlyReport,
  sporadicReport,
  arrears,
  individualBackPayment,
  policyBackPayment,
  baseDifferenceTopUp,
  baseDifferenceRefund,
  refundApplication,
];
