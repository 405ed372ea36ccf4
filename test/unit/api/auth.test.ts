import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../../api/auth/passwords.ts';
import { createLoginLimiter } from '../../../api/auth/rate-limit.ts';
import { clearedSessionCookie, createSessionStore, csrfMatches, parseCookies, sessionCookie } from '../../../api/auth/sessions.ts';
import { decodeTokens } from '../../../api/auth/tokens.ts';
import { mergeUsers, parseUsersFile } from '../../../api/auth/users.ts';
import { accessDecision } from '../../../api/route.ts';
import { Secret } from '../../../config/secret.ts';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('verifies what it hashed, refuses anything else, and normalises to NFC', async () => {
    const hash = await hashPassword('mật khẩu', CHEAP);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('mật khẩu', hash)).toEqual({ ok: true });
    // The same words typed decomposed (as some keyboards send them).
    expect(await verifyPassword('mật khẩu'.normalize('NFD'), hash)).toEqual({ ok: true });
    expect(await verifyPassword('mat khau', hash)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await hashPassword('mật khẩu', CHEAP)).not.toBe(hash);
  });

  it.each([
    ['the password itself', 'hunter22', 'expected scrypt$'],
    ['N not a power of two', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==', 'power of two'],
    ['N huge (a hostile file)', `scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==`, 'power of two'],
    ['r out of range', 'scrypt$1024$99$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==', 'r must be'],
    ['not base64', 'scrypt$1024$8$1$!!!$AAAAAAAAAAAAAAAAAAAAAA==', 'base64'],
    ['short salt', 'scrypt$1024$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==', 'too short'],
  ])('a malformed hash (%s) is a result naming the problem, not a throw', async (_case, stored, expected) => {
    const parsed = parsePasswordHash(stored);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(expected);
    const verdict = await verifyPassword('anything', stored);
    expect(verdict).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('sessions', () => {
  it('end after the idle time, after the absolute time, and all at once for a user', () => {
    let now = 0;
    let n = 0;
    const store = createSessionStore({ clock: () => now, idleMs: 1_000, absoluteMs: 5_000, randomToken: () => `t${n++}` });
    const a = store.create('hoa');
    expect(store.touch(a.id)).toMatchObject({ ok: true });
    now = 900;
    expect(store.touch(a.id)).toMatchObject({ ok: true });
    now = 1_800; // 900 ms after the last use: still alive
    expect(store.touch(a.id)).toMatchObject({ ok: true });
    now = 2_900;
    expect(store.touch(a.id)).toEqual({ ok: false, reason: 'idle' });
    expect(store.touch(a.id)).toEqual({ ok: false, reason: 'unknown' });

    const b = store.create('hoa');
    for (now = 3_000; now < 8_000; now += 500) store.touch(b.id);
    expect(store.touch(b.id)).toEqual({ ok: false, reason: 'expired' });

    store.create('hoa');
    store.create('hoa');
    const other = store.create('minh');
    expect(store.destroyUser('hoa')).toBe(2);
    expect(store.touch(other.id)).toMatchObject({ ok: true });
    expect(store.touch('nope')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('sets HttpOnly, SameSite=Strict cookies, Secure over HTTPS, and reads Cookie headers', () => {
    expect(sessionCookie('abc', { secure: false })).toBe('lw_session=abc; Path=/; HttpOnly; SameSite=Strict');
    expect(sessionCookie('abc', { secure: true })).toMatch(/; Secure$/);
    expect(clearedSessionCookie({ secure: false })).toContain('Max-Age=0');
    const cookies = parseCookies('a=1; lw_session="xyz"; junk; =bad; lw_session=second');
    expect(cookies.get('lw_session')).toBe('xyz');
    expect(cookies.get('a')).toBe('1');
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('compares CSRF tokens exactly', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abd', 'abc')).toBe(false);
    expect(csrfMatches('ab', 'abc')).toBe(false);
    expect(csrfMatches(undefined, 'abc')).toBe(false);
  });
});

describe('the login limiter', () => {
  it('refuses after five failures in the window, for as long as the oldest stays in it', () => {
    let now = 0;
    const limiter = createLoginLimiter({ clock: () => now, maxFailures: 5, windowMs: 60_000 });
    const keys = ['client:10.0.0.9', 'user:hoa'];
    for (let i = 0; i < 5; i++) {
      expect(limiter.check(keys)).toEqual({ ok: true });
      limiter.fail(keys);
      now += 1_000;
    }
    expect(limiter.check(keys)).toEqual({ ok: false, retryAfterS: 55 });
    // Another client guessing the same user is held too; another user from another client is not.
    expect(limiter.check(['client:10.0.0.10', 'user:hoa']).ok).toBe(false);
    expect(limiter.check(['client:10.0.0.10', 'user:minh']).ok).toBe(true);
    now = 60_000;
    expect(limiter.check(keys)).toEqual({ ok: true });
  });

  it('clears a user on success and forgets the oldest keys past its bound', () => {
    let now = 0;
    const limiter = createLoginLimiter({ clock: () => now, maxFailures: 2, windowMs: 60_000, maxKeys: 3 });
    limiter.fail(['user:a']);
    limiter.fail(['user:a']);
    expect(limiter.check(['user:a']).ok).toBe(false);
    limiter.succeed(['user:a']);
    expect(limiter.check(['user:a']).ok).toBe(true);
    for (const name of ['b', 'c', 'd', 'e']) {
      limiter.fail([`user:${name}`]);
      limiter.fail([`user:${name}`]);
    }
    expect(limiter.check(['user:b']).ok).toBe(true);
    expect(limiter.check(['user:e']).ok).toBe(false);
  });
});

describe('users', () => {
  const user = (name: string) => ({ name, role: 'viewer' as const, passwordHash: new Secret('scrypt$x') });

  it('refuses a name defined twice, saying where', () => {
    expect(mergeUsers([{ source: 'api.users', users: [user('hoa')] }, { source: 'users.yaml', users: [user('minh'), user('hoa')] }])).toEqual({
      ok: false,
      message: 'user "hoa" is defined twice: in api.users and in users.yaml',
    });
    const merged = mergeUsers([{ source: 'api.users', users: [user('hoa')] }, { source: 'users.yaml', users: [user('minh')] }]);
    expect(merged.ok && [...merged.users.keys()]).toEqual(['hoa', 'minh']);
  });

  it('reads a users file, naming the entry that is wrong and never its value', () => {
    const good = parseUsersFile('users:\n  - {name: hoa, role: operator, passwordHash: "scrypt$32768$8$1$abc$def"}\n', 'users.yaml');
    expect(good.ok && good.users[0]!.role).toBe('operator');
    const plain = parseUsersFile('users:\n  - {name: hoa, role: operator, passwordHash: "matkhau123"}\n', 'users.yaml');
    expect(plain).toMatchObject({ ok: false });
    if (!plain.ok) {
      expect(plain.message).toContain('users[0].passwordHash');
      expect(plain.message).not.toContain('matkhau123');
    }
    expect(parseUsersFile('users:\n  - {name: hoa, role: root, passwordHash: "scrypt$x"}\n', 'u.yaml')).toMatchObject({ ok: false, message: expect.stringContaining('users[0].role') });
    expect(parseUsersFile('users: [\n', 'u.yaml')).toMatchObject({ ok: false, message: expect.stringContaining('not valid YAML') });
  });
});

describe('tokens as stored', () => {
  it('keeps only rows that make a whole token', () => {
    const found = decodeTokens([
      { time: 1, token_id: 'abcdefghijkl', user: 'hoa', role: 'operator', name: 'báo cáo', secret_hash: 'f'.repeat(64), by: 'admin', revoked_ms: 5, revoked_by: 'admin' },
      { time: 2, token_id: 'BAD', user: 'hoa', role: 'viewer', secret_hash: 'x' },
      { time: 3, token_id: 'abcdefghijkm', user: 'hoa', role: 'superuser', secret_hash: 'x' },
      { time: 4, token_id: 'abcdefghijkn', role: 'viewer', secret_hash: 'x' },
    ]);
    expect(found).toEqual([{ id: 'abcdefghijkl', user: 'hoa', role: 'operator', name: 'báo cáo', createdMs: 1, by: 'admin', secretHash: 'f'.repeat(64), revokedMs: 5, revokedBy: 'admin' }]);
  });
});

describe('who may call a route', () => {
  const as = (role: 'viewer' | 'operator' | 'admin') => ({ name: 'x', role, via: 'session' as const });
  it.each([
    ['public', undefined, true],
    ['viewer', undefined, 'unauthenticated'],
    ['viewer', as('viewer'), true],
    ['operator', as('viewer'), 'forbidden'],
    ['operator', as('operator'), true],
    ['admin', as('operator'), 'forbidden'],
    ['admin', as('admin'), true],
    ['viewer', as('admin'), true],
  ] as const)('%s route, %o → %s', (access, principal, expected) => {
    const decision = accessDecision(access, principal);
    expect(decision.ok ? true : decision.code).toBe(expected);
  });
});
