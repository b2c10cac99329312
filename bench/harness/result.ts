import type { ProfileSummary } from './cpu-profile.js';
import type { Spread } from './statistics.js';
import { percentile, spreadOf } from './statistics.js';

/** One measured quantity: its repeated values and how they compare with the benchmark's baseline. */
export interface ResultRow {
  readonly label: string;
  readonly unit: string;
  readonly spread: Spread;
  /** The 95th percentile, for rows whose values are single request latencies. */
  readonly p95?: number;
  /** How many values the spread summarises and what one value is, such as `5 runs of 2 s`. */
  readonly basis: string;
  /** The median of this row divided by the median of its baseline row, with the baseline's short name. */
  readonly ratio?: { readonly value: number; readonly baseline: string };
  /** The short name this row goes by as a baseline, such as `raw`; set on baseline rows only. */
  readonly baselineName?: string;
}

/** A target of the benchmark, what was measured against it, and whether it was met. */
export interface TargetCheck {
  readonly target: string;
  readonly actual: string;
  readonly passed: boolean;
}

/** Everything one benchmark reports: it is printed to the console and written to docs/benchmarks.md. */
export interface BenchmarkReport {
  readonly name: string;
  readonly title: string;
  /** The measuring method, in a few Markdown sentences. */
  readonly method: string;
  readonly rows: readonly ResultRow[];
  readonly checks: readonly TargetCheck[];
  /** Facts worth keeping beside the numbers: sizes, build times, error counts, query plans. */
  readonly notes: readonly string[];
  /** CPU profiles taken because a target was missed. */
  readonly profiles: readonly ProfileSummary[];
  readonly durationMs: number;
}

/** Builds a row from raw values. */
export function row(label: string, unit: string, values: readonly number[], basis: string): ResultRow {
  return { label, unit, spread: spreadOf(values), basis };
}

/** Builds a row of request latencies in milliseconds, which also carries their 95th percentile. */
export function latencyRow(label: string, latenciesMs: readonly number[]): ResultRow {
  return { ...row(label, 'ms', latenciesMs, `${latenciesMs.length.toLocaleString('en-US')} requests`), p95: percentile(latenciesMs, 0.95) };
}

/**
 * Marks `baseline` as the baseline under a short name (which the ratio column shows) and gives every
 * other row its ratio of medians to it.
 */
export function withRatios(rows: readonly ResultRow[], baseline: ResultRow, baselineName: string): ResultRow[] {
  return rows.map((entry) =>
    entry === baseline
      ? { ...entry, baselineName }
      : { ...entry, ratio: { value: entry.spread.median / baseline.spread.median, baseline: baselineName } },
  );
}
