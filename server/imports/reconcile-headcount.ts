import type { Kysely } from 'kysely';
import type { LocalizedText } from '../../machines/localized-text.js';
import { compareFeePeriods } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { maskResidentId } from '../../machines/policy/identifiers.js';
import { INSURANCE_TITLES, INSURANCES } from '../../machines/policy/parties.js';
import type { Insurance } from '../../machines/policy/parties.js';
import type { Database } from '../../db/schema.js';
import { maskName } from '../auth/personal-data.js';

/** The likely cause of a person's difference between the headcounts. */
export type DifferenceCause = 'failed-push' | 'split-record' | 'late-termination';

export interface HeadcountLine {
  readonly insurance: Insurance;
  readonly title: LocalizedText;
  /** People insured at the employer in the fee period, from the personnel addition and termination cases. */
  readonly insured: number;
  /** The headcount tax received from the month-end pushes (the monthly report's); null until pushed. */
  readonly pushedToTax: number | null;
  /** The headcount the employer declared to tax; null until declared. */
  readonly declared: number | null;
  /** `pushedToTax - insured`; null while tax has no push. */
  readonly difference: number | null;
}

export interface DifferingPerson {
  readonly caseId: string;
  readonly processId: string;
  /** Masked like every list: the name's first character, the ID number's region code and last four characters. */
  readonly name: string;
  readonly idNumber: string;
  readonly insurances: readonly Insurance[];
  readonly cause: DifferenceCause;
  readonly explanation: LocalizedText;
}

export interface HeadcountReconciliation {
  readonly employerCode: string;
  readonly feePeriod: FeePeriod;
  /** The monthly report case tax assessed from; null when the employer has none for the fee period. */
  readonly monthlyReportCaseId: string | null;
  readonly lines: readonly HeadcountLine[];
  readonly people: readonly DifferingPerson[];
}

interface AdditionContext {
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly insurances: readonly Insurance[];
  readonly registeredOn: string | null;
  readonly startMonths: Partial<Record<Insurance, FeePeriod>>;
}

interface TerminationContext {
  readonly person: { readonly name: string; readonly idNumber: string };
  readonly insurances: readonly Insurance[];
  readonly contractEndMonth: FeePeriod;
  readonly terminationMonth: FeePeriod;
  readonly terminatedOn: string | null;
  readonly months: { readonly stopMonths: Partial<Record<Insurance, FeePeriod>> };
}

interface ChangeContext {
  readonly before: { readonly name: string; readonly idNumber: string };
  readonly lastCheck: { readonly feePeriod: FeePeriod; readonly outcome: string } | null;
}

interface MonthlyReportContext {
  readonly pushedHeadcount: Readonly<Record<Insurance, number | null>>;
  readonly declaredHeadcount: Readonly<Record<Insurance, number>> | null;
}

/**
 * Compares, insurance by insurance, the people insured at an employer in a fee period with the headcount
 * tax received from the month-end pushes. It lists the people likely behind a difference: an addition hr
 * has not registered (so never pushed), a personal data change that left tax with a split record, and a
 * termination filed after the contract ended or not yet confirmed by hr. Reads real cases only.
 */
export async function reconcileHeadcount(db: Kysely<Database>, employerCode: string, feePeriod: FeePeriod): Promise<HeadcountReconciliation> {
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'process_id', 'status', 'fee_period_from', 'fee_period_to', 'snapshot'])
    .where('employer_code', '=', employerCode)
    .where('process_id', 'in', ['personnel-addition', 'personnel-termination', 'personal-data-change', 'monthly-report'])
    .where('sandbox_id', 'is', null)
    .orderBy('id')
    .execute();
  const contextOf = (snapshot: string) => (JSON.parse(snapshot) as { context: unknown }).context;

  const insuredBy = new Map<string, Set<Insurance>>();
  const people: DifferingPerson[] = [];
  let monthlyReport: { id: string; context: MonthlyReportContext } | undefined;

  for (const row of rows.filter((candidate) => candidate.process_id === 'personnel-addition')) {
    const context = contextOf(row.snapshot) as AdditionContext;
    const started = context.insurances.filter((insurance) => {
      const start = context.startMonths[insurance];
      return start !== undefined && compareFeePeriods(start, feePeriod) <= 0;
    });
    if (started.length > 0) insuredBy.set(context.person.idNumber, new Set(started));
    if (context.registeredOn === null && compareFeePeriods(row.fee_period_from as FeePeriod, feePeriod) <= 0) {
      people.push(differing(row, context.person, context.insurances, 'failed-push', {
        zh: '增员尚未登记成功，人社未向税务推送该人员，税务端人数会少算。请向人社核实推送是否失败。',
        en: 'The addition is not registered yet, so hr has not pushed this person to tax and tax counts one person fewer. Ask hr whether the push failed.',
      }));
    }
  }

  for (const row of rows.filter((candidate) => candidate.process_id === 'personnel-termination')) {
    const context = contextOf(row.snapshot) as TerminationContext;
    const stoppedBefore = context.insurances.filter((insurance) => {
      const stop = context.months.stopMonths[insurance] ?? context.contractEndMonth;
      return context.terminatedOn !== null && compareFeePeriods(stop, feePeriod) < 0;
    });
    const insured = insuredBy.get(context.person.idNumber);
    for (const insurance of stoppedBefore) insured?.delete(insurance);

    const contractEnded = compareFeePeriods(context.contractEndMonth, feePeriod) < 0;
    const filedLate = compareFeePeriods(context.terminationMonth, context.contractEndMonth) > 0 && compareFeePeriods(context.terminationMonth, feePeriod) >= 0;
    if (contractEnded && (context.terminatedOn === null || filedLate)) {
      people.push(differing(row, context.person, context.insurances, 'late-termination', {
        zh: `劳动合同已于 ${context.contractEndMonth} 解除，但减员${context.terminatedOn === null ? '尚未经人社确认' : `至 ${context.terminationMonth} 才办理`}，税务端仍计入该人员。`,
        en: `The labour contract ended in ${context.contractEndMonth}, but the termination ${context.terminatedOn === null ? 'is not confirmed by hr yet' : `was filed only in ${context.terminationMonth}`}, so tax still counts this person.`,
      }));
    }
  }

  for (const row of rows.filter((candidate) => candidate.process_id === 'personal-data-change' && candidate.status === 'active')) {
    const context = contextOf(row.snapshot) as ChangeContext;
    if (context.lastCheck?.outcome !== 'split-record') continue;
    people.push(differing(row, context.before, [...INSURANCES], 'split-record', {
      zh: `个人信息只在一方变更，${context.lastCheck.feePeriod} 月末核对时税务端同一人有两条记录，人数会多算一人。请督促另一方在同月完成变更。`,
      en: `The personal data changed on one side only, so at the ${context.lastCheck.feePeriod} month-end check tax held two records for one person and counts one person twice. Ask the other side to make the change.`,
    }));
  }

  const report = rows.find((row) => row.process_id === 'monthly-report' && row.fee_period_from <= feePeriod && row.fee_period_to >= feePeriod);
  if (report) monthlyReport = { id: report.id, context: contextOf(report.snapshot) as MonthlyReportContext };

  const lines = INSURANCES.map((insurance): HeadcountLine => {
    const insured = [...insuredBy.values()].filter((set) => set.has(insurance)).length;
    const pushedToTax = monthlyReport?.context.pushedHeadcount[insurance] ?? null;
    return {
      insurance,
      title: INSURANCE_TITLES[insurance],
      insured,
      pushedToTax,
      declared: monthlyReport?.context.declaredHeadcount?.[insurance] ?? null,
      difference: pushedToTax === null ? null : pushedToTax - insured,
    };
  });
  return { employerCode, feePeriod, monthlyReportCaseId: monthlyReport?.id ?? null, lines, people };
}

function differing(
  row: { readonly id: string; readonly process_id: string },
  person: { readonly name: string; readonly idNumber: string },
  insurances: readonly Insurance[],
  cause: DifferenceCause,
  explanation: LocalizedText,
): DifferingPerson {
  return { caseId: row.id, processId: row.process_id, name: maskName(person.name), idNumber: maskResidentId(person.idNumber), insurances, cause, explanation };
}
