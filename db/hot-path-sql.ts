import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { DatabaseDialect } from './connect.js';
import { dialectOf } from './dialect-of.js';
import type { CaseEventsTable, CaseLinksTable, CasesTable, Database, UsersTable } from './schema.js';

/**
 * The statements every case write runs, and the sign-in lookup of every API request, written out once per
 * dialect instead of built by Kysely's query builder on every call. Building and compiling them was about a fifth of a write's time in the store
 * benchmark (docs/benchmarks.md). They are run through `executeQuery`, so they take part in the caller's
 * transaction like any other Kysely query. Everything else goes through the query builder.
 */

const CASE_COLUMNS = [
  'id',
  'process_id',
  'process_version',
  'employer_code',
  'fee_period_from',
  'fee_period_to',
  'person_id_number',
  'state',
  'status',
  'snapshot',
  'version',
  'head_hash',
  'demo',
  'created_at',
  'updated_at',
  'sandbox_id',
] as const satisfies readonly (keyof CasesTable)[];

const EVENT_COLUMNS = [
  'id',
  'case_id',
  'seq',
  'type',
  'data',
  'actor_id',
  'actor_role',
  'party',
  'channel',
  'occurred_at',
  'business_date',
  'state_before',
  'state_after',
  'idempotency_key',
  'request_hash',
  'inspection',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof CaseEventsTable)[];

/** The columns of the signed-in user that the sign-in lookups read. */
const USER_COLUMNS = '"users"."id" as "userId", "users"."username", "users"."role", "users"."agency", "users"."employer_code", "users"."disabled_at"';

/** SQL texts with `?` placeholders. The PostgreSQL texts with `$1, $2, …` are derived from them. */
const STATEMENTS = {
  selectCase: 'select * from "cases" where "id" = ?',
  insertCase: insertSql('cases', CASE_COLUMNS),
  insertEvent: insertSql('case_events', EVENT_COLUMNS),
  advanceCase:
    'update "cases" set "state" = ?, "status" = ?, "snapshot" = ?, "updated_at" = ?, "version" = ?, "head_hash" = ? where "id" = ? and "version" = ?',
  listLinks: 'select * from "case_links" where "from_case_id" = ? or "to_case_id" = ? order by "created_at"',
  selectTokenUser:
    'select "api_tokens"."id" as "credentialId", "api_tokens"."expires_at", "api_tokens"."revoked_at", ' +
    USER_COLUMNS +
    ' from "api_tokens" inner join "users" on "users"."id" = "api_tokens"."user_id" where "api_tokens"."token_hash" = ?',
  selectSessionUser:
    'select "sessions"."id" as "credentialId", "sessions"."expires_at", "sessions"."ended_at", ' +
    USER_COLUMNS +
    ' from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where "sessions"."session_hash" = ?',
} as const;

type StatementName = keyof typeof STATEMENTS;

const TEXTS: Record<DatabaseDialect, Record<StatementName, string>> = {
  sqlite: STATEMENTS,
  postgres: Object.fromEntries(Object.entries(STATEMENTS).map(([name, text]) => [name, numberPlaceholders(text)])) as Record<StatementName, string>,
};

export async function selectCase(db: Kysely<Database>, id: string): Promise<CasesTable | undefined> {
  const result = await db.executeQuery<CasesTable>(compiled(db, 'selectCase', [id]));
  return result.rows[0];
}

export async function insertCase(db: Kysely<Database>, row: CasesTable): Promise<void> {
  await db.executeQuery(compiled(db, 'insertCase', CASE_COLUMNS.map((column) => row[column] ?? null)));
}

export async function insertEvent(db: Kysely<Database>, row: CaseEventsTable): Promise<void> {
  await db.executeQuery(compiled(db, 'insertEvent', EVENT_COLUMNS.map((column) => row[column] ?? null)));
}

/**
 * Moves a case from `expectedVersion` to `next.version`, writing its new state, snapshot and head hash.
 * Returns false, having changed nothing, when the case is not at `expectedVersion`.
 */
export async function advanceCase(
  db: Kysely<Database>,
  next: Pick<CasesTable, 'id' | 'state' | 'status' | 'snapshot' | 'updated_at' | 'version' | 'head_hash'>,
  expectedVersion: number,
): Promise<boolean> {
  const result = await db.executeQuery(
    compiled(db, 'advanceCase', [next.state, next.status, next.snapshot, next.updated_at, next.version, next.head_hash, next.id, expectedVersion]),
  );
  return result.numAffectedRows === 1n;
}

/** Links in both directions, oldest first. */
export async function listLinks(db: Kysely<Database>, caseId: string): Promise<CaseLinksTable[]> {
  const result = await db.executeQuery<CaseLinksTable>(compiled(db, 'listLinks', [caseId, caseId]));
  return result.rows;
}

/** The signed-in user behind a credential, with the credential's own state; see `selectTokenUser`. */
export interface CredentialUserRow {
  readonly credentialId: string;
  readonly expires_at: string | null;
  readonly userId: string;
  readonly username: string;
  readonly role: UsersTable['role'];
  readonly agency: string | null;
  readonly employer_code: string | null;
  readonly disabled_at: string | null;
}

/** Finds an API token by the hash of its secret, with its user. */
export async function selectTokenUser(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<(CredentialUserRow & { readonly revoked_at: string | null }) | undefined> {
  const result = await db.executeQuery<CredentialUserRow & { revoked_at: string | null }>(compiled(db, 'selectTokenUser', [tokenHash]));
  return result.rows[0];
}

/** Finds a browser session by the hash of its id, with its user. */
export async function selectSessionUser(
  db: Kysely<Database>,
  sessionHash: string,
): Promise<(CredentialUserRow & { readonly expires_at: string; readonly ended_at: string | null }) | undefined> {
  const result = await db.executeQuery<CredentialUserRow & { expires_at: string; ended_at: string | null }>(compiled(db, 'selectSessionUser', [sessionHash]));
  return result.rows[0];
}

function compiled(db: Kysely<Database>, name: StatementName, parameters: readonly unknown[]): CompiledQuery {
  return CompiledQuery.raw(TEXTS[dialectOf(db)][name], [...parameters]);
}

function insertSql(table: string, columns: readonly string[]): string {
  return `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
}

/** Turns `?` placeholders into PostgreSQL's numbered ones. None of the texts above contains a quoted `?`. */
function numberPlaceholders(text: string): string {
  let index = 0;
  return text.replace(/\?/g, () => `$${++index}`);
}
