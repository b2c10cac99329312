import type { AnyStateMachine } from 'xstate';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import type { LocalizedText } from '../../machines/localized-text.js';

type StateNode = AnyStateMachine['root'];

export type Language = keyof LocalizedText;

/** Highlights for a case's diagram: the active states and those the case passed through. */
export interface DiagramHighlight {
  readonly current: ReadonlySet<string>;
  readonly visited: ReadonlySet<string>;
}

/**
 * Renders a process as Mermaid `stateDiagram-v2` text. Mermaid text is a language, not a label, so:
 * node ids are built from the full state path (ids are global across composite states) with only
 * `[A-Za-z0-9_]`; the real, localised name goes into a quoted label whose punctuation is written as
 * Mermaid entity codes; and highlights use separate `class` statements, because the `id:::class`
 * shorthand is ignored inside composite states.
 */
export function renderStateDiagram(
  definition: ProcessDefinition,
  language: Language = 'zh',
  highlight?: DiagramHighlight,
): string {
  const lines: string[] = ['stateDiagram-v2'];
  const transitions: string[] = [];
  writeChildren(definition, definition.machine.root, '', 1, language, lines, transitions);
  lines.push(...transitions);
  lines.push(
    '  classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px,color:#111827',
    '  classDef visited fill:#dbeafe,stroke:#1d4ed8,color:#111827',
  );
  if (highlight) {
    const visitedOnly = [...highlight.visited].filter((path) => !highlight.current.has(path));
    if (visitedOnly.length > 0) lines.push(`  class ${visitedOnly.map(stateId).join(',')} visited`);
    if (highlight.current.size > 0) lines.push(`  class ${[...highlight.current].map(stateId).join(',')} current`);
  }
  return `${lines.join('\n')}\n`;
}

/** Returns the Mermaid node id of a state path: `s_` plus the path with every other character encoded. */
export function stateId(path: string): string {
  return `s_${path.replace(/[^A-Za-z0-9]/g, (char) => (char === '.' ? '__' : `_${char.codePointAt(0)?.toString(16)}_`))}`;
}

/**
 * Escapes label text for Mermaid: every character outside letters, digits, CJK and spaces becomes an
 * entity code `#NNN;`, which Mermaid decodes after parsing, so no punctuation can end a statement.
 */
export function escapeMermaidLabel(text: string): string {
  return [...text]
    .map((char) => (/[\p{L}\p{N} ]/u.test(char) && char !== '#' ? char : `#${char.codePointAt(0)};`))
    .join('');
}

function writeChildren(
  definition: ProcessDefinition,
  node: StateNode,
  prefix: string,
  depth: number,
  language: Language,
  lines: string[],
  transitions: string[],
): void {
  const indent = '  '.repeat(depth);
  const entries = Object.entries(node.states) as [string, StateNode][];
  if (node.type !== 'parallel' && entries.length > 0) {
    const initialKey = initialChildKey(node);
    if (initialKey) lines.push(`${indent}[*] --> ${stateId(joinPath(prefix, initialKey))}`);
  }
  entries.forEach(([key, child], index) => {
    const path = joinPath(prefix, key);
    const label = escapeMermaidLabel(definition.stateTitles[path]?.[language] ?? key);
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state "${label}" as ${stateId(path)} {`);
      writeChildren(definition, child, path, depth + 1, language, lines, transitions);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${label}" as ${stateId(path)}`);
    }
    if (node.type === 'parallel' && index < entries.length - 1) lines.push(`${indent}--`);
    if (child.type === 'final') lines.push(`${indent}${stateId(path)} --> [*]`);
    collectTransitions(definition, child, path, language, transitions);
  });
}

function collectTransitions(
  definition: ProcessDefinition,
  node: StateNode,
  path: string,
  language: Language,
  transitions: string[],
): void {
  const seen = new Set<string>();
  for (const [eventType, list] of node.transitions) {
    for (const transition of list) {
      for (const target of transition.target ?? []) {
        const title = definition.events[eventType]?.title[language] ?? eventType;
        const line = `  ${stateId(path)} --> ${stateId(pathOf(definition, target))} : ${escapeMermaidLabel(title)}`;
        if (!seen.has(line)) transitions.push(line);
        seen.add(line);
      }
    }
  }
  for (const transition of node.always ?? []) {
    for (const target of transition.target ?? []) {
      const label = language === 'zh' ? '自动' : 'automatic';
      transitions.push(`  ${stateId(path)} --> ${stateId(pathOf(definition, target))} : ${escapeMermaidLabel(label)}`);
    }
  }
}

function initialChildKey(node: StateNode): string | undefined {
  const initialTargets = node.initial?.target ?? [];
  return initialTargets[0]?.key;
}

function pathOf(definition: ProcessDefinition, node: StateNode): string {
  return node.path.join('.') || definition.machine.id;
}

function joinPath(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}
