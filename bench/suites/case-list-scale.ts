import type { CaseFilter } from '../../db/case-store.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import { formatNumber } from '../harness/format.js';
import type { ResultRow, TargetCheck } from '../harness/result.js';
import { latencyRow, withRatios } from '../harness/result.js';
import { timed } from '../harness/sampling.js';
import { timeSequentialGets } from '../harness/sequential-client.js';
import { createBenchUsers } from '../fixtures/bench-users.js';
import { insertCasePopulation } from '../fixtures/case-population.js';
import type { PopulationValues } from '../fixtures/case-population.js';
import { createMigratedFile, databaseBytes } from '../fixtures/databases.js';
import { explainCaseList } from '../fixtures/query-plans.js';
import { startBenchServer } from '../server/server-process.js';

const FULL_CASES = 1_000_000;
const QUICK_CASES = 100_000;
const FULL_REQUESTS = { warmup: 5, maxRequests: 200, maxMs: 8_000 };
const QUICK_REQUESTS = { warmup: 3, maxRequests: 50, maxMs: 2_500 };

const MAX_P95_MS = 20;
/** The API's default page size, which the requests use. */
const PAGE_SIZE = 50;

/** One filter of GET /api/cases: its query parameter, the values to cycle through and the store filter. */
interface ListFilter {
  readonly name: string;
  readonly parameter?: string;
  readonly values: readonly string[];
  readonly toCaseFilter: (value: string) => CaseFilter;
}

function filtersOf(values: PopulationValues): ListFilter[] {
  return [
    { name: 'no filter', values: [''], toCaseFilter: () => ({}) },
    { name: 'process', parameter: 'process', values: [values.processId], toCaseFilter: (value) => ({ processId: value }) },
    { name: 'employer', parameter: 'employer', values: values.employers, toCaseFilter: (value) => ({ employerCode: value }) },
    { name: 'feePeriod', parameter: 'feePeriod', values: values.feePeriods, toCaseFilter: (value) => ({ feePeriod: value }) },
    { name: 'status', parameter: 'status', values: ['active', 'done'], toCaseFilter: (value) => ({ status: value as 'active' | 'done' }) },
    { name: 'state', parameter: 'state', values: values.states, toCaseFilter: (value) => ({ state: value }) },
  ];
}

/** Picks the filter value of request number `index`, so that consecutive requests take values far apart in the list. */
function valueAt(filter: ListFilter, index: number): string {
  return filter.values[(index * 7_919) % filter.values.length] as string;
}

function listPath(filter: ListFilter, index: number): string {
  return filter.parameter === undefined ? '/api/cases' : `/api/cases?${filter.parameter}=${encodeURIComponent(valueAt(filter, index))}`;
}

/** GET /api/cases with each filter over a million stored cases (100,000 with --quick). */
export const caseListScale: Benchmark = {
  name: 'list',
  title: 'Case list filters over many cases',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const caseCount = context.quick ? QUICK_CASES : FULL_CASES;
    const requests = context.quick ? QUICK_REQUESTS : FULL_REQUESTS;
    const databasePath = context.workDirectory.file('list.db');
    await createMigratedFile(databasePath);

    context.log(`list: inserting ${caseCount.toLocaleString('en-US')} cases`);
    const { ms: buildMs, result: values } = await timed(() => insertCasePopulation(databasePath, caseCount));
    const tokens = await createBenchUsers(databasePath);
    const headers = { authorization: `Bearer ${tokens.caseworker}` };
    const filters = filtersOf(values);

    const measured: { filter: ListFilter; row: ResultRow; slowestValue: string }[] = [];
    let pageBytes = 0;
    const profiles: ProfileSummary[] = [];
    const server = await startBenchServer({ databasePath });
    try {
      for (const filter of filters) {
        context.log(`list: timing GET /api/cases with ${filter.name}`);
        const result = await timeSequentialGets({ baseUrl: server.baseUrl, headers, ...requests, pathOf: (index) => listPath(filter, index) });
        const failed = Object.keys(result.statusCounts).filter((status) => status !== '200');
        if (failed.length > 0) throw new Error(`GET /api/cases with ${filter.name} returned statuses ${JSON.stringify(result.statusCounts)}; expected only 200`);
        const slowest = result.latenciesMs.indexOf(Math.max(...result.latenciesMs));
        if (filter.parameter === undefined) pageBytes = result.lastBodyBytes;
        measured.push({
          filter,
          row: latencyRow(`GET /api/cases, ${filter.name}`, result.latenciesMs),
          slowestValue: valueAt(filter, requests.warmup + slowest),
        });
      }

      for (const { filter, row } of measured) {
        if (filter.parameter === undefined || (row.p95 ?? 0) < MAX_P95_MS) continue;
        context.log(`list: ${filter.name} missed, profiling the server for ${requests.maxMs / 1000} s of its requests`);
        const profiled = await server.profile(`server answering GET /api/cases with ${filter.name}`, () =>
          timeSequentialGets({ baseUrl: server.baseUrl, headers, ...requests, warmup: 0, pathOf: (index) => listPath(filter, index) }),
        );
        profiles.push(profiled.summary);
      }
    } finally {
      await server.stop();
    }

    const checks: TargetCheck[] = measured
      .filter(({ filter }) => filter.parameter !== undefined)
      .map(({ filter, row }) => ({
        target: `p95 < ${MAX_P95_MS} ms, ${filter.name}`,
        actual: `p95 ${formatNumber(row.p95 ?? Number.NaN)} ms`,
        passed: (row.p95 ?? Number.POSITIVE_INFINITY) < MAX_P95_MS,
      }));

    const notes = [
      `${caseCount.toLocaleString('en-US')} cases inserted in ${formatNumber(buildMs / 1000)} s; database ${formatNumber(databaseBytes(databasePath) / 2 ** 30)} GiB`,
      `an unfiltered page of ${PAGE_SIZE} cases is ${formatNumber(pageBytes / 1024)} KiB of JSON`,
    ];
    for (const { filter, row, slowestValue } of measured) {
      if (filter.parameter === undefined || (row.p95 ?? 0) < MAX_P95_MS) continue;
      const plan = await explainCaseList(databasePath, filter.toCaseFilter(slowestValue), PAGE_SIZE);
      notes.push(
        `${filter.name} missed. For its slowest request (${filter.parameter}=${slowestValue}) the SQL alone takes ${formatNumber(plan.sqlMs)} ms of the request's time; SQLite plans it as: ${plan.steps.join('; ')}. SQL: \`${plan.sql}\``,
      );
    }

    const rows = measured.map(({ row }) => row);
    const baseline = rows[0];
    if (!baseline) throw new Error('list benchmark measured nothing');
    return {
      method: [
        `${caseCount.toLocaleString('en-US')} back-payment cases are bulk-inserted with better-sqlite3 into the schema the`,
        'migrations create, without ANALYZE, as the product leaves it. `bench/fixtures/case-population.ts` spreads',
        'them over 2,000 employers, 48 fee periods and every state, and each row carries a real engine snapshot.',
        '`server/main.ts` then serves the file from a child process on 127.0.0.1 and an',
        `hr caseworker's API token pages through \`GET /api/cases\` (first page, ${PAGE_SIZE} cases) one request at a time,`,
        'with each filter taking a different value on every request. Requests of one filter stop after the',
        'count or the time in the table, whichever comes first. The baseline is the unfiltered list.',
      ].join(' '),
      rows: withRatios(rows, baseline, 'no filter'),
      checks,
      notes,
      profiles,
    };
  },
};
