import type { CaseChange } from '../../db/case-change.js';

/** Filter of the changes a live viewer receives; every field that is set must match. */
export interface LiveFilter {
  readonly caseId?: string;
  /**
   * Changes of cases that wait, or waited until the change, for this party: it may send one of the
   * events the case accepts. So a worklist receives cases both arriving and leaving.
   */
  readonly party?: string;
  readonly processId?: string;
  /** The sandbox whose cases to follow; null follows real cases only. Ignored when `caseId` is set. */
  readonly sandboxId?: string | null;
}

/**
 * A message to a viewer: a change, or `resync` when changes may have been lost, so that the viewer reloads
 * what it shows. Changes are lost when the viewer falls behind, or when this process loses its PostgreSQL
 * listener for a while.
 */
export type LiveMessage =
  | { readonly kind: 'change'; readonly change: CaseChange }
  | { readonly kind: 'resync'; readonly reason: 'viewer-behind' | 'listener-reconnected' };

/** Maximum changes queued for one viewer; past it the queue is replaced by one resync message. */
const MAX_QUEUED_MESSAGES = 100;

/** One viewer's queue of messages; `next` waits for the next one. */
export class LiveSubscription {
  readonly filter: LiveFilter;
  readonly #queue: LiveMessage[] = [];
  #waiter: ((message: LiveMessage | 'closed') => void) | null = null;
  #closed = false;
  readonly #onClose: (subscription: LiveSubscription) => void;

  constructor(filter: LiveFilter, onClose: (subscription: LiveSubscription) => void) {
    this.filter = filter;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a message, or wakes the waiting reader. A full queue is replaced by one resync message. */
  deliver(message: LiveMessage): void {
    if (this.#closed) return;
    if (this.#waiter) {
      const wake = this.#waiter;
      this.#waiter = null;
      wake(message);
      return;
    }
    if (this.#queue.length >= MAX_QUEUED_MESSAGES) {
      this.#queue.length = 0;
      this.#queue.push({ kind: 'resync', reason: 'viewer-behind' });
      return;
    }
    this.#queue.push(message);
  }

  /** Waits for the next message; returns `timeout` when none arrives within `timeoutMs`, or `closed` once the subscription ends. */
  next(timeoutMs: number): Promise<LiveMessage | 'timeout' | 'closed'> {
    if (this.#closed) return Promise.resolve('closed');
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);

    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve('timeout');
      }, timeoutMs);
      this.#waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  /** Ends the subscription; a pending `next` resolves with `closed`. Calling it again does nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    const wake = this.#waiter;
    this.#waiter = null;
    wake?.('closed');
    this.#onClose(this);
  }
}

/**
 * Fans case changes out to the live viewers of this process. It does not know where changes come from:
 * on SQLite the store of this process feeds it, on PostgreSQL the LISTEN connection that hears every
 * process's commits.
 */
export class LiveHub {
  readonly #subscriptions = new Set<LiveSubscription>();
  #closed = false;

  /** Number of open subscriptions. */
  get size(): number {
    return this.#subscriptions.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Opens a subscription. After `close()` the subscription is returned already closed, so a stream
   * opened during shutdown ends at once.
   */
  subscribe(filter: LiveFilter): LiveSubscription {
    const subscription = new LiveSubscription(filter, (closed) => this.#subscriptions.delete(closed));
    if (this.#closed) {
      subscription.close();
      return subscription;
    }
    this.#subscriptions.add(subscription);
    return subscription;
  }

  publish(change: CaseChange): void {
    for (const subscription of this.#subscriptions) {
      if (matches(subscription.filter, change)) subscription.deliver({ kind: 'change', change });
    }
  }

  /** Tells every viewer to reload, because changes may have been missed. */
  resync(reason: 'listener-reconnected'): void {
    for (const subscription of this.#subscriptions) subscription.deliver({ kind: 'resync', reason });
  }

  /** Closes every subscription and refuses new ones, so that open streams end and the server can stop. */
  close(): void {
    this.#closed = true;
    for (const subscription of [...this.#subscriptions]) subscription.close();
  }
}

/** Returns whether a change passes a filter. */
export function matches(filter: LiveFilter, change: CaseChange): boolean {
  if (filter.caseId !== undefined) return change.caseId === filter.caseId;
  if (filter.sandboxId !== undefined && change.sandboxId !== filter.sandboxId) return false;
  if (filter.processId !== undefined && change.processId !== filter.processId) return false;
  if (filter.party !== undefined) {
    const concerned = change.awaitingParties.includes(filter.party) || change.previouslyAwaitingParties.includes(filter.party);
    if (!concerned) return false;
  }
  return true;
}
