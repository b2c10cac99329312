import { createActor, getNextTransitions } from 'xstate';
import type { AnyMachineSnapshot, InspectionEvent, Snapshot } from 'xstate';
import type { z } from 'zod';
import type { LocalizedText } from '../localized-text.js';
import type { Channel, Party } from '../policy/parties.js';
import type { IsoDate } from '../policy/iso-date.js';
import { CaseError } from './case-error.js';
import type { EventDefinition, EventMeta, ProcessDefinition } from './process-definition.js';
import type { RuleViolation } from './rule.js';
import { stateValueToPaths } from './state-paths.js';
import { describeSchemaIssues, listSchemaIssues } from './schema-issues.js';

/** A request, emitted by a machine, to open another case linked to this one in the same transaction. */
export interface LinkedCaseRequest {
  readonly type: 'case.openLinked';
  readonly processId: string;
  readonly input: unknown;
  /** Stable name of the link, such as `arrears-of` or `top-up-of`. */
  readonly relation: string;
}

/**
 * Record of what the machine did for one applied event, from XState's inspection events. It lists each
 * microstep with its transitions, where `automatic` marks the eventless `always` transitions that XState
 * takes after the event's own transition. It also lists the custom actions run, because XState reports
 * no inspection event for built-in actions such as `assign` and `emit`.
 */
export interface InspectionRecord {
  readonly microsteps: readonly {
    /** The event being processed: the submitted event, also for the automatic transitions it set off. */
    readonly eventType: string;
    readonly transitions: readonly {
      readonly source: string;
      readonly targets: readonly string[];
      readonly automatic: boolean;
    }[];
  }[];
  readonly actions: readonly string[];
}

/** The outcome of an accepted event or case start, ready to be persisted. */
export interface EngineStep {
  /** The event data (or case input) after schema parsing. */
  readonly data: unknown;
  readonly persistedSnapshot: Snapshot<unknown>;
  readonly stateBefore: readonly string[] | null;
  readonly stateAfter: readonly string[];
  readonly status: 'active' | 'done';
  readonly context: unknown;
  readonly linkedCaseRequests: readonly LinkedCaseRequest[];
  readonly inspection: InspectionRecord;
  /**
   * The machine snapshots before (null for a case start) and after the step, for `listAllowedEvents`
   * without restoring the persisted snapshot again. Not for persisting: use `persistedSnapshot`.
   */
  readonly machineBefore: AnyMachineSnapshot | null;
  readonly machineAfter: AnyMachineSnapshot;
}

export type EngineResult = { readonly ok: true; readonly step: EngineStep } | { readonly ok: false; readonly error: CaseError };

/** An event that the current state of a case accepts, as listed in every case response. */
export interface AllowedEvent {
  readonly type: string;
  readonly title: LocalizedText;
  readonly parties: readonly Party[];
  readonly channels?: readonly Channel[];
  /** False when a rule that needs no event data already fails; `blockedBy` then names that rule. */
  readonly available: boolean;
  readonly blockedBy?: RuleViolation;
}

/** An event as a client submits it, before validation. */
export interface EventRequest {
  readonly type: string;
  readonly data: unknown;
  readonly channel?: Channel | undefined;
}

const INTERNAL_EVENT_PREFIX = 'xstate.';

/**
 * Starts a case: validates the input against the process's schema and runs the machine's initial
 * transition. Returns a 422 error result when the input is invalid.
 */
export function startCase(definition: ProcessDefinition, rawInput: unknown, meta: EventMeta): EngineResult {
  const parsed = definition.inputSchema.safeParse(rawInput);
  if (!parsed.success) {
    return reject('INPUT_INVALID', 'unprocessable', describeInputIssues(definition, rawInput, parsed.error), {
      processId: definition.id,
      issues: listSchemaIssues(definition.inputSchema, rawInput, parsed.error),
    });
  }
  for (const rule of definition.startRules ?? []) {
    const violation = rule(parsed.data, undefined, meta.businessDate);
    if (violation) return reject(violation.code, 'unprocessable', violation.message, { ...violation.details, processId: definition.id });
  }
  const input = { ...(parsed.data as object), startedOn: meta.businessDate };
  const { actor, emitted, inspection } = createObservedActor(definition, undefined, input);
  actor.start();
  const snapshot = actor.getSnapshot();
  assertHealthy(definition, snapshot);
  const persisted = actor.getPersistedSnapshot();
  actor.stop();
  return {
    ok: true,
    step: finishStep(definition, parsed.data, null, snapshot as AnyMachineSnapshot, persisted, emitted, inspection),
  };
}

/**
 * Applies one event to a case restored from its persisted snapshot. The checks run in this order and the
 * first failure is returned:
 * 1. the event type is known to the process (422) and the case is not finished (409);
 * 2. the sending party may send it (403);
 * 3. the current state accepts it (409);
 * 4. the channel is allowed (422), the data passes the event's schema (422) and its rules pass (422).
 * Nothing changes on failure, because this function writes nothing.
 */
export function applyEvent(
  definition: ProcessDefinition,
  persistedSnapshot: Snapshot<unknown>,
  request: EventRequest,
  meta: Omit<EventMeta, 'channel'>,
): EngineResult {
  const eventDefinition = definition.events[request.type];
  const restored = createObservedActor(definition, persistedSnapshot, undefined);
  restored.actor.start();
  const before = restored.actor.getSnapshot() as AnyMachineSnapshot;
  assertHealthy(definition, before);
  const listAllowed = (): AllowedEvent[] => listAllowedEvents(definition, before, meta.businessDate);

  if (!eventDefinition) {
    return reject(
      'EVENT_TYPE_UNKNOWN',
      'unprocessable',
      {
        zh: `流程“${definition.title.zh}”没有事件“${request.type}”。请从当前允许的事件中选择。`,
        en: `Process "${definition.title.en}" has no event "${request.type}". Choose one of the events allowed now.`,
      },
      { eventType: request.type, allowedEvents: listAllowed() },
    );
  }
  if (before.status === 'done') {
    return reject(
      'CASE_FINISHED',
      'conflict',
      {
        zh: `案件已办结（${titleOfStates(definition, stateValueToPaths(before.value)).zh}），不再接受事件“${eventDefinition.title.zh}”。`,
        en: `The case is finished (${titleOfStates(definition, stateValueToPaths(before.value)).en}) and accepts no more events such as "${eventDefinition.title.en}".`,
      },
      { eventType: request.type, allowedEvents: [] },
    );
  }
  if (!eventDefinition.parties.includes(meta.party)) {
    return reject(
      'PARTY_NOT_ALLOWED',
      'forbidden',
      {
        zh: `事件“${eventDefinition.title.zh}”只能由${eventDefinition.parties.map((p) => PARTY_NAMES[p].zh).join('或')}提交，不能由${PARTY_NAMES[meta.party].zh}提交。`,
        en: `Event "${eventDefinition.title.en}" may be sent only by ${eventDefinition.parties.map((p) => PARTY_NAMES[p].en).join(' or ')}, not by ${PARTY_NAMES[meta.party].en}.`,
      },
      { eventType: request.type, party: meta.party, allowedParties: eventDefinition.parties, allowedEvents: listAllowed() },
    );
  }
  if (!isHandledNow(before, request.type)) {
    const current = titleOfStates(definition, stateValueToPaths(before.value));
    const explained = definition.explainNotAccepted?.(before.context as never, request.type);
    if (explained) {
      return reject(explained.code, 'conflict', explained.message, {
        ...explained.details,
        eventType: request.type,
        state: stateValueToPaths(before.value),
        allowedEvents: listAllowed(),
      });
    }
    return reject(
      'EVENT_NOT_ACCEPTED',
      'conflict',
      {
        zh: `案件当前处于“${current.zh}”，不接受事件“${eventDefinition.title.zh}”。请改为提交当前允许的事件。`,
        en: `The case is in "${current.en}", which does not accept "${eventDefinition.title.en}". Send one of the events allowed now.`,
      },
      { eventType: request.type, state: stateValueToPaths(before.value), allowedEvents: listAllowed() },
    );
  }
  const channelError = checkChannel(eventDefinition, request);
  if (channelError) return { ok: false, error: withAllowed(channelError, listAllowed()) };

  const parsed = eventDefinition.schema.safeParse(request.data ?? {});
  if (!parsed.success) {
    return reject('EVENT_DATA_INVALID', 'unprocessable', describeEventIssues(eventDefinition, request.data ?? {}, parsed.error), {
      eventType: request.type,
      issues: listSchemaIssues(eventDefinition.schema, request.data ?? {}, parsed.error),
      allowedEvents: listAllowed(),
    });
  }
  for (const rule of eventDefinition.rules ?? []) {
    const violation = rule(before.context, parsed.data, meta.businessDate);
    if (violation) {
      return reject(violation.code, 'unprocessable', violation.message, {
        ...violation.details,
        eventType: request.type,
        allowedEvents: listAllowed(),
      });
    }
  }

  const channel = request.channel ?? eventDefinition.channels?.[0] ?? 'api';
  const event = { type: request.type, data: parsed.data, meta: { ...meta, channel } };
  if (!before.can(event)) {
    // A guard failed that no rule in the event definition explains: a gap in the process definition.
    return reject(
      'RULE_FAILED',
      'unprocessable',
      {
        zh: `事件“${eventDefinition.title.zh}”不满足当前状态的办理条件。`,
        en: `Event "${eventDefinition.title.en}" does not meet the conditions of the current state.`,
      },
      { eventType: request.type, allowedEvents: listAllowed() },
    );
  }
  restored.actor.send(event);
  const after = restored.actor.getSnapshot() as AnyMachineSnapshot;
  assertHealthy(definition, after);
  // Persist before stopping: a stopped actor's snapshot has status `stopped`, and XState resumes such a
  // snapshot without running its eventless (`always`) transitions or `onDone`.
  const persisted = restored.actor.getPersistedSnapshot();
  restored.actor.stop();
  return {
    ok: true,
    step: finishStep(
      definition,
      parsed.data,
      before,
      after,
      persisted,
      restored.emitted,
      restored.inspection,
    ),
  };
}

/** Lists the events that the case's current state accepts, each marked available or blocked by a rule. */
export function listAllowedEvents(
  definition: ProcessDefinition,
  snapshot: AnyMachineSnapshot,
  businessDate: IsoDate,
): AllowedEvent[] {
  if (snapshot.status !== 'active') return [];
  const seen = new Set<string>();
  const allowed: AllowedEvent[] = [];
  for (const transition of getNextTransitions(snapshot)) {
    const type = transition.eventType;
    if (!type || type.startsWith(INTERNAL_EVENT_PREFIX) || seen.has(type)) continue;
    seen.add(type);
    const eventDefinition = definition.events[type];
    if (!eventDefinition) continue;
    const blockedBy = findDataFreeViolation(eventDefinition, snapshot.context, businessDate);
    allowed.push({
      type,
      title: eventDefinition.title,
      parties: eventDefinition.parties,
      ...(eventDefinition.channels ? { channels: eventDefinition.channels } : {}),
      available: blockedBy === null,
      ...(blockedBy ? { blockedBy } : {}),
    });
  }
  return allowed;
}

/** Restores a snapshot (without observers) to list its allowed events; used for reads. */
export function listAllowedEventsOf(
  definition: ProcessDefinition,
  persistedSnapshot: Snapshot<unknown>,
  businessDate: IsoDate,
): AllowedEvent[] {
  const snapshot = definition.machine.resolveState(persistedSnapshot as never) as AnyMachineSnapshot;
  return listAllowedEvents(definition, snapshot, businessDate);
}

/** Zh/en titles of a set of active leaf states, joined for messages. */
export function titleOfStates(definition: ProcessDefinition, paths: readonly string[]): LocalizedText {
  const titles = paths.map((path) => definition.stateTitles[path] ?? { zh: path, en: path });
  return { zh: titles.map((t) => t.zh).join('、'), en: titles.map((t) => t.en).join(', ') };
}

const PARTY_NAMES: Record<Party, LocalizedText> = {
  employer: { zh: '用人单位', en: 'the employer' },
  hr: { zh: '人社部门', en: 'the human resources and social security bureau (hr)' },
  medical: { zh: '医保部门', en: 'the medical security bureau' },
  tax: { zh: '税务部门', en: 'the tax bureau' },
  system: { zh: '系统', en: 'the system' },
};

function createObservedActor(definition: ProcessDefinition, snapshot: Snapshot<unknown> | undefined, input: unknown) {
  const emitted: LinkedCaseRequest[] = [];
  const microsteps: InspectionRecord['microsteps'][number][] = [];
  const actions: string[] = [];
  const inspect = (inspectionEvent: InspectionEvent): void => {
    if (inspectionEvent.type === '@xstate.microstep') {
      microsteps.push({
        eventType: inspectionEvent.event.type,
        transitions: inspectionEvent._transitions.map((t) => ({
          source: stripMachineId(definition, t.source.id),
          targets: (t.target ?? []).map((target) => stripMachineId(definition, target.id)),
          automatic: t.eventType === '',
        })),
      });
    } else if (inspectionEvent.type === '@xstate.action') {
      actions.push(inspectionEvent.action.type);
    }
  };
  const actor = createActor(definition.machine, {
    ...(snapshot ? { snapshot } : {}),
    ...(input !== undefined ? { input } : {}),
    inspect,
  });
  actor.on('*', (event) => {
    if ((event as { type?: string }).type === 'case.openLinked') emitted.push(event as unknown as LinkedCaseRequest);
  });
  return { actor, emitted, inspection: { microsteps, actions } as InspectionRecord };
}

/** XState state node ids are `<machineId>.<path>`; the rest of the product uses the path alone. */
function stripMachineId(definition: ProcessDefinition, id: string): string {
  const prefix = `${definition.machine.id}.`;
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}

function finishStep(
  definition: ProcessDefinition,
  data: unknown,
  before: AnyMachineSnapshot | null,
  after: AnyMachineSnapshot,
  persistedSnapshot: Snapshot<unknown>,
  linkedCaseRequests: readonly LinkedCaseRequest[],
  inspection: InspectionRecord,
): EngineStep {
  return {
    data,
    persistedSnapshot,
    stateBefore: before ? stateValueToPaths(before.value) : null,
    stateAfter: stateValueToPaths(after.value),
    status: after.status === 'done' ? 'done' : 'active',
    context: after.context,
    linkedCaseRequests,
    inspection,
    machineBefore: before,
    machineAfter: after,
  };
}

/** Throws when the machine ended in status `error`, which only a throwing action or guard causes: a bug. */
function assertHealthy(definition: ProcessDefinition, snapshot: AnyMachineSnapshot): void {
  if (snapshot.status === 'error') {
    throw new Error(`Process ${definition.id} v${definition.version} failed: ${String(snapshot.error)}`);
  }
}

function isHandledNow(snapshot: AnyMachineSnapshot, type: string): boolean {
  return getNextTransitions(snapshot).some((transition) => transition.eventType === type);
}

function findDataFreeViolation(
  eventDefinition: EventDefinition,
  context: unknown,
  businessDate: IsoDate,
): RuleViolation | null {
  for (const rule of eventDefinition.rules ?? []) {
    const violation = rule(context, undefined, businessDate);
    if (violation) return violation;
  }
  return null;
}

function checkChannel(eventDefinition: EventDefinition, request: EventRequest): CaseError | null {
  const channels = eventDefinition.channels;
  if (!channels) return null;
  if (request.channel === undefined) {
    return new CaseError(
      'CHANNEL_REQUIRED',
      'unprocessable',
      {
        zh: `事件“${eventDefinition.title.zh}”必须注明办理渠道（channel），可选：${channels.join('、')}。`,
        en: `Event "${eventDefinition.title.en}" must name its channel; one of: ${channels.join(', ')}.`,
      },
      { allowedChannels: channels },
    );
  }
  if (!channels.includes(request.channel)) {
    return new CaseError(
      'CHANNEL_NOT_ALLOWED',
      'unprocessable',
      {
        zh: `事件“${eventDefinition.title.zh}”不能通过渠道“${request.channel}”办理，可选：${channels.join('、')}。`,
        en: `Event "${eventDefinition.title.en}" cannot go through channel "${request.channel}"; use one of: ${channels.join(', ')}.`,
      },
      { channel: request.channel, allowedChannels: channels },
    );
  }
  return null;
}

function withAllowed(error: CaseError, allowedEvents: AllowedEvent[]): CaseError {
  return new CaseError(error.code, error.kind, error.localized, { ...error.details, allowedEvents });
}

function reject(
  code: string,
  kind: CaseError['kind'],
  message: LocalizedText,
  details: Record<string, unknown>,
): { ok: false; error: CaseError } {
  return { ok: false, error: new CaseError(code, kind, message, details) };
}

function describeInputIssues(definition: ProcessDefinition, data: unknown, error: z.ZodError): LocalizedText {
  const issues = describeSchemaIssues(definition.inputSchema, data, error);
  return {
    zh: `“${definition.title.zh}”的立案信息不正确：${issues.zh}`,
    en: `The input of "${definition.title.en}" is invalid: ${issues.en}`,
  };
}

function describeEventIssues(eventDefinition: EventDefinition, data: unknown, error: z.ZodError): LocalizedText {
  const issues = describeSchemaIssues(eventDefinition.schema, data, error);
  return {
    zh: `事件“${eventDefinition.title.zh}”的数据不正确：${issues.zh}`,
    en: `The data of event "${eventDefinition.title.en}" is invalid: ${issues.en}`,
  };
}
