// Shared helpers of the viewer's browser modules: page data and messages, the JSON API client, formats,
// element building and Mermaid rendering with a readable fallback.

const pageDataElement = document.getElementById('page-data');

/** The data the server put into the page: language, message catalogue, signed-in user and page fields. */
export const page = pageDataElement ? JSON.parse(pageDataElement.textContent || '{}') : { language: 'zh', messages: {} };

/** The page language, `zh` or `en`. */
export const language = page.language === 'en' ? 'en' : 'zh';

/** Returns a message of the page catalogue with `{name}` placeholders filled; a missing key shows as itself. */
export function t(key, params = {}) {
  const text = page.messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (placeholder, name) => (name in params ? String(params[name]) : placeholder));
}

/** Picks the page language's text of a `{ zh, en }` object; a plain string passes through. */
export function localized(text) {
  if (text === null || text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[language] ?? text.zh ?? '';
}

/** Returns the label of a data field, or its name when the catalogue has none. */
export function fieldLabel(name) {
  return page.messages[`field.${name}`] ?? name;
}

export function partyName(party) {
  return page.messages[`party.${party}`] ?? party;
}

/**
 * Calls the JSON API with the session cookie. Resolves to `{ ok, status, body }`; the body is the parsed
 * JSON, or the text for other content types. A network failure resolves with status 0 and a message body
 * in the common error shape, so callers handle every failure in one place.
 */
export async function api(path, { method = 'GET', json } = {}) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, body: { error: { code: 'NETWORK', message: { zh: t('error.network'), en: t('error.network') } } } };
  }
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (response.status === 401 && !location.pathname.startsWith('/login')) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  return { ok: response.ok, status: response.status, body };
}

/** Returns the message of an API error body in the page language. */
export function errorMessage(body) {
  return localized(body?.error?.message) || String(body);
}

// NOTE: these four mirror viewer/format.ts, which runs on the server; keep both in step.
export function formatDate(date) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  if (!match) return date ?? '';
  return language === 'zh' ? `${match[1]}年${match[2]}月${match[3]}日` : date;
}

export function formatInstant(instant) {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) return instant ?? '';
  const beijing = new Date(time + 8 * 60 * 60 * 1000).toISOString();
  return `${formatDate(beijing.slice(0, 10))} ${beijing.slice(11, 19)}`;
}

export function formatFeePeriod(period) {
  const match = /^(\d{4})-(\d{2})$/.exec(period ?? '');
  if (!match) return period ?? '';
  return language === 'zh' ? `${match[1]}年${match[2]}月` : period;
}

export function formatFen(fen) {
  const sign = fen < 0 ? '-' : '';
  const absolute = BigInt(Math.abs(Math.trunc(fen)));
  const yuan = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (absolute % 100n).toString().padStart(2, '0');
  return `${sign}${language === 'zh' ? '¥' : 'CNY '}${yuan}.${cents}`;
}

/**
 * Formats a data value for a table: fen fields as yuan, fee periods and dates in the page's format, and
 * objects as `label: value` pairs.
 */
export function formatValue(name, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && /Fen$/.test(name)) return formatFen(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}$/.test(value)) return formatFeePeriod(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (Array.isArray(value)) return value.map((item) => formatValue(name, item)).join('、');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, item]) => `${fieldLabel(key)}：${formatValue(key, item)}`)
      .join('；');
  }
  return String(value);
}

/** Builds an element: `el('td', { class: 'x' }, 'text', child)`. Attributes set to null or false are skipped. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Mermaid's default `maxTextSize`; a longer text is shown as the fallback without trying to render it. */
export const MERMAID_MAX_TEXT_SIZE = 50_000;

let mermaidLoading = null;

/**
 * Loads and initialises Mermaid once; later calls share the first load. Pages may call it early, so that
 * Mermaid's files arrive while their API requests are still running.
 */
export function loadMermaid() {
  mermaidLoading ??= import('/static/mermaid/mermaid.esm.min.mjs').then((module) => {
    const mermaid = module.default;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: MERMAID_MAX_TEXT_SIZE, theme: 'neutral' });
    return mermaid;
  });
  return mermaidLoading;
}

let diagramCounter = 0;

/** A diagram text longer than `MERMAID_MAX_TEXT_SIZE`, which is not given to Mermaid. */
export class DiagramTooLargeError extends Error {
  constructor(size) {
    super(t('diagram.tooLarge', { size, limit: MERMAID_MAX_TEXT_SIZE }));
    this.name = 'DiagramTooLargeError';
  }
}

/**
 * Lays out a Mermaid text and resolves to the SVG markup, whose root element has the id `svgId`. Rejects
 * with `DiagramTooLargeError` for a text longer than `maxTextSize`, and with an error when Mermaid fails
 * to parse or render the text or returns its error picture instead of the diagram.
 */
export async function drawMermaid(svgId, text) {
  if (text.length > MERMAID_MAX_TEXT_SIZE) throw new DiagramTooLargeError(text.length);
  const mermaid = await loadMermaid();
  const { svg } = await mermaid.render(svgId, text);
  if (/Syntax error in text|maximum text size/i.test(svg)) throw new Error('Mermaid returned its error picture');
  return svg;
}

/**
 * Draws a Mermaid text into a container. When the text is longer than `maxTextSize`, fails to parse or
 * render, or Mermaid returns its error picture instead of the diagram, the container shows the text and
 * the `fallbackItems` list instead. Resolves to whether the diagram was drawn.
 */
export async function renderMermaid(container, text, fallbackItems = []) {
  container.replaceChildren(el('p', { class: 'hint' }, t('diagram.loading')));
  try {
    diagramCounter += 1;
    container.innerHTML = await drawMermaid(`mermaid-${diagramCounter}`, text);
    container.dataset.rendered = 'true';
    return true;
  } catch (error) {
    showDiagramFallback(container, text, fallbackItems, error);
    return false;
  }
}

/** Shows a diagram's text and the `items` list in place of the drawing that `error` prevented. */
export function showDiagramFallback(container, text, items, error) {
  const reason = error instanceof DiagramTooLargeError ? error.message : `${t('diagram.fallback')} ${error instanceof Error ? error.message : ''}`;
  container.dataset.rendered = 'false';
  container.replaceChildren(
    el('p', { class: 'warning' }, reason),
    items.length > 0 ? el('p', {}, t('diagram.fallbackStates')) : null,
    items.length > 0 ? el('ul', { class: 'fallback-states' }, items.map((item) => el('li', {}, item))) : null,
    el('pre', { class: 'mermaid-text' }, text),
  );
}

/** Shows an error under a form field and marks the field invalid; an empty message clears it. */
export function setFieldError(input, message) {
  const errorId = input.getAttribute('aria-describedby');
  const target = errorId ? document.getElementById(errorId) : null;
  if (target) target.textContent = message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// Sign-out: the form posts with fetch, so that the browser opens the sign-in page instead of the JSON response.
const signOut = document.getElementById('sign-out');
signOut?.addEventListener('submit', async (event) => {
  event.preventDefault();
  await api('/auth/logout', { method: 'POST' });
  location.assign('/login?signedOut=1');
});
