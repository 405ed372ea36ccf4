import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../api/auth/passwords.ts';
import { main } from '../../../cli/main.ts';

const run = async (argv: string[], stdinText?: string) => {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    ...(stdinText !== undefined ? { stdin: Readable.from([stdinText]) } : {}),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
};

describe('linkwatch users hash', () => {
  it('prints a hash of the first line of standard input that verifies, never the password', async () => {
    const { code, stdout, stderr } = await run(['users', 'hash'], 'mật khẩu 2026\nignored\n');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^scrypt\$32768\$8\$1\$\S+\$\S+\n$/);
    expect(await verifyPassword('mật khẩu 2026', stdout.trim())).toEqual({ ok: true });
    expect(stdout + stderr).not.toContain('mật khẩu');
  });

  it('refuses a short password and a wrong subcommand with exit 2', async () => {
    const short = await run(['users', 'hash'], 'abc\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('needs at least 8');
    expect(short.stdout).toBe('');
    const wrong = await run(['users', 'add'], '');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown: add');
  });
});

describe('linkwatch api with a users file it cannot use', () => {
  it('exits 2 naming the file and the entry, before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-users-'));
    try {
      await writeFile(join(dir, 'users.yaml'), 'users:\n  - {name: hoa, role: operator, passwordHash: "plain-password"}\n');
      await writeFile(join(dir, 'linkwatch.yaml'), 'influx: {url: "http://127.0.0.1:1", database: lw}\napi: {listen: "127.0.0.1:0", usersFile: users.yaml}\nsites:\n  - {id: dc, name: Trung tâm, kind: district-centre}\n');
      const { code, stderr } = await run(['api', '--config', join(dir, 'linkwatch.yaml')]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${join(dir, 'users.yaml')}: users[0].passwordHash: must be a hash printed by \`linkwatch users hash\``);
      expect(stderr).not.toContain('plain-password');
      await writeFile(join(dir, 'linkwatch.yaml'), 'influx: {url: "http://127.0.0.1:1", database: lw}\napi: {listen: "127.0.0.1:0", usersFile: missing.yaml}\nsites:\n  - {id: dc, name: Trung tâm, kind: district-centre}\n');
      const missing = await run(['api', '--config', join(dir, 'linkwatch.yaml')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`api.usersFile: cannot read ${join(dir, 'missing.yaml')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
