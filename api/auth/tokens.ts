/**
 * API tokens for scripts: `lw_<id>_<secret>`. The id is public (lists, the audit log, revoking);
 * the secret is 256 random bits, shown once when the token is made, and only its SHA-256 is
 * stored — in InfluxDB's events policy (`api_token`), so every API process sees the same tokens.
 * A slow hash would add nothing against 256 random bits and would cost each request.
 *
 * Checks read a cache refreshed at most every `cacheMs`: a token revoked through another API
 * process stops working within that time; one revoked here stops at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { roles, type Role } from '../../config/api.ts';
import { Secret } from '../../config/secret.ts';
import { ident, rows, type InfluxHttp } from '../../store/influx.ts';
import { toLine } from '../../store/line-protocol.ts';
import { point, retentionOf } from '../../store/schema.ts';

export const TOKEN_ID_PATTERN = /^[a-z0-9]{12}$/;
const TOKEN_PATTERN = /^lw_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
export const DEFAULT_TOKEN_CACHE_MS = 30_000;

export interface TokenRecord {
  id: string;
  /** Whose rights it carries: never more than that user's role at the time of use. */
  user: string;
  role: Role;
  /** What it is for, as its maker said. */
  name: string;
  createdMs: number;
  by: string;
  expiresMs?: number;
  revokedMs?: number;
  revokedBy?: string;
}

interface StoredToken extends TokenRecord {
  secretHash: string;
}

export type TokenCheck = { ok: true; token: TokenRecord } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired'; message: string };

export type RevokeResult = { ok: true; token: TokenRecord } | { ok: false; reason: 'unknown' | 'already-revoked'; message: string };

export interface NewToken {
  user: string;
  role: Role;
  name: string;
  by: string;
  expiresMs?: number;
}

export interface TokenStore {
  /** Stores a new token; `secret` is the whole `lw_…` string, to show once. */
  create(input: NewToken): Promise<{ token: TokenRecord; secret: Secret }>;
  list(): Promise<TokenRecord[]>;
  revoke(id: string, by: string): Promise<RevokeResult>;
  /** Whether a presented `lw_…` string is a live token. */
  verify(presented: string): Promise<TokenCheck>;
}

export interface TokenStoreOptions {
  influx: InfluxHttp;
  clock: () => number;
  cacheMs?: number;
  /** Injected for tests. */
  randomBytes?: (size: number) => Buffer;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const publicRecord = ({ secretHash: _hash, ...record }: StoredToken): TokenRecord => record;

/** Rows of `SELECT * FROM api_token` (epoch ms) → tokens; a row missing what a token needs is
 * skipped rather than trusted. */
export function decodeTokens(found: readonly Record<string, unknown>[]): StoredToken[] {
  const tokens: StoredToken[] = [];
  for (const row of found) {
    const { token_id: id, user, role, name, secret_hash: secretHash, by, time } = row;
    if (typeof id !== 'string' || !TOKEN_ID_PATTERN.test(id) || typeof user !== 'string' || typeof secretHash !== 'string' || typeof time !== 'number') continue;
    if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) continue;
    tokens.push({
      id,
      user,
      role: role as Role,
      name: typeof name === 'string' ? name : '',
      createdMs: time,
      by: typeof by === 'string' ? by : '',
      secretHash,
      ...(typeof row.expires_ms === 'number' ? { expiresMs: row.expires_ms } : {}),
      ...(typeof row.revoked_ms === 'number' ? { revokedMs: row.revoked_ms } : {}),
      ...(typeof row.revoked_by === 'string' ? { revokedBy: row.revoked_by } : {}),
    });
  }
  return tokens;
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { influx, clock } = options;
  const cacheMs = options.cacheMs ?? DEFAULT_TOKEN_CACHE_MS;
  const random = options.randomBytes ?? randomBytes;
  const policy = retentionOf('api_token');
  let cache: { loadedMs: number; tokens: Map<string, StoredToken> } | undefined;

  const load = async (): Promise<Map<string, StoredToken>> => {
    const result = await influx.query(`SELECT * FROM ${ident(policy)}."api_token"`, { epoch: 'ms' });
    cache = { loadedMs: clock(), tokens: new Map(decodeTokens(rows(result)).map((token) => [token.id, token])) };
    return cache.tokens;
  };
  const current = async () => (cache !== undefined && clock() - cache.loadedMs < cacheMs ? cache.tokens : load());

  const newId = () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return [...random(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
  };

  return {
    async create(input) {
      const tokens = await current();
      let id = newId();
      while (tokens.has(id)) id = newId();
      const secretPart = random(32).toString('base64url');
      const stored: StoredToken = { id, user: input.user, role: input.role, name: input.name, by: input.by, createdMs: clock(), secretHash: sha256(secretPart), ...(input.expiresMs !== undefined ? { expiresMs: input.expiresMs } : {}) };
      const line = toLine(point('api_token', stored.createdMs, { token_id: id }, { user: stored.user, role: stored.role, name: stored.name, secret_hash: stored.secretHash, by: stored.by, ...(stored.expiresMs !== undefined ? { expires_ms: stored.expiresMs } : {}) }));
      await influx.write([line!], { policy });
      tokens.set(id, stored);
      return { token: publicRecord(stored), secret: new Secret(`lw_${id}_${secretPart}`) };
    },

    async list() {
      return [...(await current()).values()].map(publicRecord).sort((a, b) => b.createdMs - a.createdMs);
    },

    async revoke(id, by) {
      // Fresh from the store: revoking must not act on a stale view.
      const token = (await load()).get(id);
      if (token === undefined) return { ok: false, reason: 'unknown', message: `no token "${id}"` };
      if (token.revokedMs !== undefined) return { ok: false, reason: 'already-revoked', message: `token "${id}" was revoked already` };
      const revokedMs = clock();
      // Same series and time as the creation point: InfluxDB merges the fields into it.
      await influx.write([toLine(point('api_token', token.createdMs, { token_id: id }, { revoked_ms: revokedMs, revoked_by: by }))!], { policy });
      token.revokedMs = revokedMs;
      token.revokedBy = by;
      return { ok: true, token: publicRecord(token) };
    },

    async verify(presented) {
      const match = TOKEN_PATTERN.exec(presented);
      if (!match) return { ok: false, reason: 'malformed', message: 'an API token looks like lw_<12 characters>_<43 characters>' };
      const [, id, secretPart] = match as unknown as [string, string, string];
      let token = (await current()).get(id);
      // Made by another API process since the last load: look once more before refusing.
      if (token === undefined && cache !== undefined && clock() - cache.loadedMs > 1_000) token = (await load()).get(id);
      const hashMatches = token !== undefined && timingSafeEqual(Buffer.from(sha256(secretPart)), Buffer.from(token.secretHash.padEnd(64).slice(0, 64)));
      if (token === undefined || !hashMatches) return { ok: false, reason: 'unknown', message: 'the API token is not known' };
      if (token.revokedMs !== undefined) return { ok: false, reason: 'revoked', message: `the API token ${id} was revoked` };
      if (token.expiresMs !== undefined && clock() >= token.expiresMs) return { ok: false, reason: 'expired', message: `the API token ${id} has expired` };
      return { ok: true, token: publicRecord(token) };
    },
  };
}
