import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../../db/case-store.js';
import { CaseService } from '../../server/case-service.js';
import { ManualClock } from '../../server/clock.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import { profileWorkload } from '../harness/cpu-profile.js';
import { formatRatio } from '../harness/format.js';
import { row, withRatios } from '../harness/result.js';
import type { SamplingPlan } from '../harness/sampling.js';
import { sampleRates } from '../harness/sampling.js';
import { BENCH_INSTANT, EVENTS_PER_PATH } from '../fixtures/back-payment.js';
import { BpmnPeer } from '../fixtures/bpmn-peer.js';
import { createMigratedFile, openMigrated, openRaw } from '../fixtures/databases.js';
import { computePathRows } from '../fixtures/path-rows.js';
import { driveServicePath } from '../fixtures/service-path.js';

const FULL_PLAN: SamplingPlan = { warmupMs: 750, samples: 3, sampleMs: 1_250 };
const QUICK_PLAN: SamplingPlan = { warmupMs: 500, samples: 2, sampleMs: 500 };

const MIN_MULTIPLE = 20;

/** Peer: the same back-payment path in bpmn-engine, its state saved to SQLite after every step. */
export const bpmnPeer: Benchmark = {
  name: 'bpmn',
  title: 'Peer: the same process in bpmn-engine',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const ourFile = context.workDirectory.file('peer-ours.db');
    const peerFile = context.workDirectory.file('peer-bpmn.db');
    const connection = await openMigrated(ourFile);
    await createMigratedFile(peerFile);
    const peerSqlite = openRaw(peerFile);
    try {
      const service = new CaseService({ store: new CaseStore(connection.db, uuidv7), clock: new ManualClock(BENCH_INSTANT), newId: uuidv7 });
      const peer = await BpmnPeer.create(peerSqlite);
      const workloads = {
        ours: () => driveServicePath(service),
        peerLean: () => peer.drivePath('lean'),
        peerWhole: () => peer.drivePath('whole'),
        oursInMemory: () => {
          computePathRows();
          return EVENTS_PER_PATH;
        },
        peerInMemory: () => peer.drivePathInMemory(),
      };
      context.log(`bpmn: ${plan.samples} × ${plan.sampleMs} ms per contender`);
      const rates = await sampleRates(workloads, plan);

      const basis = `${plan.samples} runs of ${plan.sampleMs / 1000} s`;
      const peerRow = row('bpmn-engine, lean state saved to SQLite after each step', 'events/s', rates.peerLean, basis);
      const peerInMemoryRow = row('bpmn-engine, state kept in memory as JSON (diagnostic)', 'events/s', rates.peerInMemory, basis);
      const oursRow = row('ours: CaseService on SQLite, full path', 'events/s', rates.ours, basis);
      const rows = [
        ...withRatios([oursRow, peerRow, row('bpmn-engine, whole getState() saved to SQLite', 'events/s', rates.peerWhole, basis)], peerRow, 'bpmn-engine'),
        ...withRatios([row('ours: engine only, rows built but not written (diagnostic)', 'events/s', rates.oursInMemory, basis), peerInMemoryRow], peerInMemoryRow, 'bpmn-engine in memory'),
      ];

      const multiple = oursRow.spread.median / peerRow.spread.median;
      const passed = multiple >= MIN_MULTIPLE;
      const profiles: ProfileSummary[] = [];
      if (!passed) {
        const profileMs = context.quick ? 1_000 : 2_000;
        context.log(`bpmn: target missed, profiling our path for ${profileMs / 1000} s`);
        profiles.push(await profileWorkload('ours: CaseService on SQLite, full path', workloads.ours, profileMs));
      }

      return {
        method: [
          'The back-payment is modelled in BPMN 2.0 (`bench/fixtures/back-payment.bpmn`): an exclusive gateway on the',
          'fee-period era and one user task per event of our machine. Each step of the peer reads the case row from',
          'SQLite and recovers a bpmn-engine 25 `Engine` from the stored `getState()` JSON. It resumes the engine,',
          'signals the waiting user task with the event data and writes the new state back in a transaction.',
          'Opening a case executes the process up to its first user task and inserts the row. The XML is parsed once. **Lean**',
          'state leaves out the parsed definition that `getState()` repeats in every case and passes it back as',
          '`sourceContext` on recovery; **whole** stores `getState()` unchanged. **Ours** is CaseService over a',
          'SQLite file (as in the store benchmark), which also validates, hash-chains and records history, which',
          'the peer does not. Both sides count six events per case: the opening and five steps.',
        ].join(' '),
        rows,
        checks: [
          {
            target: `ours ≥ ${MIN_MULTIPLE}× bpmn-engine's throughput, both persisting to SQLite`,
            actual: `${formatRatio(multiple)} (engine alone: ${formatRatio((rows[3]?.spread.median ?? 0) / peerInMemoryRow.spread.median)})`,
            passed,
          },
        ],
        notes: [],
        profiles,
      };
    } finally {
      peerSqlite.close();
      await connection.close();
    }
  },
};
