import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../../db/case-store.js';
import { ManualClock } from '../../server/clock.js';
import { DEFAULT_BATCH_SIZE, ImportService } from '../../server/imports/import-service.js';
import { readPushFile } from '../../server/imports/read-push-file.js';
import { generatePushFile } from '../../tests/imports/push-file-generator.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import { formatNumber } from '../harness/format.js';
import { row, withRatios } from '../harness/result.js';
import { timed } from '../harness/sampling.js';
import { createMigratedFile, databaseBytes, openMigrated, openRaw } from '../fixtures/databases.js';
import { RawImportWriter, readWrittenImport } from '../fixtures/import-rows.js';
import type { WrittenImport } from '../fixtures/import-rows.js';

/** Rows of the push file and timed runs per contender; every run imports the whole file into a new file. */
const FULL_PLAN = { rows: 5_000, runs: 5 };
const QUICK_PLAN = { rows: 1_000, runs: 2 };

/** Rows of the untimed import that runs first, so that the timed runs start with compiled code. */
const WARMUP_ROWS = 300;

/** The import's clock: the file's change months are the month before, 2025-09, inside the accepted range. */
const IMPORT_INSTANT = new Date('2025-10-15T02:00:00Z');

const OPERATOR = 'cli:bench';

/**
 * Push-file import throughput on SQLite. A generated month-end push file goes through ImportService (dry
 * run, then real run) on a new SQLite file. The baseline is better-sqlite3 inserting the rows that the real
 * run wrote into another new file, in transactions of the same batch size.
 */
export const importThroughput: Benchmark = {
  name: 'import',
  title: 'Push-file import throughput on SQLite',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const batchSize = DEFAULT_BATCH_SIZE;
    const generated = generatePushFile(plan.rows, { plantBadRows: false, seed: 0, now: IMPORT_INSTANT });
    const bytes = Buffer.from(generated.csv);

    context.log(`import: warm-up import of ${WARMUP_ROWS} rows`);
    await importOnce(context.workDirectory.file('import-warmup.db'), Buffer.from(generatePushFile(WARMUP_ROWS, { plantBadRows: false, seed: 1, now: IMPORT_INSTANT }).csv), batchSize);

    context.log(`import: ${plan.runs} runs of a ${plan.rows.toLocaleString('en-US')}-row file per contender, batches of ${batchSize}`);
    const rates = { read: [] as number[], dry: [] as number[], real: [] as number[], raw: [] as number[] };
    const applied: number[] = [];
    let written: WrittenImport | undefined;
    let sizes = { ours: 0, raw: 0 };

    for (let run = 0; run < plan.runs; run++) {
      const path = context.workDirectory.file(`import-${run}.db`);
      const outcome = await importOnce(path, bytes, batchSize);
      rates.read.push(plan.rows / (outcome.readMs / 1000));
      rates.dry.push(plan.rows / (outcome.dryMs / 1000));
      rates.real.push(plan.rows / (outcome.realMs / 1000));
      applied.push(outcome.appliedRows);

      if (written === undefined) {
        const sqlite = openRaw(path);
        try {
          written = readWrittenImport(sqlite, outcome.sha256, batchSize);
        } finally {
          sqlite.close();
        }
      }

      const rawPath = context.workDirectory.file(`import-raw-${run}.db`);
      await createMigratedFile(rawPath);
      const rawSqlite = openRaw(rawPath);
      try {
        const rawWriter = new RawImportWriter(rawSqlite, written);
        const raw = await timed(() => rawWriter.writeAll());
        rates.raw.push(plan.rows / (raw.ms / 1000));
      } finally {
        rawSqlite.close();
      }
      sizes = { ours: databaseBytes(path), raw: databaseBytes(rawPath) };
      context.log(`import: run ${run + 1}: dry ${formatNumber(rates.dry.at(-1) ?? 0)}, real ${formatNumber(rates.real.at(-1) ?? 0)}, raw ${formatNumber(rates.raw.at(-1) ?? 0)} rows/s`);
    }

    const basis = `${plan.runs} imports of ${plan.rows.toLocaleString('en-US')} rows`;
    const rawRow = row(`raw better-sqlite3: the same rows into the same tables, one transaction per ${batchSize} file rows`, 'rows/s', rates.raw, basis);
    const realRow = row(`ours: real run, ImportService on a new file, batches of ${batchSize}`, 'rows/s', rates.real, basis);
    const rows = withRatios(
      [
        row('reading the CSV (readPushFile, diagnostic)', 'rows/s', rates.read, basis),
        row('ours: dry run, ImportService checks only', 'rows/s', rates.dry, basis),
        realRow,
        rawRow,
      ],
      rawRow,
      'raw',
    );

    const expectedRows = generated.goodRows.addition + generated.goodRows.termination + generated.goodRows.change;
    const counts = written?.counts;
    return {
      method: [
        `A generated month-end push file of ${plan.rows.toLocaleString('en-US')} rows for one employer (in every ten rows six`,
        'additions, two terminations of people added earlier and two name changes at hr; the generator of',
        '`tests/imports/push-file-generator.ts`) is read once per run with `readPushFile`. **Ours** then runs',
        '`ImportService.importFile` on a new SQLite file opened by `openDatabase` (WAL, synchronous=NORMAL): a dry',
        `run, which checks every row and writes nothing, then a real run in batches of ${batchSize} rows, one`,
        'transaction per batch, each row through CaseService with a savepoint and its `import_rows` record.',
        'Rows/s divides the file rows by the time of one whole run. **Raw** inserts the rows that the first real',
        'run wrote (cases in their final state, events, timers, `import_rows`, and the `imports` row), read back',
        'from its file, into another new file with the same schema and settings through better-sqlite3 prepared',
        `statements, one transaction per ${batchSize} file rows. Each run alternates ours and raw; an untimed`,
        `${WARMUP_ROWS}-row import runs first.`,
      ].join(' '),
      rows,
      checks: [
        {
          target: 'every real run applies every row of the file',
          actual: `${applied.map((count) => count.toLocaleString('en-US')).join(', ')} of ${expectedRows.toLocaleString('en-US')} rows`,
          passed: applied.every((count) => count === expectedRows),
        },
      ],
      notes: [
        counts
          ? `rows written per import: ${counts.cases.toLocaleString('en-US')} cases, ${counts.case_events.toLocaleString('en-US')} events, ` +
            `${counts.case_timers.toLocaleString('en-US')} timers, ${counts.case_links.toLocaleString('en-US')} links, ${counts.import_rows.toLocaleString('en-US')} import_rows`
          : 'no rows written',
        `database size after the last run: ours ${megabytes(sizes.ours)}, raw ${megabytes(sizes.raw)}`,
      ],
      profiles: [],
    };
  },
};

interface ImportRun {
  readonly sha256: string;
  readonly readMs: number;
  readonly dryMs: number;
  readonly realMs: number;
  readonly appliedRows: number;
}

/** Reads the file and imports it into a new SQLite file at `path`: a dry run, then a real run. */
async function importOnce(path: string, bytes: Buffer, batchSize: number): Promise<ImportRun> {
  const read = await timed(() => readPushFile(bytes, 'csv'));
  const file = read.result;
  const connection = await openMigrated(path);
  try {
    const service = new ImportService({ store: new CaseStore(connection.db, uuidv7), clock: new ManualClock(IMPORT_INSTANT), newId: uuidv7 });
    const options = { fileName: 'push-bench.csv', operator: OPERATOR, batchSize };
    const dry = await timed(() => service.importFile(file, { ...options, dryRun: true }));
    if (dry.result.issues.length > 0) throw new Error(`The generated file has bad rows: ${JSON.stringify(dry.result.issues.slice(0, 3))}`);
    const real = await timed(() => service.importFile(file, { ...options, dryRun: false }));
    return { sha256: file.sha256, readMs: read.ms, dryMs: dry.ms, realMs: real.ms, appliedRows: real.result.appliedRows };
  } finally {
    await connection.close();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
