import { PARTIES } from '../machines/policy/parties.js';
import type { Party } from '../machines/policy/parties.js';
import type { Actor } from './case-service.js';
import { badRequest } from './http-errors.js';

/** User ids as the temporary X-Actor header carries them: ASCII, since HTTP header values are Latin-1. */
const ACTOR_ID_PATTERN = /^[A-Za-z0-9._@:-]{1,64}$/;

/** Parties a person may act for through headers; `system` is reserved for the server's own timers. */
const HEADER_PARTIES = PARTIES.filter((party) => party !== 'system');

/**
 * Reads the acting user from the `X-Actor` and `X-Agency` headers.
 *
 * TODO: temporary until access control replaces these headers with authenticated users and tokens; any
 * client can claim any agency here.
 */
export function readActorHeaders(headers: { get(name: string): string | null | undefined }): Actor {
  const id = headers.get('x-actor') ?? '';
  const agency = headers.get('x-agency') ?? '';
  if (!ACTOR_ID_PATTERN.test(id)) {
    throw badRequest(
      'ACTOR_HEADER_INVALID',
      `请求头 X-Actor 缺失或无效（“${id.slice(0, 64)}”）：须为 1 至 64 个字母、数字或 . _ @ : - 字符的用户标识。`,
      `Header X-Actor is missing or invalid ("${id.slice(0, 64)}"): give a user id of 1 to 64 letters, digits or . _ @ : - characters.`,
    );
  }
  if (!(HEADER_PARTIES as readonly string[]).includes(agency)) {
    throw badRequest(
      'AGENCY_HEADER_INVALID',
      `请求头 X-Agency 缺失或无效（“${agency.slice(0, 32)}”）：可选 ${HEADER_PARTIES.join('、')}。`,
      `Header X-Agency is missing or invalid ("${agency.slice(0, 32)}"); use one of: ${HEADER_PARTIES.join(', ')}.`,
    );
  }
  const party = agency as Party;
  return { id, party, role: party === 'employer' ? 'employer' : 'caseworker' };
}
