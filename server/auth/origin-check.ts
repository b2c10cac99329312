import type { Context } from 'hono';
import { CaseError } from '../../machines/engine/case-error.js';

/**
 * CSRF protection by Origin check, not by a double-submit token. Browsers send `Origin` (and current ones
 * `Sec-Fetch-Site`) with every POST, and a page of another site cannot forge them. A request passes when
 * its Origin is the server's own origin (from the Host the browser used) or one of the configured public
 * origins (the address users open when a proxy sits in front). Without Origin it passes when
 * `Sec-Fetch-Site` is `same-origin`. The session cookie is SameSite=Strict as well, so a current browser
 * does not even send it with a cross-site request.
 */
export function isSameOrigin(c: Context, publicOrigins: readonly string[]): boolean {
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin === new URL(c.req.url).origin || publicOrigins.includes(origin);
  return c.req.header('sec-fetch-site') === 'same-origin';
}

/**
 * Returns whether a sign-in request comes from a foreign origin. Unlike cookie-authenticated writes, a sign-in without
 * `Origin` or `Sec-Fetch-Site` passes, because scripts and command-line clients send neither, while a
 * browser submitting a forged form always sends `Origin`.
 */
export function isForeignSignIn(c: Context, publicOrigins: readonly string[]): boolean {
  const hasOrigin = c.req.header('origin') !== undefined;
  const site = c.req.header('sec-fetch-site');
  if (!hasOrigin && (site === undefined || site === 'none')) return false;
  return !isSameOrigin(c, publicOrigins);
}

/** 403 `CSRF_ORIGIN_REJECTED`: a browser request from another site, or one with no origin at all. */
export function originRejected(c: Context): CaseError {
  const origin = (c.req.header('origin') ?? '(none)').slice(0, 200);
  return new CaseError(
    'CSRF_ORIGIN_REJECTED',
    'forbidden',
    {
      zh: `请求来源“${origin}”不是本系统的页面，已拒绝（跨站请求伪造防护）。请在本系统页面中操作；脚本请使用 API 令牌（Authorization: Bearer）。`,
      en: `The request's origin "${origin}" is not this server's, so it was rejected as a possible cross-site request forgery. Use the server's own pages, or an API token (Authorization: Bearer) from scripts.`,
    },
    { origin },
  );
}
