import { maskResidentId } from '../../machines/policy/identifiers.js';

/**
 * Keys whose string values are always a person's name. A plain `name` key counts only in an object that
 * also contains an ID number (the `person` objects of the processes), so that employer or sandbox names are
 * not mistaken for personal data.
 * NOTE: a process that stores a person's name or ID number under another key must add it here, or the
 * value is shown unmasked.
 */
const PERSON_NAME_KEYS = new Set(['personName', 'newName', 'oldName', 'previousName', 'formerName']);
const ID_NUMBER_KEY = /^(idNumber|[a-z][A-Za-z]*IdNumber)$/;

/** A value with its personal data masked, and the paths of the fields that were masked. */
export interface MaskedValue<T> {
  readonly value: T;
  readonly fields: readonly string[];
}

/**
 * Masks a name for lists and logs: the first character (normally the family name) stays and every other
 * character becomes `*`, so 张三 becomes 张* and 欧阳娜娜 becomes 欧***. Characters are counted as Unicode
 * code points, so a name with 𠮷 is not split inside a surrogate pair. A one-character name becomes `*`.
 */
export function maskName(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= 1) return '*'.repeat(characters.length);
  return `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

/**
 * Returns a copy of a JSON value with every person's name and ID number masked (ID numbers as
 * `110101********1234` by `maskResidentId`), and the dotted paths of the masked fields below `path`.
 * The input is not changed.
 */
export function maskPersonalData<T>(value: T, path = ''): MaskedValue<T> {
  const fields: string[] = [];
  const masked = maskValue(value, path, fields) as T;
  return { value: masked, fields };
}

function maskValue(value: unknown, path: string, fields: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => maskValue(item, joinPath(path, String(index)), fields));
  if (value === null || typeof value !== 'object') return value;

  const record = value as Record<string, unknown>;
  const holdsIdNumber = Object.entries(record).some(([key, item]) => ID_NUMBER_KEY.test(key) && typeof item === 'string');
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const itemPath = joinPath(path, key);
    if (typeof item === 'string' && ID_NUMBER_KEY.test(key)) {
      result[key] = maskResidentId(item);
      fields.push(itemPath);
    } else if (typeof item === 'string' && (PERSON_NAME_KEYS.has(key) || (key === 'name' && holdsIdNumber))) {
      result[key] = maskName(item);
      fields.push(itemPath);
    } else {
      result[key] = maskValue(item, itemPath, fields);
    }
  }
  return result;
}

function joinPath(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}
