import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, EMPLOYER_CODE, HR, request, sendEvent } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { CLERK, TRAINER_USER, createViewerUsers, signIn } from './support/viewer-session.js';

/** Where the screenshots referenced by docs/viewer.md are written; each run replaces them. */
const SCREENSHOT_FOLDER = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

// Takes the 1280×800 screenshots of the viewer documentation from a small set of cases. The pages need a
// CJK font in the system (Debian: fonts-wqy-microhei) or the Chinese text shows as boxes.
describe.runIf(browserAvailable())('viewer screenshots', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let caseId: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_FOLDER, { recursive: true });
    server = await startTestServer({ now: new Date('2024-01-15T02:00:00Z') });
    await createViewerUsers(server, [CLERK, TRAINER_USER]);
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    caseId = created.body.id;
    await sendEvent(server.baseUrl, caseId, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
    await sendEvent(server.baseUrl, caseId, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
    for (const feePeriod of ['2023-12', '2024-01']) {
      const report = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: { processId: 'monthly-report', input: { employerCode: EMPLOYER_CODE, feePeriod } } });
      expect(report.status, report.text).toBe(201);
    }
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('captures worklist, case page and trainer mode', { timeout: 90_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, CLERK, '/worklist');
    await expect.poll(() => page.locator('#worklist tbody tr[data-case]').count()).toBe(3);
    await page.screenshot({ path: `${SCREENSHOT_FOLDER}worklist.png` });

    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await expect.poll(() => page.locator('#diagram svg').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.locator('#exchange svg').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: `${SCREENSHOT_FOLDER}case-page.png` });
    await page.close();

    const trainer = await signIn(browser.context, server.baseUrl, TRAINER_USER, '/training');
    await trainer.getByLabel('培训场景').selectOption('split-record');
    await trainer.getByRole('button', { name: '开始', exact: true }).click();
    for (let step = 2; step <= 5; step += 1) {
      await expect.poll(() => trainer.locator('#scenario-progress').textContent()).toContain(`第 ${step - 1} 步`);
      await trainer.getByRole('button', { name: '下一步', exact: true }).click();
    }
    await expect.poll(() => trainer.locator('#scenario-case').getAttribute('data-state')).toContain('splitRecord');
    await expect.poll(() => trainer.locator('#scenario-diagram svg').count(), { timeout: 15_000 }).toBe(1);
    await trainer.screenshot({ path: `${SCREENSHOT_FOLDER}trainer-mode.png` });
    await trainer.close();
  });
});
