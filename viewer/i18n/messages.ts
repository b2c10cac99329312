import { enMessages } from './en.js';
import { zhMessages } from './zh-cn.js';

export type Language = 'zh' | 'en';

export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/** Keys of the message catalogue; the Chinese catalogue is the reference every language must match. */
export type MessageKey = keyof typeof zhMessages;

/** A catalogue: every key of the Chinese one, each a text with optional `{name}` placeholders. */
export type MessageCatalogue = Readonly<Record<MessageKey, string>>;

const CATALOGUES: Readonly<Record<Language, MessageCatalogue>> = { zh: zhMessages, en: enMessages };

/**
 * Returns the text of a key in a language, with each `{name}` replaced by `params[name]`. A placeholder
 * without a value stays as written, so a missing parameter is visible on the page rather than silent.
 */
export function translate(language: Language, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  const text = CATALOGUES[language][key];
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in params ? String(params[name]) : placeholder));
}

/** Picks the language of a request: `?lang=`, then a `lang` cookie, then Simplified Chinese. */
export function pickLanguage(query: string | undefined, cookie: string | undefined): Language {
  for (const candidate of [query, cookie]) {
    if (candidate === 'zh' || candidate === 'en') return candidate;
  }
  return 'zh';
}
