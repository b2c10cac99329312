import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TRAINER, request } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { TRAINING_SCENARIOS } from '../../viewer/pages/training-scenarios.js';
import { TRAINER_USER, createViewerUsers, signIn } from './support/viewer-session.js';

/** Presses a scenario button and waits until the progress line names the expected step. */
async function press(page: Page, name: string, expectedStep: number, total: number): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await expect.poll(() => page.locator('#scenario-progress').textContent(), { timeout: 15_000 }).toBe(`第 ${expectedStep} 步，共 ${total} 步`);
}

describe.runIf(browserAvailable())('viewer trainer mode', () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer({ now: new Date('2024-01-10T02:00:00Z') });
    await createViewerUsers(server, [TRAINER_USER]);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('plays the 张一/张二 split-record scenario', { timeout: 120_000 }, async () => {
    const scenario = TRAINING_SCENARIOS.find((entry) => entry.id === 'split-record');
    if (!scenario) throw new Error('split-record scenario missing');
    const total = scenario.steps.length;
    const page = await signIn(browser.context, server.baseUrl, TRAINER_USER);
    expect(new URL(page.url()).pathname).toBe('/training');

    await page.getByLabel('培训场景').selectOption('split-record');
    await press(page, '开始', 1, total);
    expect(await page.locator('#narration li[data-step="1"]').textContent()).toContain('同一个月内');
    for (let step = 2; step <= 5; step += 1) await press(page, '下一步', step, total);
    await expect.poll(() => page.locator('#scenario-case').getAttribute('data-state')).toContain('tracking.taxView.splitRecord');
    expect(await page.locator('#narration li[aria-current="step"]').textContent()).toContain('税务端出现两条记录');

    // Back replays steps 1 to 4 into a new sandbox: the split is not there yet.
    await press(page, '上一步', 4, total);
    await expect.poll(() => page.locator('#scenario-case').getAttribute('data-state')).not.toContain('splitRecord');
    await press(page, '下一步', 5, total);
    await expect.poll(() => page.locator('#scenario-case').getAttribute('data-state')).toContain('splitRecord');

    for (let step = 6; step <= total; step += 1) await press(page, '下一步', step, total);
    await expect.poll(() => page.locator('#scenario-case').getAttribute('data-state')).toBe('consistent');
    expect(await page.locator('#scenario-outcome').textContent()).toBe('场景已演示完毕。');
    expect(await page.locator('#narration .form-error').count()).toBe(0);
    await expect.poll(() => page.locator('#scenario-diagram svg').count()).toBe(1);

    // Every case of the scenario lives in a sandbox; no real case was opened.
    const realCases = await request(server.baseUrl, 'GET', '/api/cases');
    expect(realCases.body.items).toEqual([]);
    await page.close();
  });

  it('stepping back keeps one sandbox', { timeout: 120_000 }, async () => {
    const countRows = async (table: 'sandboxes' | 'cases' | 'case_events'): Promise<number> => {
      const row = await server.connection.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow();
      return Number(row.count);
    };
    const before = { sandboxes: await countRows('sandboxes'), cases: await countRows('cases') };
    const scenario = TRAINING_SCENARIOS.find((entry) => entry.id === 'december-back-payment');
    if (!scenario) throw new Error('december-back-payment scenario missing');
    const total = scenario.steps.length;

    const page = await signIn(browser.context, server.baseUrl, TRAINER_USER, '/training');
    await page.getByLabel('培训场景').selectOption(scenario.id);
    await press(page, '开始', 1, total);
    for (let step = 2; step <= 6; step += 1) await press(page, '下一步', step, total);
    expect(await countRows('sandboxes')).toBe(before.sandboxes + 1);

    // Back and forth five times, then a reset: each new sandbox replaces the page's previous one.
    for (let round = 0; round < 5; round += 1) {
      await press(page, '上一步', 5, total);
      await press(page, '下一步', 6, total);
    }
    await press(page, '重置', 1, total);
    expect(await countRows('sandboxes')).toBe(before.sandboxes + 1);
    expect(await countRows('cases')).toBe(before.cases + 1);
    await expect.poll(() => page.locator('#scenario-case').getAttribute('data-state')).toBe('taxRoute.awaitingStartMonthMaintenance');

    // The replaced sandboxes are gone with their cases, events and timers.
    const sandboxes = await server.connection.db.selectFrom('sandboxes').select('id').execute();
    const orphanEvents = await server.connection.db
      .selectFrom('case_events')
      .leftJoin('cases', 'cases.id', 'case_events.case_id')
      .where('cases.id', 'is', null)
      .select('case_events.id')
      .execute();
    expect(orphanEvents).toEqual([]);
    const orphanTimers = await server.connection.db
      .selectFrom('case_timers')
      .where('sandbox_id', 'is not', null)
      .where('sandbox_id', 'not in', sandboxes.map((sandbox) => sandbox.id))
      .select('id')
      .execute();
    expect(orphanTimers).toEqual([]);
    await page.close();
  });

  it('replacing an unknown sandbox is 404', async () => {
    const replaced = await request(server.baseUrl, 'POST', '/api/sandboxes', {
      actor: TRAINER,
      json: { name: '替换测试', simulatedDate: '2024-01-15', replacesSandboxId: 'no-such-sandbox' },
    });
    expect(replaced.status).toBe(404);
    expect(replaced.body.error.code).toBe('SANDBOX_NOT_FOUND');
    const named = await server.connection.db.selectFrom('sandboxes').select('id').where('name', '=', '替换测试').execute();
    expect(named).toEqual([]);
  });

  it('plays the January move with both employers', { timeout: 120_000 }, async () => {
    const scenario = TRAINING_SCENARIOS.find((entry) => entry.id === 'january-move');
    if (!scenario) throw new Error('january-move scenario missing');
    const total = scenario.steps.length;
    const page = await signIn(browser.context, server.baseUrl, TRAINER_USER, '/training');
    await page.getByLabel('培训场景').selectOption(scenario.id);
    await press(page, '开始', 1, total);
    for (let step = 2; step <= total; step += 1) await press(page, '下一步', step, total);
    expect(await page.locator('#narration .form-error').count()).toBe(0);

    // Both employers' cases are listed: A's termination is done, and hr has registered B's addition.
    const cases = page.locator('#scenario-cases li');
    await expect.poll(() => cases.count()).toBe(2);
    expect(await cases.nth(0).getAttribute('data-employer')).toBe('91350100M000100Y43');
    expect(await cases.nth(0).getAttribute('data-state')).toBe('terminated');
    expect(await cases.nth(1).getAttribute('data-employer')).toBe('91110108MA01ABCD2H');
    expect(await cases.nth(1).getAttribute('data-state')).toBe('awaitingWageDeclaration');

    // B's own case stored the months per insurance that its registration computed.
    const additionId = await cases.nth(1).getAttribute('data-case');
    const addition = await request(server.baseUrl, 'GET', `/api/cases/${additionId}`, { actor: TRAINER });
    expect(addition.body.context.startMonths).toEqual({ pension: '2024-02', unemployment: '2024-02', workInjury: '2024-01', medical: '2024-02' });

    // The months per insurance: A stops everything in January. B starts work injury in January, and
    // pension, unemployment and medical in February.
    const months = page.locator('#scenario-months');
    expect(await months.locator('thead th').allTextContents()).toEqual(['险种', '91350100M000100Y43 停止缴费年月', '91110108MA01ABCD2H 开始缴费年月']);
    const cells = async (insurance: string) => months.locator(`tr[data-insurance="${insurance}"] td`).allTextContents();
    expect(await cells('pension')).toEqual(['2024年01月', '2024年02月']);
    expect(await cells('unemployment')).toEqual(['2024年01月', '2024年02月']);
    expect(await cells('workInjury')).toEqual(['2024年01月', '2024年01月']);
    expect(await cells('medical')).toEqual(['2024年01月', '2024年02月']);
    await page.close();
  });

  it('sets the simulated date and lists the branches', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, TRAINER_USER, '/training');
    await page.getByLabel('培训场景').selectOption('december-back-payment');
    await press(page, '开始', 1, 8);
    await press(page, '下一步', 2, 8);
    expect(await page.locator('#narration li[data-step="2"] .form-error').textContent()).toContain('未受理');

    await page.getByLabel('模拟业务日期').fill('2024-01-20');
    await page.getByRole('button', { name: '设置日期' }).click();
    await expect.poll(() => page.locator('#scenario-outcome').textContent()).toBe('沙箱日期已设为 2024年01月20日。');

    const branches = page.locator('table.branches[data-process="monthly-report"] tbody tr');
    expect(await branches.count()).toBeGreaterThan(10);
    expect(await branches.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('自动转移')]));
    await page.close();
  });

  it('plays every scenario without an unexpected rejection', { timeout: 180_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, TRAINER_USER, '/training');
    for (const scenario of TRAINING_SCENARIOS) {
      await page.getByLabel('培训场景').selectOption(scenario.id);
      await press(page, '开始', 1, scenario.steps.length);
      for (let step = 2; step <= scenario.steps.length; step += 1) await press(page, '下一步', step, scenario.steps.length);
      const rejected = scenario.steps.flatMap((step, index) => ('expectRejection' in step ? [index + 1] : []));
      const shown = await page.locator('#narration > li:has(.form-error)').evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-step'))));
      expect(shown, scenario.id).toEqual(rejected);
    }
    await page.close();
  });
});
