import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSnmp } from '../../../collector/probes/snmp/probe.ts';
import { main } from '../../../cli/main.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { readTruth } from '../../../simulator/truth.ts';

// `linkwatch sim` as an operator runs it: generated sites, the inventory written for the
// collector, faults on command over HTTP, and a clean stop.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));
const CONTROL = `127.0.0.1:${19_300 + (process.pid % 300)}`;

describe('linkwatch sim', () => {
  let child: ChildProcess;
  let dir: string;
  let logs = '';
  const files = () => ({ inventory: join(dir, 'sim.yaml'), truth: join(dir, 'truth.jsonl'), scenario: join(dir, 'scenario.yaml') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-simcmd-'));
    await writeFile(files().scenario, 'name: cli\nduration: 1h\nfaults:\n  - {at: "+2s", kind: reboot, device: dc-router}\n');
    child = spawn(BIN, ['sim', '--scenario', files().scenario, '--sites', '3', '--mode', 'loopback', '--prefix', 'lwtcli', '--write-inventory', files().inventory, '--truth', files().truth, '--control', CONTROL], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (chunk) => (logs += chunk));
    const deadline = Date.now() + 30_000;
    while (!logs.includes('control endpoint') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('writes a valid inventory that check-config accepts and the probe can follow', async () => {
    expect(existsSync(files().inventory)).toBe(true);
    const out: string[] = [];
    const code = await main(['check-config', '--config', files().inventory], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) }, env: {} });
    expect(out.join('')).toContain('valid — 3 sites, 3 devices');
    expect(code).toBe(0);
    const loaded = await loadConfigFile(files().inventory);
    if (!loaded.ok) throw new Error('invalid');
    const router = loaded.config.devices.find((device) => device.id !== 'dc-router')!;
    const result = await probeSnmp({ device: router.id, host: router.address, port: router.snmp!.port, credentials: router.snmp!.credentials }, { timeoutMs: 2000, retries: 0, maxRepetitions: 20 });
    expect(result.ok).toBe(true);
  });

  it('plays faults on command over HTTP and rejects bad ones', async () => {
    const post = (body: unknown) => fetch(`http://${CONTROL}/faults`, { method: 'POST', body: JSON.stringify(body) });
    const good = await post({ kind: 'agent-silent', device: 'dc-router', for: '10m' });
    expect(good.status).toBe(201);
    const record = (await good.json()) as { id: string; status: string };
    expect(record.status).toBe('applied');
    expect(((await (await fetch(`http://${CONTROL}/faults`)).json()) as unknown[]).length).toBe(1);
    expect((await fetch(`http://${CONTROL}/faults/${record.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await post({ kind: 'earthquake' })).status).toBe(400);
    expect((await post({ kind: 'link-down', link: 'x', for: 'soon' })).status).toBe(400);
    // In loopback mode an ICMP-side fault is logged as unsupported, not failed silently.
    const cut = (await (await post({ kind: 'link-down', link: 'dc-internet', for: '1m' })).json()) as { status: string; note: string };
    expect(cut).toMatchObject({ status: 'unsupported', note: expect.stringContaining('root') });
  });

  it('stops cleanly on SIGTERM with the truth log complete', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const truth = readTruth(files().truth);
    expect(truth.map((record) => record.kind)).toEqual(expect.arrayContaining(['reboot', 'agent-silent', 'link-down']));
    expect(truth.filter((record) => record.kind !== 'reboot').every((record) => record.endMs !== undefined)).toBe(true);
  });
});
