import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { listLatestProcesses } from '../../machines/catalogue.js';
import { renderStateDiagram } from './state-diagram.js';

/**
 * Server data that the browser's store of drawn process diagrams (`viewer/client/process-diagram.js`)
 * keys a drawing by, besides the process id, its version and the page language.
 */
export interface DiagramCacheInfo {
  /** The installed Mermaid package version, which the pages load from `/static/mermaid/`. */
  readonly mermaidVersion: string;
  /**
   * The first 16 hex digits of a SHA-256 over the diagram text of every latest process in Chinese and
   * English. A change to `renderStateDiagram` or to a title changes it, so drawings stored under an earlier
   * server are no longer found. Older process versions are not hashed, because a registered version never
   * changes in place and a renderer change shows up in the latest texts as well.
   */
  readonly revision: string;
  /** The latest version of each process, for pages that draw diagrams from the process catalogue. */
  readonly latestVersions: Readonly<Record<string, number>>;
}

let computed: DiagramCacheInfo | undefined;

/** Returns the cache info, computed on the first call; the process definitions do not change while the server runs. */
export function diagramCacheInfo(): DiagramCacheInfo {
  computed ??= computeDiagramCacheInfo();
  return computed;
}

function computeDiagramCacheInfo(): DiagramCacheInfo {
  const packageFile = createRequire(import.meta.url).resolve('mermaid/package.json');
  const mermaidVersion = String((JSON.parse(readFileSync(packageFile, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  const hash = createHash('sha256');
  const latestVersions: Record<string, number> = {};
  for (const definition of listLatestProcesses()) {
    latestVersions[definition.id] = definition.version;
    hash.update(`${definition.id}@${definition.version}\n`);
    hash.update(renderStateDiagram(definition, 'zh'));
    hash.update(renderStateDiagram(definition, 'en'));
  }
  return { mermaidVersion, revision: hash.digest('hex').slice(0, 16), latestVersions };
}
