import type { LocalizedText } from '../localized-text.js';
import type { IsoDate } from '../policy/iso-date.js';

/** A business rule that blocks an event, with the code the API reports and a message naming the missing step. */
export interface RuleViolation {
  readonly code: string;
  readonly message: LocalizedText;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A check that must pass before an event is accepted. Machines use the same function as their guard, so
 * the engine can explain a failed guard with the rule's own message. `data` is undefined when the check
 * runs only to mark an event as blocked in the list of allowed events.
 */
export type RuleCheck<TContext, TData> = (
  context: TContext,
  data: TData | undefined,
  businessDate: IsoDate,
) => RuleViolation | null;
