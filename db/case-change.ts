/**
 * A committed change of a case, as live viewers receive it. It carries ids, states and event types only,
 * never personal data, because it travels through PostgreSQL NOTIFY and to any viewer of a worklist.
 */
export interface CaseChange {
  readonly caseId: string;
  readonly processId: string;
  /** The case version after the change; equals the sequence number of `eventType`'s event. */
  readonly version: number;
  readonly state: readonly string[];
  readonly status: 'active' | 'done';
  /** The event that made the change; `CASE_CREATED` for a new case. */
  readonly eventType: string;
  /** Parties that may send one of the events the case accepts now (the system excluded). */
  readonly awaitingParties: readonly string[];
  /** The same parties before the change, so that a worklist also receives a case that leaves it. Empty for a new case. */
  readonly previouslyAwaitingParties: readonly string[];
  readonly sandboxId: string | null;
  /** Wall-clock time of the event, ISO 8601 UTC. */
  readonly occurredAt: string;
}

/** The PostgreSQL NOTIFY channel that carries `CaseChange` messages as JSON between server processes. */
export const CASE_CHANGE_CHANNEL = 'case_changed';

export type CaseChangeListener = (change: CaseChange) => void;

/**
 * Delivers the changes committed through one store to listeners in the same process, after the commit.
 * A listener that throws does not stop the others; its error goes to `onListenerError`.
 */
export class CaseChangeEmitter {
  readonly #listeners = new Set<CaseChangeListener>();
  #onListenerError: (error: unknown) => void = () => {};

  /** Adds a listener; returns the function that removes it. */
  on(listener: CaseChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sets where the errors of throwing listeners go (a logger, for example); they are dropped by default. */
  setListenerErrorHandler(handler: (error: unknown) => void): void {
    this.#onListenerError = handler;
  }

  emit(change: CaseChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
