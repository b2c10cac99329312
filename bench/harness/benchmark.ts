import type { WorkDirectory } from '../fixtures/databases.js';
import type { ProfileSummary } from './cpu-profile.js';
import type { ResultRow, TargetCheck } from './result.js';

/** Context the runner passes to every benchmark. */
export interface BenchmarkContext {
  /** A short smoke run: fewer samples, shorter durations and smaller data sets. */
  readonly quick: boolean;
  /** Folder for the benchmark's database files; the runner removes it at the end. */
  readonly workDirectory: WorkDirectory;
  /** Prints a progress line, which also goes into the report's full output. */
  readonly log: (message: string) => void;
}

/** Result of a benchmark, to which the runner adds its name, title and duration. */
export interface BenchmarkOutcome {
  readonly method: string;
  readonly rows: readonly ResultRow[];
  readonly checks: readonly TargetCheck[];
  readonly notes: readonly string[];
  readonly profiles: readonly ProfileSummary[];
}

export interface Benchmark {
  /** The name `--only` selects, such as `engine`. */
  readonly name: string;
  readonly title: string;
  run(context: BenchmarkContext): Promise<BenchmarkOutcome>;
}
