import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const script = fileURLToPath(new URL('../../scripts/pg-throwaway.sh', import.meta.url));
const clusterDirectory = `/tmp/case-engine-pg-vitest-${process.pid}`;
const port = String(54_330 + (process.pid % 500));

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a PostgreSQL server for tests, or '' when none is available. */
    postgresUrl: string;
  }
}

/**
 * Gives the tests a PostgreSQL server: TEST_POSTGRES_URL when set, otherwise a throwaway PostgreSQL 15
 * cluster on 127.0.0.1 when its binaries are installed (stopped and removed after the run), otherwise none,
 * and the PostgreSQL variants of the tests are skipped. CI=true makes a missing server an error.
 */
export default function setup(project: TestProject): (() => void) | undefined {
  const given = process.env['TEST_POSTGRES_URL'];
  if (given) {
    project.provide('postgresUrl', given);
    return undefined;
  }
  const binaries = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
  if (!existsSync(`${binaries}/initdb`)) {
    if (process.env['CI'] === 'true') throw new Error(`CI needs PostgreSQL 15: no initdb in ${binaries}`);
    process.stderr.write(`PostgreSQL 15 not found in ${binaries}: PostgreSQL variants of the tests are skipped\n`);
    project.provide('postgresUrl', '');
    return undefined;
  }
  const url = execFileSync(script, ['start', clusterDirectory, port], { encoding: 'utf8' }).trim();
  project.provide('postgresUrl', url);
  return () => {
    execFileSync(script, ['stop', clusterDirectory]);
  };
}
