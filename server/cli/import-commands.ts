import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import { v7 as uuidv7 } from 'uuid';
import { invalidFeePeriodText, isFeePeriod } from '../../machines/policy/fee-period.js';
import { systemClock } from '../clock.js';
import { exportCases } from '../imports/export-cases.js';
import { reconcileHeadcount } from '../imports/reconcile-headcount.js';
import { ImportService } from '../imports/import-service.js';
import type { ImportReport } from '../imports/import-service.js';
import { formatOf, PushFileError, readPushFile } from '../imports/read-push-file.js';
import { EXIT_PROBLEMS } from './commands.js';
import type { CliContext } from './commands.js';

/**
 * `import <file> [--dry-run]`: checks a month-end push file and, unless `--dry-run`, applies its valid
 * rows. Prints the report as JSON on standard output and a summary on standard error. Returns 1 when any
 * row is bad or was rejected, 0 otherwise.
 */
export async function importPushFile(context: CliContext, path: string, options: { dryRun?: boolean; batchSize?: string }): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? { zh: '文件不存在', en: 'no such file' } : { zh: '无法读取该文件', en: 'the file cannot be read' };
    process.stderr.write(`error: ${path}: ${reason.en}; check the path.
错误：${path}：${reason.zh}，请检查路径。
`);
    return EXIT_PROBLEMS;
  }
  let file;
  try {
    file = await readPushFile(bytes, formatOf(path));
  } catch (error) {
    if (!(error instanceof PushFileError)) throw error;
    process.stderr.write(`error: ${path}: ${error.localized.en}\n错误：${path}：${error.localized.zh}\n`);
    return EXIT_PROBLEMS;
  }

  const service = new ImportService({ store: context.store, clock: systemClock, newId: uuidv7 });
  const progress = createRowProgress(options.dryRun ? 'check' : 'import');
  let report: ImportReport;
  try {
    report = await service.importFile(file, {
      dryRun: options.dryRun ?? false,
      fileName: basename(path),
      operator: context.operator,
      ...(options.batchSize !== undefined ? { batchSize: Number(options.batchSize) } : {}),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }

  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const badRows = new Set(report.issues.map((issue) => issue.rowNumber)).size;
  process.stderr.write(
    `${report.rowCount} rows, ${badRows === 0 ? 'no' : badRows} bad ${badRows === 1 ? 'row' : 'rows'}, ` +
      `${report.appliedRows} applied now, ${report.alreadyAppliedRows} applied before, ${report.rejectedRows.length} rejected` +
      `${report.dryRun ? ' (dry run: nothing changed)' : ''}\n`,
  );
  return report.issues.length === 0 && report.rejectedRows.length === 0 ? 0 : EXIT_PROBLEMS;
}

/**
 * Creates a progress bar of rows on standard error, with rows per second and the time left. It prints
 * nothing when standard error is not a terminal, so logs and pipes stay clean.
 */
export function createRowProgress(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} rows | {speed} rows/s | {eta_formatted} left`,
    stream: process.stderr,
    etaBuffer: 20,
  });
  const startedAt = Date.now();
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0, { speed: '0' });
      started = true;
      const seconds = (Date.now() - startedAt) / 1000;
      bar.update(done, { speed: seconds > 0 ? Math.round(done / seconds).toString() : '0' });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** `reconcile --employer X --fee-period YYYY-MM`: prints the headcount reconciliation; 1 when any insurance differs. */
export async function reconcile(context: CliContext, options: { employer: string; feePeriod: string }): Promise<number> {
  if (!isFeePeriod(options.feePeriod)) {
    process.stderr.write(`error: ${invalidFeePeriodText(options.feePeriod).en}\n`);
    return EXIT_PROBLEMS;
  }
  const result = await reconcileHeadcount(context.store.db, options.employer, options.feePeriod);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const differing = result.lines.filter((line) => line.difference !== null && line.difference !== 0);
  process.stderr.write(
    result.monthlyReportCaseId === null
      ? `no monthly report case for ${options.employer} in ${options.feePeriod}; ${result.people.length} people may make the headcounts differ\n`
      : `${differing.length} insurances differ; ${result.people.length} people may make the headcounts differ\n`,
  );
  return differing.length === 0 ? 0 : EXIT_PROBLEMS;
}

export interface ExportOptions {
  readonly out: string;
  readonly process?: string;
  readonly state?: string;
  readonly employer?: string;
  readonly feePeriod?: string;
  readonly status?: 'active' | 'done';
}

/** `export --out FILE [filters]`: writes the cases a filter selects as .csv or .xlsx, by the file's extension. */
export async function exportCaseList(context: CliContext, options: ExportOptions): Promise<number> {
  const filter = {
    ...(options.process !== undefined ? { processId: options.process } : {}),
    ...(options.state !== undefined ? { state: options.state } : {}),
    ...(options.employer !== undefined ? { employerCode: options.employer } : {}),
    ...(options.feePeriod !== undefined ? { feePeriod: options.feePeriod } : {}),
    ...(options.status !== undefined ? { status: options.status } : {}),
  };
  const result = await exportCases(context.store, filter, formatOf(options.out));
  writeFileSync(options.out, result.bytes, { flag: 'wx' });
  process.stderr.write(`${result.caseCount} cases written to ${options.out}${result.truncated ? ' (stopped at the maximum; narrow the filter)' : ''}\n`);
  return 0;
}
