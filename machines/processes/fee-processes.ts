import type { ProcessDefinition } from '../engine/process-definition.js';
import { arrears } from './arrears.js';
import { individualBackPayment } from './individual-back-payment.js';
import { monthlyReport } from './monthly-report.js';

/** Fee processes (缴费管理): reports, back-payments, refunds and arrears. */
export const FEE_PROCESSES: readonly ProcessDefinition[] = [monthlyReport, arrears, individualBackPayment];
