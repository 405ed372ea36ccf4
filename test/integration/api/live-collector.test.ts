import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';
import { closedTcpPort } from '../../helpers/ports.ts';

// The live stream end to end, with the collector and the API as two processes that share
// nothing but InfluxDB: a link's target lives in a network namespace (slot 51) whose uplink the
// test cuts; the engine in `linkwatch collector` decides the link is down, and the stream of
// `linkwatch api` must tell it within one polling interval of that decision.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));
const INFLUX_URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_api_live_${process.pid}`;
const POLL_MS = 2_000;

interface Received {
  atMs: number;
  event: string;
  data: Record<string, unknown>;
}

describe('the live stream over a running collector', () => {
  let namespace: TestNamespace;
  const children: ChildProcess[] = [];
  let logs = '';
  let apiBase = '';

  const start = (args: string[]) => {
    const child = spawn(BIN, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (logs += chunk));
    child.stderr!.on('data', (chunk) => (logs += chunk));
    children.push(child);
    return child;
  };
  const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const linkState = async () => {
    const response = await fetch(`${apiBase}/api/v1/status`).catch(() => undefined);
    if (!response?.ok) return undefined;
    const body = (await response.json()) as { links: { id: string; state: string }[] };
    return body.links.find((link) => link.id === 'commune-wan')?.state;
  };

  beforeAll(async () => {
    namespace = await createTestNamespace({ slot: 51, label: 'apilive' });
    const dir = await mkdtemp(join(tmpdir(), 'lw-api-live-'));
    const apiPort = await closedTcpPort();
    const httpPort = await closedTcpPort();
    apiBase = `http://127.0.0.1:${apiPort}`;
    const configFile = join(dir, 'linkwatch.yaml');
    await writeFile(
      configFile,
      `
collector:
  icmp: {interval: ${POLL_MS}ms, timeout: 300ms, count: 2, spacing: 50ms}
  spool: {dir: ${join(dir, 'spool')}}
  http: {listen: 127.0.0.1:${httpPort}}
influx: {url: ${INFLUX_URL}, database: ${DATABASE}}
api: {listen: 127.0.0.1:${apiPort}, anonymousRead: true, statusRefresh: 250ms}
sites:
  - {id: commune, name: Xã Nậm Xây, kind: commune}
links:
  - {id: commune-wan, site: commune, kind: internet, provider: Viettel, targets: [${namespace.address}]}
`,
    );
    start(['collector', '--config', configFile]);
    start(['api', '--config', configFile]);
    await waitFor('the link up in the API', async () => (await linkState()) === 'up', 40_000);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await namespace?.destroy();
    await fetch(`${INFLUX_URL}/query`, { method: 'POST', body: new URLSearchParams({ q: `DROP DATABASE "${DATABASE}"` }) }).catch(() => undefined);
  });

  it('tells the cut link’s state change and its alert within one polling interval of the decision', async () => {
    const abort = new AbortController();
    const response = await fetch(`${apiBase}/api/v1/events`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const received: Received[] = [];
    const reading = (async () => {
      let buffered = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, cut);
          buffered = buffered.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) received.push({ atMs: Date.now(), event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    })().catch(() => undefined);
    try {
      await namespace.setUplink('down');
      const isDown = (r: Received) => r.event === 'state' && (r.data.change as { entity: string; state: string }).entity === 'commune-wan' && (r.data.change as { state: string }).state === 'down';
      await waitFor('the down state on the stream', () => received.some(isDown), 30_000);
      const down = received.find(isDown)!;
      // atMs is when the engine recorded the change (the row's time); the stream's delay after
      // it is what the dashboard waits.
      const delayMs = down.atMs - (down.data.atMs as number);
      expect(delayMs).toBeLessThan(POLL_MS);
      await waitFor('the alert on the stream', () => received.some((r) => r.event === 'alert' && (r.data.alert as { kind: string; open: boolean }).kind === 'link-down'), 15_000);
      expect((await linkState())).toBe('down');
      await namespace.setUplink('up');
      await waitFor('the recovery on the stream', () => received.some((r) => r.event === 'state' && (r.data.change as { entity: string; state: string }).entity === 'commune-wan' && (r.data.change as { state: string }).state === 'up' && r.atMs > down.atMs), 30_000);
    } finally {
      abort.abort();
      await reading;
    }
  }, 90_000);
});
