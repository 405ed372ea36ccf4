/**
 * Password hashes as `linkwatch users hash` prints them and the config holds them:
 * `scrypt$N$r$p$saltB64$hashB64`. scrypt from node:crypto, so no native dependency; the cost
 * parameters travel inside the hash, so raising the default later keeps old hashes working.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB and about 50–100 ms per hash on a district server: slow enough
 * to make guessing offline expensive, fast enough for a login. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

// A hash comes from a config file someone edited: its parameters are bounded so a typo (or a
// hostile file) cannot make each login allocate gigabytes or spin for minutes.
const LIMITS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16 } as const;

export type ParsedHash = { ok: true; cost: ScryptCost; salt: Buffer; key: Buffer } | { ok: false; message: string };

export type VerifyResult = { ok: true } | { ok: false; reason: 'mismatch' } | { ok: false; reason: 'malformed'; message: string };

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads a stored hash without throwing; the message says what is wrong, never the hash. */
export function parsePasswordHash(stored: string): ParsedHash {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return { ok: false, message: 'expected scrypt$N$r$p$salt$hash (as `linkwatch users hash` prints)' };
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  const [N, r, p] = [nText, rText, pText].map((text) => (/^\d{1,8}$/.test(text) ? Number(text) : NaN)) as [number, number, number];
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < LIMITS.minLogN || logN > LIMITS.maxLogN) return { ok: false, message: `N must be a power of two from 2^${LIMITS.minLogN} to 2^${LIMITS.maxLogN}` };
  if (!Number.isInteger(r) || r < 1 || r > LIMITS.maxR) return { ok: false, message: `r must be 1 to ${LIMITS.maxR}` };
  if (!Number.isInteger(p) || p < 1 || p > LIMITS.maxP) return { ok: false, message: `p must be 1 to ${LIMITS.maxP}` };
  if (!B64.test(saltText) || !B64.test(keyText)) return { ok: false, message: 'the salt and the hash must be base64' };
  const salt = Buffer.from(saltText, 'base64');
  const key = Buffer.from(keyText, 'base64');
  if (salt.length < 8 || key.length < 16) return { ok: false, message: 'the salt or the hash is too short' };
  return { ok: true, cost: { N, r, p }, salt, key };
}

/** scrypt needs 128·N·r bytes; node's default maxmem (32 MiB) is exactly N=2^15, r=8, with no
 * room for its own overhead, so the limit is set from the parameters. */
const scryptOptions = ({ N, r, p }: ScryptCost): ScryptOptions => ({ N, r, p, maxmem: 256 * N * r + 1024 * 1024 });

const derive = (plain: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => scrypt(plain.normalize('NFC'), salt, keyLength, scryptOptions(cost), (error, key) => (error ? reject(error) : resolve(key))));

/** A new hash of `plain` with a random salt. Passwords are NFC-normalised first, so "mậtkhẩu"
 * typed on a phone and on Windows hash alike. */
export async function hashPassword(plain: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain, salt, KEY_BYTES, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `plain` matches `stored`. A malformed hash is a result, not a throw: the login
 * answers as for a wrong password and the log names the user whose hash is broken. */
export async function verifyPassword(plain: string, stored: string): Promise<VerifyResult> {
  const parsed = parsePasswordHash(stored);
  if (!parsed.ok) return { ok: false, reason: 'malformed', message: parsed.message };
  const key = await derive(plain, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(key, parsed.key) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
