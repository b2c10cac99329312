import { transition } from 'xstate';
import type { AnyMachineSnapshot, Snapshot } from 'xstate';
import { v7 as uuidv7 } from 'uuid';
import { applyEvent, startCase } from '../../machines/engine/apply-event.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import { profileWorkload } from '../harness/cpu-profile.js';
import { formatRatio } from '../harness/format.js';
import { row, withRatios } from '../harness/result.js';
import type { SamplingPlan } from '../harness/sampling.js';
import { sampleRates } from '../harness/sampling.js';
import { BACK_PAYMENT_INPUT, BACK_PAYMENT_PATH, BENCH_BUSINESS_DATE, BENCH_INSTANT, backPaymentDefinition } from '../fixtures/back-payment.js';
import { buildCaseUpdate, buildEventRecord, hashSubmission } from '../fixtures/case-records.js';

const FULL_PLAN: SamplingPlan = { warmupMs: 1_000, samples: 5, sampleMs: 1_000 };
const QUICK_PLAN: SamplingPlan = { warmupMs: 1_000, samples: 3, sampleMs: 500 };

/** Our time per event may be at most this multiple of XState's own pure transition. */
const MAX_COST_RATIO = 2;

/**
 * Engine overhead: our engine applies the five events of the back-payment path in memory, each to a case
 * restored from its stored snapshot. The baseline is XState's pure `transition()` of the same machine.
 */
export const engineOverhead: Benchmark = {
  name: 'engine',
  title: 'Engine overhead against XState alone',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const fixture = prepareSnapshots();
    const workloads = {
      ours: () => applyPathWithEngine(fixture),
      xstate: () => applyPathWithXState(fixture, false),
      xstatePersisted: () => applyPathWithXState(fixture, true),
    };

    context.log(`engine: sampling ${plan.samples} × ${plan.sampleMs} ms per contender`);
    const rates = await sampleRates(workloads, plan);
    const basis = `${plan.samples} runs of ${plan.sampleMs / 1000} s`;
    const baseline = row('XState alone: resolveState + transition', 'events/s', rates.xstate, basis);
    const rows = withRatios(
      [
        row('ours: JSON.parse + applyEvent + rows as CaseService builds them', 'events/s', rates.ours, basis),
        baseline,
        row('XState + getPersistedSnapshot + JSON.stringify (reference)', 'events/s', rates.xstatePersisted, basis),
      ],
      baseline,
      'XState',
    );

    const costRatio = (rows[1]?.spread.median ?? 0) / (rows[0]?.spread.median ?? 1);
    const passed = costRatio <= MAX_COST_RATIO;
    const profiles: ProfileSummary[] = [];
    if (!passed) {
      const profileMs = context.quick ? 1_000 : 3_000;
      context.log(`engine: target missed, profiling our path for ${profileMs / 1000} s`);
      profiles.push(await profileWorkload('ours: applyEvent path in memory', workloads.ours, profileMs));
    }

    return {
      method: [
        'A back-payment case is started once; the five events of its path (MAINTAIN_START_MONTH, HR_PUSH_START_MONTH,',
        'DECLARE, ASSESS, PAY) are then applied over and over, each to the stored snapshot of the step before.',
        '**Ours** parses the snapshot JSON and calls `applyEvent`, which restores the actor, checks party, state,',
        'channel, schema and rules, sends the event and records the microsteps. It then builds the case update and',
        'the event row as CaseService does, including `JSON.stringify` of the new snapshot and the request hash.',
        '**XState alone** resolves the same',
        'persisted snapshot with `machine.resolveState` and calls the pure `transition(machine, snapshot, event)`',
        'with the same event objects. No database is involved. Samples alternate between the contenders.',
      ].join(' '),
      rows,
      checks: [
        {
          target: `ours ≤ ${MAX_COST_RATIO}× the time per event of XState alone`,
          actual: `${formatRatio(costRatio)} the time`,
          passed,
        },
      ],
      notes: [`stored snapshot JSON: ${fixture.snapshotTexts.map((text) => text.length).join(', ')} bytes before each step`],
      profiles,
    };
  },
};

interface SnapshotFixture {
  /** The stored snapshot before each step of the path, as the cases table stores it. */
  readonly snapshotTexts: readonly string[];
  /** The same snapshots parsed once, for the XState baseline. */
  readonly snapshotObjects: readonly Snapshot<unknown>[];
  /** The event object applyEvent sends for each step, for the XState baseline. */
  readonly xstateEvents: readonly { type: string; data: unknown; meta: object }[];
}

/** Runs the path once through the engine to collect the stored snapshot before every step. */
function prepareSnapshots(): SnapshotFixture {
  const definition = backPaymentDefinition();
  const started = startCase(definition, BACK_PAYMENT_INPUT, { party: 'employer', channel: 'api', businessDate: BENCH_BUSINESS_DATE });
  if (!started.ok) throw new Error(`The benchmark input is rejected: ${started.error.code}`);

  const snapshotTexts = [JSON.stringify(started.step.persistedSnapshot)];
  for (const step of BACK_PAYMENT_PATH.slice(0, -1)) {
    const previous = snapshotTexts.at(-1) as string;
    const result = applyEvent(definition, JSON.parse(previous) as Snapshot<unknown>, step, {
      party: step.actor.party,
      businessDate: BENCH_BUSINESS_DATE,
    });
    if (!result.ok) throw new Error(`The benchmark path is rejected at ${step.type}: ${result.error.code}`);
    snapshotTexts.push(JSON.stringify(result.step.persistedSnapshot));
  }
  return {
    snapshotTexts,
    snapshotObjects: snapshotTexts.map((text) => JSON.parse(text) as Snapshot<unknown>),
    xstateEvents: BACK_PAYMENT_PATH.map((step) => ({
      type: step.type,
      data: step.data,
      meta: { party: step.actor.party, channel: step.channel ?? 'api', businessDate: BENCH_BUSINESS_DATE },
    })),
  };
}

/** Keeps results reachable so that the optimiser cannot drop the work that produced them. */
let sink = 0;

function applyPathWithEngine(fixture: SnapshotFixture): number {
  const definition = backPaymentDefinition();
  BACK_PAYMENT_PATH.forEach((step, index) => {
    const stored = JSON.parse(fixture.snapshotTexts[index] as string) as Snapshot<unknown>;
    const result = applyEvent(definition, stored, step, { party: step.actor.party, businessDate: BENCH_BUSINESS_DATE });
    if (!result.ok) throw new Error(`${step.type} was rejected: ${result.error.code}`);
    const requestHash = hashSubmission({ type: step.type, data: step.data, expectedVersion: index + 2, channel: step.channel });
    const update = buildCaseUpdate(result.step, BENCH_INSTANT);
    const event = buildEventRecord({
      type: step.type,
      step: result.step,
      actor: step.actor,
      channel: step.channel ?? 'api',
      now: BENCH_INSTANT,
      newId: uuidv7,
      requestHash,
    });
    sink += update.snapshot.length + event.inspection.length;
  });
  return BACK_PAYMENT_PATH.length;
}

function applyPathWithXState(fixture: SnapshotFixture, persist: boolean): number {
  const machine = backPaymentDefinition().machine;
  fixture.xstateEvents.forEach((event, index) => {
    const resolved = machine.resolveState(fixture.snapshotObjects[index] as never) as AnyMachineSnapshot;
    const [next] = transition(machine, resolved, event as never);
    if (next === resolved) throw new Error(`XState did not handle ${event.type}`);
    sink += persist ? JSON.stringify(machine.getPersistedSnapshot(next)).length : (next as AnyMachineSnapshot).status.length;
  });
  return fixture.xstateEvents.length;
}
