/** A small HTTP client for API tests: JSON in, status and parsed body out. */
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface Actor {
  readonly actor: string;
  readonly agency: 'employer' | 'hr' | 'medical' | 'tax';
}

export const EMPLOYER: Actor = { actor: 'employer-staff-1', agency: 'employer' };
export const HR: Actor = { actor: 'hr-caseworker-1', agency: 'hr' };
export const MEDICAL: Actor = { actor: 'medical-caseworker-1', agency: 'medical' };
export const TAX: Actor = { actor: 'tax-caseworker-1', agency: 'tax' };

export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { actor?: Actor; json?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.actor) {
    headers['x-actor'] = options.actor.actor;
    headers['x-agency'] = options.actor.agency;
  }
  let body: string | undefined;
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
  return { status: response.status, body: parsed as T, text, headers: response.headers };
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
  actor: Actor,
  event: { type: string; data?: unknown; expectedVersion: number; channel?: string },
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return request(baseUrl, 'POST', `/api/cases/${caseId}/events`, { actor, json: { data: {}, ...event }, headers });
}
