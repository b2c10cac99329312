import type { BrowserContext, Page } from 'playwright-core';
import { EMPLOYER_CODE } from '../../support/api-client.js';
import type { TestServer } from '../../support/test-server.js';

/** The password of every user the viewer tests create. */
export const VIEWER_PASSWORD = 'viewer test password 2024';

/** A user of the viewer tests, created with a password so that it signs in through the login page. */
export interface ViewerUser {
  readonly username: string;
  readonly role: 'employer' | 'caseworker' | 'auditor' | 'trainer';
  readonly agency?: 'hr' | 'medical' | 'tax';
  readonly employerCode?: string;
}

export const CLERK: ViewerUser = { username: 'clerk-zhang', role: 'employer', employerCode: EMPLOYER_CODE };
export const HR_WORKER: ViewerUser = { username: 'hr-li', role: 'caseworker', agency: 'hr' };
export const TAX_WORKER: ViewerUser = { username: 'tax-wang', role: 'caseworker', agency: 'tax' };
export const AUDITOR_USER: ViewerUser = { username: 'auditor-zhao', role: 'auditor' };
export const TRAINER_USER: ViewerUser = { username: 'trainer-sun', role: 'trainer' };

/** Creates the viewer users on a test server. */
export async function createViewerUsers(server: TestServer, users: readonly ViewerUser[]): Promise<void> {
  for (const user of users) {
    await server.users.createUser({ ...user, password: VIEWER_PASSWORD }, 'viewer-test', server.clock.now());
  }
}

/**
 * Signs in through the login page in a fresh page of its own cookie jar: the browser context is shared,
 * so each user signs out first by clearing the cookies.
 */
export async function signIn(context: BrowserContext, baseUrl: string, user: ViewerUser, next = '/'): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.locator('#login-form[data-ready="true"]').waitFor();
  await page.getByLabel(/用户名|User name/).fill(user.username);
  await page.getByLabel(/密码|Password/).fill(VIEWER_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.getByRole('button', { name: /^(登录|Sign in)$/ }).click()]);
  return page;
}

/** Fills and submits the action form of an event on the case page. */
export async function submitAction(page: Page, eventType: string, fields: Readonly<Record<string, string>> = {}, channel?: string): Promise<void> {
  const form = page.locator(`form.action[data-event="${eventType}"]`);
  for (const [path, value] of Object.entries(fields)) await form.locator(`[data-path="${path}"]`).fill(value);
  if (channel !== undefined) await form.locator('select[name="channel"]').selectOption(channel);
  await form.getByRole('button').last().click();
}
