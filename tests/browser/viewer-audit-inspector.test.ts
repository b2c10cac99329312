import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, EMPLOYER_CODE, HR, MEDICAL, TAX, request, sendEvent } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { HR_PUSH, MEDICAL_PUSH } from '../support/cluster.js';
import { listLatestProcesses } from '../../machines/catalogue.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { AUDITOR_USER, CLERK, HR_WORKER, createViewerUsers, signIn } from './support/viewer-session.js';

/** Takes the worked back-payment to paid through the API and returns the case id. */
async function paidBackPayment(baseUrl: string, server: TestServer): Promise<string> {
  const created = await request(baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
  const id: string = created.body.id;
  await sendEvent(baseUrl, id, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
  await sendEvent(baseUrl, id, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
  server.clock.set(new Date('2024-01-16T02:00:00Z'));
  await sendEvent(baseUrl, id, EMPLOYER, { type: 'DECLARE', expectedVersion: 3, channel: 'fee-client' });
  await sendEvent(baseUrl, id, TAX, { type: 'ASSESS', data: { amountFen: 123_456 }, expectedVersion: 4 });
  const paid = await sendEvent(baseUrl, id, EMPLOYER, { type: 'PAY', data: { amountFen: 123_456 }, expectedVersion: 5, channel: 'fee-client' });
  expect(paid.body.state).toEqual(['paid']);
  return id;
}

describe.runIf(browserAvailable())('viewer audit, language and inspector', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let paidCaseId: string;

  beforeAll(async () => {
    server = await startTestServer({ now: new Date('2024-01-15T02:00:00Z') });
    await createViewerUsers(server, [AUDITOR_USER, CLERK, HR_WORKER]);
    paidCaseId = await paidBackPayment(server.baseUrl, server);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('auditor sees the path, verifies and exports', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, AUDITOR_USER, `/cases/${paidCaseId}`);
    await expect.poll(() => page.locator('#diagram svg').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#diagram svg .current').count()).toBeGreaterThan(0);
    expect(await page.locator('#diagram svg .visited').count()).toBeGreaterThan(0);
    expect(await page.locator('#diagram svg .current').first().textContent()).toContain('已缴款');

    // As of event 3 the case was ready to declare: the step control redraws the diagram.
    await page.locator('#step').fill('3');
    await page.locator('#step').dispatchEvent('change');
    await expect.poll(() => page.locator('#diagram svg .current').allTextContents(), { timeout: 10_000 }).toContain('可向税务申报');
    expect(await page.locator('#step-output').textContent()).toContain('第 3 步');

    await page.getByRole('button', { name: '校验哈希链' }).click();
    await expect.poll(() => page.locator('#verify-result').textContent()).toContain('哈希链完整：共 6 个事件');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 JSON' }).click()]);
    const exported = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8'));
    expect(JSON.stringify(exported)).toContain(paidCaseId);
    expect(JSON.stringify(exported)).toContain('"PAY"');

    await page.goto(`${server.baseUrl}/audit`);
    await page.getByRole('button', { name: '校验全部哈希链' }).click();
    await expect.poll(() => page.locator('#verify-all-result').textContent()).toContain('哈希链完整');
    await page.getByLabel('案件编号').fill(paidCaseId);
    await page.getByRole('button', { name: '校验该案件' }).click();
    await expect.poll(() => page.locator('#audit-case-result').textContent()).toContain('共 6 个事件');
    expect(await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href')).toBe(`/api/audit/cases/${paidCaseId}/export?format=csv`);
    await page.close();
  });

  it('English switch changes the pages and sticks', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, CLERK, '/worklist');
    expect(await page.locator('h1').textContent()).toBe('待办案件');
    await Promise.all([page.waitForURL(/lang=en/), page.getByTestId('language-switch').click()]);
    expect(await page.locator('h1').textContent()).toBe('Worklist');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.goto(`${server.baseUrl}/cases/${paidCaseId}`);
    expect(await page.getByRole('heading', { name: 'History' }).count()).toBe(1);
    await expect.poll(() => page.locator('#case-summary').textContent()).toContain('Paid (closed)');
    expect(await page.locator('#history tbody').textContent()).toContain('CNY 1,234.56');
    expect(await page.locator('#history tbody').textContent()).toContain('2024-01-16');

    await page.goto(`${server.baseUrl}/worklist?lang=zh`);
    expect(await page.locator('h1').textContent()).toBe('待办案件');
    await page.close();
  });

  it('inspector shows the automatic window transition live', { timeout: 60_000 }, async () => {
    const opened = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { processId: 'monthly-report', input: { employerCode: EMPLOYER_CODE, feePeriod: '2023-12' } } });
    expect(opened.status, opened.text).toBe(201);
    const caseId: string = opened.body.id;
    await sendEvent(server.baseUrl, caseId, HR, { type: 'HR_MONTH_END_PUSH', data: HR_PUSH, expectedVersion: 1 });

    const page = await signIn(browser.context, server.baseUrl, HR_WORKER, `/cases/${caseId}`);
    await expect.poll(() => page.locator('#inspector > li').count()).toBe(2);
    await expect.poll(() => page.locator('#live-status').getAttribute('data-connected')).toBe('true');

    // The medical push completes the parallel state; the always-transition then opens the window at once.
    const pushed = await sendEvent(server.baseUrl, caseId, MEDICAL, { type: 'MEDICAL_MONTH_END_PUSH', data: MEDICAL_PUSH, expectedVersion: 2 });
    expect(pushed.body.state).toEqual(['windowOpen']);
    await expect.poll(() => page.locator('#inspector > li').count(), { timeout: 10_000 }).toBe(3);
    const last = page.locator('#inspector > li[data-seq="3"]');
    const automatic = await last.locator('li.transition.automatic').allTextContents();
    expect(automatic.some((text) => text.includes('→') && text.includes('自动转移'))).toBe(true);
    expect(await last.locator('.result').textContent()).toContain('结果状态');
    expect(await last.locator('li.transition:not(.automatic)').count()).toBeGreaterThan(0);
    await page.close();
  });
  it('diagram fallback shows the text and a list', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, AUDITOR_USER, `/cases/${paidCaseId}`);
    await expect.poll(() => page.locator('#diagram svg').count(), { timeout: 15_000 }).toBe(1);
    // A string, because Vitest rewrites import() inside functions it transforms.
    const outcomes = (await page.evaluate(`(async () => {
      const { renderMermaid } = await import('/static/viewer/common.js');
      const results = [];
      for (const text of ['stateDiagram-v2\\n' + '  a --> b\\n'.repeat(6000), 'stateDiagram-v2\\n  a --> --> ;;']) {
        const container = document.createElement('div');
        document.body.append(container);
        const drawn = await renderMermaid(container, text, ['■ 已缴款']);
        results.push({ drawn, list: container.querySelector('.fallback-states')?.textContent ?? '', text: container.querySelector('pre')?.textContent.length ?? 0, svg: container.querySelectorAll('svg').length });
      }
      return results;
    })()`)) as { drawn: boolean; list: string; text: number; svg: number }[];
    for (const outcome of outcomes) {
      expect(outcome.drawn).toBe(false);
      expect(outcome.list).toContain('已缴款');
      expect(outcome.text).toBeGreaterThan(10);
      expect(outcome.svg).toBe(0);
    }
    await page.close();
  });
  it('catalogue lists every process', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, CLERK, '/processes');
    const sections = page.locator('section.process');
    expect(await sections.count()).toBe(listLatestProcesses().length);

    // Diagrams are drawn as their sections scroll into view.
    const last = sections.last();
    await last.scrollIntoViewIfNeeded();
    await expect.poll(() => last.locator('.diagram svg').count(), { timeout: 15_000 }).toBe(1);
    expect(await last.locator('table.branches tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#process-individual-back-payment').textContent()).toContain('2023年12月');
    await page.close();
  });
});
