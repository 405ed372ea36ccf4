import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { captureIo } from '../../helpers/cli-io.ts';

const writeTemp = async (text: string) => {
  const dir = await mkdtemp(join(tmpdir(), 'linkwatch-cli-'));
  const file = join(dir, 'district.yaml');
  await writeFile(file, text);
  return file;
};

describe('linkwatch check-config', () => {
  it('exits 0 and summarises a valid file', async () => {
    const file = await writeTemp('sites:\n  - {id: dc, name: Trung tâm, kind: district-centre}\n');
    const { io, stdout } = captureIo();
    expect(await main(['check-config', '--config', file], io)).toBe(0);
    expect(stdout()).toContain('valid — 1 sites, 0 devices, 0 links');
  });

  it('exits 2 listing every error with file, line and path', async () => {
    const file = await writeTemp('sites:\n  - {id: dc, name: X, kind: centre}\n  - {id: a, name: A, kind: commune, parent: nowhere}\n');
    const { io, stderr } = captureIo();
    expect(await main(['check-config', '--config', file], io)).toBe(2);
    expect(stderr()).toContain(`${file}:2:29: sites[0].kind: expected one of district-centre, town, commune, other; got "centre"`);
    // The unknown parent is listed in the same run as the schema problem, not after it is fixed.
    expect(stderr()).toContain(`${file}:3:45: sites[1].parent: unknown site "nowhere"`);
    expect(stderr()).toContain('2 problems');
  });

  it('reads the file named by LINKWATCH_CONFIG', async () => {
    const file = await writeTemp('sites: []\n');
    const { io } = captureIo({ LINKWATCH_CONFIG: file });
    expect(await main(['check-config'], io)).toBe(0);
  });

  it('exits 2 for a missing file, naming it', async () => {
    const { io, stderr } = captureIo();
    expect(await main(['check-config', '--config', '/nonexistent/linkwatch.yaml'], io)).toBe(2);
    expect(stderr()).toContain('cannot read /nonexistent/linkwatch.yaml');
  });

  it('validates the shipped example', async () => {
    const { io } = captureIo({ LINKWATCH_COMMUNITY: 'public', LINKWATCH_V3_AUTH_KEY: 'authpass123', LINKWATCH_V3_PRIV_KEY: 'privpass123' });
    expect(await main(['check-config', '--config', 'config/example.yaml'], io)).toBe(0);
  });
});

describe('linkwatch usage errors', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['check-config', '--bogus'], "Unknown option '--bogus'"],
    [['probe'], 'say what to probe'],
    [['probe', 'http', 'x'], 'unknown probe kind "http"'],
    [['probe', 'snmp'], 'give exactly one HOST[:PORT]'],
    [['probe', 'snmp', '127.0.0.1:99999', '--community', 'x'], 'port must be 1–65535'],
    [['probe', 'snmp', '127.0.0.1', '--snmp-version', '4', '--community', 'x'], 'snmp-version: Invalid'],
    [['probe', 'snmp', '127.0.0.1'], 'community'],
    [['probe', 'snmp', '127.0.0.1', '--v3-user', 'u', '--auth-protocol', 'sha1', '--auth-key', '12345678'], 'auth'],
    [['probe', 'snmp', '127.0.0.1', '--v3-user', 'u', '--priv-protocol', 'aes', '--priv-key', '12345678'], 'authProtocol: required for security level authPriv'],
    [['probe', 'icmp', '127.0.0.1', '--count', '0'], '--count must be a whole number'],
    [['probe', 'icmp', '127.0.0.1', '--engine', 'nmap'], '--engine: expected one of auto, ping, fping'],
  ])('%j exits 2 with a message', async (argv, message) => {
    const { io, stderr } = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(stderr()).toContain(message);
  });

  it('prints help for a command and exits 0', async () => {
    const { io, stdout } = captureIo();
    expect(await main(['probe', '--help'], io)).toBe(0);
    expect(stdout()).toContain('linkwatch probe snmp HOST[:PORT]');
  });
});
