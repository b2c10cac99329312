import type { MiddlewareHandler } from 'hono';
import { CaseError } from '../../machines/engine/case-error.js';

/**
 * The character U+0000, which no request may carry. PostgreSQL text values cannot contain it, so a NUL in
 * a name, label or id would fail inside the database (a 500) instead of being rejected. No text of this
 * domain needs it. `rejectNulInUrl` checks the URL and `findNulCharacter` JSON bodies.
 */
const NUL = '\u0000';

/** Finds the first string that contains U+0000 and returns its path (`field.sub.0`, or `(key)` for an object key), or null. */
export function findNulCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path || '(body)' : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNulCharacter(item, path ? `${path}.${index}` : String(index));
      if (found !== null) return found;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes(NUL)) return `${path || '(body)'} (key)`;
    const found = findNulCharacter(item, itemPath);
    if (found !== null) return found;
  }
  return null;
}

/** 400 `NUL_CHARACTER`, naming where the character was found. */
export function nulCharacterRejected(where: string): CaseError {
  return new CaseError(
    'NUL_CHARACTER',
    'bad-request',
    {
      zh: `请求中的 ${where} 含有空字符（U+0000），不能保存。请删除该字符后重新提交。`,
      en: `The request's ${where} contains the NUL character (U+0000), which cannot be stored. Remove it and send the request again.`,
    },
    { where },
  );
}

/** Rejects a request whose path or query string contains U+0000, raw or percent-encoded, with 400 `NUL_CHARACTER`. */
export function rejectNulInUrl(): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    if (url.includes(NUL) || /%00/i.test(url)) throw nulCharacterRejected('URL');
    await next();
  };
}
