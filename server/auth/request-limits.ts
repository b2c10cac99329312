import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { rateLimiter } from 'hono-rate-limiter';
import { CaseError } from '../../machines/engine/case-error.js';
import { HttpCaseError, sendCaseError } from '../http-errors.js';
import type { RequestAccess } from './request-access.js';
import { findEndpointKey } from './request-access.js';

/** Largest request body accepted by default, in bytes. Any case input or event fits in 64 KiB many times over. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Routes that take larger bodies, in bytes. An uploaded checkpoint has one entry per case, about 150
 * bytes each, so 32 MiB covers some 200,000 cases (an estimate from the entry format).
 */
export const LARGE_BODY_ROUTES: Readonly<Record<string, number>> = {
  'POST /api/audit/checkpoints/verify': 32 * 1024 * 1024,
};

/**
 * Rejects a request body larger than its route's limit with 413 `BODY_TOO_LARGE`, before anything reads
 * it: by Content-Length when sent, otherwise while the body streams in.
 */
export function limitBodySize(defaultMaxBytes: number = DEFAULT_MAX_BODY_BYTES): MiddlewareHandler {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiterFor = (maxSize: number): MiddlewareHandler => {
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = bodyLimit({ maxSize, onError: (c) => sendCaseError(c, bodyTooLarge(maxSize), 413) });
      limiters.set(maxSize, limiter);
    }
    return limiter;
  };
  return (c, next) => {
    const routeKey = findEndpointKey(c);
    const maxSize = (routeKey !== undefined ? LARGE_BODY_ROUTES[routeKey] : undefined) ?? defaultMaxBytes;
    return limiterFor(maxSize)(c, next);
  };
}

function bodyTooLarge(maxSize: number): CaseError {
  const kib = Math.round(maxSize / 1024);
  return new HttpCaseError(
    413,
    'BODY_TOO_LARGE',
    { zh: `请求体超过 ${kib} KiB 的上限，已拒绝。`, en: `The request body is larger than the limit of ${kib} KiB.` },
    { maxBytes: maxSize },
  );
}

/** Settings of the per-credential limit on writes. */
export interface WriteRateLimitOptions {
  /** Writes allowed per credential in each window. */
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_WRITE_RATE_LIMIT: WriteRateLimitOptions = { limit: 120, windowMs: 60_000 };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Limits the writes (POST, PUT, PATCH and DELETE) of each API token or browser session with
 * hono-rate-limiter. Reads are not counted, and neither is sign-in, because it has no credential yet. A
 * write over the limit gets 429 `WRITE_RATE_LIMITED` with Retry-After in seconds. Must run after the
 * access check.
 * NOTE: counts are kept in this process's memory, so with several server processes each allows the limit.
 */
export function limitWriteRate(options: WriteRateLimitOptions = DEFAULT_WRITE_RATE_LIMIT): MiddlewareHandler {
  return rateLimiter({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-6',
    skip: (c) => !WRITE_METHODS.has(c.req.method) || !(c.get('access') as RequestAccess | undefined)?.principal,
    keyGenerator: (c) => {
      const credential = (c.get('access') as RequestAccess).principal?.credential;
      return `${credential?.kind}:${credential?.id}`;
    },
    handler: (c) =>
      sendCaseError(
        c,
        new HttpCaseError(
          429,
          'WRITE_RATE_LIMITED',
          {
            zh: `写入请求过于频繁：每个令牌或登录会话每 ${Math.round(options.windowMs / 1000)} 秒最多 ${options.limit} 次。请按 Retry-After 指示的秒数后重试。`,
            en: `Too many writes: each token or session may make ${options.limit} per ${Math.round(options.windowMs / 1000)} seconds. Retry after the number of seconds in Retry-After.`,
          },
          { limit: options.limit, windowSeconds: Math.round(options.windowMs / 1000) },
        ),
        429,
      ),
  });
}
