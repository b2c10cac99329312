import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import type { LocalizedText } from '../localized-text.js';
import type { Channel, Party } from '../policy/parties.js';
import type { IsoDate } from '../policy/iso-date.js';
import type { RuleCheck, RuleViolation } from './rule.js';

/** Who sent an event and how: stamped by the engine onto every event a machine receives. */
export interface EventMeta {
  readonly party: Party;
  readonly channel: Channel;
  /** The business date the step applies to (Beijing date), from the injected clock. */
  readonly businessDate: IsoDate;
}

/** The event object a process machine receives: `data` has passed the event's schema. */
export interface CaseEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  readonly meta: EventMeta;
}

/** One event a process accepts: who may send it, through which channels, and the schema of its data. */
export interface EventDefinition {
  readonly title: LocalizedText;
  /** Parties allowed to send the event. */
  readonly parties: readonly Party[];
  /**
   * Channels the event may arrive through. When set, the request must name one of them (for example a
   * declaration to tax names the fee-management client, the e-tax bureau or the tax window).
   */
  readonly channels?: readonly Channel[];
  /**
   * Parties that receive the step in the exchange diagram, such as tax for hr's push of a start month.
   * Without it an employer's step goes to the agency of its channel and any other step to the employer.
   */
  readonly recipients?: readonly Party[];
  readonly schema: z.ZodType;
  /** Checks whose failure rejects the event with the rule's own code and message (HTTP 422). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each process narrows context and data itself
  readonly rules?: readonly RuleCheck<any, any>[];
}

/** Keys of a case that the store indexes for filtering, derived from the validated input. */
export interface CaseKeys {
  readonly employerCode: string;
  /** First and last fee period the case concerns; equal for a single month. */
  readonly feePeriodFrom: string;
  readonly feePeriodTo: string;
  /** The insured person's ID number when the case concerns one person; masked in lists and logs. */
  readonly personIdNumber?: string;
}

/**
 * A business process: an XState machine plus everything the engine, API and viewer need to run it,
 * validate requests against it and explain it to users.
 */
export interface ProcessDefinition {
  readonly id: string;
  /** Bumped on every change of states, events or rules; a case keeps the version it started with. */
  readonly version: number;
  readonly title: LocalizedText;
  readonly description: LocalizedText;
  readonly machine: AnyStateMachine;
  readonly inputSchema: z.ZodType;
  readonly events: Readonly<Record<string, EventDefinition>>;
  /** Titles of the states by dotted path from the root (for example `taxRoute.declared`). */
  readonly stateTitles: Readonly<Record<string, LocalizedText>>;
  /**
   * Checks on the validated input that need the business date of the case's start, such as "only the
   * current month". A violation rejects the start with the rule's own code (HTTP 422).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each process narrows its input itself
  readonly startRules?: readonly RuleCheck<any, undefined>[];
  /** Derives the indexed keys of a case from its validated input. */
  readonly caseKeys: (input: never) => CaseKeys;
  /**
   * Explains why the current state does not accept an event when a business rule, not just the state,
   * is the reason (for example a tax event on hr's legacy route). Returns null to use the generic message.
   */
  readonly explainNotAccepted?: (context: never, eventType: string) => RuleViolation | null;
  /**
   * Declares the deadline timers a case needs in its current state, such as the window opening on the
   * 10th. The server calls it after the case starts and after every event, and replaces the case's pending
   * timers with the result in the same transaction. A timer that is no longer declared is cancelled, and
   * an unchanged one (same key, event, data and due date) keeps its row. Finished cases have no timers.
   * Must be pure: it reads only the context and the state, never a clock.
   */
  readonly timers?: (context: never, stateAfter: readonly string[]) => readonly TimerSpec[];
}

/**
 * A deadline timer a process declares: on its due date the server's scheduler sends the event to the case
 * as the system (party `system`, channel `system`). For a sandbox case the due date is compared with the
 * sandbox's simulated date instead of the clock.
 */
export interface TimerSpec {
  /** Name of the timer within the case, such as `window-opens`; a case has at most one pending timer per key. */
  readonly key: string;
  readonly eventType: string;
  /** The event data, which must pass the event's schema. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The business date (Beijing) from whose start the timer is due. */
  readonly dueOn: IsoDate;
}

/**
 * Checks a process definition against its machine at module load: every event the machine handles has a
 * definition and every state has a title in both languages. Throws on the first gap, because a process
 * that the API cannot describe must never be served.
 */
export function defineProcess<T extends ProcessDefinition>(definition: T): T {
  const handled = collectMachineEventTypes(definition.machine);
  for (const type of handled) {
    if (!(type in definition.events)) {
      throw new Error(`Process ${definition.id} v${definition.version}: event ${type} has no definition`);
    }
  }
  for (const path of collectStatePaths(definition.machine)) {
    const title = definition.stateTitles[path];
    if (!title || !title.zh || !title.en) {
      throw new Error(`Process ${definition.id} v${definition.version}: state ${path} has no zh/en title`);
    }
  }
  return definition;
}

/** Dotted paths of every state node below the root, in document order. */
export function collectStatePaths(machine: AnyStateMachine): string[] {
  const paths: string[] = [];
  const visit = (node: AnyStateMachine['root'], prefix: string): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.push(path);
      visit(child, path);
    }
  };
  visit(machine.root, '');
  return paths;
}

/** Event types that any state of the machine handles, without XState's internal, wildcard and eventless ones. */
export function collectMachineEventTypes(machine: AnyStateMachine): Set<string> {
  const types = new Set<string>();
  const visit = (node: AnyStateMachine['root']): void => {
    for (const type of node.ownEvents) {
      if (type && type !== '*' && !type.startsWith('xstate.')) types.add(type);
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return types;
}
