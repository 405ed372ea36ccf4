import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';
import { startSnmpd, type RunningSnmpd } from '../../helpers/snmpd.ts';
import { packageClient } from '../../helpers/influx.ts';

// The alert engine inside `linkwatch collector` as a process, and the operators' commands
// (`alerts list|ack`, `maintenance add|end`, `notify test`) reaching it through InfluxDB only.
// A link's target lives in a network namespace (slot 31) whose uplink the test takes down.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));
const INFLUX_URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_alerts_daemon_${process.pid}`;
const HTTP_PORT = 19_700 + (process.pid % 200);
const TRAP_PORT = 19_950 + (process.pid % 40);
const HOOK_SECRET = 'daemon-hook-secret-value';
const run = promisify(execFile);

interface HookMessage {
  id: string;
  alertId: string;
  event: string;
  kind: string;
  link?: { id: string };
  detail?: string;
}

describe('alerts in the running collector', () => {
  let agent: RunningSnmpd;
  let namespace: TestNamespace;
  let child: ChildProcess;
  let hook: Server;
  let configFile: string;
  let logs = '';
  const received: HookMessage[] = [];
  const influx = packageClient({ url: INFLUX_URL, database: DATABASE });

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(BIN, [...args, '--config', configFile], { env: { ...process.env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const linksUp = async () => {
    const health = await fetch(`http://127.0.0.1:${HTTP_PORT}/healthz`).catch(() => undefined);
    if (!health) return false;
    const body = (await health.json()) as { details: { alerts?: { states: { link?: Record<string, number> } } } };
    return body.details.alerts?.states.link?.up === 2;
  };
  const messages = (event: string) => received.filter((m) => m.event === event && m.link?.id === 'commune-wan');

  beforeAll(async () => {
    agent = await startSnmpd({ communities: ['alerts-daemon'], sysName: 'commune-router' });
    namespace = await createTestNamespace({ slot: 31, label: 'alertd' });
    hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookMessage);
        response.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const dir = await mkdtemp(join(tmpdir(), 'lw-alerts-daemon-'));
    configFile = join(dir, 'linkwatch.yaml');
    await writeFile(
      configFile,
      `
collector:
  snmp: {interval: 1s, timeout: 500ms, retries: 0}
  icmp: {interval: 1s, timeout: 300ms, count: 2, spacing: 50ms}
  spool: {dir: ${join(dir, 'spool')}}
  http: {listen: 127.0.0.1:${HTTP_PORT}}
  traps: {listen: 127.0.0.1:${TRAP_PORT}, communities: [alerts-traps]}
influx: {url: ${INFLUX_URL}, database: ${DATABASE}}
sites:
  - {id: commune, name: Xã Nậm Xây, kind: commune, groups: [cum-bac]}
devices:
  - id: commune-router
    site: commune
    role: router
    address: ${agent.host}
    snmp: {credentials: {version: 2c, community: alerts-daemon}, port: ${agent.port}}
links:
  - {id: commune-wan, site: commune, kind: internet, provider: Viettel, device: commune-router, interface: lo, targets: [${namespace.address}]}
  - {id: commune-lan, site: commune, kind: lan, targets: [127.0.0.1]}
alerts:
  grouping: 500ms
  peers: [{id: huyen-ben-canh, name: Bộ thu thập huyện bên cạnh, maxSilence: 3s, severity: warning}]
  channels:
    hook: {type: webhook, url: "${hookUrl}", secret: ${HOOK_SECRET}}
  routes:
    - {id: it, channels: [hook], repeat: 1s}
  outbox: {dir: ${join(dir, 'outbox')}}
`,
    );
    child = spawn(BIN, ['collector', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (logs += chunk));
    child.stderr!.on('data', (chunk) => (logs += chunk));
    await waitFor('the links up', linksUp, 30_000);
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await agent?.stop();
    await namespace?.destroy();
    await new Promise((resolve) => hook?.close(resolve));
    await influx.dropDatabase(DATABASE).catch(() => undefined);
  });

  it('sends a cut link’s alert, lists it, and stops repeating it once acknowledged', async () => {
    await namespace.setUplink('down');
    await waitFor('the down message', () => messages('firing').length > 0, 15_000);
    expect(messages('firing')[0]).toMatchObject({ kind: 'link-down', link: { id: 'commune-wan' } });
    const alertId = messages('firing')[0]!.alertId;

    const metrics = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
    expect(metrics).toMatch(/linkwatch_alerts_open\{severity="critical"\} 1/);
    expect(metrics).toMatch(/linkwatch_entities\{kind="link",state="down"\} 1/);

    await waitFor('the alert in InfluxDB', async () => (await cli(['alerts', 'list'])).stdout.includes(alertId), 10_000);
    const listed = await cli(['alerts', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ alertId, kind: 'link-down', acked: false })]));

    await waitFor('a repeat', () => messages('repeat').length > 0, 10_000);
    const ack = await cli(['alerts', 'ack', alertId, '--comment', 'đã báo Viettel', '--by', 'trực ban']);
    expect(ack.code, ack.stderr).toBe(0);
    // The collector reads acknowledgements every few seconds; after that, no more repeats.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    const repeatsAfterAck = messages('repeat').length;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(messages('repeat').length).toBe(repeatsAfterAck);
    expect((await cli(['alerts', 'list', '--json'])).stdout).toMatch(/"acked":\s*true/);

    await namespace.setUplink('up');
    await waitFor('the recovery', () => messages('resolved').length > 0, 15_000);
    expect(messages('resolved')[0]!.alertId).toBe(alertId);
  }, 60_000);

  it('puts a link under maintenance from the command line: its outage sends nothing', async () => {
    const before = received.length;
    const added = await cli(['maintenance', 'add', '--links', 'commune-wan', '--for', '10m', '--comment', 'thay cáp', '--id', 'thay-cap']);
    expect(added.code, added.stderr).toBe(0);
    await waitFor('the maintenance state', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${HTTP_PORT}/healthz`)).json()) as { details: { alerts: { states: { link: Record<string, number> } } } };
      return body.details.alerts.states.link.maintenance === 1;
    }, 15_000);
    await namespace.setUplink('down');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(received.slice(before).filter((m) => m.link?.id === 'commune-wan' && m.event !== 'repeat')).toEqual([]);
    await namespace.setUplink('up');
    expect((await cli(['maintenance', 'end', 'thay-cap'])).code).toBe(0);
  }, 60_000);

  it('acts on a linkDown trap before the next poll can', async () => {
    // Interface 1 (lo) carries commune-wan. Its pings answer, so only the trap says otherwise:
    // one failed round at once, a blip in the history when the next ping answers.
    const blips = async () =>
      (await influx.query<Record<string, unknown>>(`SELECT * FROM "events"."outage" WHERE entity = 'commune-wan' AND "kind" = 'blip' AND "cause" = 'interface-down'`).catch(() => [])).length;
    await waitFor('the links up after the maintenance test', linksUp, 15_000);
    await run('snmptrap', ['-v', '2c', '-c', 'alerts-traps', `127.0.0.1:${TRAP_PORT}`, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.1.1', 'i', '1', '1.3.6.1.2.1.2.2.1.7.1', 'i', '1', '1.3.6.1.2.1.2.2.1.8.1', 'i', '2']);
    const metrics = async () => (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
    await waitFor('the trap counted', async () => /linkwatch_traps_total\{outcome="accepted"\} 1/.test(await metrics()), 10_000);
    // A wrong community is counted and dropped.
    await run('snmptrap', ['-v', '2c', '-c', 'not-the-community', `127.0.0.1:${TRAP_PORT}`, '', '1.3.6.1.6.3.1.1.5.3']);
    await waitFor('the rejected trap counted', async () => /linkwatch_traps_total\{outcome="rejectedCommunity"\} 1/.test(await metrics()), 10_000);
    await waitFor('the blip the trap caused', async () => (await blips()) > 0, 15_000);
    expect(logs).not.toContain('alerts-traps');
    expect(logs).not.toContain(HOOK_SECRET);
  }, 30_000);

  it('watches another collector by the heartbeats it sends to /heartbeat/<id>', async () => {
    const beat = (peer: string) => fetch(`http://127.0.0.1:${HTTP_PORT}/heartbeat/${peer}`, { method: 'POST' });
    expect((await beat('unknown-peer')).status).toBe(404);
    // Never heard from since the start: silent.
    await waitFor('the silent peer', () => received.some((m) => m.kind === 'peer-silent' && m.event === 'firing'), 10_000);
    expect(received.find((m) => m.kind === 'peer-silent')!.detail).toBe('Bộ thu thập huyện bên cạnh');
    const timer = setInterval(() => void beat('huyen-ben-canh'), 500);
    try {
      expect((await beat('huyen-ben-canh')).status).toBe(200);
      await waitFor('the peer back', () => received.some((m) => m.kind === 'peer-silent' && m.event === 'resolved'), 10_000);
    } finally {
      clearInterval(timer);
    }
    const firings = received.filter((m) => m.kind === 'peer-silent' && m.event === 'firing').length;
    await waitFor('the peer silent again', () => received.filter((m) => m.kind === 'peer-silent' && m.event === 'firing').length > firings, 10_000);
  }, 40_000);

  it('sends a test message through a route with `notify test`', async () => {
    const result = await cli(['notify', 'test', 'it']);
    expect(result.code, result.stderr).toBe(0);
    expect(received.some((m) => m.event === 'test')).toBe(true);
    expect((await cli(['notify', 'test', 'nowhere'])).code).toBe(2);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
