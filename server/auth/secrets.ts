import { createHash, randomBytes } from 'node:crypto';

/** Prefix of API tokens, so that a leaked token is recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'sbt_';

/** Random bytes in a token or session id: 256 bits. */
const SECRET_BYTES = 32;

/** Characters of a token kept in the database to tell tokens apart: the prefix and 6 random characters. */
const TOKEN_DISPLAY_LENGTH = TOKEN_PREFIX.length + 6;

/** A new API token: the token, shown once, and what the database keeps. */
export interface IssuedToken {
  readonly token: string;
  readonly hash: string;
  readonly displayPrefix: string;
}

/** Creates an API token: `sbt_` followed by 256 random bits in base64url. */
export function issueToken(): IssuedToken {
  const token = `${TOKEN_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { token, hash: hashSecret(token), displayPrefix: token.slice(0, TOKEN_DISPLAY_LENGTH) };
}

/** Creates a session id: 256 random bits in base64url. */
export function issueSessionId(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * SHA-256 (hex) of a token or session id, the only form the database stores. A fast hash is right here,
 * unlike for passwords: the secrets are 256 random bits, so a stolen hash cannot be reversed by guessing,
 * however many guesses per second an attacker can make, and a lookup costs one hash per request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Creates a random secret for signing session cookies when none is configured. */
export function generateSessionSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}
