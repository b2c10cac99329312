import { existsSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import type { BrowserContext, Request } from 'playwright-core';
import { CaseStore } from '../../db/case-store.js';
import { CHROMIUM_PATH, launchBrowser } from '../../tests/support/browser.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import { formatNumber } from '../harness/format.js';
import type { ResultRow } from '../harness/result.js';
import { latencyRow } from '../harness/result.js';
import { percentile, spreadOf } from '../harness/statistics.js';
import { createBrowserUser, signInBrowser, warmDiagramsFromWorklist } from '../fixtures/browser-session.js';
import { openMigrated } from '../fixtures/databases.js';
import { createCaseWithHistory } from '../fixtures/long-history.js';
import { startBenchServer } from '../server/server-process.js';

/** Events of the measured case, the creation included. */
const EVENT_COUNT = 200;

/** A warm page load (process diagram already stored) must be rendered within this time, from navigation start, at the median. */
const TARGET_MS = 300;

const FULL_SAMPLES = { warmup: 3, samples: 20 };
const QUICK_SAMPLES = { warmup: 1, samples: 5 };

/** How long one page may take to render before the benchmark fails, in milliseconds. */
const PAGE_TIMEOUT_MS = 30_000;

/**
 * A script that records, as `performance.now()` (milliseconds since navigation start), when the case page
 * first contains all history rows (`__historyRenderedAt`), the drawn diagram (`__diagramRenderedAt`) and both
 * (`__pageRenderedAt`). It runs before the page's own scripts, so its observer sees every DOM change. It
 * is a string because this project compiles without the DOM library.
 */
const WATCH_FOR_RENDERED_PAGE = `
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (window.__historyRenderedAt === undefined && document.querySelectorAll('#history tbody tr').length >= ${EVENT_COUNT}) {
      window.__historyRenderedAt = now;
    }
    if (window.__diagramRenderedAt === undefined && document.querySelector('#diagram svg') !== null) window.__diagramRenderedAt = now;
    if (window.__historyRenderedAt !== undefined && window.__diagramRenderedAt !== undefined) {
      window.__pageRenderedAt = now;
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
`;

/** Returns the route of a request the case page made, with ids replaced, or null for requests not reported. */
function routeOf(request: Request, caseId: string): string | null {
  const path = new URL(request.url()).pathname;
  if (path === `/cases/${caseId}`) return 'GET /cases/:id (page frame)';
  if (path === `/api/cases/${caseId}`) return 'GET /api/cases/:id';
  if (path.startsWith(`/api/cases/${caseId}/`)) return `GET /api/cases/:id/${path.slice(`/api/cases/${caseId}/`.length)}`;
  if (path.startsWith('/api/processes/')) return 'GET /api/processes/:processId';
  if (path.startsWith('/static/viewer/')) return 'GET /static/viewer/* (page modules and styles)';
  if (path.startsWith('/static/mermaid/')) return 'GET /static/mermaid/* (Mermaid)';
  return null;
}

/** The source of the case page's process diagram: the browser's diagram store or a Mermaid layout. */
type DiagramSource = 'stored' | 'drawn';

interface PageSample {
  readonly renderedMs: number;
  readonly historyMs: number;
  readonly diagramMs: number;
  /** Time to first byte of each request the page made, by route: request sent to first response byte. */
  readonly serverMs: ReadonlyMap<string, number[]>;
}

/**
 * Opens the case page in a new tab, waits until it is rendered and returns the timings. Throws when the
 * diagram fell back to text or came from another source than `expectedSource`, because the sample would
 * then measure another path than the one it is reported under.
 */
async function loadCasePage(context: BrowserContext, baseUrl: string, caseId: string, expectedSource: DiagramSource): Promise<PageSample> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript({ content: WATCH_FOR_RENDERED_PAGE });
  const serverMs = new Map<string, number[]>();
  const recorded: Promise<void>[] = [];
  const record = async (request: Request): Promise<void> => {
    const route = routeOf(request, caseId);
    if (route === null) return;
    // Chromium reports a response from its cache with resource timings but with no body bytes received
    // (seen with Debian's Chromium 156 and playwright-core 1.65), so only responses with body bytes count.
    // NOTE: this also leaves out a 304 revalidation, which does reach the server.
    const sizes = await request.sizes();
    const timing = request.timing();
    if (sizes.responseBodySize <= 0 || timing.requestStart < 0 || timing.responseStart < 0) return;
    const values = serverMs.get(route) ?? [];
    values.push(timing.responseStart - timing.requestStart);
    serverMs.set(route, values);
  };
  page.on('requestfinished', (request) => recorded.push(record(request)));
  try {
    await page.goto(`${baseUrl}/cases/${caseId}`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction('window.__pageRenderedAt', null, { timeout: PAGE_TIMEOUT_MS });
    const renderedMs = Number(await handle.jsonValue());
    const historyMs = Number(await page.evaluate('window.__historyRenderedAt'));
    const diagramMs = Number(await page.evaluate('window.__diagramRenderedAt'));
    const diagram = page.locator('#diagram');
    if ((await diagram.getAttribute('data-rendered')) !== 'true') throw new Error('the case diagram fell back to text instead of being drawn');
    const source = await diagram.getAttribute('data-source');
    if (source !== expectedSource) throw new Error(`the case diagram came from ${source ?? 'nowhere'}, expected ${expectedSource}`);
    await Promise.all(recorded);
    return { renderedMs, historyMs, diagramMs, serverMs };
  } finally {
    await page.close();
  }
}

/** The timings of the samples of one kind of load. */
class LoadSeries {
  readonly renderedMs: number[] = [];
  readonly historyMs: number[] = [];
  readonly diagramMs: number[] = [];

  add(sample: PageSample, serverMs: Map<string, number[]>): void {
    this.renderedMs.push(sample.renderedMs);
    this.historyMs.push(sample.historyMs);
    this.diagramMs.push(sample.diagramMs);
    for (const [route, values] of sample.serverMs) serverMs.set(route, [...(serverMs.get(route) ?? []), ...values]);
  }

  rows(kind: string, basis: string): ResultRow[] {
    return [
      { ...latencyRow(`${kind}: page rendered (diagram and ${EVENT_COUNT} history rows)`, this.renderedMs), basis },
      { ...latencyRow(`${kind}: ${EVENT_COUNT} history rows in the page`, this.historyMs), basis },
      { ...latencyRow(`${kind}: case diagram in the page`, this.diagramMs), basis },
    ];
  }

  summary(): string {
    return `median ${formatNumber(spreadOf(this.renderedMs).median)} ms, p95 ${formatNumber(percentile(this.renderedMs, 0.95))} ms, max ${formatNumber(Math.max(...this.renderedMs))} ms`;
  }
}

/**
 * Loads the case page once in a new Chromium with a new, empty profile, signed in by the session cookies
 * of `signedIn`: nothing is stored and nothing is in the HTTP cache.
 */
async function loadCold(signedIn: BrowserContext, baseUrl: string, caseId: string): Promise<PageSample> {
  const browser = await launchBrowser();
  try {
    await browser.context.addCookies(await signedIn.cookies());
    return await loadCasePage(browser.context, baseUrl, caseId, 'drawn');
  } finally {
    await browser.close();
  }
}

/**
 * Page load of the case page with 200 events in headless Chromium, cold (new browser profile) and warm
 * (process diagram stored by the worklist). A load runs from navigation start until the process diagram
 * and all 200 history rows are in the page. The server time of each request the page makes is reported
 * beside it.
 */
export const pageLoad: Benchmark = {
  name: 'page-load',
  title: 'Case page load in Chromium, 200 events, cold and warm',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`The page-load benchmark needs Chromium at ${CHROMIUM_PATH}; install Debian's chromium or set CHROMIUM_PATH`);
    }
    const { warmup, samples } = context.quick ? QUICK_SAMPLES : FULL_SAMPLES;
    const databasePath = context.workDirectory.file('page-load.db');

    const connection = await openMigrated(databasePath);
    let caseId: string;
    try {
      context.log(`page-load: building a case with ${EVENT_COUNT} events`);
      caseId = await createCaseWithHistory(new CaseStore(connection.db, uuidv7), EVENT_COUNT);
    } finally {
      await connection.close();
    }
    await createBrowserUser(databasePath);

    const server = await startBenchServer({ databasePath });
    const browser = await launchBrowser();
    const cold = new LoadSeries();
    const warm = new LoadSeries();
    const serverMs = new Map<string, number[]>();
    let warmedDiagrams: number;
    try {
      await signInBrowser(browser.context, server.baseUrl);
      warmedDiagrams = await warmDiagramsFromWorklist(browser.context, server.baseUrl);
      context.log(`page-load: the worklist stored ${warmedDiagrams} process diagram(s); ${warmup} warm-up loads of each kind`);
      for (let index = 0; index < warmup; index += 1) {
        await loadCold(browser.context, server.baseUrl, caseId);
        await loadCasePage(browser.context, server.baseUrl, caseId, 'stored');
      }
      context.log(`page-load: ${samples} measured loads of each kind, cold and warm in turn`);
      for (let index = 0; index < samples; index += 1) {
        cold.add(await loadCold(browser.context, server.baseUrl, caseId), serverMs);
        warm.add(await loadCasePage(browser.context, server.baseUrl, caseId, 'stored'), serverMs);
      }
    } finally {
      await browser.close();
      await server.stop();
    }

    const basis = `${samples} page loads after ${warmup} warm-up loads`;
    const requestRows = [...serverMs.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, values]) => ({ ...latencyRow(`server time of ${route}`, values), basis: `${values.length} requests of cold and warm loads, first byte` }));
    const warmMedian = spreadOf(warm.renderedMs).median;
    return {
      method: [
        `A back-payment case with ${EVENT_COUNT} events is built through the engine and \`CaseStore\` (as in the`,
        'history benchmark), and `server/main.ts` runs as a child process on 127.0.0.1 with that SQLite file. Headless',
        `Chromium (${CHROMIUM_PATH}, driven by playwright-core) signs in as an hr caseworker and opens \`/cases/:id\`.`,
        'A cold load starts a new Chromium with a new, empty profile that holds only the session cookie: no stored',
        'process drawing, an empty HTTP cache, so the page fetches every file and Mermaid lays out the diagram.',
        'A warm load opens a new tab in one long-lived profile that first opened `/worklist`, which drew the',
        'un-highlighted Chinese diagram of the case\'s process (`individual-back-payment`) in idle time and stored',
        "its SVG in the browser's IndexedDB, as a user who comes from the worklist has it. The warm profile's HTTP",
        'cache also holds the page modules and styles (revalidated on every load) and Mermaid\'s files; the case,',
        'its history and the process definition are requested on every load. Cold and warm loads alternate.',
        'A load runs from navigation start to the moment a MutationObserver, installed before the page scripts, sees',
        `both \`#diagram svg\` and ${EVENT_COUNT} rows in \`#history tbody\`; each load also checks that the diagram came`,
        'from the expected source (`data-source` drawn or stored). The server time of a request is the time from',
        "sending it to the response's first byte, from Chromium's resource timing; responses Chromium served from",
        'its cache are left out, so the Mermaid and page-module rows count only the requests that reached the server.',
      ].join(' '),
      rows: [...warm.rows('warm', basis), ...cold.rows('cold', basis), ...requestRows],
      checks: [
        {
          target: `case page with ${EVENT_COUNT} events rendered in under ${TARGET_MS} ms (median of warm loads; cold loads beside it)`,
          actual: `warm: ${warm.summary()}; cold: ${cold.summary()}`,
          passed: warmMedian < TARGET_MS,
        },
      ],
      notes: [
        `the worklist drew and stored ${warmedDiagrams} process diagram(s) before the warm loads`,
        'the page also follows `/api/cases/:id/events/stream`, which stays open and is not timed',
        'the exchange (sequence) diagram is drawn by Mermaid on every load after the measured point and is not timed',
      ],
      profiles: [],
    };
  },
};
