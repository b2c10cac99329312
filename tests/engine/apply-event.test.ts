import { assign, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyEvent, listAllowedEventsOf, startCase } from '../../machines/engine/apply-event.js';
import type { EngineResult, EngineStep } from '../../machines/engine/apply-event.js';
import { defineProcess } from '../../machines/engine/process-definition.js';
import type { CaseEvent } from '../../machines/engine/process-definition.js';
import type { RuleCheck } from '../../machines/engine/rule.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';

interface Context {
  readonly pushes: number;
  readonly lastDate: string;
}

const blockedBeforeTwoPushes: RuleCheck<Context, unknown> = (context) =>
  context.pushes >= 2 ? null : { code: 'PUSHES_MISSING', message: { zh: '缺少推送', en: 'pushes missing' } };

/** Parallel regions joined by onDone, then an eventless transition that depends on the last event's date. */
const machine = setup({
  types: { context: {} as Context, events: {} as CaseEvent<'HR_PUSH' | 'MEDICAL_PUSH' | 'CLOSE' | 'TICK', Record<string, never>> },
  guards: {
    afterTenth: ({ context }) => context.lastDate.slice(8) >= '10',
    twoPushes: ({ context }) => blockedBeforeTwoPushes(context, undefined, context.lastDate as IsoDate) === null,
  },
}).createMachine({
  id: 'engine-test',
  context: { pushes: 0, lastDate: '' },
  initial: 'pushes',
  states: {
    pushes: {
      type: 'parallel',
      states: {
        hr: { initial: 'waiting', states: { waiting: { on: { HR_PUSH: { target: 'done', actions: assign({ pushes: ({ context }) => context.pushes + 1 }) } } }, done: { type: 'final' } } },
        medical: { initial: 'waiting', states: { waiting: { on: { MEDICAL_PUSH: { target: 'done', actions: assign({ pushes: ({ context }) => context.pushes + 1 }) } } }, done: { type: 'final' } } },
      },
      onDone: 'waitingForWindow',
      on: { CLOSE: { guard: 'twoPushes', target: 'closed' } },
    },
    waitingForWindow: {
      always: { guard: 'afterTenth', target: 'open' },
      on: { TICK: { actions: assign({ lastDate: ({ event }) => event.meta.businessDate }) } },
    },
    open: { on: { CLOSE: 'closed' } },
    closed: { type: 'final' },
  },
});

const title = (text: string) => ({ zh: text, en: text });
const empty = z.object({}).strict();
const definition = defineProcess({
  id: 'engine-test',
  version: 1,
  title: title('engine test'),
  description: title('engine test'),
  machine,
  inputSchema: empty,
  events: {
    HR_PUSH: { title: title('hr push'), parties: ['hr'], schema: empty },
    MEDICAL_PUSH: { title: title('medical push'), parties: ['medical'], schema: empty },
    TICK: { title: title('tick'), parties: ['system'], schema: empty },
    CLOSE: { title: title('close'), parties: ['employer'], channels: ['e-tax', 'tax-window'], schema: empty, rules: [blockedBeforeTwoPushes] },
  },
  stateTitles: {
    pushes: title('pushes'),
    'pushes.hr': title('hr'),
    'pushes.hr.waiting': title('hr waiting'),
    'pushes.hr.done': title('hr done'),
    'pushes.medical': title('medical'),
    'pushes.medical.waiting': title('medical waiting'),
    'pushes.medical.done': title('medical done'),
    waitingForWindow: title('waiting for window'),
    open: title('open'),
    closed: title('closed'),
  },
  caseKeys: () => ({ employerCode: 'x', feePeriodFrom: '2024-01', feePeriodTo: '2024-01' }),
});

function expectStep(result: EngineResult): EngineStep {
  if (!result.ok) throw new Error(`rejected: ${result.error.code} ${result.error.message}`);
  return result.step;
}

/** Restores from a JSON round trip, exactly as the store hands snapshots back. */
function send(step: EngineStep, type: string, party: 'hr' | 'medical' | 'system' | 'employer', date: string, channel?: 'e-tax'): EngineResult {
  const stored = JSON.parse(JSON.stringify(step.persistedSnapshot));
  return applyEvent(definition, stored, { type, data: {}, channel }, { party, businessDate: date as IsoDate });
}

describe('applyEvent', () => {
  it('persists snapshots as active, never stopped', () => {
    const started = expectStep(startCase(definition, {}, { party: 'employer', channel: 'api', businessDate: '2024-02-01' as IsoDate }));
    expect((started.persistedSnapshot as { status: string }).status).toBe('active');
    const pushed = expectStep(send(started, 'HR_PUSH', 'hr', '2024-02-01'));
    expect((pushed.persistedSnapshot as { status: string }).status).toBe('active');
  });

  it('completes parallel regions and runs always across restores', () => {
    const started = expectStep(startCase(definition, {}, { party: 'employer', channel: 'api', businessDate: '2024-02-01' as IsoDate }));
    const hr = expectStep(send(started, 'HR_PUSH', 'hr', '2024-02-01'));
    const medical = expectStep(send(hr, 'MEDICAL_PUSH', 'medical', '2024-02-02'));
    expect(medical.stateAfter).toEqual(['waitingForWindow']);

    const tick = expectStep(send(medical, 'TICK', 'system', '2024-02-10'));
    expect(tick.stateAfter).toEqual(['open']);
    const automatic = tick.inspection.microsteps.flatMap((microstep) => microstep.transitions).filter((transition) => transition.automatic);
    expect(automatic).toEqual([{ source: 'waitingForWindow', targets: ['open'], automatic: true }]);
  });

  it('checks party before state and state before data', () => {
    const started = expectStep(startCase(definition, {}, { party: 'employer', channel: 'api', businessDate: '2024-02-01' as IsoDate }));
    const wrongParty = send(started, 'HR_PUSH', 'medical', '2024-02-01');
    expect(wrongParty.ok ? null : wrongParty.error.code).toBe('PARTY_NOT_ALLOWED');
    const wrongState = send(started, 'TICK', 'system', '2024-02-01');
    expect(wrongState.ok ? null : wrongState.error.code).toBe('EVENT_NOT_ACCEPTED');
    const ruleFails = send(started, 'CLOSE', 'employer', '2024-02-01', 'e-tax');
    expect(ruleFails.ok ? null : ruleFails.error.code).toBe('PUSHES_MISSING');
    const badData = applyEvent(definition, started.persistedSnapshot, { type: 'HR_PUSH', data: { extra: 1 } }, { party: 'hr', businessDate: '2024-02-01' as IsoDate });
    expect(badData.ok ? null : badData.error.code).toBe('EVENT_DATA_INVALID');
  });

  it('marks events blocked by a data-free rule', () => {
    const started = expectStep(startCase(definition, {}, { party: 'employer', channel: 'api', businessDate: '2024-02-01' as IsoDate }));
    const allowed = listAllowedEventsOf(definition, started.persistedSnapshot, '2024-02-01' as IsoDate);
    expect(allowed.map((event) => [event.type, event.available, event.blockedBy?.code])).toEqual([
      ['HR_PUSH', true, undefined],
      ['CLOSE', false, 'PUSHES_MISSING'],
      ['MEDICAL_PUSH', true, undefined],
    ]);
  });

  it('requires a listed channel when the event names channels', () => {
    const started = expectStep(startCase(definition, {}, { party: 'employer', channel: 'api', businessDate: '2024-02-01' as IsoDate }));
    const hr = expectStep(send(started, 'HR_PUSH', 'hr', '2024-02-01'));
    const medical = expectStep(send(hr, 'MEDICAL_PUSH', 'medical', '2024-02-02'));
    const open = expectStep(send(medical, 'TICK', 'system', '2024-02-12'));
    const missing = send(open, 'CLOSE', 'employer', '2024-02-12');
    expect(missing.ok ? null : missing.error.code).toBe('CHANNEL_REQUIRED');
    expect(expectStep(send(open, 'CLOSE', 'employer', '2024-02-12', 'e-tax')).status).toBe('done');
  });
});
