import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';

/** Name of the browser session cookie. */
export const SESSION_COOKIE = 'sb_session';

/** How long a browser session lasts after sign-in: one working day. */
export const SESSION_LIFETIME_MS = 10 * 60 * 60 * 1000;

/** Settings of the session cookie. */
export interface SessionCookieOptions {
  /** Key of the cookie's HMAC-SHA256 signature. */
  readonly secret: string;
  /** Sends the cookie over HTTPS only; on in production. */
  readonly secure: boolean;
}

/**
 * Sets the session cookie: the session id signed with HMAC-SHA256, httpOnly (no script can read it),
 * SameSite=Strict (never sent with a request started from another site) and valid for the whole app.
 */
export async function writeSessionCookie(c: Context, sessionId: string, options: SessionCookieOptions): Promise<void> {
  await setSignedCookie(c, SESSION_COOKIE, sessionId, options.secret, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: options.secure,
    path: '/',
    maxAge: Math.floor(SESSION_LIFETIME_MS / 1000),
  });
}

/**
 * Reads the session id from the cookie: undefined without a cookie, false when its signature does not
 * match the secret (a forged or stale cookie).
 */
export async function readSessionCookie(c: Context, options: SessionCookieOptions): Promise<string | undefined | false> {
  return getSignedCookie(c, options.secret, SESSION_COOKIE);
}

export function clearSessionCookie(c: Context, options: SessionCookieOptions): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: options.secure, httpOnly: true, sameSite: 'Strict' });
}
