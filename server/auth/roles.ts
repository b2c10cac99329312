import type { LocalizedText } from '../../machines/localized-text.js';
import type { Agency, Channel } from '../../machines/policy/parties.js';

/**
 * The roles a user can have. The system party (durable timers) is not among them: it acts inside the
 * server only and never signs in.
 */
export const ROLES = ['employer', 'caseworker', 'auditor', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Readonly<Record<Role, LocalizedText>> = {
  employer: { zh: '用人单位经办人', en: 'employer staff' },
  caseworker: { zh: '部门经办人', en: 'agency caseworker' },
  auditor: { zh: '审计员', en: 'auditor' },
  trainer: { zh: '培训师', en: 'trainer' },
  admin: { zh: '系统管理员', en: 'administrator' },
};

export const AGENCY_TITLES: Readonly<Record<Agency, LocalizedText>> = {
  hr: { zh: '人社部门', en: 'hr' },
  medical: { zh: '医保部门', en: 'the medical security bureau' },
  tax: { zh: '税务部门', en: 'the tax bureau' },
};

/** Each agency's service window: the channel recorded when its caseworker acts for an employer. */
export const AGENCY_WINDOWS: Readonly<Record<Agency, Channel>> = {
  hr: 'hr-window',
  medical: 'medical-window',
  tax: 'tax-window',
};

/** The signed-in user behind a request, and the credential used. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  /** The caseworker's agency; null for every other role. */
  readonly agency: Agency | null;
  /** The unified social credit code employer staff act for; null for every other role. */
  readonly employerCode: string | null;
  readonly credential: { readonly kind: 'token' | 'session'; readonly id: string };
}

/** Describes a principal's role in words, with the agency for a caseworker: "caseworker of the tax bureau". */
export function describePrincipal(principal: Pick<Principal, 'role' | 'agency'>): LocalizedText {
  const role = ROLE_TITLES[principal.role];
  if (principal.role !== 'caseworker' || principal.agency === null) return role;
  const agency = AGENCY_TITLES[principal.agency];
  return { zh: `${agency.zh}经办人`, en: `caseworker of ${agency.en}` };
}
