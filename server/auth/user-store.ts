import type { Kysely } from 'kysely';
import { CaseError } from '../../machines/engine/case-error.js';
import type { Agency } from '../../machines/policy/parties.js';
import { selectSessionUser, selectTokenUser } from '../../db/hot-path-sql.js';
import type { ApiTokensTable, Database, UsersTable } from '../../db/schema.js';
import { hashPassword } from './passwords.js';
import type { Principal } from './roles.js';
import { hashSecret, issueSessionId, issueToken } from './secrets.js';
import type { NewToken, NewUser, UserChange } from './user-input.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A user as the API and the CLI show it: never the password hash. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: UsersTable['role'];
  readonly agency: UsersTable['agency'];
  readonly employerCode: string | null;
  readonly hasPassword: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly disabledAt: string | null;
}

/** A token as listed: never the token or its hash. */
export interface TokenView {
  readonly id: string;
  readonly userId: string;
  readonly label: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

/**
 * Users, API tokens and browser sessions. Tokens and session ids are stored only as SHA-256 hashes and
 * passwords only as scrypt hashes. Users are disabled, never deleted.
 */
export class UserStore {
  readonly #db: Kysely<Database>;
  readonly #newId: () => string;

  constructor(db: Kysely<Database>, newId: () => string) {
    this.#db = db;
    this.#newId = newId;
  }

  /** Creates a user; a taken user name is a 409 `USERNAME_TAKEN`. */
  async createUser(user: NewUser, createdBy: string, now: Date): Promise<UserView> {
    const row: UsersTable = {
      id: this.#newId(),
      username: user.username,
      display_name: user.displayName ?? user.username,
      role: user.role,
      agency: user.agency ?? null,
      employer_code: user.employerCode ?? null,
      password_hash: user.password === undefined ? null : await hashPassword(user.password),
      created_at: now.toISOString(),
      created_by: createdBy,
      disabled_at: null,
    };
    const inserted = await this.#db
      .insertInto('users')
      .values(row)
      .onConflict((conflict) => conflict.column('username').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw usernameTaken(user.username);
    return toUserView(row);
  }

  async findUserByUsername(username: string): Promise<UsersTable | undefined> {
    return this.#db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async getUser(userId: string): Promise<UsersTable | undefined> {
    return this.#db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  }

  async listUsers(): Promise<UserView[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUserView);
  }

  async countUsers(): Promise<number> {
    const row = await this.#db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /**
   * Changes a user. Disabling the user or setting a new password also ends the user's sessions, and a
   * disabled user's tokens stop working at once.
   */
  async changeUser(userId: string, change: UserChange, now: Date): Promise<UserView> {
    const user = await this.requireUser(userId);
    const values: Partial<UsersTable> = {};
    if (change.displayName !== undefined) values.display_name = change.displayName;
    if (change.password !== undefined) values.password_hash = await hashPassword(change.password);
    if (change.disabled !== undefined) values.disabled_at = change.disabled ? (user.disabled_at ?? now.toISOString()) : null;
    if (Object.keys(values).length > 0) {
      await this.#db.updateTable('users').set(values).where('id', '=', userId).execute();
    }
    if (change.disabled === true || change.password !== undefined) await this.endSessionsOf(userId, now);
    return toUserView({ ...user, ...values });
  }

  /** Returns the user, or throws a 404 `USER_NOT_FOUND`. */
  async requireUser(userId: string): Promise<UsersTable> {
    const user = await this.getUser(userId);
    if (!user) {
      throw new CaseError(
        'USER_NOT_FOUND',
        'not-found',
        { zh: `找不到用户“${userId}”。`, en: `User "${userId}" was not found.` },
        { userId },
      );
    }
    return user;
  }

  /** Creates an API token for a user. The token itself is in the result only; the database keeps its hash. */
  async createToken(userId: string, request: NewToken, createdBy: string, now: Date): Promise<{ token: string; view: TokenView }> {
    await this.requireUser(userId);
    const issued = issueToken();
    const row: ApiTokensTable = {
      id: this.#newId(),
      user_id: userId,
      label: request.label,
      token_hash: issued.hash,
      token_prefix: issued.displayPrefix,
      created_at: now.toISOString(),
      created_by: createdBy,
      expires_at: request.expiresInDays === undefined ? null : new Date(now.getTime() + request.expiresInDays * DAY_MS).toISOString(),
      revoked_at: null,
      revoked_by: null,
    };
    await this.#db.insertInto('api_tokens').values(row).execute();
    return { token: issued.token, view: toTokenView(row) };
  }

  async listTokens(userId: string): Promise<TokenView[]> {
    const rows = await this.#db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    return rows.map(toTokenView);
  }

  /** Revokes a token; revoking it again keeps the first revocation. A missing token is a 404 `TOKEN_NOT_FOUND`. */
  async revokeToken(tokenId: string, revokedBy: string, now: Date): Promise<TokenView> {
    await this.#db
      .updateTable('api_tokens')
      .set({ revoked_at: now.toISOString(), revoked_by: revokedBy })
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await this.#db.selectFrom('api_tokens').selectAll().where('id', '=', tokenId).executeTakeFirst();
    if (!row) {
      throw new CaseError(
        'TOKEN_NOT_FOUND',
        'not-found',
        { zh: `找不到令牌“${tokenId}”。`, en: `Token "${tokenId}" was not found.` },
        { tokenId },
      );
    }
    return toTokenView(row);
  }

  /** The principal behind an API token, or null when it is unknown, revoked, expired or its user disabled. */
  async authenticateToken(token: string, now: Date): Promise<Principal | null> {
    const row = await selectTokenUser(this.#db, hashSecret(token));
    if (!row || row.revoked_at !== null || row.disabled_at !== null) return null;
    if (row.expires_at !== null && row.expires_at <= now.toISOString()) return null;
    return toPrincipal(row, { kind: 'token', id: row.credentialId });
  }

  /** Starts a browser session and returns its id, which only the cookie carries. */
  async createSession(userId: string, now: Date, lifetimeMs: number): Promise<string> {
    const sessionId = issueSessionId();
    await this.#db
      .insertInto('sessions')
      .values({
        id: this.#newId(),
        user_id: userId,
        session_hash: hashSecret(sessionId),
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + lifetimeMs).toISOString(),
        ended_at: null,
      })
      .execute();
    return sessionId;
  }

  /** The principal behind a session id, or null when the session is unknown, ended or expired. */
  async authenticateSession(sessionId: string, now: Date): Promise<Principal | null> {
    const row = await selectSessionUser(this.#db, hashSecret(sessionId));
    if (!row || row.ended_at !== null || row.disabled_at !== null || row.expires_at <= now.toISOString()) return null;
    return toPrincipal(row, { kind: 'session', id: row.credentialId });
  }

  async endSession(credentialId: string, now: Date): Promise<void> {
    await this.#db.updateTable('sessions').set({ ended_at: now.toISOString() }).where('id', '=', credentialId).where('ended_at', 'is', null).execute();
  }

  async endSessionsOf(userId: string, now: Date): Promise<void> {
    await this.#db.updateTable('sessions').set({ ended_at: now.toISOString() }).where('user_id', '=', userId).where('ended_at', 'is', null).execute();
  }
}

export function toUserView(row: UsersTable): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    agency: row.agency,
    employerCode: row.employer_code,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    createdBy: row.created_by,
    disabledAt: row.disabled_at,
  };
}

function toTokenView(row: ApiTokensTable): TokenView {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    prefix: row.token_prefix,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

function toPrincipal(
  row: { userId: string; username: string; role: UsersTable['role']; agency: string | null; employer_code: string | null },
  credential: Principal['credential'],
): Principal {
  return {
    userId: row.userId,
    username: row.username,
    role: row.role,
    agency: row.agency as Agency | null,
    employerCode: row.employer_code,
    credential,
  };
}

function usernameTaken(username: string): CaseError {
  return new CaseError(
    'USERNAME_TAKEN',
    'conflict',
    { zh: `用户名“${username}”已被使用，请换一个用户名。`, en: `User name "${username}" is already taken; choose another.` },
    { username },
  );
}
