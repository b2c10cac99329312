import { readFileSync } from 'node:fs';
import os from 'node:os';
import SqliteDatabase from 'better-sqlite3';

/** The machine and software a run measured, so that numbers from different machines are not compared blindly. */
export interface MachineFacts {
  readonly date: string;
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly sqlite: string;
  /** The 1-minute load average when the run started; above the core count, other work competed for the CPU. */
  readonly loadAverage: number;
  /** Installed versions of the packages the benchmarks exercise. */
  readonly packages: Readonly<Record<string, string>>;
}

const MEASURED_PACKAGES = ['xstate', 'kysely', 'better-sqlite3', 'hono', '@hono/node-server', 'zod', 'bpmn-engine', 'autocannon'];

export function readMachineFacts(now: Date = new Date()): MachineFacts {
  const sqlite = new SqliteDatabase(':memory:');
  const sqliteVersion = (sqlite.prepare('select sqlite_version() as version').get() as { version: string }).version;
  sqlite.close();
  return {
    date: now.toISOString(),
    cpuCount: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite: sqliteVersion,
    loadAverage: os.loadavg()[0] ?? 0,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}

/** Formats the facts one per line, for the console and the report. */
export function describeMachine(facts: MachineFacts): string[] {
  return [
    `date: ${facts.date}`,
    `CPU: ${facts.cpuCount} cores, ${facts.cpuModel}`,
    `memory: ${facts.memoryGiB.toFixed(1)} GiB`,
    `OS: ${facts.os}`,
    `Node.js: ${facts.node}, SQLite: ${facts.sqlite}`,
    `load average (1 min) at the start: ${facts.loadAverage.toFixed(2)}`,
    `packages: ${Object.entries(facts.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
  ];
}

/** Reads the version from node_modules directly, because some packages do not export package.json. */
function installedVersion(name: string): string {
  try {
    const manifest = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
