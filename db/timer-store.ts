import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from './dialect-of.js';
import type { CaseTimersTable, Database } from './schema.js';

/** A timer a case should have now, as the case service derives it from the process's declaration. */
export interface DesiredTimer {
  readonly key: string;
  readonly eventType: string;
  /** Event data as canonical JSON, so that equal data compares equal as text. */
  readonly data: string;
  readonly dueOn: string;
  /** The start of `dueOn` in Beijing, ISO 8601 UTC. */
  readonly dueAt: string;
}

/** Outcome code of a timer cancelled because a later event no longer declared it, or declared it differently. */
export const TIMER_SUPERSEDED = 'SUPERSEDED';

/**
 * Replaces a case's pending timers with the desired ones inside the caller's transaction. A pending
 * timer that is still desired unchanged keeps its row and id, so a claim on it stays valid. Every other
 * pending timer is cancelled with outcome `SUPERSEDED`, and each new desired timer is inserted.
 */
export async function replacePendingTimers(
  trx: Transaction<Database>,
  target: { readonly caseId: string; readonly sandboxId: string | null; readonly now: string },
  desired: readonly DesiredTimer[],
  newId: () => string,
): Promise<void> {
  const pending = await trx
    .selectFrom('case_timers')
    .selectAll()
    .where('case_id', '=', target.caseId)
    .where('status', '=', 'pending')
    .execute();

  const unchangedKeys = new Set<string>();
  for (const row of pending) {
    const sameKey = desired.find((timer) => timer.key === row.timer_key);
    if (sameKey && isSameTimer(row, sameKey)) {
      unchangedKeys.add(sameKey.key);
      continue;
    }
    await trx
      .updateTable('case_timers')
      .set({ status: 'cancelled', finished_at: target.now, outcome: TIMER_SUPERSEDED, claimed_by: null, claimed_until: null })
      .where('id', '=', row.id)
      .execute();
  }

  await insertTimers(trx, target, desired.filter((timer) => !unchangedKeys.has(timer.key)), newId);
}

/**
 * Inserts pending timers for a case inside the caller's transaction, without looking at its other timers.
 * Use it for a case created in the same transaction, which cannot have any yet; otherwise use
 * `replacePendingTimers`.
 */
export async function insertTimers(
  trx: Transaction<Database>,
  target: { readonly caseId: string; readonly sandboxId: string | null; readonly now: string },
  desired: readonly DesiredTimer[],
  newId: () => string,
): Promise<void> {
  for (const timer of desired) {
    await trx
      .insertInto('case_timers')
      .values({
        id: newId(),
        case_id: target.caseId,
        sandbox_id: target.sandboxId,
        timer_key: timer.key,
        event_type: timer.eventType,
        data: timer.data,
        due_on: timer.dueOn,
        due_at: timer.dueAt,
        status: 'pending',
        attempts: 0,
        claimed_by: null,
        claimed_until: null,
        created_at: target.now,
        finished_at: null,
        fired_event_id: null,
        outcome: null,
      })
      .execute();
  }
}

/**
 * Marks a pending timer fired by an event inside the event's transaction. Returns false, and changes
 * nothing, when the timer is no longer pending: then another process fired or cancelled it first, and
 * the caller must roll the event back.
 */
export async function markTimerFired(
  trx: Transaction<Database>,
  timerId: string,
  caseId: string,
  eventId: string,
  now: string,
): Promise<boolean> {
  const result = await trx
    .updateTable('case_timers')
    .set({ status: 'fired', finished_at: now, fired_event_id: eventId, claimed_until: null })
    .where('id', '=', timerId)
    .where('case_id', '=', caseId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function isSameTimer(row: CaseTimersTable, timer: DesiredTimer): boolean {
  return row.event_type === timer.eventType && row.data === timer.data && row.due_at === timer.dueAt;
}

/** Arguments of a scheduler's claim of due timers. */
export interface ClaimRequest {
  /** The scheduler instance, recorded in `claimed_by`. */
  readonly claimant: string;
  /** Business clock time, ISO 8601 UTC: real cases' timers with `due_at` up to it are due. */
  readonly businessNow: string;
  /** Wall-clock time, ISO 8601 UTC: claims whose lease ended before it may be taken over. */
  readonly wallNow: string;
  /** End of the new lease, ISO 8601 UTC wall-clock time. */
  readonly leaseUntil: string;
  readonly limit: number;
}

/**
 * Claims and finishes deadline timers for the schedulers. A claim is a lease, not the firing: the timer
 * stays pending until the event's own transaction marks it fired (see `markTimerFired`), so a scheduler
 * that dies after claiming only delays the timer until its lease ends.
 */
export class TimerStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * Claims up to `limit` due, pending timers without a live lease on them, earliest due first, and
   * returns them. Real cases' timers are due when `due_at` is not after the business clock; sandbox
   * cases' timers when `due_on` is not after the sandbox's simulated date. One UPDATE statement does the
   * claim: on PostgreSQL its subquery locks the rows `FOR UPDATE SKIP LOCKED`, so concurrent schedulers
   * take different timers without waiting for each other; on SQLite the statement runs under the
   * database's write lock.
   */
  async claimDue(request: ClaimRequest): Promise<CaseTimersTable[]> {
    let due = this.#db
      .selectFrom('case_timers as t')
      .select('t.id')
      .where('t.status', '=', 'pending')
      .where((eb) => eb.or([eb('t.claimed_until', 'is', null), eb('t.claimed_until', '<', request.wallNow)]))
      .where((eb) =>
        eb.or([
          eb.and([eb('t.sandbox_id', 'is', null), eb('t.due_at', '<=', request.businessNow)]),
          eb.and([
            eb('t.sandbox_id', 'is not', null),
            eb('t.due_on', '<=', eb.selectFrom('sandboxes as s').select('s.simulated_date').whereRef('s.id', '=', 't.sandbox_id')),
          ]),
        ]),
      )
      .orderBy('t.due_at')
      .orderBy('t.id')
      .limit(request.limit);
    if (dialectOf(this.#db) === 'postgres') due = due.forUpdate().skipLocked();

    return this.#db
      .updateTable('case_timers')
      .set({ claimed_by: request.claimant, claimed_until: request.leaseUntil, attempts: sql<number>`attempts + 1` })
      .where('id', 'in', due)
      .where('status', '=', 'pending')
      .returningAll()
      .execute();
  }

  /** Marks a pending timer obsolete with the code of the rejection that stopped it. Returns false when it was no longer pending. */
  async markObsolete(timerId: string, outcome: string, now: string): Promise<boolean> {
    return this.#finish(timerId, 'obsolete', outcome, now);
  }

  /**
   * Marks a pending timer fired by an event that is already stored under its idempotency key, so that a
   * timer left pending by an interrupted firing is closed without a second event.
   */
  async markFiredByStoredEvent(timerId: string, eventId: string, now: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('case_timers')
      .set({ status: 'fired', finished_at: now, fired_event_id: eventId, claimed_until: null })
      .where('id', '=', timerId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives up on a timer whose firing kept failing; `outcome` names the last error class. */
  async markFailed(timerId: string, outcome: string, now: string): Promise<boolean> {
    return this.#finish(timerId, 'failed', outcome, now);
  }

  /** Keeps a timer pending after a failed attempt, with its lease moved to `retryAt` so it is retried then. */
  async postponeRetry(timerId: string, claimant: string, retryAt: string): Promise<void> {
    await this.#db
      .updateTable('case_timers')
      .set({ claimed_until: retryAt })
      .where('id', '=', timerId)
      .where('status', '=', 'pending')
      .where('claimed_by', '=', claimant)
      .execute();
  }

  async getTimer(timerId: string): Promise<CaseTimersTable | undefined> {
    return this.#db.selectFrom('case_timers').selectAll().where('id', '=', timerId).executeTakeFirst();
  }

  /** Lists a case's timers of every status, oldest first. */
  async listTimers(caseId: string): Promise<CaseTimersTable[]> {
    return this.#db.selectFrom('case_timers').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  }

  async #finish(timerId: string, status: 'obsolete' | 'failed', outcome: string, now: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('case_timers')
      .set({ status, outcome, finished_at: now, claimed_until: null })
      .where('id', '=', timerId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
