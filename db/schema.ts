/**
 * Kysely table types. Every column is TEXT or INTEGER so that one migration serves SQLite and PostgreSQL:
 * JSON is stored as text, times as ISO 8601 UTC strings (pg would otherwise read timestamps in the Node
 * process's local time zone), and ID numbers and codes as text (SQLite integers lose precision past 2^53).
 */
export interface Database {
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_links: CaseLinksTable;
}

export interface CasesTable {
  id: string;
  process_id: string;
  process_version: number;
  employer_code: string;
  fee_period_from: string;
  fee_period_to: string;
  person_id_number: string | null;
  /** Active leaf state paths joined by commas, for filtering and lists. */
  state: string;
  status: 'active' | 'done';
  /** XState persisted snapshot as JSON. */
  snapshot: string;
  /** Number of events applied, the creation included; the optimistic concurrency token. */
  version: number;
  /** Hash of the newest event, so that a deleted tail shows against the case row. */
  head_hash: string;
  demo: number;
  created_at: string;
  updated_at: string;
}

export interface CaseEventsTable {
  id: string;
  case_id: string;
  seq: number;
  type: string;
  data: string;
  actor_id: string;
  actor_role: string;
  party: string;
  channel: string;
  occurred_at: string;
  business_date: string;
  state_before: string | null;
  state_after: string;
  idempotency_key: string | null;
  request_hash: string | null;
  inspection: string;
  prev_hash: string;
  hash: string;
}

export interface CaseLinksTable {
  id: string;
  from_case_id: string;
  to_case_id: string;
  relation: string;
  created_at: string;
}
