import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closedTcpPort } from '../../helpers/ports.ts';

// `linkwatch api` as a user starts it: the real CLI, a bare environment, a config file naming
// the shared influxd. It must answer health, status and its OpenAPI document, and stop cleanly.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/linkwatch.js');
const INFLUX = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const bareEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };

describe('linkwatch api', () => {
  it('serves health, status and the OpenAPI document, then stops on SIGTERM', async () => {
    const port = await closedTcpPort();
    const dir = await mkdtemp(join(tmpdir(), 'lw-api-'));
    const file = join(dir, 'linkwatch.yaml');
    await writeFile(file, `influx: {url: "${INFLUX}", database: lw_api_cli_${process.pid}}\napi: {listen: "127.0.0.1:${port}", anonymousRead: true}\nsites:\n  - {id: dc, name: Trung tâm huyện, kind: district-centre}\n`);
    const child = spawn(BIN, ['api', '--config', file], { cwd: ROOT, env: bareEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('linkwatch API on')) {
        if (Date.now() > deadline) throw new Error(`the API did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ ok: true, store: { ok: true } });
      const status = (await (await fetch(`${base}/api/v1/status`)).json()) as { sites: unknown[] };
      expect(status.sites).toEqual([expect.objectContaining({ id: 'dc', state: 'unknown' })]);
      expect(((await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { openapi: string }).openapi).toBe('3.1.0');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await fetch(`${INFLUX}/query`, { method: 'POST', body: new URLSearchParams({ q: `DROP DATABASE lw_api_cli_${process.pid}` }) });
  }, 30_000);

  it('refuses api.listen "off" with exit 2 and says how to turn it on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-api-'));
    const file = join(dir, 'linkwatch.yaml');
    await writeFile(file, `influx: {url: "${INFLUX}", database: lw}\napi: {listen: "off"}\nsites:\n  - {id: dc, name: Trung tâm huyện, kind: district-centre}\n`);
    const child = spawn(BIN, ['api', '--config', file], { cwd: ROOT, env: bareEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(2);
    expect(stderr).toContain('api.listen is "off"');
  }, 30_000);
});
