import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// canonicalize 2 is CommonJS (`module.exports = serialize`) but its types declare an ES default export, so
// under NodeNext TypeScript sees the module object; at run time the default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON of a value; throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('Value cannot be serialised as canonical JSON');
  return text;
}

/** SHA-256 (hex) of a value's canonical JSON. */
export function hashCanonical(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
