import { enMessages } from './en.js';
import type { Language, MessageCatalogue } from './messages.js';
import { zhMessages } from './zh-cn.js';
import { FIELD_LABELS } from './field-labels.js';

/**
 * Builds the catalogue a page's browser module receives: every viewer message, and the labels of event and input
 * fields under `field.<name>`, in the page's language.
 */
export function pageMessages(language: Language): Readonly<Record<string, string>> {
  const messages: Record<string, string> = { ...(language === 'zh' ? zhMessages : enMessages) };
  for (const [name, label] of Object.entries(FIELD_LABELS)) messages[`field.${name}`] = label[language];
  return messages;
}
