import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { CasesTable } from '../../db/schema.js';
import type { Grant } from './access-table.js';
import type { Principal } from './roles.js';

/** The result of the access check for a request: the route's table key and, unless public, the caller. */
export interface RequestAccess {
  /** `METHOD path` as registered, such as `GET /api/cases/:id`. */
  readonly routeKey: string;
  readonly principal: Principal | null;
  /** The caller's grant on this route; empty for a public route. */
  readonly grant: Grant;
  /** The case named by the route's `:id`, read once by the access check, when the route names one. */
  readonly caseRow?: CasesTable;
}

declare module 'hono' {
  interface ContextVariableMap {
    access: RequestAccess;
  }
}

/**
 * The handler route a request will reach, as `METHOD path` with the path as registered, or undefined when
 * no handler matches (the request ends in 404). Middleware registered with `app.use` has method `ALL` and
 * is skipped.
 */
export function findEndpointKey(c: Context): string | undefined {
  const endpoint = matchedRoutes(c).find((route) => route.method !== 'ALL');
  return endpoint ? `${endpoint.method} ${endpoint.path}` : undefined;
}

/**
 * A path parameter of the endpoint route, read in middleware: `c.req.param()` there returns the
 * middleware's own (empty) parameters, so the value is taken from the segment at the parameter's
 * position in the registered path. Undefined when the path has no such parameter.
 */
export function endpointParam(c: Context, routeKey: string, name: string): string | undefined {
  const pattern = routeKey.slice(routeKey.indexOf(' ') + 1).split('/');
  const index = pattern.indexOf(`:${name}`);
  if (index < 0) return undefined;
  const segment = c.req.path.split('/')[index];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Returns the signed-in principal of a request that passed the access check. Throws on a public route, which has none. */
export function requirePrincipal(c: Context): { principal: Principal; grant: Grant; routeKey: string; caseRow?: CasesTable } {
  const access = c.get('access') as RequestAccess | undefined;
  if (!access?.principal) throw new Error(`Route ${c.req.method} ${c.req.path} was reached without a signed-in principal`);
  return { ...access, principal: access.principal };
}

/** Returns the principal of a request when one signed in, else null. */
export function findPrincipal(c: Context): Principal | null {
  return (c.get('access') as RequestAccess | undefined)?.principal ?? null;
}
