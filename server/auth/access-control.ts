import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { CasesTable } from '../../db/schema.js';
import { CaseError } from '../../machines/engine/case-error.js';
import type { Clock } from '../clock.js';
import { HttpCaseError } from '../http-errors.js';
import { findRouteAccess, rolesGranted } from './access-table.js';
import type { CaseLocator, CaseScope, RouteAccess } from './access-table.js';
import { caseNotFound, requireCaseInScope, requireSandboxInScope } from './case-access.js';
import { isSameOrigin, originRejected } from './origin-check.js';
import { endpointParam, findEndpointKey } from './request-access.js';
import { ROLE_TITLES, describePrincipal } from './roles.js';
import type { Principal } from './roles.js';
import { readSessionCookie } from './session-cookie.js';
import type { SessionCookieOptions } from './session-cookie.js';
import type { UserStore } from './user-store.js';

export interface AccessControlOptions {
  readonly users: UserStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly session: SessionCookieOptions;
  /** Origins besides the server's own that browsers may send cookie-authenticated writes from. */
  readonly publicOrigins: readonly string[];
  /** Reads a case, to decide who may reach it; undefined for an unknown case. */
  readonly findCase: (caseId: string) => Promise<CasesTable | undefined>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Creates the access check in front of every route. It finds the route the request will reach and its
 * row in the access table. It signs the caller in from an API token (`Authorization: Bearer`) or the
 * session cookie, applies the Origin check to cookie-authenticated writes, and rejects a role the row does
 * not grant. Then it stores the principal and grant for the handler. A route missing from the table is
 * denied to everyone and logged as an error. Requests that match no route pass on to the 404 handler.
 *
 * Where the table says where the route finds its case, the case (or sandbox) is held against the grant's
 * case scope here too, so that no handler can forget it.
 *
 * Rejections: 401 `AUTHENTICATION_REQUIRED` (no credentials), 401 `TOKEN_INVALID`, 401 `SESSION_INVALID`,
 * 403 `CSRF_ORIGIN_REJECTED`, 403 `ROLE_NOT_ALLOWED`, 403 `ROUTE_NOT_IN_ACCESS_TABLE`,
 * 403 `CASE_OUT_OF_SCOPE`, 404 `CASE_NOT_FOUND`.
 */
export function accessControl(options: AccessControlOptions): MiddlewareHandler {
  return async (c, next) => {
    const routeKey = findEndpointKey(c);
    if (routeKey === undefined) return next();

    const access = findRouteAccess(...splitKey(routeKey));
    if (!access) {
      options.logger.error({ route: routeKey }, 'route has no row in the access table; denied to everyone');
      throw routeNotInTable(routeKey);
    }
    if (access.public) {
      c.set('access', { routeKey, principal: null, grant: {} });
      return next();
    }

    const principal = await authenticate(c, options);
    if (principal.credential.kind === 'session' && !SAFE_METHODS.has(c.req.method) && !isSameOrigin(c, options.publicOrigins)) {
      throw originRejected(c);
    }
    const grant = access.grants[principal.role];
    if (!grant) throw roleNotAllowed(principal, routeKey, access);
    if (grant.agencies && (principal.agency === null || !grant.agencies.includes(principal.agency))) throw roleNotAllowed(principal, routeKey, access);
    const caseRow = grant.cases !== undefined && access.caseFrom !== undefined ? await checkCaseScope(c, routeKey, access.caseFrom, grant.cases, principal, options) : undefined;

    c.set('access', { routeKey, principal, grant, ...(caseRow ? { caseRow } : {}) });
    return next();
  };
}

/**
 * Checks the case a request names (by path or by sandbox query) against the grant's case scope. Returns
 * the case row when the path names one.
 */
async function checkCaseScope(
  c: Context,
  routeKey: string,
  locator: CaseLocator,
  scope: CaseScope,
  principal: Principal,
  options: AccessControlOptions,
): Promise<CasesTable | undefined> {
  if (locator === 'sandbox-query') {
    const sandboxId = c.req.query('sandbox');
    requireSandboxInScope(scope, principal, sandboxId === undefined ? null : sandboxId);
    return undefined;
  }
  const caseId = endpointParam(c, routeKey, 'id') ?? '';
  const caseRow = await options.findCase(caseId);
  if (!caseRow) throw caseNotFound(caseId);
  requireCaseInScope(scope, principal, { ...caseRow, id: caseId });
  return caseRow;
}

async function authenticate(c: Context, options: AccessControlOptions): Promise<Principal> {
  const now = options.clock.now();
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization);
    const principal = match?.[1] ? await options.users.authenticateToken(match[1], now) : null;
    if (!principal) throw unauthenticated(c, 'TOKEN_INVALID', '令牌无效、已过期或已吊销，或其用户已停用。', 'The token is invalid, expired or revoked, or its user is disabled.');
    return principal;
  }

  const sessionId = await readSessionCookie(c, options.session);
  if (sessionId === false) throw unauthenticated(c, 'SESSION_INVALID', '登录状态无效，请重新登录。', 'The session cookie is invalid; sign in again.');
  if (sessionId !== undefined) {
    const principal = await options.users.authenticateSession(sessionId, now);
    if (!principal) throw unauthenticated(c, 'SESSION_INVALID', '登录已过期或已退出，请重新登录。', 'The session has expired or ended; sign in again.');
    return principal;
  }
  throw unauthenticated(
    c,
    'AUTHENTICATION_REQUIRED',
    '请先登录：在请求头中提供 Authorization: Bearer <令牌>，或在浏览器中通过 POST /auth/login 登录。',
    'Sign in first: send Authorization: Bearer <token>, or sign in through POST /auth/login in a browser.',
  );
}

function unauthenticated(c: Context, code: string, zh: string, en: string): CaseError {
  c.header('WWW-Authenticate', 'Bearer realm="shebao-case-engine"');
  return new HttpCaseError(401, code, { zh, en });
}

function roleNotAllowed(principal: Principal, routeKey: string, access: RouteAccess): CaseError {
  const role = describePrincipal(principal);
  const roles = rolesGranted(access);
  return new CaseError(
    'ROLE_NOT_ALLOWED',
    'forbidden',
    {
      zh: `您的角色（${role.zh}）无权${access.action.zh}（${routeKey}）。可以执行此操作的角色：${roles.map((role) => ROLE_TITLES[role].zh).join('、')}。`,
      en: `Your role (${role.en}) may not ${access.action.en} (${routeKey}). Roles that may: ${roles.map((role) => ROLE_TITLES[role].en).join(', ')}.`,
    },
    { route: routeKey, role: principal.role, agency: principal.agency, allowedRoles: roles },
  );
}

function routeNotInTable(routeKey: string): CaseError {
  return new CaseError(
    'ROUTE_NOT_IN_ACCESS_TABLE',
    'forbidden',
    {
      zh: `接口 ${routeKey} 尚未列入访问权限表，任何角色都不能调用。请联系系统维护人员。`,
      en: `Route ${routeKey} has no row in the access table, so no role may call it. Ask the maintainers to add one.`,
    },
    { route: routeKey },
  );
}

function splitKey(routeKey: string): [string, string] {
  const space = routeKey.indexOf(' ');
  return [routeKey.slice(0, space), routeKey.slice(space + 1)];
}
