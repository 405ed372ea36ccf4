import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedTcpPort } from '../../helpers/ports.ts';

// `linkwatch serve` as production runs it: the compiled build through bin/linkwatch-built.js, a
// bare environment, one process holding the collector (pinging a loopback target) and the API.
// Both answer health; SIGTERM stops both with exit 0; an API that cannot listen stops the
// collector too, rather than leaving half a linkwatch running.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/linkwatch-built.js');
const INFLUX = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_serve_cli_${process.pid}`;
const bareEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };

async function configFile(options: { apiPort: number; collectorPort: number }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-serve-'));
  const file = join(dir, 'linkwatch.yaml');
  await writeFile(
    file,
    [
      `influx: {url: "${INFLUX}", database: ${DATABASE}}`,
      `api: {listen: "127.0.0.1:${options.apiPort}", anonymousRead: true}`,
      `collector: {icmp: {interval: 2s}, http: {listen: "127.0.0.1:${options.collectorPort}"}, spool: {dir: ${join(dir, 'spool')}}}`,
      `alerts: {outbox: {dir: ${join(dir, 'outbox')}}}`,
      'sites:',
      '  - {id: dc, name: Trung tâm huyện, kind: district-centre}',
      'links:',
      '  - {id: dc-loop, site: dc, kind: wan, targets: [127.0.0.1]}',
      '',
    ].join('\n'),
  );
  return file;
}

function start(file: string) {
  const child = spawn(BIN, ['serve', '--config', file], { cwd: ROOT, env: bareEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

describe('linkwatch serve', () => {
  beforeAll(async () => {
    // The production launcher runs build/: make it from the sources under test.
    await promisify(execFile)('npm', ['run', 'build:server'], { cwd: ROOT });
  }, 120_000);

  it('runs the collector and the API in one process from the compiled build, and stops both on SIGTERM', async () => {
    const [apiPort, collectorPort] = [await closedTcpPort(), await closedTcpPort()];
    const run = start(await configFile({ apiPort, collectorPort }));
    try {
      const deadline = Date.now() + 30_000;
      while (!run.output().includes('linkwatch API on') || !run.output().includes('self-monitoring')) {
        if (Date.now() > deadline) throw new Error(`serve did not start both:\n${run.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await (await fetch(`http://127.0.0.1:${apiPort}/healthz`)).json()).toMatchObject({ ok: true });
      // Healthy once its first rounds are written: 503 until then.
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${collectorPort}/healthz`)).status, { timeout: 30_000, interval: 500 }).toBe(200);
      // The collector's rounds reach the API through the database: the link turns up.
      await expect
        .poll(async () => ((await (await fetch(`http://127.0.0.1:${apiPort}/api/v1/status`)).json()) as { links: { id: string; state: string }[] }).links.find((link) => link.id === 'dc-loop')?.state, { timeout: 30_000, interval: 500 })
        .toBe('up');
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain('stopping the API');
    await fetch(`${INFLUX}/query`, { method: 'POST', body: new URLSearchParams({ q: `DROP DATABASE ${DATABASE}` }) });
  }, 90_000);

  it('stops the collector too when the API cannot listen, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const apiPort = (taken.address() as { port: number }).port;
    const run = start(await configFile({ apiPort, collectorPort: await closedTcpPort() }));
    try {
      const code = await Promise.race([run.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 45_000))]);
      expect(code, run.output()).toBe(1);
      expect(run.output()).toContain('cannot listen');
    } finally {
      run.child.kill('SIGKILL');
      taken.close();
    }
  }, 60_000);
});
