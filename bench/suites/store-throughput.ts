import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../../db/case-store.js';
import { CaseService } from '../../server/case-service.js';
import { ManualClock } from '../../server/clock.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import { profileWorkload } from '../harness/cpu-profile.js';
import { formatNumber } from '../harness/format.js';
import { row, withRatios } from '../harness/result.js';
import type { SamplingPlan } from '../harness/sampling.js';
import { sampleRates } from '../harness/sampling.js';
import { BACK_PAYMENT_INPUT, BACK_PAYMENT_PROCESS_ID, BENCH_INSTANT, EMPLOYER_ACTOR, MAINTAIN_START_MONTH_STEP } from '../fixtures/back-payment.js';
import { BatchPrototype } from '../fixtures/batch-prototype.js';
import { createMigratedFile, databaseBytes, openMigrated, openRaw } from '../fixtures/databases.js';
import { computePathRows, freshEvent, freshNewCase } from '../fixtures/path-rows.js';
import type { PathRows } from '../fixtures/path-rows.js';
import { RawWriter } from '../fixtures/raw-writer.js';
import { driveServicePath } from '../fixtures/service-path.js';

const FULL_PLAN: SamplingPlan = { warmupMs: 750, samples: 4, sampleMs: 1_250 };
const QUICK_PLAN: SamplingPlan = { warmupMs: 500, samples: 2, sampleMs: 500 };

/** Cases per month-end batch. */
const FULL_BATCH_SIZE = 1_000;
const QUICK_BATCH_SIZE = 200;

const MIN_SHARE_OF_RAW = 0.4;
const MIN_SINGLE_WRITER_RATE = 5_000;
const MIN_BATCH_RATE = 20_000;

/**
 * Store throughput on SQLite: one writer applies and persists events through CaseService, against
 * better-sqlite3 writing rows of the same size in transactions of the same size. A month-end batch is
 * measured the same way.
 */
export const storeThroughput: Benchmark = {
  name: 'store',
  title: 'Store throughput on SQLite',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const batchSize = context.quick ? QUICK_BATCH_SIZE : FULL_BATCH_SIZE;
    const files = {
      service: context.workDirectory.file('store-service.db'),
      store: context.workDirectory.file('store-only.db'),
      raw: context.workDirectory.file('store-raw.db'),
      batch: context.workDirectory.file('store-batch.db'),
    };

    const serviceConnection = await openMigrated(files.service);
    const storeConnection = await openMigrated(files.store);
    const batchConnection = await openMigrated(files.batch);
    await createMigratedFile(files.raw);
    const rawSqlite = openRaw(files.raw);
    try {
      const service = new CaseService({ store: new CaseStore(serviceConnection.db, uuidv7), clock: new ManualClock(BENCH_INSTANT), newId: uuidv7 });
      const store = new CaseStore(storeConnection.db, uuidv7);
      const pathRows = computePathRows();
      const raw = new RawWriter(rawSqlite, pathRows);
      const prototype = new BatchPrototype(batchConnection.db);

      const singleWriter = {
        service: () => driveServicePath(service),
        storeOnly: () => writePathThroughStore(store, pathRows),
        raw: () => raw.writePath(),
      };
      context.log(`store: single writer, ${plan.samples} × ${plan.sampleMs} ms per contender`);
      const singleRates = await sampleRates(singleWriter, plan);

      const serviceStore = new CaseStore(serviceConnection.db, uuidv7);
      const batches = {
        oneTransaction: () => pushInOneTransaction(serviceStore, batchSize),
        perEvent: () => pushOneTransactionPerEvent(service, batchSize),
        prototype: () => prototype.pushMonthEnd(batchSize),
        raw: () => raw.writeBatch(batchSize),
      };
      const batchPlan = { ...plan, samples: Math.min(plan.samples, 3) };
      context.log(`store: month-end batches of ${batchSize} cases, ${batchPlan.samples} × ${batchPlan.sampleMs} ms per contender`);
      const batchRates = await sampleRates(batches, batchPlan);

      const basis = `${plan.samples} runs of ${plan.sampleMs / 1000} s`;
      const batchBasis = `${batchPlan.samples} runs of ${batchPlan.sampleMs / 1000} s`;
      const rawRow = row('raw better-sqlite3, same rows, one transaction per event', 'events/s', singleRates.raw, basis);
      const serviceRow = row('ours: CaseService.createCase + submitEvent (engine and store)', 'events/s', singleRates.service, basis);
      const rawBatchRow = row(`raw better-sqlite3 batch: ${batchSize} creations + ${batchSize} steps, one transaction each`, 'events/s', batchRates.raw, batchBasis);
      const existingBatchRow = row(`ours: batch of ${batchSize} cases, CaseService on CaseStore.inTransaction`, 'events/s', batchRates.oneTransaction, batchBasis);
      const perEventBatchRow = row('the same batch, one transaction per event (CaseService alone)', 'events/s', batchRates.perEvent, batchBasis);
      const prototypeBatchRow = row('lean batch: engine + store statements only, one transaction (prototype)', 'events/s', batchRates.prototype, batchBasis);
      const rows = [
        ...withRatios(
          [serviceRow, row('CaseStore only, engine results precomputed (diagnostic)', 'events/s', singleRates.storeOnly, basis), rawRow],
          rawRow,
          'raw',
        ),
        ...withRatios([existingBatchRow, perEventBatchRow, prototypeBatchRow, rawBatchRow], rawBatchRow, 'raw batch'),
      ];

      const share = serviceRow.spread.median / rawRow.spread.median;
      const checks = [
        {
          target: `single writer ≥ ${MIN_SHARE_OF_RAW * 100}% of raw better-sqlite3`,
          actual: `${(share * 100).toFixed(1)}% (${formatNumber(serviceRow.spread.median)} of ${formatNumber(rawRow.spread.median)} events/s)`,
          passed: share >= MIN_SHARE_OF_RAW,
        },
        {
          target: `single writer ≥ ${MIN_SINGLE_WRITER_RATE.toLocaleString('en-US')} events/s`,
          actual: `${formatNumber(serviceRow.spread.median)} events/s`,
          passed: serviceRow.spread.median >= MIN_SINGLE_WRITER_RATE,
        },
        {
          target: `month-end batch ≥ ${MIN_BATCH_RATE.toLocaleString('en-US')} events/s`,
          actual: `${formatNumber(existingBatchRow.spread.median)} events/s (lean prototype: ${formatNumber(prototypeBatchRow.spread.median)})`,
          passed: existingBatchRow.spread.median >= MIN_BATCH_RATE,
        },
      ];

      const profiles: ProfileSummary[] = [];
      const profileMs = context.quick ? 1_000 : 2_000;
      if (checks.slice(0, 2).some((check) => !check.passed)) {
        context.log(`store: single-writer target missed, profiling CaseService for ${profileMs / 1000} s`);
        profiles.push(await profileWorkload('single writer through CaseService', singleWriter.service, profileMs));
      }
      if (existingBatchRow.spread.median < MIN_BATCH_RATE) {
        context.log(`store: batch target missed, profiling the batch for ${profileMs / 1000} s`);
        profiles.push(await profileWorkload(`batch of ${batchSize} cases through CaseService on CaseStore.inTransaction`, batches.oneTransaction, profileMs));
      }

      return {
        method: [
          'One writer awaits each write, as a server request does. **Ours** opens a back-payment case with',
          '`CaseService.createCase` and drives it to `paid` with five `submitEvent` calls on a SQLite file opened by',
          '`openDatabase` (WAL, synchronous=NORMAL). Each call reads the case, restores and validates it, applies the',
          'event, writes snapshot and hash-chained event in one transaction and builds the response view.',
          '**Raw** writes the same rows with',
          'better-sqlite3 prepared statements into a file with the same schema and settings: per event one',
          'transaction that updates the case row and inserts the event row. The **CaseStore only** row replays',
          'precomputed engine results through `createCase`/`appendEvent` to separate store from engine cost.',
          `The **batch** rows model a month-end push: ${batchSize} cases opened and each moved one step. **Ours** runs`,
          'CaseService on a store bound to one transaction by `CaseStore.inTransaction`, through',
          '`createCaseRecord`/`submitEventRecord` (no response views), as the push-file import does (without the',
          "import's savepoints and bookkeeping). The same batch is also measured with one",
          'transaction per event, and as a lean prototype that runs the engine and writes only the rows the store',
          'writes, in one transaction. Every file lives in a temporary folder; samples alternate between contenders.'
        ].join(' '),
        rows,
        checks,
        notes: [
          `database sizes at the end: ours ${megabytes(databaseBytes(files.service))}, CaseStore only ${megabytes(databaseBytes(files.store))}, raw ${megabytes(databaseBytes(files.raw))}, batch prototype ${megabytes(databaseBytes(files.batch))}`,
        ],
        profiles,
      };
    } finally {
      rawSqlite.close();
      await serviceConnection.close();
      await storeConnection.close();
      await batchConnection.close();
    }
  },
};

/** Replays one precomputed path through the store alone; returns the events written. */
async function writePathThroughStore(store: CaseStore, rows: PathRows): Promise<number> {
  const newCase = freshNewCase(rows.newCase);
  let current = (await store.createCase(newCase)).caseRow;
  for (const [index, step] of rows.steps.entries()) {
    const appended = await store.appendEvent(current, step.update, freshEvent(step.event));
    if (!appended.ok) throw new Error(`CaseStore rejected step ${index + 1}: ${appended.reason}`);
    current = appended.caseRow;
  }
  return 1 + rows.steps.length;
}

/**
 * Pushes a month-end batch in one transaction, as the push-file import does: CaseService runs on a store
 * bound to the transaction, and every case is opened and moved one step through the variants without
 * response views that batch callers use. Returns the events written.
 */
async function pushInOneTransaction(store: CaseStore, size: number): Promise<number> {
  await store.inTransaction(async (bound) => {
    const service = new CaseService({ store: bound, clock: new ManualClock(BENCH_INSTANT), newId: uuidv7 });
    await openAndAdvance(service, size);
  });
  return 2 * size;
}

/** Pushes the same batch with every event in its own transaction. Returns the events written. */
async function pushOneTransactionPerEvent(service: CaseService, size: number): Promise<number> {
  await openAndAdvance(service, size);
  return 2 * size;
}

async function openAndAdvance(service: CaseService, size: number): Promise<void> {
  const step = MAINTAIN_START_MONTH_STEP;
  for (let i = 0; i < size; i++) {
    const created = await service.createCaseRecord({ processId: BACK_PAYMENT_PROCESS_ID, input: BACK_PAYMENT_INPUT }, EMPLOYER_ACTOR);
    const submission = { type: step.type, data: step.data, expectedVersion: created.version, channel: step.channel };
    await service.submitEventRecord(created.id, submission, step.actor, undefined, { knownRow: created });
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
