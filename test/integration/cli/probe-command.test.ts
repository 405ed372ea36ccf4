import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnmpd, type RunningSnmpd } from '../../helpers/snmpd.ts';

// `linkwatch probe` end to end, as a technician runs it: the real bin, a real snmpd, real ping.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const linkwatch = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(BIN, args, { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });

describe('linkwatch probe snmp', () => {
  let agent: RunningSnmpd;
  const COMMUNITY = 'probe-cli-Kq7';
  const AUTH = 'cli-auth-key-1';
  const PRIV = 'cli-priv-key-1';

  beforeAll(async () => {
    agent = await startSnmpd({
      communities: [COMMUNITY],
      users: [{ name: 'fieldtech', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }],
      sysName: 'nam-xe-router',
      sysLocation: 'UBND xã Nậm Xé',
    });
  });
  afterAll(() => agent?.stop());

  it('prints the documented JSON for v2c', async () => {
    const run = await linkwatch(['probe', 'snmp', `${agent.host}:${agent.port}`, '--community', COMMUNITY, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json).sort()).toEqual(['interfaces', 'system']);
    expect(Object.keys(json.system).sort()).toEqual(['contact', 'descr', 'location', 'name', 'objectId', 'uptimeSeconds']);
    expect(json.system).toMatchObject({ name: 'nam-xe-router', location: 'UBND xã Nậm Xé' });
    expect(json.system.uptimeSeconds).toBeTypeOf('number');
    expect(json.interfaces.length).toBeGreaterThan(0);
    const lo = json.interfaces.find((iface: { name: string }) => iface.name === 'lo');
    expect(Object.keys(lo).sort()).toEqual(['adminStatus', 'alias', 'descr', 'inOctets', 'index', 'name', 'operStatus', 'outOctets', 'speedBps', 'type'].sort());
    expect(lo.operStatus).toBe('up');
    expect(lo.inOctets).toMatch(/^\d+$/);
    expect(lo.type).toBe(24);
  });

  it('takes v3 keys from the environment, keeping them out of the process list', async () => {
    const run = await linkwatch(['probe', 'snmp', `${agent.host}:${agent.port}`, '--v3-user', 'fieldtech', '--auth-protocol', 'sha256', '--priv-protocol', 'aes'], {
      LINKWATCH_SNMP_AUTH_KEY: AUTH,
      LINKWATCH_SNMP_PRIV_KEY: PRIV,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('System      nam-xe-router');
    expect(run.stdout).toMatch(/INDEX\s+NAME\s+OPER\/ADMIN/);
    expect(run.stdout).toMatch(/\blo\b\s+up\/up/);
  });

  it('takes the community from LINKWATCH_SNMP_COMMUNITY', async () => {
    const run = await linkwatch(['probe', 'snmp', `${agent.host}:${agent.port}`, '--json'], { LINKWATCH_SNMP_COMMUNITY: COMMUNITY });
    expect(run.code).toBe(0);
  });

  it('exits 1 naming an authentication failure for a wrong v3 key', async () => {
    const run = await linkwatch(['probe', 'snmp', `${agent.host}:${agent.port}`, '--v3-user', 'fieldtech', '--auth-protocol', 'sha256', '--auth-key', 'wrong-key-123', '--priv-protocol', 'aes', '--priv-key', PRIV, '--timeout', '1000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^linkwatch probe snmp: auth: /);
    expect(run.stderr).not.toContain('wrong-key-123');
  });

  it('exits 1 with a timeout that suggests a wrong community', async () => {
    const started = Date.now();
    const run = await linkwatch(['probe', 'snmp', `${agent.host}:${agent.port}`, '--community', 'not-the-community', '--timeout', '500', '--retries', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/timeout: .*community/i);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('exits 2 for bad arguments', async () => {
    const run = await linkwatch(['probe', 'snmp', `${agent.host}:${agent.port}`, '--snmp-version', '5', '--community', 'x']);
    expect(run.code).toBe(2);
  });
});

describe('linkwatch probe icmp', () => {
  it.each(['ping', 'fping'])('prints the documented JSON with --engine %s', async (engine) => {
    const run = await linkwatch(['probe', 'icmp', '127.0.0.1', '--count', '3', '--engine', engine, '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json).sort()).toEqual(['jitterMs', 'lossPct', 'received', 'rttAvgMs', 'rttMaxMs', 'rttMinMs', 'sent'].sort());
    expect(json).toMatchObject({ sent: 3, received: 3, lossPct: 0 });
    expect(json.rttAvgMs).toBeGreaterThan(0);
  });

  it('prints a human summary', async () => {
    const run = await linkwatch(['probe', 'icmp', '::1', '--count', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::1: 2\/2 replies, 0% loss, rtt min\/avg\/max/);
  });

  it('exits 1 when nothing answers (an address routed nowhere)', async () => {
    // 10.250.0.0/16 is the tests' range, covered by an `unreachable` route in the root namespace.
    const { guardTestRange } = await import('../../helpers/netns.ts');
    await guardTestRange();
    const run = await linkwatch(['probe', 'icmp', '10.250.254.254', '--count', '2', '--timeout', '300']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^linkwatch probe icmp: (unreachable|timeout): .*10\.250\.254\.254/);
  });
});
