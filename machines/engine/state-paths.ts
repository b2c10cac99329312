import type { StateValue } from 'xstate';

/**
 * Flattens an XState state value into the dotted paths of its active leaf states, in document order:
 * `{ refunds: { hr: 'pending', medical: 'done' } }` becomes `['refunds.hr.pending', 'refunds.medical.done']`.
 */
export function stateValueToPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    paths.push(...stateValueToPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return paths;
}

/** Every path that is active when the given leaf paths are: the leaves and all their ancestors. */
export function withAncestorPaths(leafPaths: readonly string[]): Set<string> {
  const active = new Set<string>();
  for (const leaf of leafPaths) {
    const parts = leaf.split('.');
    for (let i = 1; i <= parts.length; i++) active.add(parts.slice(0, i).join('.'));
  }
  return active;
}
