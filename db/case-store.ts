import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { CASE_CHANGE_CHANNEL, CaseChangeEmitter } from './case-change.js';
import type { CaseChange } from './case-change.js';
import { dialectOf } from './dialect-of.js';
import { GENESIS_HASH, hashEvent } from './hash-chain.js';
import { advanceCase, insertCase, insertEvent, listLinks, selectCase } from './hot-path-sql.js';
import { insertTimers, markTimerFired, replacePendingTimers } from './timer-store.js';
import type { DesiredTimer } from './timer-store.js';
import type { CaseEventsTable, CaseLinksTable, CasesTable, Database } from './schema.js';

/** An event to append, before the store assigns its sequence number and hashes. */
export type NewEvent = Omit<CaseEventsTable, 'case_id' | 'seq' | 'prev_hash' | 'hash'>;

/** A case to insert together with its first event (the creation). */
export interface NewCase {
  readonly row: Omit<CasesTable, 'version' | 'head_hash'>;
  readonly firstEvent: NewEvent;
  /** The case's timers after its start; none are written when absent. */
  readonly timers?: readonly DesiredTimer[];
  /** Sent to live viewers once the case is committed. */
  readonly change?: CaseChange;
}

/** Further writes in the transaction of an appended event. */
export interface AppendOptions {
  /** The case's timers after the event, replacing its pending ones; pending timers stay as they are when absent. */
  readonly timers?: readonly DesiredTimer[];
  /** The timer this event fires: marked fired in the same transaction, which fails if it is no longer pending. */
  readonly firedTimerId?: string;
  /** Sent to live viewers once the event is committed. */
  readonly change?: CaseChange;
}

/** The new state of a case after an event, written together with the event. */
export type CaseUpdate = Pick<CasesTable, 'state' | 'status' | 'snapshot' | 'updated_at'>;

/** A link to write between a case and another, as `from --relation--> to`. */
export type NewLink = Omit<CaseLinksTable, 'id'>;

/** Filters of the case list; every one is optional and they combine with AND. */
export interface CaseFilter {
  readonly processId?: string;
  /** A state path: matches cases whose active leaf states include it or lie below it. */
  readonly state?: string;
  readonly employerCode?: string;
  /** Matches cases whose fee periods include this month. */
  readonly feePeriod?: string;
  readonly status?: 'active' | 'done';
  readonly demo?: boolean;
  /** The sandbox whose cases to list; without it only real cases (outside any sandbox) are listed. */
  readonly sandboxId?: string;
}

export interface CasePage {
  readonly items: readonly CasesTable[];
  /** Pass as `after` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export type AppendResult =
  | { readonly ok: true; readonly caseRow: CasesTable; readonly event: CaseEventsTable; readonly linkedCases: readonly CasesTable[] }
  | { readonly ok: false; readonly reason: 'version-conflict'; readonly currentVersion: number | null }
  | { readonly ok: false; readonly reason: 'timer-not-pending'; readonly timerId: string };

/** Thrown inside an append transaction to roll it back when the timer it fires is no longer pending. */
class TimerNotPendingRollback extends Error {}

/**
 * Reads and writes cases, their append-only hash-chained events and their links. Every write is one
 * transaction whose first statement is a write, so that a SQLite writer takes the write lock at once and
 * waits for it under busy_timeout instead of failing on a stale read snapshot.
 */
export class CaseStore {
  readonly #db: Kysely<Database>;
  #newId: () => string;
  /**
   * Changes committed through this store, for listeners in this process (live updates, metrics). On
   * PostgreSQL every change is also sent with NOTIFY on `CASE_CHANGE_CHANNEL` inside its transaction.
   */
  readonly changes = new CaseChangeEmitter();

  constructor(db: Kysely<Database>, newId: () => string) {
    this.#db = db;
    this.#newId = newId;
  }

  get db(): Kysely<Database> {
    return this.#db;
  }

  async getCase(id: string): Promise<CasesTable | undefined> {
    return selectCase(this.#db, id);
  }

  /** Lists cases newest first (ids are UUIDv7, so id order is creation order), a page at a time. */
  async listCases(filter: CaseFilter, limit: number, after?: string): Promise<CasePage> {
    let query = this.#db.selectFrom('cases').selectAll();
    if (filter.processId !== undefined) query = query.where('process_id', '=', filter.processId);
    if (filter.employerCode !== undefined) query = query.where('employer_code', '=', filter.employerCode);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.demo !== undefined) query = query.where('demo', '=', filter.demo ? 1 : 0);
    if (filter.feePeriod !== undefined) {
      query = query.where('fee_period_from', '<=', filter.feePeriod).where('fee_period_to', '>=', filter.feePeriod);
    }
    if (filter.state !== undefined) query = query.where(stateMatches(filter.state));
    query = filter.sandboxId !== undefined ? query.where('sandbox_id', '=', filter.sandboxId) : query.where('sandbox_id', 'is', null);
    if (after !== undefined) query = query.where('id', '<', after);
    const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }

  async listEvents(caseId: string, upToSeq?: number): Promise<CaseEventsTable[]> {
    let query = this.#db.selectFrom('case_events').selectAll().where('case_id', '=', caseId);
    if (upToSeq !== undefined) query = query.where('seq', '<=', upToSeq);
    return query.orderBy('seq', 'asc').execute();
  }

  async findEventByIdempotencyKey(caseId: string, key: string): Promise<CaseEventsTable | undefined> {
    return this.#db
      .selectFrom('case_events')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  /** Links in both directions: those this case made and those that point at it. */
  async listLinks(caseId: string): Promise<CaseLinksTable[]> {
    return listLinks(this.#db, caseId);
  }

  /**
   * Runs `work` in one transaction with a store bound to it: every case and event written through that
   * store commits or rolls back together (timers and hash chains included). Changes reach this store's
   * listeners only after the commit. Throws what `work` throws, after rolling back.
   * NOTE: a bound store cannot roll back one event alone, so do not fire timers (`firedTimerId`) through it.
   */
  async inTransaction<T>(work: (store: CaseStore) => Promise<T>): Promise<T> {
    const committed: CaseChange[] = [];
    const result = await this.#transaction(async (trx) => {
      const bound = new CaseStore(trx, this.#newId);
      bound.changes.on((change) => committed.push(change));
      return work(bound);
    });
    for (const change of committed) this.changes.emit(change);
    return result;
  }

  /** Inserts a case, its creation event (sequence 1) and its timers in one transaction. */
  async createCase(newCase: NewCase): Promise<{ caseRow: CasesTable; event: CaseEventsTable }> {
    const created = await this.#transaction((trx) => this.#insertCase(trx, newCase));
    if (newCase.change) this.changes.emit(newCase.change);
    return created;
  }

  /**
   * Appends an event to a case in one transaction: the case row moves from `current.version` to the next
   * version, the event is chained to `current.head_hash`, and any linked cases are created with their links.
   * `current` is the row the caller read. Its head hash is the exact previous head whenever the version
   * guard passes, because version and head hash always change together. Returns a version conflict, and writes nothing,
   * when another writer moved the case first, and `timer-not-pending`, also writing nothing, when the timer
   * the event fires was fired or cancelled first.
   */
  async appendEvent(
    current: CasesTable,
    update: CaseUpdate,
    event: NewEvent,
    linked: readonly { readonly newCase: NewCase; readonly relation: string }[] = [],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    let result: AppendResult;
    try {
      result = await this.#appendInTransaction(current, update, event, linked, options);
    } catch (error) {
      if (error instanceof TimerNotPendingRollback && options.firedTimerId !== undefined) {
        return { ok: false, reason: 'timer-not-pending', timerId: options.firedTimerId };
      }
      throw error;
    }
    if (result.ok) {
      if (options.change) this.changes.emit(options.change);
      for (const { newCase } of linked) if (newCase.change) this.changes.emit(newCase.change);
    }
    return result;
  }

  async #appendInTransaction(
    current: CasesTable,
    update: CaseUpdate,
    event: NewEvent,
    linked: readonly { readonly newCase: NewCase; readonly relation: string }[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const caseId = current.id;
    const version = current.version + 1;
    const stored = buildEventRow(caseId, version, current.head_hash, event);
    return this.#transaction(async (trx) => {
      // The version check is the transaction's first statement and a write (see the class comment).
      const claimed = await advanceCase(trx, { ...update, id: caseId, version, head_hash: stored.hash }, current.version);
      if (!claimed) {
        const found = await trx.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirst();
        return { ok: false, reason: 'version-conflict', currentVersion: found?.version ?? null } as const;
      }
      await insertEvent(trx, stored);
      const caseRow: CasesTable = { ...current, ...update, version, head_hash: stored.hash, sandbox_id: current.sandbox_id ?? null };

      if (options.firedTimerId !== undefined) {
        const fired = await markTimerFired(trx, options.firedTimerId, caseId, stored.id, update.updated_at);
        if (!fired) throw new TimerNotPendingRollback();
      }
      if (options.timers) {
        await replacePendingTimers(trx, { caseId, sandboxId: caseRow.sandbox_id ?? null, now: update.updated_at }, options.timers, this.#newId);
      }
      if (options.change) await this.#notify(trx, options.change);

      const linkedCases: CasesTable[] = [];
      for (const { newCase, relation } of linked) {
        const created = await this.#insertCase(trx, newCase);
        linkedCases.push(created.caseRow);
        await trx
          .insertInto('case_links')
          .values({
            id: this.#newId(),
            from_case_id: caseId,
            to_case_id: created.caseRow.id,
            relation,
            created_at: update.updated_at,
          })
          .execute();
      }
      return { ok: true, caseRow, event: stored, linkedCases } as const;
    });
  }

  /** Opens a transaction, or joins the one this store is bound to (see `inTransaction`). */
  async #transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return work(this.#db as Transaction<Database>);
    return this.#db.transaction().execute(work);
  }

  async #insertCase(trx: Transaction<Database>, newCase: NewCase): Promise<{ caseRow: CasesTable; event: CaseEventsTable }> {
    const event = buildEventRow(newCase.row.id, 1, GENESIS_HASH, newCase.firstEvent);
    const caseRow: CasesTable = { ...newCase.row, sandbox_id: newCase.row.sandbox_id ?? null, version: 1, head_hash: event.hash };
    await insertCase(trx, caseRow);
    await insertEvent(trx, event);
    if (newCase.timers) {
      // A new case has no timers yet, so there are none to replace.
      await insertTimers(trx, { caseId: caseRow.id, sandboxId: caseRow.sandbox_id ?? null, now: caseRow.created_at }, newCase.timers, this.#newId);
    }
    if (newCase.change) await this.#notify(trx, newCase.change);
    return { caseRow, event };
  }

  /**
   * On PostgreSQL, queues a NOTIFY with the change inside the transaction: PostgreSQL delivers it to the
   * listening server processes at commit and drops it on rollback. SQLite has no other processes to tell.
   */
  async #notify(trx: Transaction<Database>, change: CaseChange): Promise<void> {
    if (dialectOf(this.#db) !== 'postgres') return;
    await sql`select pg_notify(${CASE_CHANGE_CHANNEL}, ${JSON.stringify(change)})`.execute(trx);
  }
}

function buildEventRow(caseId: string, seq: number, prevHash: string, event: NewEvent): CaseEventsTable {
  const fields = { ...event, case_id: caseId, seq, prev_hash: prevHash };
  return { ...fields, hash: hashEvent(fields) };
}

/**
 * Matches a state path against the comma-joined leaf paths in `cases.state`: the path itself or any
 * state below it, in any position of the list.
 */
function stateMatches(path: string) {
  const escaped = path.replace(/[\\%_]/g, (char) => `\\${char}`);
  // The outer parentheses keep the OR together when Kysely joins this with other filters by AND.
  return sql<boolean>`((',' || state || ',') like ${`%,${escaped},%`} escape '\\' or (',' || state || ',') like ${`%,${escaped}.%`} escape '\\')`;
}
