import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listLatestProcesses } from '../../machines/catalogue.js';
import { EMPLOYER, HR, request, sendEvent } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { SAMPLE_INPUTS } from '../auth/sample-inputs.js';
import { AUDITOR_USER, createViewerUsers, signIn } from './support/viewer-session.js';

/**
 * The worklist row of each process as of Tuesday 2024-08-20, with the sample input of every process: the
 * deadline cell's `data-deadline` (a date, `pending` or `none`) and the days-left cell. 2024-08-25 is a
 * Sunday, so the July declaration deadline moves to Monday the 26th.
 */
const EXPECTED: Readonly<Record<string, { readonly deadline: string; readonly daysLeft: string }>> = {
  'monthly-report': { deadline: '2024-08-26', daysLeft: '4' },
  'contribution-base-declaration': { deadline: '2024-08-26', daysLeft: '4' },
  arrears: { deadline: '2024-06-25', daysLeft: '已逾期' },
  // hr registers the addition in the test, so the August window's deadline applies.
  'personnel-addition': { deadline: '2024-09-25', daysLeft: '25' },
  // hr records a change that succeeded in August; the push is due before the 10th of September.
  'industry-change': { deadline: '2024-09-09', daysLeft: '14' },
  'personal-data-change': { deadline: '2024-08-31', daysLeft: '8' },
  'sporadic-report': { deadline: '2024-08-31', daysLeft: '8' },
  'employer-registration': { deadline: '2024-08-31', daysLeft: '8' },
  'individual-back-payment': { deadline: 'none', daysLeft: '不适用' },
  'policy-back-payment': { deadline: 'none', daysLeft: '不适用' },
  'base-difference-top-up': { deadline: 'none', daysLeft: '不适用' },
  'base-difference-refund': { deadline: 'none', daysLeft: '不适用' },
  'refund-application': { deadline: 'none', daysLeft: '不适用' },
  'personnel-termination': { deadline: 'none', daysLeft: '不适用' },
};

async function rowOf(page: Page, caseId: string): Promise<{ deadline: string | null; deadlineText: string; daysLeft: string }> {
  const row = page.locator(`#worklist tr[data-case="${caseId}"]`);
  return {
    deadline: await row.locator('td.deadline').getAttribute('data-deadline'),
    deadlineText: (await row.locator('td.deadline').textContent()) ?? '',
    daysLeft: (await row.locator('td.days-left').textContent()) ?? '',
  };
}

describe.runIf(browserAvailable())('viewer worklist deadlines', () => {
  let server: TestServer;
  let browser: TestBrowser;
  const caseIds = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer({ now: new Date('2024-08-20T02:00:00Z') });
    await createViewerUsers(server, [AUDITOR_USER]);
    browser = await launchBrowser();
    for (const definition of listLatestProcesses()) {
      const created = await request(server.baseUrl, 'POST', '/api/cases', {
        actor: EMPLOYER,
        json: { processId: definition.id, input: SAMPLE_INPUTS[definition.id] },
      });
      if (created.status !== 201) throw new Error(`opening ${definition.id} failed: ${created.text}`);
      caseIds.set(definition.id, created.body.id);
    }
    const addition = caseIds.get('personnel-addition') as string;
    const registered = await sendEvent(server.baseUrl, addition, HR, { type: 'REGISTRATION_SUCCEEDED', expectedVersion: 1 });
    if (registered.status !== 200) throw new Error(`REGISTRATION_SUCCEEDED failed: ${registered.text}`);
    const industry = caseIds.get('industry-change') as string;
    const recorded = await sendEvent(server.baseUrl, industry, HR, {
      type: 'HR_RECORD_CHANGE',
      data: { newRiskClass: 3, changeSucceededIn: '2024-08' },
      expectedVersion: 1,
    });
    if (recorded.status !== 200) throw new Error(`HR_RECORD_CHANGE failed: ${recorded.text}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  it('every process has an expected row', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...caseIds.keys()].sort());
  });

  it('shows each process deadline and working days left', { timeout: 60_000 }, async () => {
    const page = await signIn(browser.context, server.baseUrl, AUDITOR_USER, '/worklist');
    await expect.poll(() => page.locator('#worklist tbody tr[data-case]').count()).toBe(caseIds.size);

    for (const [processId, caseId] of caseIds) {
      const expected = EXPECTED[processId];
      const row = await rowOf(page, caseId);
      expect(row.deadline, processId).toBe(expected?.deadline);
      expect(row.daysLeft, processId).toBe(expected?.daysLeft);
      expect(row.deadlineText, processId).not.toBe('—');
    }

    const monthly = await rowOf(page, caseIds.get('monthly-report') as string);
    expect(monthly.deadlineText).toContain('2024年08月26日');
    expect(monthly.deadlineText).toContain('遇节假日顺延');
    const none = await rowOf(page, caseIds.get('individual-back-payment') as string);
    expect(none.deadlineText).toBe('无办理期限');

    // Overdue first: the arrears case leads the list.
    expect(await page.locator('#worklist tbody tr').first().getAttribute('data-case')).toBe(caseIds.get('arrears'));
    await page.close();
  });

  it('shows pending and missing deadlines in English', { timeout: 60_000 }, async () => {
    const opened = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: EMPLOYER,
      json: { processId: 'personnel-addition', input: SAMPLE_INPUTS['personnel-addition'] },
    });
    expect(opened.status).toBe(201);

    const page = await signIn(browser.context, server.baseUrl, AUDITOR_USER, '/worklist?lang=en');
    await expect.poll(() => page.locator('#worklist tbody tr[data-case]').count()).toBe(caseIds.size + 1);

    const unregistered = await rowOf(page, opened.body.id);
    expect(unregistered.deadline).toBe('pending');
    expect(unregistered.deadlineText).toBe('No deadline at this step');
    expect(unregistered.daysLeft).toBe('Not applicable');

    const none = await rowOf(page, caseIds.get('refund-application') as string);
    expect(none.deadlineText).toBe('No deadline');
    const monthly = await rowOf(page, caseIds.get('monthly-report') as string);
    expect(monthly.deadlineText).toContain('2024-08-26');
    expect(monthly.deadlineText).toContain('moved past holidays');
    await page.close();
  });
});
