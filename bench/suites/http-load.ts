import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import { formatNumber } from '../harness/format.js';
import type { LoadResult } from '../harness/http-load.js';
import { describeStatuses, runLoad, sumStatusCounts } from '../harness/http-load.js';
import type { ResultRow } from '../harness/result.js';
import { row, withRatios } from '../harness/result.js';
import { createBenchUsers } from '../fixtures/bench-users.js';
import { createMigratedFile } from '../fixtures/databases.js';
import { CaseRequestSource } from '../fixtures/event-requests.js';
import { insertFreshCases } from '../fixtures/fresh-cases.js';
import { startBenchServer } from '../server/server-process.js';

interface HttpPlan {
  readonly warmupS: number;
  readonly runs: number;
  /** Length of each rate-limited run of events. */
  readonly runS: number;
  /** Length of each rate-limited run of the baseline, which varies less and so needs less time. */
  readonly baselineS: number;
  /** Length of each unthrottled run. */
  readonly saturationS: number;
  /** Length of the profile taken when the target is missed. */
  readonly profileS: number;
}

const FULL_PLAN: HttpPlan = { warmupS: 3, runs: 3, runS: 10, baselineS: 5, saturationS: 4, profileS: 5 };
const QUICK_PLAN: HttpPlan = { warmupS: 1, runs: 1, runS: 3, baselineS: 2, saturationS: 2, profileS: 2 };

const TARGET_RATE = 1_000;
const MAX_P99_MS = 25;
/** The run must deliver this share of the target rate, or its latencies describe a lighter load. */
const MIN_RATE_SHARE = 0.98;
/** autocannon's default; each connection keeps one request in flight. */
const CONNECTIONS = 10;
/** An upper estimate of unthrottled throughput, used only to prepare enough cases. */
const SATURATION_RATE_ESTIMATE = 4_000;

const EVENT_LABEL = `POST event at ${TARGET_RATE.toLocaleString('en-US')}/s`;
const BASELINE_LABEL = `GET /healthz at ${TARGET_RATE.toLocaleString('en-US')}/s`;

/**
 * HTTP: POST /api/cases/:id/events over loopback against the real server in a child process, at a fixed
 * rate and unthrottled. The baseline is /healthz of the same server at the same rate: the HTTP stack alone.
 */
export const httpLoad: Benchmark = {
  name: 'http',
  title: 'HTTP events over loopback',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const databasePath = context.workDirectory.file('http.db');
    await createMigratedFile(databasePath);
    const rateLimitedSeconds = plan.warmupS + plan.runs * plan.runS + plan.profileS;
    const caseCount = Math.ceil(TARGET_RATE * rateLimitedSeconds * 1.05 + SATURATION_RATE_ESTIMATE * plan.runs * plan.saturationS);
    context.log(`http: preparing ${caseCount.toLocaleString('en-US')} cases`);
    const tokens = await createBenchUsers(databasePath);
    const source = new CaseRequestSource(insertFreshCases(databasePath, caseCount), tokens.employer);

    const server = await startBenchServer({ databasePath });
    try {
      const atRate = (durationS: number): Promise<LoadResult> =>
        runLoad({ baseUrl: server.baseUrl, durationS, connections: CONNECTIONS, overallRate: TARGET_RATE, nextRequest: source.nextRequest });
      const baselineAtRate = (durationS: number): Promise<LoadResult> =>
        runLoad({
          baseUrl: server.baseUrl,
          durationS,
          connections: CONNECTIONS,
          overallRate: TARGET_RATE,
          nextRequest: () => ({ method: 'GET', path: '/healthz' }),
        });

      context.log(`http: warming up for ${plan.warmupS} s`);
      await atRate(plan.warmupS);
      await baselineAtRate(plan.warmupS);

      const events: LoadResult[] = [];
      const baselines: LoadResult[] = [];
      for (let run = 0; run < plan.runs; run++) {
        context.log(`http: run ${run + 1} of ${plan.runs}: ${plan.runS} s of events, then ${plan.baselineS} s of the baseline`);
        events.push(await atRate(plan.runS));
        baselines.push(await baselineAtRate(plan.baselineS));
      }
      const saturated: LoadResult[] = [];
      for (let run = 0; run < plan.runs; run++) {
        context.log(`http: unthrottled run ${run + 1} of ${plan.runs}: ${plan.saturationS} s`);
        saturated.push(await runLoad({ baseUrl: server.baseUrl, durationS: plan.saturationS, connections: CONNECTIONS, nextRequest: source.nextRequest }));
      }

      const maxP99 = Math.max(...events.map((result) => result.p99Ms));
      const minRate = Math.min(...events.map((result) => result.requestsPerSecond));
      const failures = events.reduce((sum, result) => sum + result.errors + (result.completed - (result.statusCounts['200'] ?? 0)), 0);
      const passed = maxP99 < MAX_P99_MS && minRate >= TARGET_RATE * MIN_RATE_SHARE && failures === 0;

      const profiles: ProfileSummary[] = [];
      if (!passed) {
        context.log(`http: target missed, profiling the server during ${plan.profileS} s at ${TARGET_RATE}/s`);
        profiles.push((await server.profile(`server during ${EVENT_LABEL}`, () => atRate(plan.profileS))).summary);
      }

      const basis = `${plan.runs} runs of ${plan.runS} s`;
      const baselineBasis = `${plan.runs} runs of ${plan.baselineS} s`;
      const saturationBasis = `${plan.runs} runs of ${plan.saturationS} s`;
      const p50Baseline = row(`${BASELINE_LABEL}: p50`, 'ms', baselines.map((result) => result.p50Ms), baselineBasis);
      const p99Baseline = row(`${BASELINE_LABEL}: p99`, 'ms', baselines.map((result) => result.p99Ms), baselineBasis);
      const rows: ResultRow[] = [
        ...withRatios([row(`${EVENT_LABEL}: p50`, 'ms', events.map((result) => result.p50Ms), basis), p50Baseline], p50Baseline, 'healthz p50'),
        ...withRatios([row(`${EVENT_LABEL}: p99`, 'ms', events.map((result) => result.p99Ms), basis), p99Baseline], p99Baseline, 'healthz p99'),
        row(`${EVENT_LABEL}: rate delivered`, 'requests/s', events.map((result) => result.requestsPerSecond), basis),
        row('POST event unthrottled: throughput', 'requests/s', saturated.map((result) => result.requestsPerSecond), saturationBasis),
        row('POST event unthrottled: p99', 'ms', saturated.map((result) => result.p99Ms), saturationBasis),
      ];

      return {
        method: [
          '`server/main.ts` runs as `npm start` runs it (SQLite in WAL mode, pino logging at info, timer scheduler on)',
          'in a child process on 127.0.0.1. Its logs are read and dropped, and its write rate limit per token is raised',
          `to the maximum. autocannon 8 runs in the benchmark process with ${CONNECTIONS} connections, so the two share`,
          `the machine's cores but not an event loop. ${caseCount.toLocaleString('en-US')} fresh cases are inserted first, and every`,
          'request sends MAINTAIN_START_MONTH with expectedVersion 1 and an employer API token to the next unused case,',
          `so each request applies and persists one valid event. autocannon's \`overallRate\` is a budget per second, not an even pace: each`,
          `second the connections send back to back until ${TARGET_RATE.toLocaleString('en-US')} requests have gone, then wait`,
          'for the next second, so requests queue behind each other during that burst. Latency percentiles are',
          'computed from every response (see bench/harness/http-load.ts for why autocannon\'s own corrected',
          'histogram is not used). The baseline is `GET /healthz` of the same server at the same rate: the HTTP',
          'stack and the middleware alone.',
        ].join(' '),
        rows,
        checks: [
          {
            target: `p99 < ${MAX_P99_MS} ms at ${TARGET_RATE.toLocaleString('en-US')} events/s, every run, all 200`,
            actual: `worst p99 ${formatNumber(maxP99)} ms, lowest rate ${formatNumber(minRate)}/s, ${failures} failed`,
            passed,
          },
        ],
        notes: [
          `responses at ${TARGET_RATE}/s: ${describeStatuses(sumStatusCounts(events))}; unthrottled: ${describeStatuses(sumStatusCounts(saturated))}`,
          `cases used: ${source.used.toLocaleString('en-US')} of ${caseCount.toLocaleString('en-US')}${source.exhausted ? ' (ran out: repeats were rejected with 409)' : ''}`,
        ],
        profiles,
      };
    } finally {
      await server.stop();
    }
  },
};
