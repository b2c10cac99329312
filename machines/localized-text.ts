/** A user-facing text in Simplified Chinese (the default) and English. */
export interface LocalizedText {
  readonly zh: string;
  readonly en: string;
}

/**
 * Separator between the English and Chinese halves of a message stored in a single string, as zod
 * issues are (see `encodeLocalizedText`).
 */
const HALF_SEPARATOR = '\u241F';

/** Encodes a text in both languages into one string, for places that carry one message, such as a zod issue. */
export function encodeLocalizedText(text: LocalizedText): string {
  return `${text.en}${HALF_SEPARATOR}${text.zh}`;
}

/** Splits a string made by `encodeLocalizedText`; returns undefined for any other string. */
export function decodeLocalizedText(encoded: string): LocalizedText | undefined {
  const index = encoded.indexOf(HALF_SEPARATOR);
  if (index < 0) return undefined;
  return { en: encoded.slice(0, index), zh: encoded.slice(index + HALF_SEPARATOR.length) };
}
