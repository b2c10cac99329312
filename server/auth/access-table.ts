import type { LocalizedText } from '../../machines/localized-text.js';
import type { Agency } from '../../machines/policy/parties.js';
import type { Role } from './roles.js';

/**
 * The cases a grant reaches:
 * - `own-employer`: real cases whose employer is the user's unified social credit code;
 * - `real`: every case outside a training sandbox;
 * - `sandbox`: cases in a training sandbox only (trainers never see or touch real cases);
 * - `all`: every case, sandbox cases included.
 */
export type CaseScope = 'own-employer' | 'real' | 'sandbox' | 'all';

/**
 * How a role sends case events:
 * - `as-employer`: events that list the employer among their parties, through any channel the event allows;
 * - `as-agency-or-window`: events of the caseworker's own agency, and events of the employer on the
 *   employer's behalf at the agency's window, recorded with the window as the channel (`hr-window`,
 *   `medical-window`, `tax-window`). An event that lists both the agency and the employer goes as the
 *   agency;
 * - `any-party`: every event, acting as the first party the event lists (a trainer driving a sandbox case,
 *   timer events included).
 * Events of the system party are sent only by the server's timers, except through `any-party`.
 * `decideEventSender` in `case-access.ts` applies these rules.
 */
export type EventGrant = 'as-employer' | 'as-agency-or-window' | 'any-party';

/**
 * Whether a route shows personal data (names and ID numbers) in full:
 * - `full`: always, and each view is written to the access log;
 * - `on-request`: only with `?personalData=full`, and each such view is written to the access log.
 * Without a value the route masks them.
 */
export type PersonalDataGrant = 'full' | 'on-request';

/** The rights of one role on one route. An empty grant allows the route with no further condition. */
export interface Grant {
  /** The caseworker agencies the grant is for; every agency when absent. Other agencies are denied with 403. */
  readonly agencies?: readonly Agency[];
  readonly cases?: CaseScope;
  readonly events?: EventGrant;
  readonly personalData?: PersonalDataGrant;
}

/**
 * The place where the access check finds the case a request concerns, to check it against the grant's
 * case scope before the handler runs:
 * - `path-id`: the `:id` path parameter is a case id (an unknown case is 404 `CASE_NOT_FOUND`);
 * - `sandbox-query`: the `sandbox` query parameter names a sandbox, and without it the request concerns
 *   real cases.
 * Routes without it check their cases in the handler (opening and listing cases).
 */
export type CaseLocator = 'path-id' | 'sandbox-query';

/** One route of the access table. A role missing from `grants` is denied with 403. */
export interface RouteAccess {
  /** The route's action in words, for denial messages. */
  readonly action: LocalizedText;
  /** Open without signing in; `grants` is then empty. */
  readonly public?: true;
  readonly caseFrom?: CaseLocator;
  readonly grants: Readonly<Partial<Record<Role, Grant>>>;
}

const PUBLIC = (action: LocalizedText): RouteAccess => ({ action, public: true, grants: {} });

const EVERY_ROLE = { employer: {}, caseworker: {}, auditor: {}, trainer: {}, admin: {} } as const;

/** Reading the process catalogue: everyone who works on cases. */
const CASE_ROLES = { employer: {}, caseworker: {}, auditor: {}, trainer: {} } as const;

/** Reading a case or its history, diagram and chain: each role within its scope; auditors read every case. */
const CASE_READERS = {
  employer: { cases: 'own-employer' },
  caseworker: { cases: 'real' },
  trainer: { cases: 'sandbox' },
  auditor: { cases: 'all' },
} as const;

const AUDITORS = { auditor: { cases: 'all' } } as const;
const PUSH_IMPORTERS = { caseworker: { cases: 'real', agencies: ['hr', 'medical'] } } as const;
const ADMINS = { admin: {} } as const;

/**
 * The one access table: every route of the app, keyed by method and path exactly as registered with Hono,
 * and for each role what it may do there. Event routes also give how each role sends events, and then the
 * case service checks the event against the process definition's parties and channels.
 *
 * A route that is missing here is denied to everyone (403) and logged as a bug, so a new route stays
 * closed until it is given a row. `tests/auth/access-table.test.ts` calls every route as every role.
 * Files served by middleware alone (Mermaid's browser build under `/static/mermaid/`) match no route, so
 * they stay public.
 */
export const ACCESS_TABLE: Readonly<Record<string, RouteAccess>> = {
  // Sign-in, the API description and the health endpoints for load balancers need no credentials.
  'POST /auth/login': PUBLIC({ zh: '登录', en: 'sign in' }),
  'GET /api/openapi.json': PUBLIC({ zh: '读取接口说明', en: 'read the API description' }),
  'GET /healthz': PUBLIC({ zh: '检查进程存活', en: 'check that the process answers' }),
  'GET /readyz': PUBLIC({ zh: '检查服务就绪', en: 'check that the server is ready' }),
  // Counters and timings only, no case data: scraped by monitoring without credentials.
  'GET /metrics': PUBLIC({ zh: '读取监控指标', en: 'read the metrics' }),

  'POST /auth/logout': { action: { zh: '退出登录', en: 'sign out' }, grants: EVERY_ROLE },
  'GET /api/me': { action: { zh: '查看当前用户', en: 'read the signed-in user' }, grants: EVERY_ROLE },

  'GET /api/processes': { action: { zh: '查看业务流程目录', en: 'list the processes' }, grants: CASE_ROLES },
  'GET /api/processes/:processId': { action: { zh: '查看业务流程', en: 'read a process' }, grants: CASE_ROLES },
  'GET /api/processes/:processId/diagram.mmd': {
    action: { zh: '查看流程图', en: 'read a process diagram' },
    grants: CASE_ROLES,
  },

  'POST /api/cases': {
    action: { zh: '立案', en: 'open a case' },
    grants: { employer: { cases: 'own-employer' }, caseworker: { cases: 'real' }, trainer: { cases: 'sandbox' } },
  },
  // Real cases only: trainers list a sandbox's cases through GET /api/sandboxes/:id/cases.
  'GET /api/cases': {
    action: { zh: '查询案件列表', en: 'list cases' },
    grants: { employer: { cases: 'own-employer' }, caseworker: { cases: 'real' }, auditor: { cases: 'all' } },
  },
  'GET /api/cases/:id': {
    action: { zh: '查看案件', en: 'read a case' },
    caseFrom: 'path-id',
    grants: {
      employer: { cases: 'own-employer', personalData: 'full' },
      caseworker: { cases: 'real', personalData: 'full' },
      trainer: { cases: 'sandbox', personalData: 'full' },
      // Auditors read every case, so they see names and ID numbers only when they ask for them.
      auditor: { cases: 'all', personalData: 'on-request' },
    },
  },
  'POST /api/cases/:id/events': {
    action: { zh: '提交案件事件', en: 'send a case event' },
    caseFrom: 'path-id',
    grants: {
      employer: { cases: 'own-employer', events: 'as-employer' },
      caseworker: { cases: 'real', events: 'as-agency-or-window' },
      trainer: { cases: 'sandbox', events: 'any-party' },
    },
  },
  'GET /api/cases/:id/history': {
    action: { zh: '查看案件历史', en: 'read a case history' },
    caseFrom: 'path-id',
    grants: CASE_READERS,
  },
  'GET /api/cases/:id/diagram.mmd': {
    action: { zh: '查看案件流程图', en: 'read a case diagram' },
    caseFrom: 'path-id',
    grants: CASE_READERS,
  },
  'GET /api/cases/:id/sequence.mmd': {
    action: { zh: '查看案件往来时序图', en: 'read the exchange diagram of a case' },
    caseFrom: 'path-id',
    grants: CASE_READERS,
  },
  'GET /api/cases/:id/verify': {
    action: { zh: '校验案件哈希链', en: 'verify a case hash chain' },
    caseFrom: 'path-id',
    grants: CASE_READERS,
  },
  'GET /api/cases/:id/events/stream': {
    action: { zh: '订阅案件变更', en: 'follow the changes of a case' },
    caseFrom: 'path-id',
    grants: CASE_READERS,
  },
  // Worklist streams cover the cases of every employer, so employer staff follow their cases one by one.
  'GET /api/live': {
    action: { zh: '订阅工作清单变更', en: 'follow the changes of a worklist' },
    caseFrom: 'sandbox-query',
    grants: { caseworker: { cases: 'real' }, trainer: { cases: 'sandbox' }, auditor: { cases: 'all' } },
  },

  // Sandboxes are the trainers' own; auditors may read them.
  'POST /api/sandboxes': { action: { zh: '创建培训沙箱', en: 'create a training sandbox' }, grants: { trainer: {} } },
  'GET /api/sandboxes/:id': { action: { zh: '查看培训沙箱', en: 'read a training sandbox' }, grants: { trainer: {}, auditor: {} } },
  'PUT /api/sandboxes/:id/date': { action: { zh: '调整沙箱模拟日期', en: "move a sandbox's simulated date" }, grants: { trainer: {} } },
  'GET /api/sandboxes/:id/cases': {
    action: { zh: '查询沙箱案件', en: "list a sandbox's cases" },
    grants: { trainer: { cases: 'sandbox' }, auditor: { cases: 'all' } },
  },

  'GET /api/audit/access-log': { action: { zh: '查看个人信息访问记录', en: 'read the personal-data access log' }, grants: AUDITORS },
  'GET /api/audit/export': { action: { zh: '导出案件审计资料', en: 'export the audit records of cases' }, grants: AUDITORS },
  'GET /api/audit/cases/:id/export': {
    action: { zh: '导出单个案件审计资料', en: 'export the audit record of a case' },
    caseFrom: 'path-id',
    grants: AUDITORS,
  },
  'GET /api/audit/cases/:id/replay': {
    action: { zh: '重放校验案件', en: 'replay a case' },
    caseFrom: 'path-id',
    grants: AUDITORS,
  },
  'GET /api/audit/verify': { action: { zh: '校验全部哈希链', en: 'verify every hash chain' }, grants: AUDITORS },
  'GET /api/audit/checkpoints': { action: { zh: '查看检查点列表', en: 'list checkpoints' }, grants: AUDITORS },
  'GET /api/audit/checkpoints/:checkpointId': { action: { zh: '下载检查点', en: 'download a checkpoint' }, grants: AUDITORS },
  // Creating a checkpoint writes a signed record of the chain heads and changes no case.
  'POST /api/audit/checkpoints': { action: { zh: '创建检查点', en: 'create a checkpoint' }, grants: AUDITORS },
  'POST /api/audit/checkpoints/verify': {
    action: { zh: '按检查点校验', en: 'verify against a checkpoint' },
    grants: AUDITORS,
  },

  // Viewer pages draw the frame only; their browser modules read and change cases through the API rows above.
  'GET /login': PUBLIC({ zh: '打开登录页', en: 'open the sign-in page' }),
  // Administrators have no viewer page: they manage users through the API and the command line.
  'GET /': { action: { zh: '打开首页', en: 'open the start page' }, grants: CASE_ROLES },
  'GET /worklist': {
    action: { zh: '打开待办页', en: 'open the worklist' },
    grants: { employer: {}, caseworker: {}, auditor: {} },
  },
  'GET /cases/:id': { action: { zh: '打开案件页', en: 'open a case page' }, caseFrom: 'path-id', grants: CASE_READERS },
  'GET /processes': { action: { zh: '打开流程目录页', en: 'open the process catalogue' }, grants: CASE_ROLES },
  'GET /new/:processId': {
    action: { zh: '打开立案页', en: 'open the new-case page' },
    grants: { employer: {}, caseworker: {}, trainer: {} },
  },
  'GET /training': { action: { zh: '打开培训页', en: 'open the training page' }, grants: { trainer: {} } },
  'GET /audit': { action: { zh: '打开审计页', en: 'open the audit page' }, grants: AUDITORS },

  // Month-end push files are hr's and medical's, so tax caseworkers may not import them.
  'POST /api/imports': { action: { zh: '上传月末推送文件', en: 'upload a month-end push file' }, grants: PUSH_IMPORTERS },
  'GET /api/imports/:sha256': { action: { zh: '查看导入校验报告', en: 'read an import report' }, grants: PUSH_IMPORTERS },
  'POST /api/imports/:sha256/confirm': { action: { zh: '确认导入月末推送文件', en: 'apply a month-end push file' }, grants: PUSH_IMPORTERS },
  'GET /api/reconciliation': {
    action: { zh: '核对参保人数', en: 'reconcile headcounts' },
    grants: { employer: { cases: 'own-employer' }, caseworker: { cases: 'real' }, auditor: { cases: 'all' } },
  },
  'GET /api/exports/cases': {
    action: { zh: '导出案件清单', en: 'export a case list' },
    grants: { employer: { cases: 'own-employer' }, caseworker: { cases: 'real' }, auditor: { cases: 'all' } },
  },

  'GET /api/admin/users': { action: { zh: '查看用户列表', en: 'list users' }, grants: ADMINS },
  'POST /api/admin/users': { action: { zh: '创建用户', en: 'create a user' }, grants: ADMINS },
  'PATCH /api/admin/users/:userId': { action: { zh: '修改用户', en: 'change a user' }, grants: ADMINS },
  'GET /api/admin/users/:userId/tokens': { action: { zh: '查看用户令牌', en: "list a user's tokens" }, grants: ADMINS },
  'POST /api/admin/users/:userId/tokens': { action: { zh: '创建令牌', en: 'create a token' }, grants: ADMINS },
  'POST /api/admin/tokens/:tokenId/revoke': { action: { zh: '吊销令牌', en: 'revoke a token' }, grants: ADMINS },
};

/** Looks up a route's row by method and registered path; undefined when the table has no row for it. */
export function findRouteAccess(method: string, path: string): RouteAccess | undefined {
  return ACCESS_TABLE[`${method} ${path}`];
}

/** Lists the roles a route grants, in table order, for denial messages. */
export function rolesGranted(access: RouteAccess): Role[] {
  return Object.keys(access.grants) as Role[];
}
