import type { Snapshot } from 'xstate';

import { applyEvent, startCase } from '../../../machines/engine/apply-event.js';
import type { EngineStep } from '../../../machines/engine/apply-event.js';
import type { CaseError } from '../../../machines/engine/case-error.js';
import type { ProcessDefinition } from '../../../machines/engine/process-definition.js';
import type { IsoDate } from '../../../machines/policy/iso-date.js';
import type { Channel, Party } from '../../../machines/policy/parties.js';

/** A valid unified social credit code and resident ID, from the check-character examples. */
export const EMPLOYER_CODE = '91350100M000100Y43';
export const PERSON = { name: '张三', idNumber: '11010519491231002X' } as const;

/** One event as a test sends it: who sends it, on which business date and, where required, the channel. */
export interface TestEvent {
  readonly type: string;
  readonly data?: unknown;
  readonly party: Party;
  readonly on: string;
  readonly channel?: Channel;
}

/**
 * A case driven through the engine's own `startCase` and `applyEvent`, keeping the persisted snapshot
 * between steps as the store would.
 */
export class TestCase {
  readonly definition: ProcessDefinition;
  #step: EngineStep;

  constructor(definition: ProcessDefinition, step: EngineStep) {
    this.definition = definition;
    this.#step = step;
  }

  get state(): readonly string[] {
    return this.#step.stateAfter;
  }

  get status(): 'active' | 'done' {
    return this.#step.status;
  }

  /** The machine's context, untyped because each process declares its own context type privately. */
  get context(): any {
    return this.#step.context;
  }

  get snapshot(): Snapshot<unknown> {
    return this.#step.persistedSnapshot;
  }

  /** Applies an event that must be accepted; throws with the rejection's code and message otherwise. */
  send(event: TestEvent): EngineStep {
    const result = applyEvent(this.definition, this.#step.persistedSnapshot, requestOf(event), metaOf(event));
    if (!result.ok) throw new Error(`${event.type} was rejected: ${result.error.code}: ${result.error.localized.en}`);
    this.#step = result.step;
    return result.step;
  }

  /** Applies an event that must be rejected and returns the error; the case keeps its snapshot. */
  reject(event: TestEvent): CaseError {
    const result = applyEvent(this.definition, this.#step.persistedSnapshot, requestOf(event), metaOf(event));
    if (result.ok) throw new Error(`${event.type} was accepted, moving the case to ${result.step.stateAfter.join(', ')}`);
    return result.error;
  }
}

/** Starts a case that must be accepted, on the given business date. */
export function openCase(definition: ProcessDefinition, input: unknown, on: string, party: Party = 'employer'): TestCase {
  const result = startCase(definition, input, { party, channel: 'api', businessDate: on as IsoDate });
  if (!result.ok) throw new Error(`case start was rejected: ${result.error.code}: ${result.error.localized.en}`);
  return new TestCase(definition, result.step);
}

/** Starts a case that must be rejected and returns the error. */
export function rejectStart(definition: ProcessDefinition, input: unknown, on: string): CaseError {
  const result = startCase(definition, input, { party: 'employer', channel: 'api', businessDate: on as IsoDate });
  if (result.ok) throw new Error(`case start was accepted in state ${result.step.stateAfter.join(', ')}`);
  return result.error;
}

/** Returns the schema issues of a rejected case start, as the API lists them. */
export function issuesOf(error: CaseError): { path: string; message: { zh: string; en: string } }[] {
  const issues = error.details['issues'] as { path: string; message: { zh: string; en: string } }[] | undefined;
  return (issues ?? []).map((issue) => ({ path: issue.path, message: issue.message }));
}

function requestOf(event: TestEvent) {
  return { type: event.type, data: event.data ?? {}, channel: event.channel };
}

function metaOf(event: TestEvent) {
  return { party: event.party, businessDate: event.on as IsoDate };
}
