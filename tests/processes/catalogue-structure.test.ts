import { createMachine } from 'xstate';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { describe, expect, it } from 'vitest';

import { listLatestProcesses } from '../../machines/catalogue.js';
import { collectMachineEventTypes, collectStatePaths } from '../../machines/engine/process-definition.js';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';

// A structural walk of each machine's state nodes, without running guards or actions: a transition counts
// as possible whatever its guard. Entering a compound state enters its initial child and entering a
// parallel state enters all its regions. A compound state's onDone fires once one of its final children is
// reached, and a parallel state's once every region has reached a final child. A state in a parallel region
// is also left when a state of a sibling region takes a transition out of the parallel state.

const DONE_STATE_EVENT_PREFIX = 'xstate.done.state.';

interface StructureFindings {
  /** States that no sequence of transitions from the initial state enters. */
  readonly unreachable: readonly string[];
  /** States from which no top-level final state can be reached. */
  readonly cannotFinish: readonly string[];
  /** Non-final leaf states with no outgoing transition, and nested final states whose completion goes nowhere. */
  readonly deadEnds: readonly string[];
}

function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

function ancestorsOf(node: AnyStateNode): AnyStateNode[] {
  const ancestors: AnyStateNode[] = [];
  for (let parent = node.parent; parent?.parent !== undefined; parent = parent.parent) ancestors.push(parent);
  return ancestors;
}

function isTopLevelFinal(node: AnyStateNode): boolean {
  return node.type === 'final' && node.parent?.parent === undefined;
}

/** Transitions that an event, a delay or an eventless `always` can take, without onDone. */
function ordinaryTransitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  const transitions: AnyTransitionDefinition[] = [...(node.always ?? [])];
  for (const [eventType, definitions] of node.transitions) {
    if (!eventType.startsWith(DONE_STATE_EVENT_PREFIX)) transitions.push(...definitions);
  }
  return transitions;
}

function doneTransitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...node.transitions].filter(([eventType]) => eventType.startsWith(DONE_STATE_EVENT_PREFIX)).flatMap(([, list]) => list);
}

function targetsOf(transitions: readonly AnyTransitionDefinition[]): AnyStateNode[] {
  return transitions.flatMap((transition) => [...(transition.target ?? [])]);
}

/** Returns the children entered with a state: a compound state's initial child, a parallel state's regions. */
function enteredChildrenOf(node: AnyStateNode): AnyStateNode[] {
  if (node.type === 'compound') return [...(node.initial?.target ?? [])];
  if (node.type === 'parallel') return Object.values(node.states);
  return [];
}

/** Returns every state active after entering `target`: its ancestors, itself and the children entered with it. */
function statesEnteredWith(target: AnyStateNode): AnyStateNode[] {
  const entered = [...ancestorsOf(target)];
  const pending = [target];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    entered.push(node);
    pending.push(...enteredChildrenOf(node));
  }
  return entered;
}

/** Returns whether a compound or parallel state can complete, given the states reached so far. */
function canComplete(node: AnyStateNode, reached: ReadonlySet<AnyStateNode>): boolean {
  if (node.type === 'compound') return Object.values(node.states).some((child) => child.type === 'final' && reached.has(child));
  if (node.type === 'parallel') return Object.values(node.states).every((region) => canComplete(region, reached));
  return false;
}

function findReachable(machine: AnyStateMachine): Set<AnyStateNode> {
  const reached = new Set<AnyStateNode>();
  const enter = (target: AnyStateNode): void => {
    for (const node of statesEnteredWith(target)) reached.add(node);
  };
  for (const child of enteredChildrenOf(machine.root)) enter(child);

  // Repeat until nothing changes, because an onDone becomes possible only once its finals are reached.
  for (let size = -1; size !== reached.size; ) {
    size = reached.size;
    for (const node of [...reached]) {
      for (const target of targetsOf(ordinaryTransitionsOf(node))) enter(target);
      if (canComplete(node, reached)) {
        for (const target of targetsOf(doneTransitionsOf(node))) enter(target);
      }
    }
  }
  return reached;
}

/**
 * Returns the targets of transitions in the sibling regions of `node` and of its ancestors that lie
 * outside the enclosing parallel state. Such a transition exits the parallel state, and so `node` too.
 */
function concurrentExitTargetsOf(node: AnyStateNode): AnyStateNode[] {
  const targets: AnyStateNode[] = [];
  for (const region of [node, ...ancestorsOf(node)]) {
    const parallel = region.parent;
    if (parallel?.type !== 'parallel') continue;

    const siblings = Object.values(parallel.states).filter((sibling) => sibling !== region);
    const concurrent = siblings.flatMap((sibling) => [sibling, ...getStateNodes(sibling)]);
    const exits = targetsOf(concurrent.flatMap(ordinaryTransitionsOf)).filter((target) => !isStrictDescendant(target, parallel));
    targets.push(...exits);
  }
  return targets;
}

function isStrictDescendant(node: AnyStateNode, ancestor: AnyStateNode): boolean {
  return ancestorsOf(node).includes(ancestor);
}

/**
 * Returns the states one step closer to the end. They are the targets of the state's own and its
 * ancestors' transitions, the exits taken by sibling regions and the children entered with the state. A
 * final state adds the onDone targets of its parent and, when the parent is a region, of the parallel
 * state. A parallel state counts as finishing when any region leads on, because each region's own states
 * are checked one by one, so a stuck region still shows up there.
 */
function successorsOf(node: AnyStateNode): AnyStateNode[] {
  const successors = [node, ...ancestorsOf(node)].flatMap((active) => targetsOf(ordinaryTransitionsOf(active)));
  successors.push(...concurrentExitTargetsOf(node));
  successors.push(...enteredChildrenOf(node));

  const parent = node.parent;
  if (node.type === 'final' && parent?.parent !== undefined) {
    successors.push(...targetsOf(doneTransitionsOf(parent)));
    if (parent.parent.type === 'parallel') successors.push(...targetsOf(doneTransitionsOf(parent.parent)));
  }
  return successors;
}

function findFinishing(nodes: readonly AnyStateNode[]): Set<AnyStateNode> {
  const finishing = new Set(nodes.filter(isTopLevelFinal));
  for (let size = -1; size !== finishing.size; ) {
    size = finishing.size;
    for (const node of nodes) {
      if (!finishing.has(node) && successorsOf(node).some((successor) => finishing.has(successor))) finishing.add(node);
    }
  }
  return finishing;
}

function isDeadEnd(node: AnyStateNode): boolean {
  if (isTopLevelFinal(node)) return false;

  if (node.type === 'final') {
    // A nested final state completes its parent, or its region and so the parallel state.
    const parent = node.parent;
    const grandparent = parent?.parent;
    const parentCompletes = parent !== undefined && doneTransitionsOf(parent).length > 0;
    const regionCompletes = grandparent?.type === 'parallel' && doneTransitionsOf(grandparent).length > 0;
    return !parentCompletes && !regionCompletes;
  }
  if (node.type !== 'atomic') return false;
  const ownExits = [node, ...ancestorsOf(node)].flatMap((active) => targetsOf(ordinaryTransitionsOf(active)));
  return ownExits.length === 0 && concurrentExitTargetsOf(node).length === 0;
}

function analyseStructure(machine: AnyStateMachine): StructureFindings {
  const nodes = getStateNodes(machine.root).filter((node) => node.type !== 'history');
  const reachable = findReachable(machine);
  const finishing = findFinishing(nodes);
  return {
    unreachable: nodes.filter((node) => !reachable.has(node)).map(pathOf),
    cannotFinish: nodes.filter((node) => !finishing.has(node)).map(pathOf),
    deadEnds: nodes.filter(isDeadEnd).map(pathOf),
  };
}

describe('structural walk', () => {
  it('passes a sound parallel machine', () => {
    const machine = createMachine({
      id: 'sound',
      initial: 'start',
      states: {
        start: { always: 'both' },
        both: {
          type: 'parallel',
          states: {
            left: { initial: 'waiting', states: { waiting: { on: { LEFT: 'done' } }, done: { type: 'final' } } },
            right: { initial: 'waiting', states: { waiting: { on: { RIGHT: 'done' } }, done: { type: 'final' } } },
          },
          onDone: 'finished',
        },
        finished: { type: 'final' },
      },
    });

    expect(analyseStructure(machine)).toEqual({ unreachable: [], cannotFinish: [], deadEnds: [] });
  });

  it('reports an unreachable state', () => {
    const machine = createMachine({
      id: 'orphan',
      initial: 'start',
      states: { start: { on: { GO: 'end' } }, orphan: { on: { GO: 'end' } }, end: { type: 'final' } },
    });

    expect(analyseStructure(machine).unreachable).toEqual(['orphan']);
  });

  it('reports a dead-end state', () => {
    const machine = createMachine({
      id: 'stuck',
      initial: 'start',
      states: { start: { on: { GO: 'stuck', END: 'end' } }, stuck: {}, end: { type: 'final' } },
    });

    const findings = analyseStructure(machine);

    expect(findings.deadEnds).toEqual(['stuck']);
    expect(findings.cannotFinish).toEqual(['stuck']);
  });

  it('reports a region that never completes', () => {
    const machine = createMachine({
      id: 'region',
      initial: 'both',
      states: {
        both: {
          type: 'parallel',
          states: {
            left: { initial: 'waiting', states: { waiting: { on: { LEFT: 'done' } }, done: { type: 'final' } } },
            right: { initial: 'ping', states: { ping: { on: { PONG: 'pong' } }, pong: { on: { PING: 'ping' } } } },
          },
          onDone: 'finished',
        },
        finished: { type: 'final' },
      },
    });

    expect(analyseStructure(machine).cannotFinish).toEqual(['both.right', 'both.right.ping', 'both.right.pong']);
  });

  it('reports a nested final without onDone', () => {
    const machine = createMachine({
      id: 'nested',
      initial: 'route',
      states: { route: { initial: 'step', states: { step: { on: { GO: 'end' } }, end: { type: 'final' } } }, done: { type: 'final' } },
    });

    const findings = analyseStructure(machine);

    expect(findings.deadEnds).toEqual(['route.end']);
    expect(findings.unreachable).toEqual(['done']);
  });

  it('accepts a region state left by a sibling region', () => {
    const machine = createMachine({
      id: 'sibling',
      initial: 'both',
      states: {
        both: {
          type: 'parallel',
          states: {
            side: { initial: 'pending', states: { pending: { on: { CHANGE: 'changed' } }, changed: {} } },
            check: { initial: 'waiting', states: { waiting: { on: { CHECK: '#sibling.finished' } } } },
          },
        },
        finished: { type: 'final' },
      },
    });

    expect(analyseStructure(machine)).toEqual({ unreachable: [], cannotFinish: [], deadEnds: [] });
  });

  it('ignores sibling transitions inside the parallel state', () => {
    const machine = createMachine({
      id: 'inside',
      initial: 'both',
      states: {
        both: {
          type: 'parallel',
          states: {
            left: { initial: 'stuck', states: { stuck: {}, done: { type: 'final' } } },
            right: { initial: 'waiting', states: { waiting: { on: { RIGHT: 'done' } }, done: { type: 'final' } } },
          },
          onDone: 'finished',
        },
        finished: { type: 'final' },
      },
    });

    const findings = analyseStructure(machine);

    expect(findings.deadEnds).toEqual(['both.left.stuck']);
    expect(findings.cannotFinish).toContain('both.left.stuck');
  });

  it('waits for every region before onDone', () => {
    const machine = createMachine({
      id: 'blocked',
      initial: 'both',
      states: {
        both: {
          type: 'parallel',
          states: {
            left: { initial: 'waiting', states: { waiting: { on: { LEFT: 'done' } }, done: { type: 'final' } } },
            right: { initial: 'waiting', states: { waiting: { on: { RIGHT: 'waiting' } }, done: { type: 'final' } } },
          },
          onDone: 'finished',
        },
        finished: { type: 'final' },
      },
    });

    expect(analyseStructure(machine).unreachable).toEqual(['both.right.done', 'finished']);
  });
});

const PROCESSES: [string, ProcessDefinition][] = listLatestProcesses().map((definition) => [definition.id, definition]);

describe.each(PROCESSES)('process %s', (processId, definition) => {
  const findings = analyseStructure(definition.machine);

  it('reaches every state from the initial state', () => {
    for (const path of findings.unreachable) {
      expect.fail(`process ${processId}: state "${path}" cannot be reached from the initial state`);
    }
  });

  it('can reach a final state from every state', () => {
    for (const path of findings.cannotFinish) {
      expect.fail(`process ${processId}: no top-level final state can be reached from state "${path}"`);
    }
  });

  it('has no dead-end state', () => {
    for (const path of findings.deadEnds) {
      expect.fail(`process ${processId}: state "${path}" is not final and has no way out`);
    }
  });

  it('titles every state in both languages', () => {
    for (const path of collectStatePaths(definition.machine)) {
      const title = definition.stateTitles[path];
      expect(title?.zh, `process ${processId}: state "${path}" has no zh title`).toBeTruthy();
      expect(title?.en, `process ${processId}: state "${path}" has no en title`).toBeTruthy();
    }
  });

  it('gives every event a party and both titles', () => {
    for (const [eventType, event] of Object.entries(definition.events)) {
      expect(event.parties.length, `process ${processId}: event ${eventType} has no party`).toBeGreaterThan(0);
      expect(event.title.zh, `process ${processId}: event ${eventType} has no zh title`).toBeTruthy();
      expect(event.title.en, `process ${processId}: event ${eventType} has no en title`).toBeTruthy();
      if (event.channels) {
        expect(event.channels.length, `process ${processId}: event ${eventType} lists no channel`).toBeGreaterThan(0);
      }
    }
  });

  it('handles every defined event in some state', () => {
    const handled = collectMachineEventTypes(definition.machine);
    for (const eventType of Object.keys(definition.events)) {
      expect(handled.has(eventType), `process ${processId}: event ${eventType} is defined but no state handles it`).toBe(true);
    }
  });

  it('has a description in both languages', () => {
    expect(definition.description.zh, `process ${processId}: no zh description`).toBeTruthy();
    expect(definition.description.en, `process ${processId}: no en description`).toBeTruthy();
  });
});
