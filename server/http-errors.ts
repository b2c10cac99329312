import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CaseError } from '../machines/engine/case-error.js';
import type { CaseErrorKind } from '../machines/engine/case-error.js';

/** The one mapping from a rejection's kind to its HTTP status. */
export const STATUS_OF_KIND: Record<CaseErrorKind, ContentfulStatusCode> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
};

/** Details keys that are lifted to the top of the error body instead of staying under `details`. */
const LIFTED_DETAILS = new Set(['allowedEvents']);

/**
 * Writes a rejection as `{ error: { code, message: { zh, en }, allowedEvents?, details? } }`.
 * `status` overrides the kind's status where HTTP has a more precise one (413, 415).
 */
export function sendCaseError(c: Context, error: CaseError, status?: ContentfulStatusCode): Response {
  const details = Object.fromEntries(Object.entries(error.details).filter(([key]) => !LIFTED_DETAILS.has(key)));
  const body = {
    error: {
      code: error.code,
      message: error.localized,
      ...(error.details['allowedEvents'] !== undefined ? { allowedEvents: error.details['allowedEvents'] } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    },
  };
  return c.json(body, status ?? STATUS_OF_KIND[error.kind]);
}

export function badRequest(code: string, zh: string, en: string, details: Record<string, unknown> = {}): CaseError {
  return new CaseError(code, 'bad-request', { zh, en }, details);
}

/** A rejection whose HTTP status is more precise than its kind's (413 or 415, for example). */
export class HttpCaseError extends CaseError {
  readonly status: ContentfulStatusCode;

  constructor(status: ContentfulStatusCode, code: string, localized: { zh: string; en: string }, details: Record<string, unknown> = {}) {
    super(code, 'bad-request', localized, details);
    this.status = status;
  }
}
