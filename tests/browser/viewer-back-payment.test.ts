import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { CLERK, HR_WORKER, TAX_WORKER, createViewerUsers, signIn, submitAction } from './support/viewer-session.js';

// The December 2023 individual back-payment of a person added in January 2024 goes from the new-case form
// to payment through the pages alone. Employer staff, an hr caseworker and a tax caseworker each sign in
// on the login page and act on the case page.
describe.runIf(browserAvailable())('viewer back-payment through the pages', () => {
  let server: TestServer;
  let browser: TestBrowser;
  /** A second Chromium for the agency staff, so that the employer's page keeps its own session cookie. */
  let staffBrowser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer({ now: new Date('2024-01-15T02:00:00Z') });
    await createViewerUsers(server, [CLERK, HR_WORKER, TAX_WORKER]);
    browser = await launchBrowser();
    staffBrowser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await staffBrowser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('login page shows a wrong password next to the field', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/worklist`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.locator('#login-form[data-ready="true"]').waitFor();

    await page.getByLabel('用户名').fill(CLERK.username);
    await page.getByLabel('密码').fill('not the password');
    await page.getByRole('button', { name: '登录' }).click();

    await expect.poll(() => page.locator('#password-error').textContent()).toContain('用户名或密码不正确');
    expect(await page.getByLabel('密码').getAttribute('aria-invalid')).toBe('true');
    await page.close();
  });

  it('runs from creation to paid with the early declaration rejected', { timeout: 120_000 }, async () => {
    // Employer staff open the case from the worklist's new-case form.
    const clerk = await signIn(browser.context, server.baseUrl, CLERK);
    expect(new URL(clerk.url()).pathname).toBe('/worklist');
    await clerk.goto(`${server.baseUrl}/new/individual-back-payment`);
    await expect.poll(() => clerk.locator('[data-path="employerCode"]').inputValue()).toBe(CLERK.employerCode);
    await clerk.getByLabel('姓名').fill('张三');
    await clerk.getByLabel('证件号码').fill('11010519491231002X');
    await clerk.getByLabel('起始费款所属期 *').fill('2023-12');
    await clerk.getByLabel('截止费款所属期 *').fill('2023-12');
    for (const insurance of ['养老保险', '失业保险', '工伤保险', '医疗保险（含生育）']) await clerk.getByLabel(insurance).check();
    await clerk.getByLabel('税务端开始缴费年月').fill('2024-01');
    await Promise.all([clerk.waitForURL(/\/cases\//), clerk.getByRole('button', { name: '立案' }).click()]);
    const caseId = decodeURIComponent(new URL(clerk.url()).pathname.split('/')[2] ?? '');

    await expect.poll(() => clerk.locator('#case-summary').getAttribute('data-state')).toBe('taxRoute.awaitingStartMonthMaintenance');
    await expect.poll(() => clerk.locator('#diagram svg').count()).toBe(1);

    // The declaration is offered with the reason it is blocked, and sending it anyway shows the rejection.
    const declare = clerk.locator('form.action[data-event="DECLARE"]');
    expect(await declare.locator('.blocked').textContent()).toContain('维护开始缴费年月');
    await submitAction(clerk, 'DECLARE', {}, 'fee-client');
    await expect.poll(() => declare.locator('.form-error').textContent()).toContain('未受理');
    expect(await declare.locator('.form-error').textContent()).toContain('单位申报个人补缴');
    expect(await declare.locator('.form-error').textContent()).toContain('MAINTAIN_START_MONTH');

    // A malformed month is caught next to its field before anything is sent.
    await submitAction(clerk, 'MAINTAIN_START_MONTH', { startMonth: '2023/12' }, 'hr-online');
    const startMonth = clerk.locator('form.action[data-event="MAINTAIN_START_MONTH"] [data-path="startMonth"]');
    expect(await startMonth.getAttribute('aria-invalid')).toBe('true');
    await submitAction(clerk, 'MAINTAIN_START_MONTH', { startMonth: '2023-12' }, 'hr-online');
    await expect.poll(() => clerk.locator('#case-summary').getAttribute('data-state')).toBe('taxRoute.awaitingHrPush');

    // hr pushes the start month; the employer's open page follows through the live stream.
    const hr = await signIn(staffBrowser.context, server.baseUrl, HR_WORKER, `/cases/${caseId}`);
    await expect.poll(() => hr.locator('form.action[data-event="HR_PUSH_START_MONTH"]').count()).toBe(1);
    await submitAction(hr, 'HR_PUSH_START_MONTH', { startMonth: '2023-12' });
    await expect.poll(() => hr.locator('#case-summary').getAttribute('data-state')).toBe('taxRoute.readyToDeclare');
    await hr.close();
    await expect.poll(() => clerk.locator('#case-summary').getAttribute('data-state'), { timeout: 10_000 }).toBe('taxRoute.readyToDeclare');
    expect(await clerk.locator('#live-status').textContent()).toContain('案件已更新到版本 3');

    // The next day the session (10 hours) has expired, so the employer signs in again.
    await clerk.close();
    server.clock.set(new Date('2024-01-16T02:00:00Z'));
    const payer = await signIn(browser.context, server.baseUrl, CLERK, `/cases/${caseId}`);
    await expect.poll(() => payer.locator('#case-summary').getAttribute('data-state')).toBe('taxRoute.readyToDeclare');
    await submitAction(payer, 'DECLARE', {}, 'fee-client');
    await expect.poll(() => payer.locator('#case-summary').getAttribute('data-state')).toBe('taxRoute.declared');

    const tax = await signIn(staffBrowser.context, server.baseUrl, TAX_WORKER, `/cases/${caseId}`);
    await expect.poll(() => tax.locator('form.action[data-event="ASSESS"]').count()).toBe(1);
    // Amounts are entered in yuan; a wrong one is caught next to its field when the user leaves it.
    const assessAmount = tax.locator('form.action[data-event="ASSESS"] [data-path="amountFen"]');
    const assessError = tax.locator('form.action[data-event="ASSESS"] .field:has([data-path="amountFen"]) .field-error');
    await assessAmount.fill('1234.567');
    await assessAmount.blur();
    await expect.poll(() => assessError.textContent()).toBe('金额最多两位小数（精确到分）。');
    expect(await assessAmount.getAttribute('aria-invalid')).toBe('true');
    await assessAmount.fill('-1234.56');
    await assessAmount.blur();
    await expect.poll(() => assessError.textContent()).toBe('金额不能为负数。');
    // Typing a valid amount clears the error before the form is sent.
    await assessAmount.fill('1,234.5');
    expect(await assessError.textContent()).toBe('');
    expect(await assessAmount.getAttribute('aria-invalid')).toBeNull();
    await submitAction(tax, 'ASSESS', { amountFen: '1,234.5' });
    await expect.poll(() => tax.locator('#case-summary').getAttribute('data-state')).toBe('taxRoute.assessed');
    await tax.close();

    // The employer's page follows the assessment through the live stream.
    await expect.poll(() => payer.locator('form.action[data-event="PAY"]').count(), { timeout: 10_000 }).toBe(1);
    await submitAction(payer, 'PAY', { amountFen: '1234.50' }, 'fee-client');
    await expect.poll(() => payer.locator('#case-summary').getAttribute('data-state')).toBe('paid');
    await expect.poll(() => payer.locator('#actions').textContent()).toContain('当前状态下没有可办理的事项');

    // The history table shows the whole path with Chinese dates and yuan amounts.
    const history = payer.locator('#history tbody tr');
    expect(await history.count()).toBe(6);
    expect(await history.nth(4).textContent()).toContain('金额（元）：¥1,234.50');
    expect(await history.nth(3).textContent()).toContain('2024年01月16日');
    await payer.close();

    const stored = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/history`);
    expect(stored.body.events.map((event: { type: string }) => event.type)).toEqual(['CASE_CREATED', 'MAINTAIN_START_MONTH', 'HR_PUSH_START_MONTH', 'DECLARE', 'ASSESS', 'PAY']);
    // The form sent the yuan amounts to the API in integer fen.
    expect(stored.body.events[4].data).toEqual({ amountFen: 123_450 });
    expect(stored.body.events[5].data).toEqual({ amountFen: 123_450 });
  });

  it('new-case form takes month rows with yuan amounts', { timeout: 60_000 }, async () => {
    const clerk = await signIn(browser.context, server.baseUrl, CLERK, '/new/arrears');
    await expect.poll(() => clerk.locator('[data-path="employerCode"]').inputValue()).toBe(CLERK.employerCode);
    const principal = clerk.locator('[data-path="months.0.principalFen"]');
    const principalError = clerk.locator('.field:has([data-path="months.0.principalFen"]) .field-error');

    await clerk.locator('[data-path="months.0.feePeriod"]').fill('2023-12');
    await principal.fill('一千');
    await principal.blur();
    await expect.poll(() => principalError.textContent()).toBe('请填写以元为单位的金额，例如 1234.56。');
    await principal.fill('1000.5');

    // A second row, removed again, leaves the first one as months.0.
    await clerk.getByRole('button', { name: '添加一行' }).click();
    await clerk.locator('[data-path="months.1.feePeriod"]').fill('2024-01');
    await clerk.locator('[data-path="months.1.principalFen"]').fill('0.001');
    await clerk.getByRole('button', { name: '删除此行' }).nth(1).click();
    expect(await clerk.locator('[data-path="months.1.feePeriod"]').count()).toBe(0);

    await Promise.all([clerk.waitForURL(/\/cases\//), clerk.getByRole('button', { name: '立案' }).click()]);
    const caseId = decodeURIComponent(new URL(clerk.url()).pathname.split('/')[2] ?? '');
    const stored = await request(server.baseUrl, 'GET', `/api/cases/${caseId}`);
    expect(stored.body.context.months.map((month: { feePeriod: string; principalFen: number }) => [month.feePeriod, month.principalFen])).toEqual([['2023-12', 100_050]]);

    // The same check in English.
    await clerk.goto(`${server.baseUrl}/new/arrears?lang=en`);
    const englishPrincipal = clerk.locator('[data-path="months.0.principalFen"]');
    await englishPrincipal.fill('12.345');
    await englishPrincipal.blur();
    await expect
      .poll(() => clerk.locator('.field:has([data-path="months.0.principalFen"]) .field-error').textContent())
      .toBe('Enter at most two decimals: amounts are exact to the fen (0.01 yuan).');
    await clerk.goto(`${server.baseUrl}/worklist?lang=zh`);
    await clerk.close();
  });
});
