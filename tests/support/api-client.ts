/** A small HTTP client for API tests: JSON in, status and parsed body out, signed in as a test actor. */
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

/**
 * A test user who acts for a party: employer staff (`agency: 'employer'`, scoped to `employerCode`, by
 * default the worked example's employer) or a caseworker of hr, medical or tax.
 */
export interface Actor {
  /** The user name, recorded as the actor of every event the user sends. */
  readonly actor: string;
  readonly agency: 'employer' | 'hr' | 'medical' | 'tax';
  /** The unified social credit code employer staff act for; `EMPLOYER_CODE` when absent. */
  readonly employerCode?: string;
}

/** A test user with a role that acts for no party: auditor, trainer or administrator. */
export interface StaffActor {
  readonly actor: string;
  readonly role: 'auditor' | 'trainer' | 'admin';
}

export type TestActor = Actor | StaffActor;

/**
 * Staff of the employer a request concerns. Employer users are scoped to one unified social credit code,
 * so `request()` sends EMPLOYER's requests as the staff of the case's employer. That is the
 * `employerCode` of the input when opening a case, the employer of the case in the path otherwise, and
 * `EMPLOYER_CODE` when the request names neither. Actors with an explicit `employerCode` (see
 * `employerStaff`) never switch.
 */
export const EMPLOYER: Actor = { actor: 'employer-staff-1', agency: 'employer' };
export const HR: Actor = { actor: 'hr-caseworker-1', agency: 'hr' };
export const MEDICAL: Actor = { actor: 'medical-caseworker-1', agency: 'medical' };
export const TAX: Actor = { actor: 'tax-caseworker-1', agency: 'tax' };
export const AUDITOR: StaffActor = { actor: 'auditor-1', role: 'auditor' };
export const TRAINER: StaffActor = { actor: 'trainer-1', role: 'trainer' };
export const ADMIN: StaffActor = { actor: 'admin-1', role: 'admin' };

/** Staff of another employer than the worked example's. */
export function employerStaff(employerCode: string, actor = `employer-staff-${employerCode}`): Actor {
  return { actor, agency: 'employer', employerCode };
}

/** Returns the user a test actor stands for: its role, and its agency or employer code. */
export function userOf(actor: TestActor): { username: string; role: string; agency?: string; employerCode?: string } {
  if ('role' in actor) return { username: actor.actor, role: actor.role };
  if (actor.agency === 'employer') return { username: actor.actor, role: 'employer', employerCode: actor.employerCode ?? EMPLOYER_CODE };
  return { username: actor.actor, role: 'caseworker', agency: actor.agency };
}

/** Creates (once) the user of a test actor on a server and returns a new API token for it. */
export type ActorProvisioner = (actor: TestActor) => Promise<string>;

interface RegisteredServer {
  readonly provision: ActorProvisioner;
  readonly tokens: Map<string, Promise<string>>;
  /** The employer code of each case seen, so that EMPLOYER acts for the right employer. */
  readonly caseEmployers: Map<string, string>;
}

const provisioners = new Map<string, RegisteredServer>();

/**
 * Lets `request()` sign in as test actors on the server at `baseUrl`: `startTestServer()` and
 * `startServerProcess()` register themselves. Returns the function that unregisters.
 */
export function registerProvisioner(baseUrl: string, provision: ActorProvisioner): () => void {
  provisioners.set(baseUrl, { provision, tokens: new Map(), caseEmployers: new Map() });
  return () => provisioners.delete(baseUrl);
}

/** Returns the API token of a test actor on a server, creating the user and the token on first use. */
export async function tokenFor(baseUrl: string, actor: TestActor): Promise<string> {
  const entry = provisioners.get(baseUrl);
  if (!entry) throw new Error(`No test server registered at ${baseUrl}: start it with startTestServer() or startServerProcess()`);
  let token = entry.tokens.get(actor.actor);
  if (!token) {
    token = entry.provision(actor);
    entry.tokens.set(actor.actor, token);
  }
  return token;
}

/**
 * Sends a request signed in as `actor` with `Authorization: Bearer <token>`. Without `actor` it signs in
 * as `AUDITOR`, who may read every case and change nothing, so that read-only checks need no actor;
 * `actor: null` sends no credentials at all. An `authorization` entry in `headers` replaces the token.
 */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { actor?: TestActor | null; json?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  const requested = options.actor === undefined ? AUDITOR : options.actor;
  const actor = requested === EMPLOYER ? await employerStaffFor(baseUrl, method, path, options.json) : requested;
  if (actor !== null && provisioners.has(baseUrl)) headers['authorization'] = `Bearer ${await tokenFor(baseUrl, actor)}`;
  Object.assign(headers, options.headers);

  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.rawBody !== undefined) {
    body = options.rawBody;
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  rememberCaseEmployers(baseUrl, parsed);
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

/** Returns the employer staff that EMPLOYER stands for in a request (see `EMPLOYER`). */
async function employerStaffFor(baseUrl: string, method: string, path: string, json: unknown): Promise<Actor> {
  const server = provisioners.get(baseUrl);
  let code: string | undefined;
  if (method === 'POST' && path === '/api/cases') {
    const input = (json as { input?: { employerCode?: unknown } } | undefined)?.input;
    if (typeof input?.employerCode === 'string') code = input.employerCode;
  } else {
    const caseId = /^\/api\/cases\/([^/?]+)/.exec(path)?.[1];
    if (caseId !== undefined && server) code = server.caseEmployers.get(caseId) ?? (await readCaseEmployer(baseUrl, caseId));
  }
  if (code === undefined || code === EMPLOYER_CODE || code.length !== 18 || !/^[0-9A-Z]+$/.test(code)) return EMPLOYER;
  return employerStaff(code, `${EMPLOYER.actor}@${code}`);
}

async function readCaseEmployer(baseUrl: string, caseId: string): Promise<string | undefined> {
  const response = await request(baseUrl, 'GET', `/api/cases/${caseId}`, { actor: AUDITOR });
  return response.status === 200 && typeof response.body?.employerCode === 'string' ? response.body.employerCode : undefined;
}

/** Notes the employer of every case in a response: a case, its linked cases, or a page of cases. */
function rememberCaseEmployers(baseUrl: string, body: unknown): void {
  const server = provisioners.get(baseUrl);
  if (!server || body === null || typeof body !== 'object') return;
  const record = body as { id?: unknown; employerCode?: unknown; linkedCases?: unknown; items?: unknown };
  if (typeof record.id === 'string' && typeof record.employerCode === 'string') server.caseEmployers.set(record.id, record.employerCode);
  for (const list of [record.linkedCases, record.items]) {
    if (Array.isArray(list)) for (const item of list) rememberCaseEmployers(baseUrl, item);
  }
}

/** The worked example's employer and person: valid GB 32100 and GB 11643 identifiers. */
export const EMPLOYER_CODE = '91350100M000100Y43';
export const PERSON = { name: '张三', idNumber: '11010519491231002X' };

/** Input of the worked back-payment: December 2023 for a person added in January 2024. */
export const DECEMBER_BACK_PAYMENT = {
  processId: 'individual-back-payment',
  input: {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    fromPeriod: '2023-12',
    toPeriod: '2023-12',
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
    startMonthAtTax: '2024-01',
  },
};

export async function sendEvent(
  baseUrl: string,
  caseId: string,
  actor: TestActor,
  event: { type: string; data?: unknown; expectedVersion: number; channel?: string },
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return request(baseUrl, 'POST', `/api/cases/${caseId}/events`, { actor, json: { data: {}, ...event }, headers });
}
