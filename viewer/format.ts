import type { Language } from './i18n/messages.js';

/**
 * Formatting of dates, amounts and fee periods for the pages. Chinese screens show dates as
 * 2024年01月16日, fee periods as 2024年01月 and amounts as yuan with two decimals; English screens use
 * ISO dates, YYYY-MM periods and the same amounts with a CNY prefix.
 */

/** Formats a `YYYY-MM-DD` business date. */
export function formatDate(date: string, language: Language): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  return language === 'zh' ? `${match[1]}年${match[2]}月${match[3]}日` : date;
}

/** Formats an ISO 8601 instant as Beijing local date and time (China has no daylight saving time). */
export function formatInstant(instant: string, language: Language): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) return instant;
  const beijing = new Date(time + 8 * 60 * 60 * 1000).toISOString();
  const date = formatDate(beijing.slice(0, 10), language);
  return `${date} ${beijing.slice(11, 19)}`;
}

/** Formats a `YYYY-MM` fee period: 2024年01月 in Chinese. */
export function formatFeePeriod(period: string, language: Language): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return period;
  return language === 'zh' ? `${match[1]}年${match[2]}月` : period;
}

/**
 * Formats an amount in integer fen as yuan with two decimals and thousands separators, without floating
 * point: 123456 fen is ¥1,234.56 (zh) or CNY 1,234.56 (en). Negative amounts keep their sign.
 */
export function formatFen(fen: number, language: Language): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = BigInt(Math.abs(Math.trunc(fen)));
  const yuan = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (absolute % 100n).toString().padStart(2, '0');
  return `${sign}${language === 'zh' ? '¥' : 'CNY '}${yuan}.${cents}`;
}
