import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { CLERK, createViewerUsers, signIn } from './support/viewer-session.js';

const OTHER_EMPLOYER = '91110108MA01ABCD0B';

// The personnel addition form has an optional group, the previous employer of a same-month move, whose own
// fields are required once any of them is filled in.
describe.runIf(browserAvailable())('viewer form with an optional group', () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer({ now: new Date('2024-01-15T02:00:00Z') });
    await createViewerUsers(server, [CLERK]);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('opens a case with the group left empty', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, CLERK, '/new/personnel-addition');
    await fillAddition(page);
    await Promise.all([page.waitForURL(/\/cases\//), page.getByRole('button', { name: '立案' }).click()]);

    const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    const stored = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`);
    expect(stored.body.processId).toBe('personnel-addition');
    expect(stored.body.context.previousEmployer).toBeNull();
    await page.close();
  });

  it('flags a half-filled group next to its field', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, CLERK, '/new/personnel-addition');
    await fillAddition(page);
    await page.locator('[data-path="previousEmployer.employerCode"]').fill(OTHER_EMPLOYER);
    await page.getByRole('button', { name: '立案' }).click();

    const monthError = page.locator('.field:has([data-path="previousEmployer.lastChargedMonth"]) .field-error');
    await expect.poll(() => monthError.textContent()).not.toBe('');
    expect(new URL(page.url()).pathname).toBe('/new/personnel-addition');

    // Completing the group opens the case with the previous employer recorded.
    await page.locator('[data-path="previousEmployer.lastChargedMonth"]').fill('2024-01');
    await Promise.all([page.waitForURL(/\/cases\//), page.getByRole('button', { name: '立案' }).click()]);
    const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    const stored = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`);
    expect(stored.body.context.previousEmployer).toEqual({ employerCode: OTHER_EMPLOYER, lastChargedMonth: '2024-01' });
    await page.close();
  });
});

async function fillAddition(page: import('playwright-core').Page): Promise<void> {
  await expect.poll(() => page.locator('[data-path="employerCode"]').inputValue()).toBe(CLERK.employerCode);
  await page.locator('[data-path="person.name"]').fill('张三');
  await page.locator('[data-path="person.idNumber"]').fill('11010519491231002X');
  await page.locator('[data-path="labourContract.kind"]').selectOption('open-ended');
  await page.locator('[data-path="labourContract.startsOn"]').fill('2024-01-10');
  for (const insurance of ['pension', 'unemployment', 'workInjury', 'medical']) {
    await page.locator(`[data-path="insurances"] input[value="${insurance}"]`).check();
  }
}
