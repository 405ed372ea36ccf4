import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnmpd, type RunningSnmpd } from '../../helpers/snmpd.ts';
import { packageClient } from '../../helpers/influx.ts';

// `linkwatch collector` as a process: real snmpd, real fping, the shared test InfluxDB (its own
// database), signals as systemd or an operator would send them.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));
const INFLUX_URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_daemon_${process.pid}`;
const HTTP_PORT = 19_105 + (process.pid % 500);

const configText = (agent: RunningSnmpd, options: { extraDevice?: boolean; spoolDir: string }) => `
collector:
  snmp: {interval: 2s, timeout: 1s, retries: 0}
  icmp: {interval: 2s, timeout: 500ms, count: 2, spacing: 50ms}
  spool: {dir: ${options.spoolDir}}
  http: {listen: 127.0.0.1:${HTTP_PORT}}
influx: {url: ${INFLUX_URL}, database: ${DATABASE}}
sites:
  - {id: dc, name: Trung tâm, kind: district-centre}
devices:
  - id: dc-router
    site: dc
    role: router
    address: ${agent.host}
    snmp: {credentials: {version: 2c, community: daemon-test}, port: ${agent.port}}
${
  options.extraDevice
    ? `  - id: second-router
    site: dc
    role: router
    address: ${agent.host}
    snmp: {credentials: {version: 2c, community: daemon-test}, port: ${agent.port}}`
    : ''
}
links:
  - {id: dc-lo, site: dc, kind: lan, device: dc-router, interface: lo, targets: [127.0.0.1], capacity: {downMbps: 100, upMbps: 100}}
`;

describe('linkwatch collector (the daemon)', () => {
  let agent: RunningSnmpd;
  let child: ChildProcess;
  let logs = '';
  let configFile: string;
  let spoolDir: string;
  const influx = packageClient({ url: INFLUX_URL, database: DATABASE });

  const count = async (query: string): Promise<number> => {
    const rows = await influx.query<{ count?: number }>(query).catch(() => []);
    return Number((rows[0] as { count?: number } | undefined)?.count ?? 0);
  };
  const waitFor = async (check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  };

  beforeAll(async () => {
    agent = await startSnmpd({ communities: ['daemon-test'], sysName: 'dc-router' });
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-daemon-'));
    spoolDir = join(dir, 'spool');
    configFile = join(dir, 'linkwatch.yaml');
    await writeFile(configFile, configText(agent, { spoolDir }));
    child = spawn(BIN, ['collector', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (logs += chunk));
    child.stderr!.on('data', (chunk) => (logs += chunk));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await agent?.stop();
    await influx.dropDatabase(DATABASE).catch(() => undefined);
  });

  it('creates the database with its retention policies and continuous queries', async () => {
    const policiesNow = () => influx.showRetentionPolicies(DATABASE).catch(() => []);
    expect(await waitFor(async () => (await policiesNow()).some((policy) => policy.name === 'rollup_1h'), 20_000)).toBe(true);
    const policies = await policiesNow();
    expect(policies.map((policy) => policy.name).sort()).toEqual(expect.arrayContaining(['raw', 'rollup_1h', 'rollup_5m']));
    expect(policies.find((policy) => policy.name === 'raw')?.default).toBe(true);
    // The continuous queries are created after the policies: wait for them too.
    const trafficQueries = async () => (await influx.showContinousQueries().catch(() => [])).filter((cq) => (cq as { name: string }).name.endsWith('interface_traffic')).length;
    expect(await waitFor(async () => (await trafficQueries()) >= 2, 20_000)).toBe(true);
  });

  it('writes the documented series, readable back with InfluxQL', async () => {
    expect(await waitFor(async () => (await count(`SELECT count(in_bps) FROM interface_traffic WHERE device = 'dc-router'`)) > 0, 20_000)).toBe(true);
    const traffic = await influx.query<Record<string, unknown>>(`SELECT * FROM interface_traffic WHERE interface = 'lo' ORDER BY time DESC LIMIT 1`);
    expect(traffic[0]).toMatchObject({ site: 'dc', device: 'dc-router', interface: 'lo', link: 'dc-lo' });
    expect(typeof traffic[0]!.in_utilization_pct).toBe('number');
    expect(await count(`SELECT count(reachable) FROM device_poll WHERE device = 'dc-router' AND reachable = 1`)).toBeGreaterThan(0);
    expect(await waitFor(async () => (await count(`SELECT count(up) FROM icmp WHERE link = 'dc-lo' AND up = 1`)) > 0, 10_000)).toBe(true);
    expect(await count(`SELECT count(oper_up) FROM interface_status WHERE interface = 'lo'`)).toBeGreaterThan(0);
    expect(await count(`SELECT count(sys_name) FROM events.device_facts WHERE device = 'dc-router'`)).toBe(1);
  });

  it('serves /metrics and /healthz on loopback', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
    expect(metrics).toMatch(/linkwatch_polls_total\{kind="snmp"\} \d+/);
    expect(metrics).toContain('linkwatch_points_written_total');
    expect(metrics).toContain('linkwatch_spool_bytes');
    expect(metrics).toContain('linkwatch_poll_duration_seconds_bucket');
    const health = await fetch(`http://127.0.0.1:${HTTP_PORT}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { ok: boolean; details: { lastWriteAtMs?: number } };
    expect(body.ok).toBe(true);
    expect(body.details.lastWriteAtMs).toBeGreaterThan(0);
  });

  it('keeps the running config when a reload is invalid', async () => {
    await writeFile(configFile, `${configText(agent, { spoolDir })}\nbogus: true\n`);
    child.kill('SIGHUP');
    expect(await waitFor(async () => logs.includes('config reload rejected'), 10_000)).toBe(true);
    expect(logs).toContain('bogus: unknown key');
    const before = await count(`SELECT count(reachable) FROM device_poll WHERE device = 'dc-router'`);
    expect(await waitFor(async () => (await count(`SELECT count(reachable) FROM device_poll WHERE device = 'dc-router'`)) > before, 10_000)).toBe(true);
  });

  it('starts polling a device added by a valid reload', async () => {
    await writeFile(configFile, configText(agent, { spoolDir, extraDevice: true }));
    child.kill('SIGHUP');
    expect(await waitFor(async () => (await count(`SELECT count(reachable) FROM device_poll WHERE device = 'second-router'`)) > 0, 15_000)).toBe(true);
  });

  it('stops on SIGTERM with exit code 0, writing what it had', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const started = Date.now();
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(logs).toContain('"msg":"stopped"');
  });
});
