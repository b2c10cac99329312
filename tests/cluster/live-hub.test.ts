import { describe, expect, it } from 'vitest';
import type { CaseChange } from '../../db/case-change.js';
import { LiveHub } from '../../server/live/live-hub.js';

function change(overrides: Partial<CaseChange> = {}): CaseChange {
  return {
    caseId: 'case-1',
    processId: 'monthly-report',
    version: 2,
    state: ['windowOpen'],
    status: 'active',
    eventType: 'WINDOW_OPENED',
    awaitingParties: ['employer'],
    previouslyAwaitingParties: [],
    sandboxId: null,
    occurredAt: '2025-10-10T01:00:00.000Z',
    ...overrides,
  };
}

describe('live hub', () => {
  it('delivers a change to the subscriptions whose filter matches', async () => {
    const hub = new LiveHub();
    const ofCase = hub.subscribe({ caseId: 'case-1' });
    const ofOtherCase = hub.subscribe({ caseId: 'case-2' });
    const employer = hub.subscribe({ party: 'employer', sandboxId: null });
    const tax = hub.subscribe({ party: 'tax', sandboxId: null });

    hub.publish(change());

    expect(await ofCase.next(10)).toEqual({ kind: 'change', change: change() });
    expect(await ofOtherCase.next(10)).toBe('timeout');
    expect(await employer.next(10)).toMatchObject({ kind: 'change' });
    expect(await tax.next(10)).toBe('timeout');
  });

  it('shows a worklist the cases that leave it', async () => {
    const hub = new LiveHub();
    const tax = hub.subscribe({ party: 'tax', sandboxId: null });
    hub.publish(change({ eventType: 'ASSESS', awaitingParties: ['employer'], previouslyAwaitingParties: ['tax'] }));
    expect(await tax.next(10)).toMatchObject({ kind: 'change', change: { eventType: 'ASSESS' } });
  });

  it('keeps sandbox changes out of real worklists', async () => {
    const hub = new LiveHub();
    const real = hub.subscribe({ party: 'employer', sandboxId: null });
    const sandbox = hub.subscribe({ party: 'employer', sandboxId: 'sandbox-1' });
    hub.publish(change({ sandboxId: 'sandbox-1' }));
    expect(await real.next(10)).toBe('timeout');
    expect(await sandbox.next(10)).toMatchObject({ kind: 'change' });
  });

  it('replaces a backlog with one resync message', async () => {
    const hub = new LiveHub();
    const slow = hub.subscribe({ caseId: 'case-1' });
    for (let version = 2; version < 2 + 150; version++) hub.publish(change({ version }));

    const first = await slow.next(10);
    expect(first).toEqual({ kind: 'resync', reason: 'viewer-behind' });
    const rest: unknown[] = [];
    for (let message = await slow.next(10); message !== 'timeout'; message = await slow.next(10)) rest.push(message);
    expect(rest.length).toBeLessThan(100);
  });

  it('ends waiting reads and refuses new subscriptions once closed', async () => {
    const hub = new LiveHub();
    const subscription = hub.subscribe({ caseId: 'case-1' });
    const waiting = subscription.next(10_000);
    hub.close();
    expect(await waiting).toBe('closed');
    expect(hub.size).toBe(0);
    expect(hub.subscribe({ caseId: 'case-1' }).closed).toBe(true);
  });
});
