import type { Snapshot } from 'xstate';
import { applyEvent, startCase } from '../../machines/engine/apply-event.js';
import type { EngineResult } from '../../machines/engine/apply-event.js';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { getProcessVersion } from '../../machines/catalogue.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import type { Channel, Party } from '../../machines/policy/parties.js';
import { canonicalJson } from '../../db/canonical-json.js';
import type { CaseEventsTable, CasesTable } from '../../db/schema.js';

/** The reason a replayed step differs from the recorded one. */
export type ReplayDifferenceReason =
  | 'process-version-missing'
  | 'first-event-not-creation'
  | 'event-rejected'
  | 'replay-failed'
  | 'state-before-differs'
  | 'state-after-differs'
  | 'data-differs'
  | 'snapshot-differs'
  | 'case-state-differs';

/** The first step where the replay and the record part. */
export interface ReplayDifference {
  /** The event's sequence number; null when the difference is in the case row after the last event. */
  readonly seq: number | null;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly reason: ReplayDifferenceReason;
  /** The recorded and the replayed value, as text, for the report. */
  readonly recorded: string | null;
  readonly replayed: string | null;
}

export type ReplayReport =
  | { readonly caseId: string; readonly consistent: true; readonly processId: string; readonly processVersion: number; readonly eventCount: number }
  | {
      readonly caseId: string;
      readonly consistent: false;
      readonly processId: string;
      readonly processVersion: number;
      readonly eventCount: number;
      readonly firstDifference: ReplayDifference;
    };

/**
 * Re-runs a case from its recorded events on the machine version the case is pinned to, and checks that
 * the record is what the engine produces. The creation starts the case with the recorded input, party,
 * channel and business date. Every later event is applied with its recorded party, channel and business
 * date. It must be accepted, start from the recorded state before it, reach the recorded state after it,
 * and store the recorded data. At the end the replayed snapshot must equal the stored one, and the case
 * row's state and status the replayed ones. Reports the first step that differs.
 *
 * The hash chain is checked separately (`verifyChain`); a replay of a chain with a deleted event usually
 * fails at the step after the gap. Pure apart from reading its arguments: nothing is written.
 */
export function replayCase(caseRow: CasesTable, events: readonly CaseEventsTable[]): ReplayReport {
  const base = { caseId: caseRow.id, processId: caseRow.process_id, processVersion: caseRow.process_version, eventCount: events.length };
  const differ = (difference: ReplayDifference): ReplayReport => ({ ...base, consistent: false, firstDifference: difference });

  const definition = getProcessVersion(caseRow.process_id, caseRow.process_version);
  if (!definition) {
    return differ({ seq: null, eventId: null, eventType: null, reason: 'process-version-missing', recorded: `${caseRow.process_id} v${caseRow.process_version}`, replayed: null });
  }

  let snapshot: Snapshot<unknown> | null = null;
  let stateAfter: readonly string[] = [];
  let status: 'active' | 'done' = 'active';
  for (const [index, event] of events.entries()) {
    const at = { seq: event.seq, eventId: event.id, eventType: event.type };
    if (index === 0 && event.type !== 'CASE_CREATED') {
      return differ({ ...at, reason: 'first-event-not-creation', recorded: event.type, replayed: 'CASE_CREATED' });
    }

    let result: EngineResult;
    try {
      result = index === 0 ? replayCreation(definition, event) : replayEvent(definition, snapshot as Snapshot<unknown>, event);
    } catch (error) {
      return differ({ ...at, reason: 'replay-failed', recorded: null, replayed: String(error) });
    }
    if (!result.ok) return differ({ ...at, reason: 'event-rejected', recorded: event.state_before, replayed: `${result.error.code}: ${result.error.localized.en}` });

    const step = result.step;
    const replayedBefore = step.stateBefore === null ? null : step.stateBefore.join(',');
    if (replayedBefore !== event.state_before) {
      return differ({ ...at, reason: 'state-before-differs', recorded: event.state_before, replayed: replayedBefore });
    }
    if (step.stateAfter.join(',') !== event.state_after) {
      return differ({ ...at, reason: 'state-after-differs', recorded: event.state_after, replayed: step.stateAfter.join(',') });
    }
    const replayedData = JSON.stringify(step.data ?? {});
    if (canonicalOf(replayedData) !== canonicalOf(event.data)) {
      return differ({ ...at, reason: 'data-differs', recorded: event.data, replayed: replayedData });
    }
    // The service stores the snapshot as JSON and restores it from there; the replay does the same.
    snapshot = JSON.parse(JSON.stringify(step.persistedSnapshot)) as Snapshot<unknown>;
    stateAfter = step.stateAfter;
    status = step.status;
  }

  const last = events.at(-1);
  const atEnd = { seq: last?.seq ?? null, eventId: last?.id ?? null, eventType: last?.type ?? null };
  const replayedSnapshot = snapshot === null ? 'null' : canonicalJson(snapshot);
  if (canonicalOf(caseRow.snapshot) !== replayedSnapshot) {
    return differ({ ...atEnd, reason: 'snapshot-differs', recorded: caseRow.snapshot, replayed: replayedSnapshot });
  }
  if (caseRow.state !== stateAfter.join(',') || caseRow.status !== status) {
    return differ({ ...atEnd, reason: 'case-state-differs', recorded: `${caseRow.state} (${caseRow.status})`, replayed: `${stateAfter.join(',')} (${status})` });
  }
  return { ...base, consistent: true };
}

function replayCreation(definition: ProcessDefinition, event: CaseEventsTable): EngineResult {
  return startCase(definition, JSON.parse(event.data) as unknown, {
    party: event.party as Party,
    channel: event.channel as Channel,
    businessDate: event.business_date as IsoDate,
  });
}

function replayEvent(definition: ProcessDefinition, snapshot: Snapshot<unknown>, event: CaseEventsTable): EngineResult {
  return applyEvent(
    definition,
    snapshot,
    { type: event.type, data: JSON.parse(event.data) as unknown, channel: event.channel as Channel },
    { party: event.party as Party, businessDate: event.business_date as IsoDate },
  );
}

/** Canonical JSON of stored JSON text, or the text itself when it does not parse. */
function canonicalOf(text: string): string {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}
