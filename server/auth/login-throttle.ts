import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Limits on failed sign-ins within a sliding window. */
export interface LoginThrottleLimits {
  readonly windowMs: number;
  /** Failures of one account within the window after which it is locked until the oldest expires. */
  readonly perAccount: number;
  /**
   * Failures from one client address within the window. Higher than per account, because the
   * caseworkers of one office usually reach the server from one address.
   */
  readonly perAddress: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleLimits = { windowMs: 15 * 60 * 1000, perAccount: 5, perAddress: 20 };

/** Whether a sign-in may be tried now; when locked, how many seconds until it may. */
export type ThrottleVerdict =
  | { readonly locked: false }
  | { readonly locked: true; readonly by: 'account' | 'address'; readonly retryAfterSeconds: number };

/**
 * Counts failed sign-ins per account and per client address in the database, so that the limit applies
 * across server processes and restarts. Rows older than the window are deleted as new failures arrive.
 */
export class LoginThrottle {
  readonly #db: Kysely<Database>;
  readonly #newId: () => string;
  readonly #limits: LoginThrottleLimits;

  constructor(db: Kysely<Database>, newId: () => string, limits: LoginThrottleLimits = DEFAULT_LOGIN_THROTTLE) {
    this.#db = db;
    this.#newId = newId;
    this.#limits = limits;
  }

  /** Checks the account first, then the address. */
  async check(username: string, address: string, now: Date): Promise<ThrottleVerdict> {
    const account = await this.#checkOne('username', username, this.#limits.perAccount, now);
    if (account !== null) return { locked: true, by: 'account', retryAfterSeconds: account };
    const fromAddress = await this.#checkOne('address', address, this.#limits.perAddress, now);
    if (fromAddress !== null) return { locked: true, by: 'address', retryAfterSeconds: fromAddress };
    return { locked: false };
  }

  async recordFailure(username: string, address: string, now: Date): Promise<void> {
    await this.#db
      .insertInto('login_failures')
      .values({ id: this.#newId(), username, address, failed_at: now.toISOString() })
      .execute();
    await this.#db.deleteFrom('login_failures').where('failed_at', '<=', this.#windowStart(now)).execute();
  }

  /** Forgets an account's failures after a successful sign-in; the address keeps its count. */
  async clearAccount(username: string): Promise<void> {
    await this.#db.deleteFrom('login_failures').where('username', '=', username).execute();
  }

  /** Seconds until the oldest counted failure leaves the window when the limit is reached, else null. */
  async #checkOne(column: 'username' | 'address', value: string, limit: number, now: Date): Promise<number | null> {
    const rows = await this.#db
      .selectFrom('login_failures')
      .select('failed_at')
      .where(column, '=', value)
      .where('failed_at', '>', this.#windowStart(now))
      .orderBy('failed_at', 'desc')
      .limit(limit)
      .execute();
    if (rows.length < limit) return null;
    // The limit-th newest failure is the one whose expiry frees a single attempt.
    const oldestCounted = rows.at(-1)?.failed_at ?? now.toISOString();
    const freeAt = new Date(oldestCounted).getTime() + this.#limits.windowMs;
    return Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
  }

  #windowStart(now: Date): string {
    return new Date(now.getTime() - this.#limits.windowMs).toISOString();
  }
}
