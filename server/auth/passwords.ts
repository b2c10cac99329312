import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

/**
 * scrypt cost of new hashes: N = 2^17, r = 8, p = 1, the minimum that the OWASP Password Storage Cheat
 * Sheet gives for scrypt. One hash needs 128 MiB and took about 0.5 s on a 2-core test machine. The
 * parameters are stored in each hash, so changing them later keeps old hashes verifiable.
 */
const COST = { N: 2 ** 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Hashes computed at once. Each holds 128 MiB, so unauthenticated sign-in requests could otherwise
 * exhaust memory; later ones wait their turn.
 */
const MAX_CONCURRENT_HASHES = 2;

/** Minimum and maximum password length in characters. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

type ScryptCost = { readonly N: number; readonly r: number; readonly p: number };

/** Hashes a password with scrypt and a random salt, as `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash in constant time; false for a malformed hash. With a null hash
 * it still derives a key, so that signing in as an unknown user takes as long as a wrong password.
 */
export async function verifyPassword(password: string, storedHash: string | null): Promise<boolean> {
  const parsed = storedHash === null ? null : parseHash(storedHash);
  if (!parsed) {
    await deriveKey(password, randomBytes(SALT_BYTES), COST);
    return false;
  }
  const key = await deriveKey(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const cost = { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
  if (![cost.N, cost.r, cost.p].every((value) => Number.isSafeInteger(value) && value > 0)) return null;
  return { cost, salt: Buffer.from(parts[4] ?? '', 'base64url'), key: Buffer.from(parts[5] ?? '', 'base64url') };
}

let running = 0;
const waiting: (() => void)[] = [];

async function deriveKey(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  await acquireHashSlot();
  try {
    // scrypt needs 128 * N * r bytes, more than Node's default maxmem of 32 MiB at this cost.
    const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 129 * cost.N * cost.r };
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    releaseHashSlot();
  }
}

async function acquireHashSlot(): Promise<void> {
  if (running < MAX_CONCURRENT_HASHES) {
    running++;
    return;
  }
  // The releasing caller hands its slot over, so `running` stays as it is.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseHashSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}
