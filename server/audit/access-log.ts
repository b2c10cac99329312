import type { Kysely } from 'kysely';
import type { AccessLogTable, Database } from '../../db/schema.js';
import type { Principal } from '../auth/roles.js';

/** One full view of a case's personal data, as auditors read it. */
export interface AccessLogEntry {
  readonly id: string;
  readonly occurredAt: string;
  readonly user: { readonly id: string; readonly username: string; readonly role: string; readonly agency: string | null };
  readonly caseId: string;
  readonly fields: readonly string[];
  readonly route: string;
}

/** Filters of the access log; they combine with AND. */
export interface AccessLogFilter {
  readonly caseId?: string;
  readonly username?: string;
  /** ISO 8601 instants: entries at or after `from` and before `to`. */
  readonly from?: string;
  readonly to?: string;
}

/**
 * The access log: who saw which case's personal data in full, when, which fields and through which
 * route. Entries are only ever added.
 */
export class AccessLog {
  readonly #db: Kysely<Database>;
  readonly #newId: () => string;

  constructor(db: Kysely<Database>, newId: () => string) {
    this.#db = db;
    this.#newId = newId;
  }

  async record(principal: Principal, caseId: string, fields: readonly string[], route: string, now: Date): Promise<void> {
    const row: AccessLogTable = {
      id: this.#newId(),
      occurred_at: now.toISOString(),
      user_id: principal.userId,
      username: principal.username,
      role: principal.role,
      agency: principal.agency,
      case_id: caseId,
      fields: JSON.stringify(fields),
      route,
    };
    await this.#db.insertInto('access_log').values(row).execute();
  }

  /** Entries newest first (ids are UUIDv7), a page at a time; pass `nextCursor` as `after` for the next page. */
  async list(filter: AccessLogFilter, limit: number, after?: string): Promise<{ items: AccessLogEntry[]; nextCursor: string | null }> {
    let query = this.#db.selectFrom('access_log').selectAll();
    if (filter.caseId !== undefined) query = query.where('case_id', '=', filter.caseId);
    if (filter.username !== undefined) query = query.where('username', '=', filter.username);
    if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to);
    if (after !== undefined) query = query.where('id', '<', after);
    const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
    const items = rows.slice(0, limit).map(toEntry);
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }
}

function toEntry(row: AccessLogTable): AccessLogEntry {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    user: { id: row.user_id, username: row.username, role: row.role, agency: row.agency },
    caseId: row.case_id,
    fields: JSON.parse(row.fields) as string[],
    route: row.route,
  };
}
