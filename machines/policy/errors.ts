import type { LocalizedText } from '../localized-text.js';

/**
 * Error thrown by the policy core on invalid input or missing policy data.
 *
 * `code` is stable and safe to branch on. `localized` contains the user-facing text in both languages,
 * and `message` is its English text, so that logs and stack traces stay readable.
 */
export class PolicyError extends Error {
  readonly code: string;
  readonly localized: LocalizedText;
  readonly details?: Record<string, unknown>;

  constructor(code: string, localized: LocalizedText, details?: Record<string, unknown>) {
    super(localized.en);
    this.name = new.target.name;
    this.code = code;
    this.localized = localized;
    this.details = details;
  }
}
