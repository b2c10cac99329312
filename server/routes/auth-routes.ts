import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CaseError } from '../../machines/engine/case-error.js';
import { describeSchemaIssues } from '../../machines/engine/schema-issues.js';
import { errorBodySchema } from '../api-schemas.js';
import { clientAddress } from '../auth/client-address.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { findNulCharacter, nulCharacterRejected } from '../auth/nul-characters.js';
import { isForeignSignIn, originRejected } from '../auth/origin-check.js';
import { verifyPassword } from '../auth/passwords.js';
import { requirePrincipal } from '../auth/request-access.js';
import { clearSessionCookie, SESSION_COOKIE, SESSION_LIFETIME_MS, writeSessionCookie } from '../auth/session-cookie.js';
import type { SessionCookieOptions } from '../auth/session-cookie.js';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import { usernameSchema } from '../auth/user-input.js';
import { toUserView } from '../auth/user-store.js';
import type { UserStore } from '../auth/user-store.js';
import type { Clock } from '../clock.js';
import { badRequest, HttpCaseError } from '../http-errors.js';

export interface AuthRouteOptions {
  readonly users: UserStore;
  readonly throttle: LoginThrottle;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly session: SessionCookieOptions;
  readonly publicOrigins: readonly string[];
}

const loginSchema = z
  .object({
    // Checked loosely here: a malformed name simply fails to sign in, like an unknown one.
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH * 4),
  })
  .strict();

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * Browser sign-in and sign-out, and the signed-in user. Sign-in takes a JSON body or a form post with
 * `username` and `password`, and sets the signed session cookie. Failed sign-ins are counted per account
 * and per client address in the database. Past the limit, sign-in returns 429 with Retry-After, even for
 * the right password, until the window has passed.
 */
export function registerAuthRoutes(app: OpenAPIHono, options: AuthRouteOptions): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (sbt_…) from `npm run cli -- token create` or POST /api/admin/users/{userId}/tokens',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The browser session from POST /auth/login; writes also need a same-origin Origin header',
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in with a user name and password (JSON or form post); sets the httpOnly session cookie',
    request: { body: { content: { 'application/json': { schema: loginSchema }, 'application/x-www-form-urlencoded': { schema: loginSchema } } } },
    responses: {
      200: { description: 'Signed in; the body describes the user' },
      400: { description: 'Malformed request', content: { 'application/json': { schema: errorBodySchema } } },
      401: { description: 'Wrong user name or password', content: { 'application/json': { schema: errorBodySchema } } },
      403: { description: 'Posted from another site', content: { 'application/json': { schema: errorBodySchema } } },
      429: { description: 'Too many failed sign-ins; see Retry-After', content: { 'application/json': { schema: errorBodySchema } } },
    },
  });
  app.post('/auth/login', async (c) => {
    if (isForeignSignIn(c, options.publicOrigins)) throw originRejected(c);
    const { username, password } = await readCredentials(c);
    const address = clientAddress(c);
    // A mistyped password can land in the user name field, so only a well-formed name is logged or stored.
    // A malformed one names no account, so it counts against the client address only.
    const accountName = usernameSchema.safeParse(username).success ? username : '(not a user name)';
    const now = options.clock.now();

    const verdict = await options.throttle.check(accountName, address, now);
    if (verdict.locked) {
      options.logger.warn({ username: accountName, address, by: verdict.by }, 'sign-in throttled');
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      throw signInThrottled(verdict.by, verdict.retryAfterSeconds);
    }

    const user = await options.users.findUserByUsername(username);
    const passwordMatches = await verifyPassword(password, user?.password_hash ?? null);
    if (!user || user.disabled_at !== null || !passwordMatches) {
      await options.throttle.recordFailure(accountName, address, now);
      options.logger.info({ username: accountName, address }, 'sign-in failed');
      throw new HttpCaseError(401, 'LOGIN_FAILED', {
        zh: '用户名或密码不正确，或该用户已停用。',
        en: 'The user name or password is wrong, or the user is disabled.',
      });
    }

    await options.throttle.clearAccount(username);
    const sessionId = await options.users.createSession(user.id, now, SESSION_LIFETIME_MS);
    await writeSessionCookie(c, sessionId, options.session);
    options.logger.info({ username, address }, 'signed in');
    return c.json({ user: toUserView(user), expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString() });
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/auth/logout',
    summary: 'Sign out: ends the browser session and clears its cookie',
    responses: { 200: { description: 'Signed out' } },
  });
  app.post('/auth/logout', async (c) => {
    const { principal } = requirePrincipal(c);
    if (principal.credential.kind === 'session') {
      await options.users.endSession(principal.credential.id, options.clock.now());
      clearSessionCookie(c, options.session);
      options.logger.info({ username: principal.username }, 'signed out');
    }
    return c.json({ signedOut: principal.credential.kind === 'session' });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in user: name, role, agency or employer, and how the request was authenticated',
    responses: { 200: { description: 'The user' } },
  });
  app.get('/api/me', (c) => {
    const { principal } = requirePrincipal(c);
    return c.json({
      id: principal.userId,
      username: principal.username,
      role: principal.role,
      agency: principal.agency,
      employerCode: principal.employerCode,
      authenticatedBy: principal.credential.kind,
    });
  });
}

/** Reads the user name and password from a JSON body or a form post. */
async function readCredentials(c: Context): Promise<z.output<typeof loginSchema>> {
  const contentType = c.req.header('content-type') ?? '';
  let body: unknown;
  try {
    if (FORM_TYPES.test(contentType)) {
      const form = await c.req.parseBody();
      body = Object.fromEntries(Object.entries(form).filter(([, value]) => typeof value === 'string'));
    } else if (/^application\/json\s*(;|$)/i.test(contentType)) {
      body = await c.req.json();
    } else {
      throw new HttpCaseError(415, 'CONTENT_TYPE_UNSUPPORTED', {
        zh: `登录请求须为 JSON 或表单（收到“${contentType.slice(0, 100)}”）。`,
        en: `Sign in with a JSON body or a form post (got "${contentType.slice(0, 100)}").`,
      });
    }
  } catch (error) {
    if (error instanceof CaseError) throw error;
    throw badRequest('MALFORMED_REQUEST', '登录请求的格式不正确。', 'The sign-in request is malformed.');
  }
  const nulAt = findNulCharacter(body);
  if (nulAt !== null) throw nulCharacterRejected(nulAt);
  const parsed = loginSchema.safeParse(body);
  if (!parsed.success) {
    const message = describeSchemaIssues(loginSchema, body, parsed.error);
    throw badRequest('MALFORMED_REQUEST', `登录请求不正确：${message.zh}`, `The sign-in request is invalid: ${message.en}`);
  }
  return parsed.data;
}

function signInThrottled(by: 'account' | 'address', retryAfterSeconds: number): CaseError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const subject = by === 'account' ? { zh: '该账户', en: 'this account' } : { zh: '您所在的网络地址', en: 'your network address' };
  return new HttpCaseError(
    429,
    'LOGIN_THROTTLED',
    {
      zh: `${subject.zh}登录失败次数过多，已暂停登录。请约 ${minutes} 分钟后再试（见 Retry-After）。`,
      en: `Too many failed sign-ins for ${subject.en}, so sign-in is paused. Try again in about ${minutes} minutes (see Retry-After).`,
    },
    { by, retryAfterSeconds },
  );
}
