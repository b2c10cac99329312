import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Principal } from '../../server/auth/roles.js';
import { translate } from '../i18n/messages.js';
import type { Language, MessageKey } from '../i18n/messages.js';
import { pageMessages } from '../i18n/page-messages.js';

/** The frame data of every page: language, signed-in user and the current path. */
export interface PageFrame {
  readonly language: Language;
  readonly principal: Principal | null;
  /** The request path with its query, for the language switch. */
  readonly path: string;
}

export interface LayoutProps {
  readonly frame: PageFrame;
  readonly title: string;
  /** Name of the page's module under /static/viewer/, without `.js`; no script when absent. */
  readonly script?: string;
  /** Data handed to the page's module as JSON, next to the message catalogue. */
  readonly data?: Readonly<Record<string, unknown>>;
  /**
   * Modules under /static/viewer/ (names without `.js`) that the page's module imports, announced with
   * `modulepreload` so that the browser fetches them with the page instead of after parsing the module.
   */
  readonly modulePreloads?: readonly string[];
  /**
   * Same-origin API paths the page's module reads first, announced with `preload` (`as="fetch"`) so that
   * the requests start while the modules load. The module must request them with `fetch` in `cors` mode
   * with `same-origin` credentials, which is what `api()` in common.js does, or the browser fetches twice.
   */
  readonly fetchPreloads?: readonly string[];
  readonly children?: Child;
}

/** Navigation entries and the roles that see them; each page's route grants the same roles. */
const NAVIGATION: readonly { href: string; key: MessageKey; roles: readonly string[] }[] = [
  { href: '/worklist', key: 'nav.worklist', roles: ['employer', 'caseworker', 'auditor'] },
  { href: '/processes', key: 'nav.processes', roles: ['employer', 'caseworker', 'auditor', 'trainer'] },
  { href: '/training', key: 'nav.training', roles: ['trainer'] },
  { href: '/audit', key: 'nav.audit', roles: ['auditor'] },
];

/**
 * Draws the frame of every page: header with navigation, language switch and sign-out, the page body, and
 * the page's module with its data. The data is JSON inside a script element, with `<` escaped so that no
 * value can close the element.
 */
export function Layout(props: LayoutProps) {
  const { language, principal } = props.frame;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  const otherLanguage = language === 'zh' ? 'en' : 'zh';
  const pageData = JSON.stringify({ language, messages: pageMessages(language), user: principal && describeUser(principal), ...props.data }).replace(/</g, '\\u003c');

  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang={language === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t('app.title')}`}</title>
        <link rel="stylesheet" href="/static/viewer/viewer.css" />
        {(props.fetchPreloads ?? []).map((href) => <link rel="preload" href={href} as="fetch" crossorigin="anonymous" />)}
        <link rel="modulepreload" href="/static/viewer/common.js" />
        {props.script ? <link rel="modulepreload" href={`/static/viewer/${props.script}.js`} /> : null}
        {(props.modulePreloads ?? []).map((name) => <link rel="modulepreload" href={`/static/viewer/${name}.js`} />)}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">{t('app.title')}</a>
          <nav aria-label={t('app.title')}>
            {principal ? NAVIGATION.filter((entry) => entry.roles.includes(principal.role)).map((entry) => <a href={entry.href}>{t(entry.key)}</a>) : null}
          </nav>
          <a class="language" href={withLanguage(props.frame.path, otherLanguage)} lang={otherLanguage} data-testid="language-switch">
            {t('nav.language')}
          </a>
          {principal ? (
            <form method="post" action="/auth/logout" class="sign-out" id="sign-out">
              <span class="user">{t('nav.signedInAs', { user: principal.username, role: t(`role.${principal.role}` as MessageKey) })}</span>
              <button type="submit">{t('nav.signOut')}</button>
            </form>
          ) : null}
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <script type="application/json" id="page-data" dangerouslySetInnerHTML={{ __html: pageData }} />
        <script type="module" src="/static/viewer/common.js" />
        {props.script ? <script type="module" src={`/static/viewer/${props.script}.js`} /> : null}
      </body>
    </html>
    </>
  );
}

function describeUser(principal: Principal) {
  return { username: principal.username, role: principal.role, agency: principal.agency, employerCode: principal.employerCode };
}

/** Returns the path with `lang` set in its query, keeping the other parameters. */
function withLanguage(path: string, language: Language): string {
  const url = new URL(path, 'http://page.invalid');
  url.searchParams.set('lang', language);
  return `${url.pathname}${url.search}`;
}
