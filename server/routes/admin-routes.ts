import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { errorBodySchema } from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import { requirePrincipal } from '../auth/request-access.js';
import { newTokenSchema, newUserSchema, userChangeSchema } from '../auth/user-input.js';
import type { UserStore } from '../auth/user-store.js';
import type { Clock } from '../clock.js';

export interface AdminRouteOptions {
  readonly users: UserStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

/**
 * User and token management for administrators. A new token is in the response of its creation only;
 * the database keeps its SHA-256 hash. Users are disabled, never deleted.
 */
export function registerAdminRoutes(app: OpenAPIHono, context: RouteContext, options: AdminRouteOptions): void {
  const { users, clock, logger } = options;

  app.openAPIRegistry.registerPath({ method: 'get', path: '/api/admin/users', summary: 'List users', responses: { 200: { description: 'The users' } } });
  app.get('/api/admin/users', async (c) => c.json({ items: await users.listUsers() }));

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/admin/users',
    summary: 'Create a user: role, agency (caseworkers) or employer code (employer staff), optional password',
    request: { body: { content: { 'application/json': { schema: newUserSchema } } } },
    responses: { 201: { description: 'The user' }, 400: errorResponse('Invalid user'), 409: errorResponse('User name taken') },
  });
  app.post('/api/admin/users', async (c) => {
    const { principal } = requirePrincipal(c);
    const request = await context.readJson(c, newUserSchema);
    const user = await users.createUser(request, principal.username, clock.now());
    logger.info({ userId: user.id, username: user.username, role: user.role, by: principal.username }, 'user created');
    return c.json(user, 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'patch',
    path: '/api/admin/users/{userId}',
    summary: 'Disable or enable a user, set a password or a display name',
    request: { body: { content: { 'application/json': { schema: userChangeSchema } } } },
    responses: { 200: { description: 'The user' }, 400: errorResponse('Invalid change'), 404: errorResponse('Unknown user') },
  });
  app.patch('/api/admin/users/:userId', async (c) => {
    const { principal } = requirePrincipal(c);
    const change = await context.readJson(c, userChangeSchema);
    const user = await users.changeUser(c.req.param('userId'), change, clock.now());
    logger.info(
      { userId: user.id, by: principal.username, disabled: change.disabled, passwordChanged: change.password !== undefined },
      'user changed',
    );
    return c.json(user);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/admin/users/{userId}/tokens',
    summary: "List a user's tokens (never the tokens themselves)",
    responses: { 200: { description: 'The tokens' }, 404: errorResponse('Unknown user') },
  });
  app.get('/api/admin/users/:userId/tokens', async (c) => {
    const user = await users.requireUser(c.req.param('userId'));
    return c.json({ items: await users.listTokens(user.id) });
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/admin/users/{userId}/tokens',
    summary: 'Create an API token; the response is the only place the token appears',
    request: { body: { content: { 'application/json': { schema: newTokenSchema } } } },
    responses: { 201: { description: 'The token and its record' }, 404: errorResponse('Unknown user') },
  });
  app.post('/api/admin/users/:userId/tokens', async (c) => {
    const { principal } = requirePrincipal(c);
    const request = await context.readJson(c, newTokenSchema);
    const { token, view } = await users.createToken(c.req.param('userId'), request, principal.username, clock.now());
    logger.info({ tokenId: view.id, userId: view.userId, prefix: view.prefix, by: principal.username }, 'token created');
    return c.json({ token, ...view }, 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/admin/tokens/{tokenId}/revoke',
    summary: 'Revoke a token; it stops working at once',
    responses: { 200: { description: 'The revoked token' }, 404: errorResponse('Unknown token') },
  });
  app.post('/api/admin/tokens/:tokenId/revoke', async (c) => {
    const { principal } = requirePrincipal(c);
    const view = await users.revokeToken(c.req.param('tokenId'), principal.username, clock.now());
    logger.info({ tokenId: view.id, userId: view.userId, by: principal.username }, 'token revoked');
    return c.json(view);
  });
}
