import type { Snapshot } from 'xstate';
import { applyEvent, listAllowedEvents, listAllowedEventsOf, startCase, titleOfStates } from '../machines/engine/apply-event.js';
import type { AllowedEvent, EngineStep, LinkedCaseRequest } from '../machines/engine/apply-event.js';
import { CaseError } from '../machines/engine/case-error.js';
import type { ProcessDefinition } from '../machines/engine/process-definition.js';
import { getLatestProcess, getProcessVersion } from '../machines/catalogue.js';
import type { LocalizedText } from '../machines/localized-text.js';
import type { Channel, Party } from '../machines/policy/parties.js';
import type { AppendResult, CaseFilter, CaseStore, NewCase, NewEvent } from '../db/case-store.js';
import type { ChainVerdict } from '../db/hash-chain.js';
import { verifyChain } from '../db/hash-chain.js';
import { hashCanonical } from '../db/canonical-json.js';
import type { CaseEventsTable, CaseLinksTable, CasesTable } from '../db/schema.js';
import { SandboxStore } from '../db/sandbox-store.js';
import { compareIsoDates } from '../machines/policy/iso-date.js';
import type { IsoDate } from '../machines/policy/iso-date.js';
import { describeChange, planTimers } from './case-timers.js';
import { maskPersonalData } from './auth/personal-data.js';
import { beijingDateOf } from './clock.js';
import type { Clock } from './clock.js';

/**
 * Who performs a request: the signed-in user's name and role, and the party the step is recorded for
 * (the access check decides it), or the system for timers and linked cases.
 */
export interface Actor {
  readonly id: string;
  readonly role: 'employer' | 'caseworker' | 'trainer' | 'system';
  readonly party: Party;
}

/** Lookup of process definitions: the product's catalogue, unless a test passes its own. */
export interface ProcessLookup {
  getLatestProcess(id: string): ProcessDefinition | undefined;
  getProcessVersion(id: string, version: number): ProcessDefinition | undefined;
}

const CATALOGUE: ProcessLookup = { getLatestProcess, getProcessVersion };

type AppendedEvent = Extract<AppendResult, { ok: true }>;

/** Request to open a case (see `CaseService.createCase`). */
export interface CaseRequest {
  readonly processId: string;
  readonly input: unknown;
  readonly demo?: boolean;
  readonly sandboxId?: string | undefined;
  readonly idempotencyKey?: string;
  /** See `SubmitOptions.recordedFor`. */
  readonly recordedFor?: IsoDate;
}

export interface SubmitOptions {
  /** The timer that sends the event (see `CaseService.submitEvent`). */
  readonly firedTimerId?: string;
  /** The case row the caller has just read, to be used instead of reading it again. */
  readonly knownRow?: CasesTable;
  /**
   * The business date of a fact that happened earlier and is recorded now, such as a change hr made in
   * the month a month-end push file reports. Only for real cases, and never after today's business date.
   */
  readonly recordedFor?: IsoDate;
}

export interface EventSubmission {
  readonly type: string;
  readonly data: unknown;
  readonly expectedVersion: number;
  readonly channel?: Channel | undefined;
}

/** A case as the API returns it. */
export interface CaseView {
  readonly id: string;
  readonly processId: string;
  readonly processVersion: number;
  readonly processTitle: LocalizedText;
  readonly employerCode: string;
  readonly feePeriodFrom: string;
  readonly feePeriodTo: string;
  readonly state: readonly string[];
  readonly stateTitle: LocalizedText;
  readonly status: 'active' | 'done';
  readonly version: number;
  readonly demo: boolean;
  /** The training sandbox of the case, whose simulated date is its business date; null for a real case. */
  readonly sandboxId: string | null;
  readonly context: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly allowedEvents: readonly AllowedEvent[];
  readonly links: readonly CaseLinkView[];
}

export interface CaseLinkView {
  readonly caseId: string;
  readonly relation: string;
  /** `outgoing` when this case opened the other one. */
  readonly direction: 'outgoing' | 'incoming';
}

export interface EventResult {
  readonly case: CaseView;
  readonly event: CaseEventsTable;
  /** True when the Idempotency-Key matched an earlier submission and nothing new was written. */
  readonly replayed: boolean;
  readonly linkedCases: readonly CaseView[];
}

/**
 * Ties process machines to the store: every change follows the engine's invariants (restore the pinned
 * machine version from the stored snapshot, validate, apply, then persist snapshot and hash-chained event
 * in one transaction guarded by the case version). Expected rejections are thrown as `CaseError`.
 */
export class CaseService {
  readonly #store: CaseStore;
  readonly #clock: Clock;
  readonly #newId: () => string;
  readonly #sandboxes: SandboxStore;
  readonly #processes: ProcessLookup;

  constructor(options: { store: CaseStore; clock: Clock; newId: () => string; processes?: ProcessLookup }) {
    this.#processes = options.processes ?? CATALOGUE;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#newId = options.newId;
    this.#sandboxes = new SandboxStore(options.store.db);
  }

  /**
   * Opens a case of the latest version of a process, in a training sandbox when `sandboxId` is given:
   * the case then takes the sandbox's simulated date as its business date. Throws `SANDBOX_NOT_FOUND`
   * (404) for an unknown sandbox. `idempotencyKey` is only recorded on the creation event, where an import
   * stores its file hash and row number. A repeated call with the same key still opens a new case.
   */
  async createCase(request: CaseRequest, actor: Actor, channel: Channel = 'api'): Promise<CaseView> {
    const created = await this.#create(request, actor, channel);
    // A case opened here has no links yet: only a case it opens later, or its origin, links to it.
    return this.#toView(created.caseRow, created.definition, { context: created.context, allowedEvents: created.allowedEvents, links: [] });
  }

  /**
   * `createCase` without the response view, for batch callers such as the push-file import that only need
   * the stored row. The checks and the writes are the same.
   */
  async createCaseRecord(request: CaseRequest, actor: Actor, channel: Channel = 'api'): Promise<CasesTable> {
    return (await this.#create(request, actor, channel)).caseRow;
  }

  async #create(request: CaseRequest, actor: Actor, channel: Channel) {
    const definition = this.#processes.getLatestProcess(request.processId);
    if (!definition) throw processNotFound(request.processId);

    const sandboxId = request.sandboxId ?? null;
    const now = this.#clock.now();
    const businessDate = recordedOrCurrent(request.recordedFor, sandboxId, await this.#businessDateOf(sandboxId, now));
    const result = startCase(definition, request.input, { party: actor.party, channel, businessDate });
    if (!result.ok) throw result.error;

    const allowedEvents = listAllowedEvents(definition, result.step.machineAfter, businessDate);
    const placement = { businessDate, sandboxId };
    const newCase = this.#buildNewCase(definition, result.step, allowedEvents, actor, channel, now, request.demo ?? false, placement, request.idempotencyKey);
    const { caseRow } = await this.#store.createCase(newCase);
    return { caseRow, definition, context: result.step.context, allowedEvents };
  }

  /**
   * Applies an event to a case. With an idempotency key, a repeat of the same submission returns the stored
   * event without writing, and a different submission under the same key is rejected. `firedTimerId`
   * names the timer that sends the event: the event's transaction marks it fired, and the event is
   * rejected with `TIMER_NOT_PENDING` (409) when the timer was fired or cancelled first. `knownRow` is the
   * case row the caller has just read, as the access check does, so it is not read again. The version
   * guard of the write still catches any change since that read.
   */
  async submitEvent(
    caseId: string,
    submission: EventSubmission,
    actor: Actor,
    idempotencyKey?: string,
    options: SubmitOptions = {},
  ): Promise<EventResult> {
    const submitted = await this.#submit(caseId, submission, actor, idempotencyKey, options);
    if ('replay' in submitted) return submitted.replay;
    const { appended, definition, context, allowedEvents } = submitted;
    const linkedCases = await Promise.all(
      appended.linkedCases.map((row) => this.#toView(row, this.#pinnedDefinition(row))),
    );
    return {
      case: await this.#toView(appended.caseRow, definition, { context, allowedEvents }),
      event: appended.event,
      replayed: false,
      linkedCases,
    };
  }

  /**
   * `submitEvent` without response views, for batch callers such as the push-file import: returns the
   * case row after the event (the current row for a replayed submission) and the stored event.
   */
  async submitEventRecord(
    caseId: string,
    submission: EventSubmission,
    actor: Actor,
    idempotencyKey?: string,
    options: SubmitOptions = {},
  ): Promise<{ readonly caseRow: CasesTable; readonly event: CaseEventsTable; readonly replayed: boolean }> {
    const submitted = await this.#submit(caseId, submission, actor, idempotencyKey, options);
    if ('replay' in submitted) {
      return { caseRow: await this.#requireCase(caseId), event: submitted.replay.event, replayed: true };
    }
    return { caseRow: submitted.appended.caseRow, event: submitted.appended.event, replayed: false };
  }

  async #submit(
    caseId: string,
    submission: EventSubmission,
    actor: Actor,
    idempotencyKey: string | undefined,
    options: SubmitOptions,
  ): Promise<
    | { readonly replay: EventResult }
    | { readonly appended: AppendedEvent; readonly definition: ProcessDefinition; readonly context: unknown; readonly allowedEvents: readonly AllowedEvent[] }
  > {
    let caseRow = options.knownRow?.id === caseId ? options.knownRow : await this.#requireCase(caseId);
    const definition = this.#pinnedDefinition(caseRow);
    const requestHash = hashSubmission(submission);

    if (idempotencyKey !== undefined) {
      const replay = await this.#findReplay(caseRow, idempotencyKey, requestHash, definition);
      if (replay) return { replay };
    }
    // A row the caller read earlier may be older than the submission; read it again before calling it stale.
    if (submission.expectedVersion !== caseRow.version && caseRow === options.knownRow) caseRow = await this.#requireCase(caseId);
    if (submission.expectedVersion !== caseRow.version) throw versionConflict(caseId, submission.expectedVersion, caseRow.version);

    const now = this.#clock.now();
    const sandboxId = caseRow.sandbox_id ?? null;
    const businessDate = recordedOrCurrent(options.recordedFor, sandboxId, await this.#businessDateOf(sandboxId, now));
    const result = applyEvent(
      definition,
      JSON.parse(caseRow.snapshot) as Snapshot<unknown>,
      { type: submission.type, data: submission.data, channel: submission.channel },
      { party: actor.party, businessDate },
    );
    if (!result.ok) throw result.error;

    const step = result.step;
    const channel = submission.channel ?? definition.events[submission.type]?.channels?.[0] ?? 'api';
    const origin = caseRow;
    const linked = step.linkedCaseRequests.map((request) => ({
      newCase: this.#buildLinkedCase(request, origin, now, businessDate),
      relation: request.relation,
    }));
    const allowedEvents = listAllowedEvents(definition, step.machineAfter, businessDate);
    const allowedBefore = step.machineBefore ? listAllowedEvents(definition, step.machineBefore, businessDate) : [];
    const appended = await this.#store.appendEvent(
      caseRow,
      { state: step.stateAfter.join(','), status: step.status, snapshot: JSON.stringify(step.persistedSnapshot), updated_at: now.toISOString() },
      this.#buildEvent(submission.type, step, actor, channel, now, businessDate, { idempotencyKey, requestHash }),
      linked,
      {
        // Without declared timers a case never has pending ones, so the store need not look for them.
        ...(definition.timers ? { timers: planTimers(definition, step) } : {}),
        ...(options.firedTimerId !== undefined ? { firedTimerId: options.firedTimerId } : {}),
        change: describeChange(
          definition,
          { caseId, version: submission.expectedVersion + 1, sandboxId },
          step,
          submission.type,
          now.toISOString(),
          { after: allowedEvents, before: allowedBefore },
        ),
      },
    );
    if (!appended.ok && appended.reason === 'timer-not-pending') throw timerNotPending(caseId, appended.timerId);
    if (!appended.ok) {
      // A concurrent writer won. If it was the same submission under the same key, report its result.
      const replay = idempotencyKey !== undefined ? await this.#findReplay(caseRow, idempotencyKey, requestHash, definition) : undefined;
      if (replay) return { replay };
      throw versionConflict(caseId, submission.expectedVersion, appended.currentVersion);
    }
    return { appended, definition, context: step.context, allowedEvents };
  }

  async getCase(caseId: string): Promise<CaseView> {
    const caseRow = await this.#requireCase(caseId);
    return this.#toView(caseRow, this.#pinnedDefinition(caseRow));
  }

  async listCases(filter: CaseFilter, limit: number, after?: string): Promise<{ items: CaseView[]; nextCursor: string | null }> {
    const page = await this.#store.listCases(filter, limit, after);
    const items = await Promise.all(page.items.map((row) => this.#toView(row, this.#pinnedDefinition(row), { links: [] })));
    // Lists never show names or ID numbers in full; only the case page may (see server/auth/access-table.ts).
    return { items: items.map((item) => ({ ...item, context: maskPersonalData(item.context).value })), nextCursor: page.nextCursor };
  }

  /** Reads the case's events in order. With `upToSeq`, the history stops at that event. */
  async getHistory(caseId: string, upToSeq?: number): Promise<{ caseRow: CasesTable; definition: ProcessDefinition; events: CaseEventsTable[] }> {
    const caseRow = await this.#requireCase(caseId);
    return { caseRow, definition: this.#pinnedDefinition(caseRow), events: await this.#store.listEvents(caseId, upToSeq) };
  }

  async verifyCase(caseId: string): Promise<ChainVerdict> {
    const caseRow = await this.#requireCase(caseId);
    return verifyChain(await this.#store.listEvents(caseId), caseRow);
  }

  async #requireCase(caseId: string): Promise<CasesTable> {
    const caseRow = await this.#store.getCase(caseId);
    if (!caseRow) {
      throw new CaseError(
        'CASE_NOT_FOUND',
        'not-found',
        { zh: `找不到案件“${caseId}”，请检查案件编号。`, en: `Case "${caseId}" was not found; check the case id.` },
        { caseId },
      );
    }
    return caseRow;
  }

  /** The machine version the case started with; a missing version is a deployment fault, not a user error. */
  #pinnedDefinition(caseRow: CasesTable): ProcessDefinition {
    const definition = this.#processes.getProcessVersion(caseRow.process_id, caseRow.process_version);
    if (!definition) {
      throw new Error(`Case ${caseRow.id} is pinned to ${caseRow.process_id} v${caseRow.process_version}, which this build does not contain`);
    }
    return definition;
  }

  async #findReplay(
    caseRow: CasesTable,
    idempotencyKey: string,
    requestHash: string,
    definition: ProcessDefinition,
  ): Promise<EventResult | undefined> {
    const earlier = await this.#store.findEventByIdempotencyKey(caseRow.id, idempotencyKey);
    if (!earlier) return undefined;
    if (earlier.request_hash !== requestHash) {
      throw new CaseError(
        'IDEMPOTENCY_KEY_REUSED',
        'unprocessable',
        {
          zh: `幂等键“${idempotencyKey}”已用于本案件第 ${earlier.seq} 个事件（${earlier.type}），但本次提交的内容不同。请为新的提交使用新的幂等键。`,
          en: `Idempotency key "${idempotencyKey}" was already used for event ${earlier.seq} (${earlier.type}) of this case with different content; use a new key for a new submission.`,
        },
        { caseId: caseRow.id, idempotencyKey, seq: earlier.seq },
      );
    }
    const current = (await this.#store.getCase(caseRow.id)) ?? caseRow;
    return { case: await this.#toView(current, definition), event: earlier, replayed: true, linkedCases: [] };
  }

  /** The business date of a case: its sandbox's simulated date, or the Beijing date of `now` for a real case. */
  async #businessDateOf(sandboxId: string | null, now: Date): Promise<IsoDate> {
    if (sandboxId === null) return beijingDateOf(now);
    const sandbox = await this.#sandboxes.getSandbox(sandboxId);
    if (!sandbox) throw sandboxNotFound(sandboxId);
    return sandbox.simulated_date as IsoDate;
  }

  #buildNewCase(
    definition: ProcessDefinition,
    step: EngineStep,
    allowedEvents: readonly AllowedEvent[],
    actor: Actor,
    channel: Channel,
    now: Date,
    demo: boolean,
    placement: { readonly businessDate: IsoDate; readonly sandboxId: string | null },
    idempotencyKey?: string,
  ): NewCase {
    const keys = definition.caseKeys(step.data as never);
    const timestamp = now.toISOString();
    const id = this.#newId();
    return {
      row: {
        id,
        process_id: definition.id,
        process_version: definition.version,
        employer_code: keys.employerCode,
        fee_period_from: keys.feePeriodFrom,
        fee_period_to: keys.feePeriodTo,
        person_id_number: keys.personIdNumber ?? null,
        state: step.stateAfter.join(','),
        status: step.status,
        snapshot: JSON.stringify(step.persistedSnapshot),
        demo: demo ? 1 : 0,
        created_at: timestamp,
        updated_at: timestamp,
        sandbox_id: placement.sandboxId,
      },
      firstEvent: this.#buildEvent('CASE_CREATED', step, actor, channel, now, placement.businessDate, { idempotencyKey }),
      ...(definition.timers ? { timers: planTimers(definition, step) } : {}),
      change: describeChange(definition, { caseId: id, version: 1, sandboxId: placement.sandboxId }, step, 'CASE_CREATED', timestamp, { after: allowedEvents }),
    };
  }

  /**
   * Starts a linked case that a machine requested. Its input comes from the machine, so a rejection points
   * at a faulty process definition. It raises `LINKED_CASE_REJECTED` (422) with the linked process and the
   * reason, and the requesting event is not written.
   */
  #buildLinkedCase(request: LinkedCaseRequest, origin: CasesTable, now: Date, businessDate: IsoDate): NewCase {
    const definition = this.#processes.getLatestProcess(request.processId);
    if (!definition) throw new Error(`Case ${origin.id} asked for unknown process ${request.processId}`);
    const result = startCase(definition, request.input, { party: 'system', channel: 'system', businessDate });
    if (!result.ok) throw linkedCaseRejected(origin.id, definition, result.error);
    const systemActor: Actor = { id: `system:linked-from:${origin.id}`, role: 'system', party: 'system' };
    // A linked case stays in its origin's sandbox, so training never opens real cases.
    const placement = { businessDate, sandboxId: origin.sandbox_id ?? null };
    const allowedEvents = listAllowedEvents(definition, result.step.machineAfter, businessDate);
    return this.#buildNewCase(definition, result.step, allowedEvents, systemActor, 'system', now, origin.demo === 1, placement);
  }

  #buildEvent(
    type: string,
    step: EngineStep,
    actor: Actor,
    channel: Channel,
    now: Date,
    businessDate: IsoDate,
    idempotency: { idempotencyKey?: string | undefined; requestHash?: string },
  ): NewEvent {
    return {
      id: this.#newId(),
      type,
      data: JSON.stringify(step.data ?? {}),
      actor_id: actor.id,
      actor_role: actor.role,
      party: actor.party,
      channel,
      occurred_at: now.toISOString(),
      business_date: businessDate,
      state_before: step.stateBefore ? step.stateBefore.join(',') : null,
      state_after: step.stateAfter.join(','),
      idempotency_key: idempotency.idempotencyKey ?? null,
      request_hash: idempotency.requestHash ?? null,
      inspection: JSON.stringify(step.inspection),
    };
  }

  /**
   * Builds the response view of a case row. `known` contains parts the caller has already computed for
   * this version, such as a write's context and allowed events, so they are not derived again from the
   * stored snapshot. With `links: []` the links are not read.
   */
  async #toView(
    caseRow: CasesTable,
    definition: ProcessDefinition,
    known: { readonly context?: unknown; readonly allowedEvents?: readonly AllowedEvent[]; readonly links?: readonly CaseLinksTable[] } = {},
  ): Promise<CaseView> {
    const snapshot = known.context !== undefined && known.allowedEvents !== undefined ? undefined : (JSON.parse(caseRow.snapshot) as Snapshot<unknown> & { context?: unknown });
    const state = caseRow.state.split(',');
    const links = known.links ?? (await this.#store.listLinks(caseRow.id));
    const allowedEvents =
      known.allowedEvents ??
      listAllowedEventsOf(definition, snapshot as Snapshot<unknown>, await this.#businessDateOf(caseRow.sandbox_id ?? null, this.#clock.now()));
    return {
      id: caseRow.id,
      processId: caseRow.process_id,
      processVersion: caseRow.process_version,
      processTitle: definition.title,
      employerCode: caseRow.employer_code,
      feePeriodFrom: caseRow.fee_period_from,
      feePeriodTo: caseRow.fee_period_to,
      state,
      stateTitle: titleOfStates(definition, state),
      status: caseRow.status,
      version: caseRow.version,
      demo: caseRow.demo === 1,
      sandboxId: caseRow.sandbox_id ?? null,
      context: (known.context !== undefined ? known.context : snapshot?.context) ?? null,
      createdAt: caseRow.created_at,
      updatedAt: caseRow.updated_at,
      allowedEvents,
      links: links.map((link) =>
        link.from_case_id === caseRow.id
          ? { caseId: link.to_case_id, relation: link.relation, direction: 'outgoing' as const }
          : { caseId: link.from_case_id, relation: link.relation, direction: 'incoming' as const },
      ),
    };
  }
}

function hashSubmission(submission: EventSubmission): string {
  return hashCanonical({
    type: submission.type,
    data: submission.data ?? null,
    expectedVersion: submission.expectedVersion,
    channel: submission.channel ?? null,
  });
}

export function processNotFound(processId: string): CaseError {
  return new CaseError(
    'PROCESS_NOT_FOUND',
    'not-found',
    {
      zh: `没有名为“${processId}”的业务流程。可用流程见 GET /api/processes。`,
      en: `There is no process "${processId}"; GET /api/processes lists the available ones.`,
    },
    { processId },
  );
}

export function sandboxNotFound(sandboxId: string): CaseError {
  return new CaseError(
    'SANDBOX_NOT_FOUND',
    'not-found',
    { zh: `找不到培训沙箱“${sandboxId}”，请检查沙箱编号。`, en: `Sandbox "${sandboxId}" was not found; check the sandbox id.` },
    { sandboxId },
  );
}

/** Returns the business date of a write: a recorded fact's own date when it has one, otherwise the current one. */
function recordedOrCurrent(recordedFor: IsoDate | undefined, sandboxId: string | null, current: IsoDate): IsoDate {
  if (recordedFor === undefined) return current;
  // Both are programming errors of the caller, not user input, so they are not CaseErrors.
  if (sandboxId !== null) throw new Error('A recorded business date is only for real cases, not sandbox cases');
  if (compareIsoDates(recordedFor, current) > 0) throw new Error(`The recorded business date ${recordedFor} is after the current one, ${current}`);
  return recordedFor;
}

function linkedCaseRejected(caseId: string, linked: ProcessDefinition, error: CaseError): CaseError {
  return new CaseError(
    'LINKED_CASE_REJECTED',
    'unprocessable',
    {
      zh: `本事件需要同时开立关联案件“${linked.title.zh}”，但该流程拒绝了立案信息，本事件未写入：${error.localized.zh}`,
      en: `This event must open a linked "${linked.title.en}" case, but that process rejected its input, so the event was not written: ${error.localized.en}`,
    },
    { caseId, linkedProcessId: linked.id, linkedError: { code: error.code, ...error.details } },
  );
}

function timerNotPending(caseId: string, timerId: string): CaseError {
  return new CaseError(
    'TIMER_NOT_PENDING',
    'conflict',
    {
      zh: `定时器“${timerId}”已触发或已取消，本次触发未写入任何内容。`,
      en: `Timer "${timerId}" was already fired or cancelled, so this firing wrote nothing.`,
    },
    { caseId, timerId },
  );
}

function versionConflict(caseId: string, expected: number, current: number | null): CaseError {
  return new CaseError(
    'VERSION_CONFLICT',
    'conflict',
    {
      zh: `案件已被他人更新：提交所依据的版本为 ${expected}，当前版本为 ${current ?? '未知'}。请刷新案件后重新提交。`,
      en: `The case changed meanwhile: the submission expected version ${expected}, the current version is ${current ?? 'unknown'}. Reload the case and submit again.`,
    },
    { caseId, expectedVersion: expected, currentVersion: current },
  );
}
