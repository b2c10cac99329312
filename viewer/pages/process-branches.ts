import type { AnyStateMachine } from 'xstate';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import type { LocalizedText } from '../../machines/localized-text.js';

/** One transition of a process machine, as a trainer explains it: from where, on what, to where. */
export interface ProcessBranch {
  readonly source: string;
  readonly sourceTitle: LocalizedText;
  /** The event type; null for an automatic (`always`) transition or one taken when a parallel state is done. */
  readonly eventType: string | null;
  readonly eventTitle: LocalizedText | null;
  readonly targets: readonly { readonly path: string; readonly title: LocalizedText }[];
  /** The guard's name when the transition is guarded, so that each guarded alternative shows as its own branch. */
  readonly guard: string | null;
}

type StateNode = AnyStateMachine['root'];

/**
 * Lists every transition of a process by walking the machine's state nodes, so that each branch appears,
 * including branches a shortest-path search would skip. Internal XState events (`xstate.*`) are left out
 * except completion events, which are shown as automatic.
 */
export function listProcessBranches(definition: ProcessDefinition): ProcessBranch[] {
  const branches: ProcessBranch[] = [];
  const titleOf = (path: string): LocalizedText => definition.stateTitles[path] ?? { zh: path, en: path };

  const visit = (node: StateNode): void => {
    const source = node.path.join('.');
    const transitions = [...node.transitions.entries()].flatMap(([eventType, list]) => list.map((transition) => ({ eventType, transition })));
    const always = (node.always ?? []).map((transition) => ({ eventType: '', transition }));
    for (const { eventType, transition } of [...transitions, ...always]) {
      if (eventType.startsWith('xstate.') && !eventType.startsWith('xstate.done.state')) continue;
      const automatic = eventType === '' || eventType.startsWith('xstate.');
      const targets = (transition.target ?? []).map((target: StateNode) => target.path.join('.'));
      branches.push({
        source,
        sourceTitle: titleOf(source),
        eventType: automatic ? null : eventType,
        eventTitle: automatic ? null : (definition.events[eventType]?.title ?? null),
        targets: targets.map((path: string) => ({ path, title: titleOf(path) })),
        guard: describeGuard(transition.guard),
      });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(definition.machine.root);
  return branches;
}

function describeGuard(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  if (typeof guard === 'function') return guard.name || 'guard';
  return 'guard';
}
