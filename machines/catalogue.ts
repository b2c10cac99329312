import type { ProcessDefinition } from './engine/process-definition.js';
import { FEE_PROCESSES } from './processes/fee-processes.js';
import { REGISTRATION_PROCESSES } from './processes/registration-processes.js';

/**
 * Every version of every process the product can run. A new version is added beside the old one, never in
 * its place: running cases keep the version they started with, and new cases get the latest.
 */
const ALL_VERSIONS: readonly ProcessDefinition[] = [...REGISTRATION_PROCESSES, ...FEE_PROCESSES];

const byId = new Map<string, Map<number, ProcessDefinition>>();
for (const definition of ALL_VERSIONS) {
  const versions = byId.get(definition.id) ?? new Map<number, ProcessDefinition>();
  if (versions.has(definition.version)) {
    throw new Error(`Process ${definition.id} v${definition.version} is registered twice`);
  }
  versions.set(definition.version, definition);
  byId.set(definition.id, versions);
}

/** The latest version of each process, in catalogue order. */
export function listLatestProcesses(): ProcessDefinition[] {
  return [...byId.keys()].map((id) => getLatestProcess(id)).filter((d): d is ProcessDefinition => d !== undefined);
}

export function getLatestProcess(id: string): ProcessDefinition | undefined {
  const versions = byId.get(id);
  if (!versions) return undefined;
  return versions.get(Math.max(...versions.keys()));
}

/** The exact version a case is pinned to; undefined when that version is not registered. */
export function getProcessVersion(id: string, version: number): ProcessDefinition | undefined {
  return byId.get(id)?.get(version);
}
