import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import { formatNumber } from '../harness/format.js';
import type { LoadResult } from '../harness/http-load.js';
import { describeStatuses, runLoad, sumStatusCounts } from '../harness/http-load.js';
import { row, withRatios } from '../harness/result.js';
import { spreadOf } from '../harness/statistics.js';
import { createBenchUsers } from '../fixtures/bench-users.js';
import { createMigratedFile } from '../fixtures/databases.js';
import { CaseRequestSource } from '../fixtures/event-requests.js';
import { insertFreshCases } from '../fixtures/fresh-cases.js';
import type { MemoryReading } from '../server/protocol.js';
import { startBenchServer } from '../server/server-process.js';

const FULL_PLAN = { warmupCases: 5_000, cases: 100_000 };
const QUICK_PLAN = { warmupCases: 2_000, cases: 10_000 };
const CONNECTIONS = 10;
/** Readings after each tenth of the cases; the growth per case is the slope through them. */
const STRETCHES = 10;
/** The first stretches are left out of the fit, because caches and compiled code still settle there. */
const SETTLING_STRETCHES = 2;
/** A bound on the time one stretch of requests may take, in seconds; the stretches end by count. */
const MAX_STRETCH_S = 600;

/**
 * Growth per case allowed, in bytes, as the slope of the readings. Anything the server kept per case (a
 * map entry with its id, a listener, a buffered log line) costs well over 100 bytes of heap. Smaller
 * slopes come from garbage collection and the allocator, whose leftovers do not grow with the cases
 * advanced. RSS gets a wider bound, because SQLite's page cache and malloc's arenas move it by megabytes
 * on their own.
 */
const MAX_HEAP_BYTES_PER_CASE = 16;
const MAX_RSS_BYTES_PER_CASE = 128;

/** Memory: the server's RSS and heap before and after many cases are advanced over HTTP. */
export const memory: Benchmark = {
  name: 'memory',
  title: 'Server memory per case advanced',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const stretch = Math.floor(plan.cases / STRETCHES);
    const databasePath = context.workDirectory.file('memory.db');
    await createMigratedFile(databasePath);
    const tokens = await createBenchUsers(databasePath);
    context.log(`memory: preparing ${(plan.warmupCases + plan.cases).toLocaleString('en-US')} cases`);
    const source = new CaseRequestSource(insertFreshCases(databasePath, plan.warmupCases + plan.cases), tokens.employer);

    const server = await startBenchServer({ databasePath, exposeGc: true });
    const loads: LoadResult[] = [];
    const readings: { cases: number; reading: MemoryReading }[] = [];
    const advance = async (count: number): Promise<void> => {
      loads.push(
        await runLoad({ baseUrl: server.baseUrl, durationS: MAX_STRETCH_S, amount: count, connections: CONNECTIONS, nextRequest: source.nextRequest }),
      );
    };
    try {
      context.log(`memory: advancing ${plan.warmupCases.toLocaleString('en-US')} warm-up cases`);
      await advance(plan.warmupCases);
      readings.push({ cases: 0, reading: await server.measureMemory() });
      for (let index = 1; index <= STRETCHES; index++) {
        context.log(`memory: advancing cases ${((index - 1) * stretch + 1).toLocaleString('en-US')} to ${(index * stretch).toLocaleString('en-US')}`);
        await advance(stretch);
        readings.push({ cases: index * stretch, reading: await server.measureMemory() });
      }
    } finally {
      await server.stop();
    }

    const first = readings[0] as (typeof readings)[number];
    const middle = readings[STRETCHES / 2] as (typeof readings)[number];
    const last = readings.at(-1) as (typeof readings)[number];
    const settled = readings.slice(SETTLING_STRETCHES);
    const heapSlope = slope(settled.map(({ cases, reading }) => [cases, reading.heapUsed]));
    const rssSlope = slope(settled.map(({ cases, reading }) => [cases, reading.rss]));
    const statuses = sumStatusCounts(loads);
    const failures = Object.entries(statuses).reduce((sum, [status, count]) => sum + (status === '200' ? 0 : count), 0);

    const basis = '1 reading after forced collections';
    const mib = (bytes: number): number => bytes / 2 ** 20;
    const after = (cases: number): string => (cases === 0 ? `after ${plan.warmupCases.toLocaleString('en-US')} warm-up cases` : `after ${cases.toLocaleString('en-US')} more cases`);
    const series = (name: string, pickBytes: (reading: MemoryReading) => number) => {
      const entries = [first, middle, last].map(({ cases, reading }) => row(`${name} ${after(cases)}`, 'MiB', [mib(pickBytes(reading))], basis));
      return withRatios(entries, entries[0] as (typeof entries)[number], `${name} after warm-up`);
    };
    const fitBasis = `median slope of ${settled.length} readings`;
    const rows = [
      ...series('RSS', (reading) => reading.rss),
      ...series('heap used', (reading) => reading.heapUsed),
      row('RSS growth per case', 'bytes', [rssSlope], fitBasis),
      row('heap growth per case', 'bytes', [heapSlope], fitBasis),
      row('request rate while advancing', 'requests/s', loads.slice(1).map((load) => load.requestsPerSecond), `${STRETCHES} stretches`),
    ];

    return {
      method: [
        '`server/main.ts` runs in a child process with `--expose-gc` and a probe preloaded that reports',
        '`process.memoryUsage()` after forced collections around a 1 s pause. Fresh cases are inserted first; autocannon then',
        `sends MAINTAIN_START_MONTH to each case once, with ${CONNECTIONS} connections and no rate limit:`,
        `${plan.warmupCases.toLocaleString('en-US')} warm-up cases, then ${plan.cases.toLocaleString('en-US')} cases in ${STRETCHES} stretches`,
        `with a reading after each. Memory held per case would grow linearly with the cases advanced, so the`,
        'growth per case is the slope through the readings: the median of the slopes between every pair of',
        `readings (Theil–Sen), which one stray reading cannot tilt. The first ${SETTLING_STRETCHES} stretches are left out,`,
        'while caches and compiled code settle.',
      ].join(' '),
      rows,
      checks: [
        {
          target: `no memory held per case: slope < ${MAX_HEAP_BYTES_PER_CASE} B/case heap and < ${MAX_RSS_BYTES_PER_CASE} B/case RSS, all 200`,
          actual: `heap ${formatNumber(heapSlope)} B/case, RSS ${formatNumber(rssSlope)} B/case, ${failures} failed`,
          passed: heapSlope < MAX_HEAP_BYTES_PER_CASE && rssSlope < MAX_RSS_BYTES_PER_CASE && failures === 0,
        },
      ],
      notes: [
        ...(context.quick ? [`with --quick only ${plan.cases.toLocaleString('en-US')} cases are advanced, too few for the bounds above to tell noise from growth`] : []),
        `responses: ${describeStatuses(statuses)}`,
        `readings (cases advanced: RSS / heap used / heap total / external, MiB): ${readings
          .map(({ cases, reading }) => `${cases.toLocaleString('en-US')}: ${[reading.rss, reading.heapUsed, reading.heapTotal, reading.external].map((bytes) => formatNumber(mib(bytes))).join(' / ')}`)
          .join('; ')}`,
      ],
      profiles: [],
    };
  },
};

/** Computes the Theil–Sen slope of y over x: the median of the slopes between every pair of points. */
function slope(points: readonly (readonly [number, number])[]): number {
  const slopes: number[] = [];
  for (const [index, [x1, y1]] of points.entries()) {
    for (const [x2, y2] of points.slice(index + 1)) {
      if (x2 !== x1) slopes.push((y2 - y1) / (x2 - x1));
    }
  }
  return spreadOf(slopes).median;
}
