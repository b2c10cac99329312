import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * Returns the client's IP address as the socket reports it, or `unknown` when the app runs without a Node server
 * (as under `app.request()` in tests). Forwarded-for headers are not trusted, because any client can set
 * them.
 * NOTE: behind a reverse proxy every client shows the proxy's address, so the per-address sign-in
 * limit then counts all clients together.
 */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
