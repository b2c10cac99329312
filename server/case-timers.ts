import type { AllowedEvent, EngineStep } from '../machines/engine/apply-event.js';
import type { ProcessDefinition, TimerSpec } from '../machines/engine/process-definition.js';
import type { IsoDate } from '../machines/policy/iso-date.js';
import type { CaseChange } from '../db/case-change.js';
import { canonicalJson } from '../db/canonical-json.js';
import type { DesiredTimer } from '../db/timer-store.js';

/** The acting user of every event a timer sends: the server itself. */
export const TIMER_ACTOR = { id: 'system:timer', role: 'system', party: 'system' } as const;

/** Idempotency key of the event a timer sends, so that a timer fired twice after a crash adds one event. */
export function timerIdempotencyKey(timerId: string): string {
  return `timer:${timerId}`;
}

/**
 * Lists the timers a case should have after a step: what its process declares for the new context and
 * state, with each due date turned into the instant the Beijing day starts. A finished case has none.
 * Throws when the process declares a timer for an event it does not define, because that is a bug.
 */
export function planTimers(definition: ProcessDefinition, step: EngineStep): DesiredTimer[] {
  if (step.status === 'done' || !definition.timers) return [];
  const specs = definition.timers(step.context as never, step.stateAfter);
  return specs.map((spec) => toDesiredTimer(definition, spec));
}

function toDesiredTimer(definition: ProcessDefinition, spec: TimerSpec): DesiredTimer {
  if (!definition.events[spec.eventType]) {
    throw new Error(`Process ${definition.id} v${definition.version} declares timer ${spec.key} for unknown event ${spec.eventType}`);
  }
  return { key: spec.key, eventType: spec.eventType, data: canonicalJson(spec.data), dueOn: spec.dueOn, dueAt: startOfBeijingDay(spec.dueOn) };
}

/** Returns the instant a Beijing calendar day starts (00:00 at UTC+8), as ISO 8601 UTC. */
export function startOfBeijingDay(date: IsoDate): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}

/**
 * Builds the live-update message of a committed step: ids, state and event type, no personal data.
 * `allowed` contains the events the case accepts after the step and, except for a new case, before it.
 */
export function describeChange(
  definition: ProcessDefinition,
  target: { readonly caseId: string; readonly version: number; readonly sandboxId: string | null },
  step: EngineStep,
  eventType: string,
  occurredAt: string,
  allowed: { readonly after: readonly AllowedEvent[]; readonly before?: readonly AllowedEvent[] },
): CaseChange {
  return {
    caseId: target.caseId,
    processId: definition.id,
    version: target.version,
    state: step.stateAfter,
    status: step.status,
    eventType,
    awaitingParties: listAwaitingParties(allowed.after),
    previouslyAwaitingParties: allowed.before ? listAwaitingParties(allowed.before) : [],
    sandboxId: target.sandboxId,
    occurredAt,
  };
}

function listAwaitingParties(allowed: readonly AllowedEvent[]): string[] {
  const parties = new Set(allowed.flatMap((event) => event.parties).filter((party) => party !== 'system'));
  return [...parties].sort();
}
