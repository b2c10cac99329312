import { v7 as uuidv7 } from 'uuid';
import { CaseStore } from '../../db/case-store.js';
import { verifyChain } from '../../db/hash-chain.js';
import { renderStateDiagram } from '../../viewer/mermaid/state-diagram.js';
import type { Benchmark, BenchmarkContext, BenchmarkOutcome } from '../harness/benchmark.js';
import { formatNumber } from '../harness/format.js';
import type { ResultRow } from '../harness/result.js';
import { latencyRow, row, withRatios } from '../harness/result.js';
import { measureRate, timed } from '../harness/sampling.js';
import { timeSequentialGets } from '../harness/sequential-client.js';
import { backPaymentDefinition } from '../fixtures/back-payment.js';
import { createBenchUsers } from '../fixtures/bench-users.js';
import { openMigrated } from '../fixtures/databases.js';
import { createCaseWithHistory } from '../fixtures/long-history.js';
import { startBenchServer } from '../server/server-process.js';

const FULL_SIZES = [10, 1_000, 10_000];
const QUICK_SIZES = [10, 100, 1_000];

const FULL_REQUESTS = { warmup: 3, maxRequests: 100, maxMs: 6_000 };
const QUICK_REQUESTS = { warmup: 2, maxRequests: 20, maxMs: 2_000 };

/**
 * Scale of history: the time to read a case's history and its Mermaid case diagram over HTTP, for cases
 * with 10, 1,000 and 10,000 events. Each case is built through the engine and CaseStore with a valid hash
 * chain.
 */
export const historyScale: Benchmark = {
  name: 'history',
  title: 'History and case diagram by history length',
  async run(context: BenchmarkContext): Promise<BenchmarkOutcome> {
    const sizes = context.quick ? QUICK_SIZES : FULL_SIZES;
    const requests = context.quick ? QUICK_REQUESTS : FULL_REQUESTS;
    const databasePath = context.workDirectory.file('history.db');

    const connection = await openMigrated(databasePath);
    const store = new CaseStore(connection.db, uuidv7);
    const caseIds: string[] = [];
    const notes: string[] = [];
    try {
      for (const size of sizes) {
        context.log(`history: building a case with ${size.toLocaleString('en-US')} events`);
        const { ms, result: caseId } = await timed(() => createCaseWithHistory(store, size));
        caseIds.push(caseId);
        notes.push(`building the ${size.toLocaleString('en-US')}-event case through the engine and CaseStore took ${formatNumber(ms / 1000)} s`);
      }
      const largest = caseIds.at(-1) as string;
      const caseRow = await store.getCase(largest);
      const verdict = caseRow ? verifyChain(await store.listEvents(largest), caseRow) : undefined;
      if (!verdict?.intact) throw new Error(`The ${sizes.at(-1)}-event case has a broken hash chain: ${JSON.stringify(verdict)}`);
      notes.push(`hash chain of the largest case verified intact over ${verdict.eventCount.toLocaleString('en-US')} events`);
    } finally {
      await connection.close();
    }

    const tokens = await createBenchUsers(databasePath);
    const headers = { authorization: `Bearer ${tokens.caseworker}` };
    const server = await startBenchServer({ databasePath });
    const historyRows: ResultRow[] = [];
    const diagramRows: ResultRow[] = [];
    try {
      for (const [index, size] of sizes.entries()) {
        const caseId = caseIds[index] as string;
        context.log(`history: timing GET history and diagram.mmd of the ${size.toLocaleString('en-US')}-event case`);
        const history = await timeSequentialGets({ baseUrl: server.baseUrl, headers, ...requests, pathOf: () => `/api/cases/${caseId}/history` });
        const diagram = await timeSequentialGets({ baseUrl: server.baseUrl, headers, ...requests, pathOf: () => `/api/cases/${caseId}/diagram.mmd` });
        requireOk(history.statusCounts, 'history');
        requireOk(diagram.statusCounts, 'diagram.mmd');
        historyRows.push(latencyRow(`GET history, ${size.toLocaleString('en-US')} events`, history.latenciesMs));
        diagramRows.push(latencyRow(`GET diagram.mmd, ${size.toLocaleString('en-US')} events`, diagram.latenciesMs));
        notes.push(
          `${size.toLocaleString('en-US')} events: history body ${kibibytes(history.lastBodyBytes)}, diagram body ${kibibytes(diagram.lastBodyBytes)}`,
        );
      }
    } finally {
      await server.stop();
    }

    const renderRate = await measureRate(() => renderOnce(), context.quick ? 300 : 1_000);
    const [historyBaseline, diagramBaseline] = [historyRows[0], diagramRows[0]];
    if (!historyBaseline || !diagramBaseline) throw new Error('history benchmark measured no case');
    return {
      method: [
        'Cases with the given number of events are built through the engine and `CaseStore.appendEvent` (the',
        'creation, then MAINTAIN_START_MONTH repeated, which `awaitingHrPush` accepts as a correction), so each',
        'history has a valid hash chain. `server/main.ts` then runs as a child process on 127.0.0.1 and an hr',
        "caseworker's API token requests each endpoint one request at a time; a latency runs from sending the",
        'request to reading the whole body.',
        '`diagram.mmd` reads the events up to the case head, collects every visited state from the stored',
        'microsteps and renders the process diagram with them highlighted. The baseline of each endpoint is',
        'its 10-event case. The last row times `renderStateDiagram` alone, in process.',
      ].join(' '),
      rows: [
        ...withRatios(historyRows, historyBaseline, 'history of 10'),
        ...withRatios(diagramRows, diagramBaseline, 'diagram of 10'),
        row('renderStateDiagram alone, in process', 'ms', [1_000 / renderRate], '1 run of 1 s, mean per call'),
      ],
      checks: [],
      notes,
      profiles: [],
    };
  },
};

function renderOnce(): number {
  const definition = backPaymentDefinition();
  renderStateDiagram(definition, 'zh', { current: new Set(['taxRoute', 'taxRoute.awaitingHrPush']), visited: new Set(['routing', 'taxRoute.awaitingStartMonthMaintenance']) });
  return 1;
}

function requireOk(statusCounts: Readonly<Record<string, number>>, endpoint: string): void {
  const failed = Object.entries(statusCounts).filter(([status]) => status !== '200');
  if (failed.length > 0) throw new Error(`GET ${endpoint} returned statuses ${JSON.stringify(statusCounts)}; expected only 200`);
}

function kibibytes(bytes: number): string {
  return `${formatNumber(bytes / 1024)} KiB`;
}
