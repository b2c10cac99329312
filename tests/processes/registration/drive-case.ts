import type { Snapshot } from 'xstate';
import { applyEvent, listAllowedEventsOf, startCase } from '../../../machines/engine/apply-event.js';
import type { AllowedEvent, EngineResult, LinkedCaseRequest } from '../../../machines/engine/apply-event.js';
import type { CaseError } from '../../../machines/engine/case-error.js';
import type { ProcessDefinition } from '../../../machines/engine/process-definition.js';
import type { IsoDate } from '../../../machines/policy/iso-date.js';
import { parseIsoDate } from '../../../machines/policy/iso-date.js';
import type { Channel, Party } from '../../../machines/policy/parties.js';

/**
 * A case driven in memory through the engine, as the server drives it, but without a store: each step
 * restores the case from the persisted snapshot of the step before.
 */
export interface DrivenCase {
  readonly definition: ProcessDefinition;
  readonly snapshot: Snapshot<unknown>;
  readonly state: readonly string[];
  readonly status: 'active' | 'done';
  // The machines' context types are private to each process file, so tests read the context loosely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly context: any;
  readonly linkedCaseRequests: readonly LinkedCaseRequest[];
}

export interface EventOptions {
  readonly data?: unknown;
  readonly channel?: Channel;
}

export const date = (text: string): IsoDate => parseIsoDate(text);

/** Starts a case on `businessDate`; fails the test with the engine's message when the input is rejected. */
export function start(definition: ProcessDefinition, input: unknown, businessDate: string, party: Party = 'employer'): DrivenCase {
  const result = startCase(definition, input, { party, channel: 'api', businessDate: date(businessDate) });
  return toDriven(definition, expectAccepted(result, `start ${definition.id}`));
}

/** Returns the rejection of a case input; fails the test when the input is accepted. */
export function rejectStart(definition: ProcessDefinition, input: unknown, businessDate: string): CaseError {
  const result = startCase(definition, input, { party: 'employer', channel: 'api', businessDate: date(businessDate) });
  if (result.ok) throw new Error(`expected the input of ${definition.id} to be rejected, but the case started in ${result.step.stateAfter.join(', ')}`);
  return result.error;
}

/** Applies an event on `businessDate`; fails the test with the engine's message when it is rejected. */
export function send(current: DrivenCase, type: string, party: Party, businessDate: string, options: EventOptions = {}): DrivenCase {
  const result = apply(current, type, party, businessDate, options);
  return toDriven(current.definition, expectAccepted(result, `${type} by ${party} on ${businessDate}`));
}

/** Returns the rejection of an event; fails the test when the event is accepted. */
export function reject(current: DrivenCase, type: string, party: Party, businessDate: string, options: EventOptions = {}): CaseError {
  const result = apply(current, type, party, businessDate, options);
  if (result.ok) throw new Error(`expected ${type} to be rejected, but the case moved to ${result.step.stateAfter.join(', ')}`);
  return result.error;
}

/** Lists the events the case accepts on `businessDate`, each marked available or blocked. */
export function allowedEvents(current: DrivenCase, businessDate: string): AllowedEvent[] {
  return listAllowedEventsOf(current.definition, current.snapshot, date(businessDate));
}

function apply(current: DrivenCase, type: string, party: Party, businessDate: string, options: EventOptions): EngineResult {
  return applyEvent(
    current.definition,
    current.snapshot,
    { type, data: options.data ?? {}, channel: options.channel },
    { party, businessDate: date(businessDate) },
  );
}

function expectAccepted(result: EngineResult, what: string) {
  if (!result.ok) {
    throw new Error(`${what} was rejected with ${result.error.code}: ${result.error.localized.en}`);
  }
  return result.step;
}

function toDriven(definition: ProcessDefinition, step: Extract<EngineResult, { ok: true }>['step']): DrivenCase {
  return {
    definition,
    snapshot: step.persistedSnapshot,
    state: step.stateAfter,
    status: step.status,
    context: step.context,
    linkedCaseRequests: step.linkedCaseRequests,
  };
}

/** Credit codes and resident IDs whose check characters are valid. */
export const EMPLOYER_A = '91350100M000100Y43';
export const EMPLOYER_B = '91110108MA01ABCD0B';
export const PERSON = { name: '张三', idNumber: '11010519491231002X' } as const;
export const OTHER_RESIDENT_ID = '110101199003071233';
