import type { Snapshot } from 'xstate';
import { getProcessVersion } from '../../machines/catalogue.js';
import type { CaseStore } from '../../db/case-store.js';
import { verifyChain } from '../../db/hash-chain.js';
import type { ChainVerdict } from '../../db/hash-chain.js';
import type { CaseEventsTable, CasesTable } from '../../db/schema.js';
import { renderSequenceDiagram } from '../../viewer/mermaid/sequence-diagram.js';
import { renderStateDiagram } from '../../viewer/mermaid/state-diagram.js';
import { maskPersonalData } from '../auth/personal-data.js';
import { caseDiagramHighlight, formatEvent } from '../routes/case-routes.js';
import { replayCase } from './replay.js';
import type { ReplayReport } from './replay.js';

/** The format name and version of case exports. */
export const CASE_EXPORT_FORMAT = 'shebao-case-engine/case-export@1';

/** The audit record of one case: the case, its history with hashes, its diagrams and the verification. */
export interface CaseExport {
  readonly case: {
    readonly id: string;
    readonly processId: string;
    readonly processVersion: number;
    readonly employerCode: string;
    readonly feePeriodFrom: string;
    readonly feePeriodTo: string;
    readonly sandboxId: string | null;
    readonly state: readonly string[];
    readonly status: string;
    readonly version: number;
    readonly headHash: string;
    readonly createdAt: string;
    readonly updatedAt: string;
    /** The machine context with personal data masked. */
    readonly context: unknown;
  };
  /** Every event in order with its hashes; personal data in the event data is masked. */
  readonly history: readonly ReturnType<typeof formatEvent>[];
  /**
   * Mermaid texts in both languages: the process (`stateDiagram-v2`), the process with the case's path and
   * current state, and the exchange between employer, hr, medical and tax in order (`sequenceDiagram`).
   */
  readonly mermaid: {
    readonly process: { readonly zh: string; readonly en: string };
    readonly casePath: { readonly zh: string; readonly en: string };
    readonly sequence: { readonly zh: string; readonly en: string };
  };
  readonly verification: { readonly chain: ChainVerdict; readonly replay: ReplayReport };
}

/**
 * Builds the audit record of a case from the store; undefined for an unknown case. Personal data is
 * masked everywhere in it, so the event hashes cannot be recomputed from an export. The chain verdict and
 * the replay in it are computed on the stored, unmasked data.
 */
export async function exportCase(store: CaseStore, caseId: string): Promise<CaseExport | undefined> {
  const caseRow = await store.getCase(caseId);
  if (!caseRow) return undefined;
  const events = await store.listEvents(caseId);
  return buildCaseExport(caseRow, events);
}

export function buildCaseExport(caseRow: CasesTable, events: readonly CaseEventsTable[]): CaseExport {
  const definition = getProcessVersion(caseRow.process_id, caseRow.process_version);
  const snapshot = JSON.parse(caseRow.snapshot) as Snapshot<unknown> & { context?: unknown };
  const highlight = caseDiagramHighlight(events);
  const steps = events.map((event) => ({ seq: event.seq, type: event.type, party: event.party, channel: event.channel, businessDate: event.business_date }));
  return {
    case: {
      id: caseRow.id,
      processId: caseRow.process_id,
      processVersion: caseRow.process_version,
      employerCode: caseRow.employer_code,
      feePeriodFrom: caseRow.fee_period_from,
      feePeriodTo: caseRow.fee_period_to,
      sandboxId: caseRow.sandbox_id ?? null,
      state: caseRow.state.split(','),
      status: caseRow.status,
      version: caseRow.version,
      headHash: caseRow.head_hash,
      createdAt: caseRow.created_at,
      updatedAt: caseRow.updated_at,
      context: maskPersonalData(snapshot.context ?? null).value,
    },
    history: events.map((event) => maskEvent(formatEvent(event))),
    mermaid: definition
      ? {
          process: { zh: renderStateDiagram(definition, 'zh'), en: renderStateDiagram(definition, 'en') },
          casePath: { zh: renderStateDiagram(definition, 'zh', highlight), en: renderStateDiagram(definition, 'en', highlight) },
          sequence: { zh: renderSequenceDiagram(definition, steps, 'zh'), en: renderSequenceDiagram(definition, steps, 'en') },
        }
      : { process: { zh: '', en: '' }, casePath: { zh: '', en: '' }, sequence: { zh: '', en: '' } },
    verification: { chain: verifyChain(events, caseRow), replay: maskReplayReport(replayCase(caseRow, events)) },
  };
}

/** Masks the personal data in the data of an event as the API formats it. */
export function maskEvent<T extends { data: unknown }>(event: T): T {
  return { ...event, data: maskPersonalData(event.data).value };
}

/** Masks the personal data in a replay report's recorded and replayed texts (snapshots, event data). */
export function maskReplayReport(report: ReplayReport): ReplayReport {
  if (report.consistent) return report;
  const { recorded, replayed } = report.firstDifference;
  return { ...report, firstDifference: { ...report.firstDifference, recorded: maskJsonText(recorded), replayed: maskJsonText(replayed) } };
}

function maskJsonText(text: string | null): string | null {
  if (text === null) return null;
  try {
    return JSON.stringify(maskPersonalData(JSON.parse(text) as unknown).value);
  } catch {
    return text;
  }
}

/** Columns of the CSV export, one row per event. */
const CSV_COLUMNS = [
  'case_id',
  'process_id',
  'process_version',
  'employer_code',
  'seq',
  'event_id',
  'event_type',
  'actor_id',
  'actor_role',
  'party',
  'channel',
  'occurred_at',
  'business_date',
  'state_before',
  'state_after',
  'data',
  'prev_hash',
  'hash',
  'chain_verdict',
  'replay_verdict',
] as const;

/**
 * Writes case exports as CSV (RFC 4180, CRLF line ends) with one row per event and the case's chain and
 * replay verdicts repeated on each of its rows. The text starts with a UTF-8 byte order mark so that
 * spreadsheet programs read the Chinese text as UTF-8. A cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a leading `'` so that spreadsheets do not run it as a formula.
 */
export function toCsv(exports: readonly CaseExport[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of exports) {
    const chain = record.verification.chain;
    const replay = record.verification.replay;
    const chainVerdict = chain.intact ? 'intact' : `broken at seq ${chain.firstBrokenSeq ?? '-'}: ${chain.reason}`;
    const replayVerdict = replay.consistent ? 'consistent' : `differs at seq ${replay.firstDifference.seq ?? '-'}: ${replay.firstDifference.reason}`;
    for (const event of record.history) {
      const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
        case_id: record.case.id,
        process_id: record.case.processId,
        process_version: String(record.case.processVersion),
        employer_code: record.case.employerCode,
        seq: String(event.seq),
        event_id: event.id,
        event_type: event.type,
        actor_id: event.actor.id,
        actor_role: event.actor.role,
        party: event.actor.party,
        channel: event.channel,
        occurred_at: event.occurredAt,
        business_date: event.businessDate,
        state_before: event.stateBefore?.join(',') ?? '',
        state_after: event.stateAfter.join(','),
        data: JSON.stringify(event.data),
        prev_hash: event.prevHash,
        hash: event.hash,
        chain_verdict: chainVerdict,
        replay_verdict: replayVerdict,
      };
      lines.push(CSV_COLUMNS.map((column) => csvCell(cells[column])).join(','));
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}
