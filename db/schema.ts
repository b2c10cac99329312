/**
 * Kysely table types. Every column is TEXT or INTEGER so that one migration serves SQLite and PostgreSQL:
 * JSON is stored as text, times as ISO 8601 UTC strings (pg would otherwise read timestamps in the Node
 * process's local time zone), and ID numbers and codes as text (SQLite integers lose precision past 2^53).
 */
export interface Database {
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_links: CaseLinksTable;
  case_timers: CaseTimersTable;
  sandboxes: SandboxesTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  access_log: AccessLogTable;
  checkpoints: CheckpointsTable;
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
  /**
   * The training sandbox the case belongs to; null for a real case. Optional so that code written before
   * sandboxes existed can still build rows; an absent value is stored as null.
   */
  sandbox_id?: string | null;
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

/** Status of a timer: `pending` until it fires, becomes obsolete, is cancelled by a later event, or fails. */
export type TimerStatus = 'pending' | 'fired' | 'obsolete' | 'cancelled' | 'failed';

/**
 * Deadline timers of cases. The scheduler of every server process claims due rows with a lease and sends
 * their event. The event's transaction marks the row fired, so a timer fires once across processes.
 */
export interface CaseTimersTable {
  id: string;
  case_id: string;
  /** Copied from the case, so that the scheduler compares `due_on` with the sandbox's simulated date. */
  sandbox_id: string | null;
  timer_key: string;
  event_type: string;
  /** Event data as JSON. */
  data: string;
  /** Business date from whose start the timer is due. */
  due_on: string;
  /** The start of `due_on` in Beijing as an ISO 8601 UTC instant, compared with the clock for real cases. */
  due_at: string;
  status: TimerStatus;
  /** Claims so far, failed ones included. */
  attempts: number;
  /** Scheduler instance holding the claim, and until when (ISO 8601 UTC wall-clock time). */
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  /** When the timer fired, was cancelled, became obsolete or failed. */
  finished_at: string | null;
  /** The event the timer added to the case history. */
  fired_event_id: string | null;
  /** Why the timer did not fire: a rejection code, `SUPERSEDED` or `CASE_FINISHED`; null when fired. */
  outcome: string | null;
}

/** Training sandboxes: their cases take the sandbox's simulated date as their business date. */
export interface SandboxesTable {
  id: string;
  name: string;
  /** The simulated business date (YYYY-MM-DD); it only moves forward. */
  simulated_date: string;
  created_at: string;
}

/**
 * People who sign in. `agency` is set for caseworkers only and `employer_code` for employer staff only.
 * Users are disabled, never deleted, so that the user names recorded in case histories stay unique.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: 'employer' | 'caseworker' | 'auditor' | 'trainer' | 'admin';
  agency: 'hr' | 'medical' | 'tax' | null;
  employer_code: string | null;
  /** scrypt hash in the form `scrypt$N$r$p$salt$hash` (base64url); null for a user who signs in by token only. */
  password_hash: string | null;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
}

/** API tokens. Only the SHA-256 hash of a token is stored; the token itself is shown once at creation. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  label: string;
  /** SHA-256 (hex) of the whole token. */
  token_hash: string;
  /** The token's first characters, so that users and admins can tell their tokens apart. */
  token_prefix: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** Browser sessions; the cookie carries the session id, the table only its SHA-256 hash. */
export interface SessionsTable {
  id: string;
  user_id: string;
  session_hash: string;
  created_at: string;
  expires_at: string;
  /** Set at logout or when the user is disabled. */
  ended_at: string | null;
}

/** Failed sign-ins, counted per account and per client address over a sliding window. */
export interface LoginFailuresTable {
  id: string;
  username: string;
  address: string;
  failed_at: string;
}

/** Every view of a case's personal data in full: who, when, which case and which fields. */
export interface AccessLogTable {
  id: string;
  occurred_at: string;
  user_id: string;
  username: string;
  role: string;
  agency: string | null;
  case_id: string;
  /** JSON array of the field paths shown in full, such as `context.person.idNumber`. */
  fields: string;
  /** The route that showed them, such as `GET /api/cases/:id`. */
  route: string;
}

/** Signed checkpoints of every case chain's head, kept so that auditors can download them. */
export interface CheckpointsTable {
  id: string;
  created_at: string;
  /** `schedule`, `request` (an auditor through the API) or `cli`. */
  trigger: string;
  created_by: string;
  case_count: number;
  /** Fingerprint of the signing key: SHA-256 (hex) of its public key in SPKI DER form. */
  key_id: string;
  /** The signed checkpoint document as JSON, exactly as downloaded. */
  document: string;
}
