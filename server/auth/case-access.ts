import { getLatestProcess } from '../../machines/catalogue.js';
import { CaseError } from '../../machines/engine/case-error.js';
import type { EventDefinition } from '../../machines/engine/process-definition.js';
import type { LocalizedText } from '../../machines/localized-text.js';
import type { Agency, Channel, Party } from '../../machines/policy/parties.js';
import type { CaseScope, EventGrant } from './access-table.js';
import { AGENCY_TITLES, AGENCY_WINDOWS, describePrincipal } from './roles.js';
import type { Principal } from './roles.js';

/** The keys of a case that decide who may reach it. */
export interface CaseOwnership {
  readonly id?: string;
  readonly employer_code: string;
  /** Null or absent for a real case. */
  readonly sandbox_id?: string | null | undefined;
}

/** Returns whether a case lies within a scope of the access table for this principal. */
export function isCaseInScope(scope: CaseScope, principal: Principal, ownership: CaseOwnership): boolean {
  switch (scope) {
    case 'own-employer':
      return !isSandboxCase(ownership) && ownership.employer_code === principal.employerCode;
    case 'real':
      return !isSandboxCase(ownership);
    case 'sandbox':
      return isSandboxCase(ownership);
    case 'all':
      return true;
  }
}

/** Throws a 403 `CASE_OUT_OF_SCOPE` naming who may reach the case, unless it lies within the scope. */
export function requireCaseInScope(scope: CaseScope, principal: Principal, ownership: CaseOwnership): void {
  if (isCaseInScope(scope, principal, ownership)) return;
  const subject = ownership.id ? { zh: `案件“${ownership.id}”`, en: `Case "${ownership.id}"` } : { zh: '要新开的案件', en: 'The case to open' };
  const role = describePrincipal(principal);
  const reason = outOfScopeReason(scope, ownership);
  throw new CaseError(
    'CASE_OUT_OF_SCOPE',
    'forbidden',
    {
      zh: `${subject.zh}${reason.zh}，您的角色（${role.zh}）无权查看或办理。${reason.allowedZh}`,
      en: `${subject.en} ${reason.en}, so your role (${role.en}) may not see or act on it. ${reason.allowedEn}`,
    },
    { ...(ownership.id ? { caseId: ownership.id } : {}), role: principal.role, agency: principal.agency, scope },
  );
}

/**
 * Throws a 403 `CASE_OUT_OF_SCOPE` unless a case about to be opened lies within the scope: in a sandbox
 * for trainers, outside one for everyone else, and for employer staff with their own employer code. The
 * employer code is read from the input as the process parses it. An unknown process or an input that
 * fails its schema passes here, so that the case service reports it (404 or 422).
 */
export function requireNewCaseInScope(
  scope: CaseScope,
  principal: Principal,
  request: { readonly processId: string; readonly input: unknown; readonly sandboxId?: string | undefined },
): void {
  const sandboxId = request.sandboxId ?? null;
  const definition = getLatestProcess(request.processId);
  const parsed = definition?.inputSchema.safeParse(request.input);
  const employerCode = definition && parsed?.success ? definition.caseKeys(parsed.data as never).employerCode : principal.employerCode ?? '';
  requireCaseInScope(scope, principal, { employer_code: employerCode, sandbox_id: sandboxId });
}

/**
 * Throws a 403 `CASE_OUT_OF_SCOPE` unless a request for the cases of a sandbox (or, with null, for real
 * cases) fits the scope: trainers must name a sandbox, and only auditors may list both kinds.
 */
export function requireSandboxInScope(scope: CaseScope, principal: Principal, sandboxId: string | null): void {
  // Employer staff are also limited to their employer, which the handler applies as a filter.
  if (isCaseInScope(scope, principal, { employer_code: principal.employerCode ?? '', sandbox_id: sandboxId })) return;
  const role = describePrincipal(principal);
  if (sandboxId === null) {
    throw new CaseError(
      'CASE_OUT_OF_SCOPE',
      'forbidden',
      {
        zh: `您的角色（${role.zh}）只能查看培训沙箱中的案件：请用参数 sandbox 指定沙箱。`,
        en: `Your role (${role.en}) may see sandbox cases only, so name the sandbox with the sandbox parameter.`,
      },
      { role: principal.role, scope },
    );
  }
  throw new CaseError(
    'CASE_OUT_OF_SCOPE',
    'forbidden',
    {
      zh: `您的角色（${role.zh}）不能查看培训沙箱“${sandboxId}”中的案件：沙箱案件只能由培训师办理，审计员可以查看。`,
      en: `Your role (${role.en}) may not see the cases of sandbox "${sandboxId}". Sandbox cases are for trainers, and auditors may read them.`,
    },
    { role: principal.role, scope, sandboxId },
  );
}

/** 404 `CASE_NOT_FOUND`, worded as the case service words it. */
export function caseNotFound(caseId: string): CaseError {
  return new CaseError(
    'CASE_NOT_FOUND',
    'not-found',
    { zh: `找不到案件“${caseId}”，请检查案件编号。`, en: `Case "${caseId}" was not found; check the case id.` },
    { caseId },
  );
}

function isSandboxCase(ownership: CaseOwnership): boolean {
  return ownership.sandbox_id !== null && ownership.sandbox_id !== undefined;
}

function outOfScopeReason(scope: CaseScope, ownership: CaseOwnership): LocalizedText & { allowedZh: string; allowedEn: string } {
  if (isSandboxCase(ownership)) {
    return {
      zh: '属于培训沙箱',
      en: 'belongs to a training sandbox',
      allowedZh: '沙箱案件只能由培训师办理，审计员可以查看。',
      allowedEn: 'Sandbox cases are for trainers; auditors may read them.',
    };
  }
  if (scope === 'sandbox') {
    return {
      zh: '是真实案件',
      en: 'is a real case',
      allowedZh: '培训师只能查看和办理培训沙箱中的案件。',
      allowedEn: 'Trainers may see and act on sandbox cases only.',
    };
  }
  return {
    zh: '不属于您的单位',
    en: "belongs to another employer",
    allowedZh: '用人单位经办人只能办理本单位（统一社会信用代码相同）的案件；部门经办人和审计员可以查看。',
    allowedEn: "Employer staff may act only on their own employer's cases; caseworkers and auditors may read them.",
  };
}

/** The party an event is sent as and the channel it is recorded with; undefined lets the engine choose. */
export interface EventSender {
  readonly party: Party;
  readonly channel: Channel | undefined;
}

/**
 * Decides as whom a principal sends an event under its grant, or throws a 403 `PARTY_NOT_ALLOWED` that
 * names the event, the principal and who may send it. An event type the process does not know passes
 * as the principal's own party, so that the engine reports it (422 `EVENT_TYPE_UNKNOWN`).
 */
export function decideEventSender(
  grant: EventGrant,
  principal: Principal,
  eventType: string,
  event: EventDefinition | undefined,
  requestedChannel: Channel | undefined,
): EventSender {
  if (!event) return { party: ownParty(principal), channel: requestedChannel };

  if (grant === 'any-party') {
    const party = event.parties[0];
    if (party !== undefined) return { party, channel: requestedChannel };
  }
  if (grant === 'as-employer' && event.parties.includes('employer')) return { party: 'employer', channel: requestedChannel };

  if (grant === 'as-agency-or-window' && principal.agency !== null) {
    if (event.parties.includes(principal.agency)) return { party: principal.agency, channel: requestedChannel };
    const window = AGENCY_WINDOWS[principal.agency];
    const windowAllowed = event.channels === undefined || event.channels.includes(window);
    if (event.parties.includes('employer') && windowAllowed && (requestedChannel === undefined || requestedChannel === window)) {
      return { party: 'employer', channel: window };
    }
  }
  throw eventNotAllowed(principal, eventType, event, requestedChannel);
}

/**
 * Returns the party and channel recorded when a principal opens a case. A caseworker opens it for the
 * agency at its window. Employer staff, and trainers playing the employer in a sandbox, open it through
 * the API.
 */
export function creationSender(principal: Principal): { party: Party; channel: Channel } {
  if (principal.role === 'caseworker' && principal.agency !== null) {
    return { party: principal.agency, channel: AGENCY_WINDOWS[principal.agency] };
  }
  return { party: 'employer', channel: 'api' };
}

function ownParty(principal: Principal): Party {
  if (principal.role === 'caseworker' && principal.agency !== null) return principal.agency;
  return principal.role === 'employer' ? 'employer' : 'system';
}

function eventNotAllowed(principal: Principal, eventType: string, event: EventDefinition, channel: Channel | undefined): CaseError {
  const role = describePrincipal(principal);
  const allowed = describeAllowedSenders(event);
  const windowNote = describeWindowMismatch(principal, event, channel);
  return new CaseError(
    'PARTY_NOT_ALLOWED',
    'forbidden',
    {
      zh: `事件“${event.title.zh}”（${eventType}）只能由${allowed.zh}提交，您的角色（${role.zh}）不能提交。${windowNote?.zh ?? ''}`,
      en: `Event "${event.title.en}" (${eventType}) may be sent only by ${allowed.en}; your role (${role.en}) may not send it.${windowNote ? ` ${windowNote.en}` : ''}`,
    },
    {
      eventType,
      role: principal.role,
      agency: principal.agency,
      allowedParties: event.parties,
      ...(channel !== undefined ? { channel } : {}),
    },
  );
}

/** Describes who may send an event: its parties, the windows where caseworkers act for the employer, and trainers. */
function describeAllowedSenders(event: EventDefinition): LocalizedText {
  const zh: string[] = [];
  const en: string[] = [];
  for (const party of event.parties) {
    if (party === 'employer') {
      const windows = windowAgencies(event);
      zh.push(windows.length > 0 ? `用人单位（或${windows.map((agency) => `${AGENCY_TITLES[agency].zh}经办人在窗口 ${AGENCY_WINDOWS[agency]}`).join('、')}代办）` : '用人单位');
      en.push(
        windows.length > 0
          ? `the employer (or on its behalf ${windows.map((agency) => `a caseworker of ${AGENCY_TITLES[agency].en} at window ${AGENCY_WINDOWS[agency]}`).join(' or ')})`
          : 'the employer',
      );
    } else if (party === 'system') {
      zh.push('系统定时器');
      en.push("the system's timers");
    } else {
      zh.push(`${AGENCY_TITLES[party].zh}经办人`);
      en.push(`a caseworker of ${AGENCY_TITLES[party].en}`);
    }
  }
  zh.push('培训沙箱中的培训师');
  en.push('a trainer in a sandbox case');
  return { zh: zh.join('、'), en: en.join(', ') };
}

/** Agencies whose window an employer event may go through. */
function windowAgencies(event: EventDefinition): Agency[] {
  return (Object.keys(AGENCY_WINDOWS) as Agency[]).filter((agency) => event.channels === undefined || event.channels.includes(AGENCY_WINDOWS[agency]));
}

/** Explains a caseworker's employer event sent through another channel than the agency's window. */
function describeWindowMismatch(principal: Principal, event: EventDefinition, channel: Channel | undefined): LocalizedText | null {
  if (principal.role !== 'caseworker' || principal.agency === null || !event.parties.includes('employer') || channel === undefined) return null;
  const window = AGENCY_WINDOWS[principal.agency];
  if (channel === window || !windowAgencies(event).includes(principal.agency)) return null;
  return {
    zh: `经办人代用人单位办理时须通过本部门窗口（channel 为 ${window}），收到的是“${channel}”。`,
    en: `A caseworker acts for the employer only at the agency's window (channel ${window}), not through "${channel}".`,
  };
}
