import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { CaseStore } from '../../db/case-store.js';
import type { RouteContext } from '../app.js';
import { AccessLog } from '../audit/access-log.js';
import type { CheckpointKey } from '../audit/checkpoint-key.js';
import { CheckpointService } from '../audit/checkpoints.js';
import type { Clock } from '../clock.js';
import { registerAdminRoutes } from '../routes/admin-routes.js';
import { registerAuditRoutes } from '../routes/audit-routes.js';
import { registerAuthRoutes } from '../routes/auth-routes.js';
import { accessControl } from './access-control.js';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle } from './login-throttle.js';
import { rejectNulInUrl } from './nul-characters.js';
import type { LoginThrottleLimits } from './login-throttle.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_WRITE_RATE_LIMIT, limitBodySize, limitWriteRate } from './request-limits.js';
import type { WriteRateLimitOptions } from './request-limits.js';
import { generateSessionSecret } from './secrets.js';
import { UserStore } from './user-store.js';

/** Settings of sign-in, request limits and checkpoints for one app. */
export interface AppAccessOptions {
  /** Key of the session cookie's HMAC signature; a random one for this app when absent. */
  readonly sessionSecret?: string;
  /** Sends the session cookie over HTTPS only; default false. */
  readonly secureCookies?: boolean;
  /** Origins besides the server's own that browsers may post from with the session cookie. */
  readonly publicOrigins?: readonly string[];
  /** Largest request body in bytes; default 64 KiB. */
  readonly maxBodyBytes?: number;
  readonly writeRateLimit?: WriteRateLimitOptions;
  readonly loginThrottle?: LoginThrottleLimits;
  /** The checkpoint signing key. Without one, checkpoint routes return 409 `CHECKPOINT_KEY_MISSING`. */
  readonly checkpointKey?: CheckpointKey | null;
}

export interface AccessServices {
  readonly users: UserStore;
  readonly accessLog: AccessLog;
  readonly checkpoints: CheckpointService;
  /** Registers sign-in, administration and audit routes; call after the other routes. */
  registerRoutes(context: RouteContext): void;
}

/**
 * Installs access control on an app as middleware that must come before every route. It adds the check
 * for NUL characters in the URL, the body size limit, the access check (authentication, the access table,
 * the Origin check and case scopes) and the per-credential write rate limit. Returns the stores and a
 * function that registers the access routes.
 */
export function installAccessControl(
  app: OpenAPIHono,
  options: { store: CaseStore; clock: Clock; logger: Logger; newId: () => string; access?: AppAccessOptions | undefined },
): AccessServices {
  const settings = options.access ?? {};
  const db = options.store.db;
  const users = new UserStore(db, options.newId);
  const accessLog = new AccessLog(db, options.newId);
  const checkpoints = new CheckpointService({ store: options.store, key: settings.checkpointKey ?? null, clock: options.clock, newId: options.newId });
  const throttle = new LoginThrottle(db, options.newId, settings.loginThrottle ?? DEFAULT_LOGIN_THROTTLE);
  const session = { secret: settings.sessionSecret ?? generateSessionSecret(), secure: settings.secureCookies ?? false };
  const publicOrigins = settings.publicOrigins ?? [];

  app.use('*', rejectNulInUrl());
  app.use('*', limitBodySize(settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  app.use('*', accessControl({ users, clock: options.clock, logger: options.logger, session, publicOrigins, findCase: (id) => options.store.getCase(id) }));
  app.use('*', limitWriteRate(settings.writeRateLimit ?? DEFAULT_WRITE_RATE_LIMIT));

  return {
    users,
    accessLog,
    checkpoints,
    registerRoutes: (context) => {
      const shared = { users, clock: options.clock, logger: options.logger };
      registerAuthRoutes(app, { ...shared, throttle, session, publicOrigins });
      registerAdminRoutes(app, context, shared);
      registerAuditRoutes(app, context, { store: options.store, accessLog, checkpoints, clock: options.clock, logger: options.logger });
    },
  };
}
