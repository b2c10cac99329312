import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';
import type { Workload } from './sampling.js';
import { measureRate } from './sampling.js';

/** A share of the CPU samples of a profile. */
export interface ProfileShare {
  readonly name: string;
  /** `file:line` of the function, relative to the project or node_modules; empty for V8's own entries. */
  readonly location: string;
  readonly percent: number;
}

/**
 * A CPU profile reduced to what explains a missed target. It lists the samples by code area (a package in
 * node_modules, a project folder, Node's internals, the garbage collector), the functions with the most
 * self time, and the project functions with the most inclusive time (their callees counted).
 */
export interface ProfileSummary {
  readonly title: string;
  readonly sampleCount: number;
  readonly durationMs: number;
  readonly byArea: readonly ProfileShare[];
  readonly bySelfTime: readonly ProfileShare[];
  readonly projectInclusive: readonly ProfileShare[];
}

/** Sampling interval of the profiles, in microseconds (V8's default is 1,000). */
const SAMPLING_INTERVAL_US = 200;

/** How many entries each list of a summary keeps. */
const TOP_ENTRIES = 15;

/** The project root as a file URL with a trailing slash, such as `file:///work/main/`. */
const PROJECT_ROOT_URL = new URL('../../', import.meta.url).href;

/**
 * Profiles this process with V8's sampling profiler while `run` executes, and summarises the samples.
 * Works through node:inspector in the same process, so no flag is needed.
 */
export async function profileDuring(title: string, run: () => Promise<unknown>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    await run();
    const { profile } = await session.post('Profiler.stop');
    return summarizeProfile(title, profile);
  } finally {
    session.disconnect();
  }
}

/** Profiles a workload repeated for `durationMs`. */
export async function profileWorkload(title: string, workload: Workload, durationMs: number): Promise<ProfileSummary> {
  return profileDuring(title, () => measureRate(workload, durationMs));
}

/** Starts a profile that a later call of the returned function stops and summarises (for child servers). */
export async function startProfile(): Promise<(title: string) => Promise<ProfileSummary>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  return async (title) => {
    try {
      const { profile } = await session.post('Profiler.stop');
      return summarizeProfile(title, profile);
    } finally {
      session.disconnect();
    }
  };
}

/** Reduces a V8 CPU profile to shares by area, by self time and by inclusive time of project functions. */
export function summarizeProfile(title: string, profile: Profiler.Profile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples?.length ?? 0;

  const byArea = new Map<string, number>();
  const bySelf = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, count] of hits) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    add(byArea, areaOf(frame), count);
    add(bySelf, frameKey(frame), count);

    // Count each project function once per sample, however often it recurs on the stack.
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const ancestor = nodes.get(current)?.callFrame;
      if (!ancestor || !ancestor.url.startsWith(PROJECT_ROOT_URL) || isProjectDependency(ancestor.url)) continue;
      const key = frameKey(ancestor);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + count);
      seen.add(key);
    }
  }

  return {
    title,
    sampleCount: total,
    durationMs: (profile.endTime - profile.startTime) / 1000,
    byArea: topShares(byArea, total, (key) => ({ name: key, location: '' })),
    bySelfTime: topShares(bySelf, total, splitKey),
    projectInclusive: topShares(inclusive, total, splitKey),
  };
}

/** Markdown lines of a summary: three small tables. */
export function formatProfile(summary: ProfileSummary): string[] {
  const table = (heading: string, shares: readonly ProfileShare[]): string[] => [
    `| ${heading} | where | share of samples |`,
    '|---|---|---:|',
    ...shares.map((share) => `| ${escapeCell(share.name)} | ${escapeCell(share.location)} | ${share.percent.toFixed(1)}% |`),
    '',
  ];
  return [
    `**Profile: ${summary.title}** (${summary.sampleCount.toLocaleString('en-US')} samples at ${SAMPLING_INTERVAL_US} µs over ${(summary.durationMs / 1000).toFixed(1)} s)`,
    '',
    ...table('code area', summary.byArea),
    ...table('function (self time)', summary.bySelfTime),
    ...table('project function (inclusive time)', summary.projectInclusive),
  ];
}

function areaOf(frame: Profiler.ProfileNode['callFrame']): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native code)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1]) return `package ${dependency[1]}`;
  if (url.startsWith(PROJECT_ROOT_URL)) return `project ${url.slice(PROJECT_ROOT_URL.length).split('/')[0] ?? ''}/`;
  if (url.startsWith('node:')) return 'Node.js internals';
  return url;
}

function isProjectDependency(url: string): boolean {
  return url.includes('/node_modules/');
}

/**
 * A stable key for a function: its name and location, joined with a tab that no name or path contains.
 * Project files carry no line number because tsx compiles them on load and V8 reports lines of the
 * compiled text, which do not match the source.
 */
function frameKey(frame: Profiler.ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return `${name}\t`;
  if (frame.url.startsWith(PROJECT_ROOT_URL) && !isProjectDependency(frame.url)) {
    return `${name}\t${frame.url.slice(PROJECT_ROOT_URL.length)}`;
  }
  const path = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
  return `${name}\t${path}:${frame.lineNumber + 1}`;
}

function splitKey(key: string): { name: string; location: string } {
  const [name = key, location = ''] = key.split('\t');
  return { name, location };
}

function topShares(
  counts: ReadonlyMap<string, number>,
  total: number,
  describe: (key: string) => { name: string; location: string },
): ProfileShare[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_ENTRIES)
    .map(([key, count]) => ({ ...describe(key), percent: total === 0 ? 0 : (100 * count) / total }));
}

function add(counts: Map<string, number>, key: string, count: number): void {
  counts.set(key, (counts.get(key) ?? 0) + count);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
