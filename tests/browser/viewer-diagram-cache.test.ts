import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, HR, TAX, request, sendEvent } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { AUDITOR_USER, HR_WORKER, createViewerUsers, signIn } from './support/viewer-session.js';

/**
 * Module source served in place of the page's Mermaid module. It wraps the real module and records the id of
 * every `mermaid.render` call in `window.__mermaidRenders`. The page can only reach Mermaid through it, so
 * no render goes uncounted.
 */
const COUNTING_MERMAID_MODULE = `
  import mermaid from '/static/mermaid/mermaid.esm.min.mjs?counted';
  window.__mermaidRenders ??= [];
  const render = mermaid.render.bind(mermaid);
  mermaid.render = (id, ...rest) => {
    window.__mermaidRenders.push(id);
    return render(id, ...rest);
  };
  export default mermaid;
`;

/** Serves the counting module for the page's requests for Mermaid. */
async function countMermaidRenders(page: Page): Promise<void> {
  await page.route('**/static/mermaid/mermaid.esm.min.mjs', (route) => route.fulfill({ contentType: 'text/javascript', body: COUNTING_MERMAID_MODULE }));
}

/** Opens a case page in a new tab of the context and waits until its process diagram is in the page. */
async function openCase(context: BrowserContext, baseUrl: string, caseId: string, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript({ content: 'window.__mermaidRenders = [];' });
  await countMermaidRenders(page);
  await page.goto(`${baseUrl}/cases/${caseId}${query}`);
  await page.locator('#diagram[data-rendered="true"] svg').waitFor({ timeout: 15_000 });
  return page;
}

/** Returns the ids of the process diagram layouts Mermaid drew in the page, leaving out exchange diagrams. */
async function processDiagramRenders(page: Page): Promise<string[]> {
  const ids = (await page.evaluate('window.__mermaidRenders')) as string[];
  return ids.filter((id) => id.startsWith('state-diagram-'));
}

/** Waits until the browser's store contains the drawing of the case page's process. */
async function waitForStoredDrawing(page: Page, processId: string, processVersion: number): Promise<void> {
  const stored = () =>
    page.evaluate(`(async () => {
      const { processDiagramKey, readStoredDrawing } = await import('/static/viewer/process-diagram.js');
      return (await readStoredDrawing(processDiagramKey(${JSON.stringify(processId)}, ${processVersion}))) !== null;
    })()`);
  await expect.poll(stored, { timeout: 10_000 }).toBe(true);
}

/** Returns the node ids of a highlight statement (`class s_a,s_b visited`) in a case diagram text. */
function highlightedIds(text: string, className: 'current' | 'visited'): string[] {
  const line = text.split('\n').find((entry) => entry.trim().startsWith('class ') && entry.trim().endsWith(` ${className}`));
  return line ? line.trim().split(' ')[1]!.split(',').sort() : [];
}

describe.runIf(browserAvailable())('viewer process diagram store', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let paidCaseId: string;
  let waitingCaseId: string;

  beforeAll(async () => {
    server = await startTestServer({ now: new Date('2024-01-15T02:00:00Z') });
    await createViewerUsers(server, [AUDITOR_USER, HR_WORKER]);

    const waiting = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    waitingCaseId = waiting.body.id;
    await sendEvent(server.baseUrl, waitingCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });

    const paid = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    paidCaseId = paid.body.id;
    await sendEvent(server.baseUrl, paidCaseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
    await sendEvent(server.baseUrl, paidCaseId, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
    server.clock.set(new Date('2024-01-16T02:00:00Z'));
    await sendEvent(server.baseUrl, paidCaseId, EMPLOYER, { type: 'DECLARE', expectedVersion: 3, channel: 'fee-client' });
    await sendEvent(server.baseUrl, paidCaseId, TAX, { type: 'ASSESS', data: { amountFen: 123_456 }, expectedVersion: 4 });
    const last = await sendEvent(server.baseUrl, paidCaseId, EMPLOYER, { type: 'PAY', data: { amountFen: 123_456 }, expectedVersion: 5, channel: 'fee-client' });
    expect(last.body.state).toEqual(['paid']);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('second case of a process reuses the drawing', { timeout: 60_000 }, async () => {
    const signedIn = await signIn(browser.context, server.baseUrl, AUDITOR_USER, '/audit');
    await signedIn.close();

    const first = await openCase(browser.context, server.baseUrl, waitingCaseId);
    expect(await first.locator('#diagram').getAttribute('data-source')).toBe('drawn');
    expect(await processDiagramRenders(first)).toHaveLength(1);
    expect(await first.locator('#diagram svg .current').allTextContents()).toContain('待人社推送开始缴费年月');
    expect(await first.locator('#diagram svg .visited').allTextContents()).toContain('待单位维护开始缴费年月');
    const view = await request(server.baseUrl, 'GET', `/api/cases/${waitingCaseId}`, { actor: HR });
    await waitForStoredDrawing(first, view.body.processId, view.body.processVersion);
    await first.close();

    const second = await openCase(browser.context, server.baseUrl, paidCaseId);
    expect(await second.locator('#diagram').getAttribute('data-source')).toBe('stored');
    expect(await processDiagramRenders(second)).toEqual([]);
    expect(await second.locator('#diagram svg .current').allTextContents()).toEqual(['已缴款（办结）']);
    const visited = await second.locator('#diagram svg .visited').allTextContents();
    expect(visited).toContain('已核定，待缴款');
    expect(visited).not.toContain('待向人社申请');
    // The transitions taken are marked too; the legacy route was never entered.
    expect(await second.locator('#diagram svg path.transition.taken').count()).toBeGreaterThan(0);
    expect(await second.locator('#diagram svg path.transition.taken[data-transition-to="s_legacyRoute__awaitingHrAssessment"]').count()).toBe(0);
    await second.close();
  });

  it('step back highlights the earlier state without drawing', { timeout: 60_000 }, async () => {
    const page = await openCase(browser.context, server.baseUrl, paidCaseId);
    expect(await page.locator('#diagram').getAttribute('data-source')).toBe('stored');
    await page.evaluate(`document.querySelector('#diagram svg').dataset.marker = 'before-step'`);

    await page.locator('#step').fill('3');
    await page.locator('#step').dispatchEvent('change');
    await expect.poll(() => page.locator('#diagram svg .current').allTextContents(), { timeout: 10_000 }).toContain('可向税务申报');
    expect(await page.locator('#diagram svg .current').allTextContents()).not.toContain('已缴款（办结）');
    expect(await page.locator('#diagram svg .visited').allTextContents()).not.toContain('已核定，待缴款');
    expect(await page.locator('#step-output').textContent()).toContain('第 3 步');
    expect(await page.locator('#diagram svg').getAttribute('data-marker')).toBe('before-step');
    expect(await processDiagramRenders(page)).toEqual([]);

    await page.locator('#step').focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('#diagram svg .current').allTextContents(), { timeout: 10_000 }).toEqual(['已缴款（办结）']);
    expect(await processDiagramRenders(page)).toEqual([]);
    await page.close();
  });

  it('browser highlight matches the server text', { timeout: 60_000 }, async () => {
    const page = await openCase(browser.context, server.baseUrl, paidCaseId);
    for (let at = 1; at <= 6; at += 1) {
      const outcome = (await page.evaluate(`(async () => {
        const { caseHighlight } = await import('/static/viewer/process-diagram.js');
        const history = await fetch('/api/cases/${paidCaseId}/history').then((response) => response.json());
        const text = await fetch('/api/cases/${paidCaseId}/diagram.mmd?at=${at}').then((response) => response.text());
        const highlight = caseHighlight(history.events.slice(0, ${at}));
        return {
          text,
          current: [...highlight.current].sort(),
          visitedOnly: [...highlight.visited].filter((id) => !highlight.current.has(id)).sort(),
        };
      })()`)) as { text: string; current: string[]; visitedOnly: string[] };
      expect(outcome.current, `current at event ${at}`).toEqual(highlightedIds(outcome.text, 'current'));
      expect(outcome.visitedOnly, `visited at event ${at}`).toEqual(highlightedIds(outcome.text, 'visited'));
    }
    await page.close();
  });

  it('worklist stores the diagram before the case opens', { timeout: 60_000 }, async () => {
    const fresh = await launchBrowser();
    try {
      const worklist = await signIn(fresh.context, server.baseUrl, HR_WORKER, '/worklist');
      await expect.poll(() => worklist.locator(`#worklist tr[data-case="${waitingCaseId}"]`).count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => worklist.locator('#worklist').getAttribute('data-diagrams-warmed'), { timeout: 20_000 }).toBe('1');
      await worklist.close();

      const page = await openCase(fresh.context, server.baseUrl, waitingCaseId);
      expect(await page.locator('#diagram').getAttribute('data-source')).toBe('stored');
      expect(await processDiagramRenders(page)).toEqual([]);
      expect(await page.locator('#diagram svg .current').allTextContents()).toContain('待人社推送开始缴费年月');
      await page.close();
    } finally {
      await fresh.close();
    }
  });

  it('missing IndexedDB falls back to drawing', { timeout: 60_000 }, async () => {
    const page = await browser.context.newPage();
    await page.addInitScript({ content: `Object.defineProperty(window, 'indexedDB', { value: undefined }); window.__mermaidRenders = [];` });
    await countMermaidRenders(page);
    await page.goto(`${server.baseUrl}/cases/${paidCaseId}?lang=en`);
    await page.locator('#diagram[data-rendered="true"] svg').waitFor({ timeout: 15_000 });
    expect(await page.locator('#diagram').getAttribute('data-source')).toBe('drawn');
    expect(await processDiagramRenders(page)).toHaveLength(1);
    expect(await page.locator('#diagram svg .current').allTextContents()).toEqual(['Paid (closed)']);
    await page.goto(`${server.baseUrl}/worklist?lang=zh`);
    await page.close();
  });
});
