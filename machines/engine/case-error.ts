import type { LocalizedText } from '../localized-text.js';

/**
 * Category of a rejection, which decides how it is reported. The server maps each kind to one HTTP status:
 * bad-request 400, forbidden 403, not-found 404, conflict 409, unprocessable 422.
 */
export type CaseErrorKind = 'bad-request' | 'forbidden' | 'not-found' | 'conflict' | 'unprocessable';

/**
 * An expected rejection of a request against a case or process: a stable `code`, a message in both
 * languages that quotes the value involved and names the next step, and the ids involved in `details`.
 */
export class CaseError extends Error {
  readonly code: string;
  readonly kind: CaseErrorKind;
  readonly localized: LocalizedText;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, kind: CaseErrorKind, localized: LocalizedText, details: Record<string, unknown> = {}) {
    super(localized.en);
    this.name = 'CaseError';
    this.code = code;
    this.kind = kind;
    this.localized = localized;
    this.details = details;
  }
}
