import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { getLatestProcess, listLatestProcesses } from '../../machines/catalogue.js';
import { CalendarYearMissingError, isWorkingDay } from '../../machines/policy/calendar.js';
import { declarationWindow } from '../../machines/policy/declaration-window.js';
import { addMonths } from '../../machines/policy/fee-period.js';
import type { FeePeriod } from '../../machines/policy/fee-period.js';
import { DECLARATION_WINDOW_OPTIONS } from '../../machines/processes/deadline-records.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { pickLanguage } from '../../viewer/i18n/messages.js';
import { diagramCacheInfo } from '../../viewer/mermaid/diagram-cache-info.js';
import { AuditPage } from '../../viewer/pages/audit-page.js';
import { CasePage } from '../../viewer/pages/case-page.js';
import { CataloguePage } from '../../viewer/pages/catalogue-page.js';
import type { PageFrame } from '../../viewer/pages/layout.js';
import { LoginPage } from '../../viewer/pages/login-page.js';
import { NewCasePage } from '../../viewer/pages/new-case-page.js';
import { TrainingPage } from '../../viewer/pages/training-page.js';
import { WorklistPage } from '../../viewer/pages/worklist-page.js';
import type { RouteContext } from '../app.js';
import { findPrincipal } from '../auth/request-access.js';
import { processNotFound } from '../case-service.js';

/** URL prefix of the viewer's browser modules and style sheet (files of `viewer/client/`). */
export const VIEWER_ASSET_PREFIX = '/static/viewer';

/** The page paths; a request for one of them without a valid session is sent to the sign-in page. */
const PAGE_PATH = /^\/(login|worklist|processes|training|audit|cases\/[^/]+|new\/[^/]+)?\/?$/;

/** How long the `lang` cookie set by `?lang=` lasts: one year. */
const LANGUAGE_COOKIE_SECONDS = 365 * 24 * 60 * 60;

/** Days of working-day data sent to the worklist, on each side of the business date. */
const WORKING_DAY_SPAN = 400;

/** Fee periods whose declaration deadline is sent to the worklist: this many months before the business date's month. */
const DEADLINE_MONTHS_BEFORE = 36;

/** Fee periods whose declaration deadline is sent to the worklist: this many months after the business date's month. */
const DEADLINE_MONTHS_AFTER = 13;

/**
 * Redirects a browser's page request that has no valid session (401) to the sign-in page, with the page
 * as `next`. Only requests that accept HTML are redirected, so scripts still get the 401 error body.
 * Must be registered before access control, so that it sees the access check's rejection.
 */
export function redirectPagesToSignIn(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || c.res.status !== 401 || !PAGE_PATH.test(c.req.path)) return;
    if (!(c.req.header('accept') ?? '').includes('text/html')) return;
    const target = c.req.path + (new URL(c.req.url).search || '');
    // The sign-in page takes the language choice too, so that `?lang=en` on any page shows it in English.
    const language = c.req.query('lang');
    const languageQuery = language === undefined ? '' : `&lang=${encodeURIComponent(language)}`;
    c.res = c.redirect(`/login?next=${encodeURIComponent(target)}${languageQuery}`, 303);
  };
}

/**
 * Registers the viewer: server-rendered pages in Simplified Chinese (English with `?lang=en`, kept in
 * the `lang` cookie) and their browser modules. The pages draw the frame and the static parts. Every case
 * read and every action goes from the browser module to the JSON API with the session cookie, so the
 * access table decides each of them as for any other client.
 */
export function registerViewerRoutes(app: OpenAPIHono, context: RouteContext): void {
  const clientFolder = fileURLToPath(new URL('../../viewer/client/', import.meta.url));
  app.use(`${VIEWER_ASSET_PREFIX}/*`, async (c, next) => {
    if (!/^\/static\/viewer\/[a-z0-9-]+\.(js|css)$/.test(c.req.path)) return c.notFound();
    await next();
    if (c.res.status === 200) c.header('cache-control', 'no-cache');
  });
  app.use(`${VIEWER_ASSET_PREFIX}/*`, serveStatic({ root: clientFolder, rewriteRequestPath: (path) => path.slice(VIEWER_ASSET_PREFIX.length) }));

  app.get('/login', (c) => {
    const frame = frameOf(c);
    const next = c.req.query('next');
    return c.html(LoginPage({ frame, next: next !== undefined && next.startsWith('/') && !next.startsWith('//') ? next : '/' }));
  });

  app.get('/', (c) => {
    const principal = findPrincipal(c);
    const home = principal?.role === 'trainer' ? '/training' : '/worklist';
    // Keep the query, so that `/?lang=en` reaches the home page, which stores the choice.
    return c.redirect(home + new URL(c.req.url).search, 303);
  });

  app.get('/worklist', (c) => {
    const today = context.clock.now().toISOString().slice(0, 10) as IsoDate;
    return c.html(
      WorklistPage({
        frame: frameOf(c),
        today,
        workingDays: listWorkingDays(today),
        declarationDeadlines: listDeclarationDeadlines(today),
        processes: listLatestProcesses(),
        diagramCache: diagramCacheInfo(),
      }),
    );
  });

  app.get('/cases/:id', (c) => c.html(CasePage({ frame: frameOf(c), caseId: c.req.param('id'), diagramCache: diagramCacheInfo() })));

  app.get('/processes', (c) => c.html(CataloguePage({ frame: frameOf(c), processes: listLatestProcesses(), diagramCache: diagramCacheInfo() })));

  app.get('/new/:processId', (c) => {
    const definition = getLatestProcess(c.req.param('processId'));
    if (!definition) throw processNotFound(c.req.param('processId'));
    return c.html(NewCasePage({ frame: frameOf(c), definition }));
  });

  app.get('/training', (c) => c.html(TrainingPage({ frame: frameOf(c), processes: listLatestProcesses() })));

  app.get('/audit', (c) => c.html(AuditPage({ frame: frameOf(c) })));

}

/** Picks the page language, storing an explicit `?lang=` choice in the `lang` cookie. */
function frameOf(c: Context): PageFrame {
  const requested = c.req.query('lang');
  const language = pickLanguage(requested, getCookie(c, 'lang'));
  if (requested === 'zh' || requested === 'en') {
    setCookie(c, 'lang', requested, { path: '/', sameSite: 'Lax', maxAge: LANGUAGE_COOKIE_SECONDS });
  }
  const url = new URL(c.req.url);
  return { language, principal: findPrincipal(c), path: url.pathname + url.search };
}

/**
 * Lists the working days around a business date, so that the worklist can count the working days left
 * before each deadline with the engine's own holiday calendar. Years the calendar lacks are left out, and
 * the worklist then shows no count for deadlines in them.
 */
function listWorkingDays(today: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  const start = Date.parse(`${today}T00:00:00Z`) - WORKING_DAY_SPAN * 86_400_000;
  for (let offset = 0; offset <= 2 * WORKING_DAY_SPAN; offset += 1) {
    const day = new Date(start + offset * 86_400_000).toISOString().slice(0, 10) as IsoDate;
    try {
      if (isWorkingDay(day)) days.push(day);
    } catch (error) {
      if (!(error instanceof CalendarYearMissingError)) throw error;
    }
  }
  return days;
}

/**
 * Lists the declaration deadline of each fee period around a business date, computed by the engine's
 * `declarationWindow` with the options the processes store, so that the worklist shows the same deadline
 * as the cases. Fee periods whose deadline falls in a year the calendar lacks are left out.
 */
function listDeclarationDeadlines(today: IsoDate): Record<string, IsoDate> {
  const deadlines: Record<string, IsoDate> = {};
  const current = today.slice(0, 7) as FeePeriod;
  for (let offset = -DEADLINE_MONTHS_BEFORE; offset <= DEADLINE_MONTHS_AFTER; offset += 1) {
    const feePeriod = addMonths(current, offset);
    try {
      deadlines[feePeriod] = declarationWindow(feePeriod, DECLARATION_WINDOW_OPTIONS).deadline;
    } catch (error) {
      if (!(error instanceof CalendarYearMissingError)) throw error;
    }
  }
  return deadlines;
}
