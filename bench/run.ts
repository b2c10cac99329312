import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchmarkContext } from './harness/benchmark.js';
import { formatNumber, textReport, textTable } from './harness/format.js';
import { describeMachine, readMachineFacts } from './harness/machine-facts.js';
import { writeMarkdownReport } from './harness/markdown-report.js';
import type { BenchmarkReport } from './harness/result.js';
import { createWorkDirectory } from './fixtures/databases.js';
import { bpmnPeer } from './suites/bpmn-peer.js';
import { caseListScale } from './suites/case-list-scale.js';
import { engineOverhead } from './suites/engine-overhead.js';
import { historyScale } from './suites/history-scale.js';
import { httpLoad } from './suites/http-load.js';
import { importThroughput } from './suites/import-throughput.js';
import { memory } from './suites/memory.js';
import { pageLoad } from './suites/page-load.js';
import { storeThroughput } from './suites/store-throughput.js';

/** Every benchmark in the order a full run takes them. */
const BENCHMARKS: readonly Benchmark[] = [engineOverhead, storeThroughput, importThroughput, bpmnPeer, httpLoad, historyScale, caseListScale, pageLoad, memory];

const REPORT_PATH = new URL('../docs/benchmarks.md', import.meta.url);

const HELP = `Usage: npm run bench -- [--quick] [--only NAME[,NAME...]]

Runs the benchmarks and prints min/median/max of each measurement with its ratio to a baseline measured
in the same run. A full run (no options) also rewrites docs/benchmarks.md.

  --quick        short smoke run: fewer and shorter samples, smaller data sets
  --only NAMES   run only these benchmarks (comma-separated or repeated): ${BENCHMARKS.map((b) => b.name).join(', ')}
  --help         print this text
`;

async function main(): Promise<void> {
  const options = readOptions();
  const output: string[] = [];
  const print = (line: string): void => {
    output.push(line);
    process.stdout.write(`${line}\n`);
  };

  const facts = readMachineFacts();
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  print(`$ ${command}`);
  for (const fact of describeMachine(facts)) print(fact);
  print('');

  const started = Date.now();
  const reports: BenchmarkReport[] = [];
  const workDirectory = createWorkDirectory();
  // An interrupted run still removes its database files; child servers stop when their IPC channel closes.
  const onInterrupt = (): void => {
    workDirectory.remove();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (const benchmark of options.selected) {
      print(`-- ${benchmark.title} (${benchmark.name})`);
      const report = await runBenchmark(benchmark, { quick: options.quick, workDirectory, log: print });
      reports.push(report);
      for (const line of textReport(report)) print(line);
      print('');
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    workDirectory.remove();
  }

  const totalMs = Date.now() - started;
  const checks = reports.flatMap((report) => report.checks.map((check) => [report.name, check.target, check.actual, check.passed ? 'PASS' : 'MISS']));
  print('== Targets');
  for (const line of textTable(['benchmark', 'target', 'measured', 'verdict'], checks)) print(line);
  print(`total time: ${formatNumber(totalMs / 1000)} s`);

  if (options.writesReport) {
    writeMarkdownReport(REPORT_PATH, { command, facts, reports, totalMs, output });
    process.stdout.write(`wrote ${REPORT_PATH.pathname}\n`);
  }
}

/** Runs one benchmark and adds its name, title, duration and how busy the machine was. */
async function runBenchmark(benchmark: Benchmark, context: BenchmarkContext): Promise<BenchmarkReport> {
  const idleBefore = await measureIdleShare(IDLE_SAMPLE_MS);
  const loadBefore = oneMinuteLoad();
  const started = Date.now();
  const outcome = await benchmark.run(context);
  return {
    name: benchmark.name,
    title: benchmark.title,
    ...outcome,
    notes: [...outcome.notes, describeLoad(idleBefore, loadBefore, oneMinuteLoad())],
    durationMs: Date.now() - started,
  };
}

/** How long the CPU is watched before each benchmark to see how much of it other processes use. */
const IDLE_SAMPLE_MS = 1_000;

/** Below this idle share before a benchmark, other processes were busy enough to slow it down. */
const MIN_QUIET_IDLE_SHARE = 0.8;

function oneMinuteLoad(): number {
  return os.loadavg()[0] ?? 0;
}

/** Measures the share of all cores' time spent idle over `durationMs`, from the kernel's CPU counters. */
async function measureIdleShare(durationMs: number): Promise<number> {
  const totals = (): { idle: number; all: number } =>
    os.cpus().reduce(
      (sum, cpu) => ({ idle: sum.idle + cpu.times.idle, all: sum.all + Object.values(cpu.times).reduce((a, b) => a + b, 0) }),
      { idle: 0, all: 0 },
    );
  const before = totals();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const after = totals();
  return after.all === before.all ? 1 : (after.idle - before.idle) / (after.all - before.all);
}

/**
 * Describes how busy the machine was around a benchmark: the idle share just before it, when nothing of
 * the benchmark runs yet, and the 1-minute load average at its start and end.
 */
function describeLoad(idleBefore: number, loadBefore: number, loadAfter: number): string {
  const cores = os.availableParallelism();
  const busy = idleBefore < MIN_QUIET_IDLE_SHARE ? '; other processes were using the CPU, so treat these numbers as pessimistic' : '';
  return (
    `CPU idle just before the start: ${(idleBefore * 100).toFixed(0)}% of ${cores} cores; ` +
    `load average (1 min) ${loadBefore.toFixed(2)} at the start and ${loadAfter.toFixed(2)} at the end${busy}`
  );
}

interface RunOptions {
  readonly quick: boolean;
  readonly selected: readonly Benchmark[];
  /** Only a full run rewrites docs/benchmarks.md, so that the page always shows one complete run. */
  readonly writesReport: boolean;
}

function readOptions(): RunOptions {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const names = (values.only ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    throw new Error(`Unknown benchmark ${unknown.join(', ')} in --only; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
  return { quick: values.quick, selected, writesReport: !values.quick && names.length === 0 };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
