import { readdir, readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { IcmpEngine } from '../../../collector/probes/icmp/engines.ts';
import { createFpingEngine, detectFping } from '../../../collector/probes/icmp/fping-engine.ts';
import { createPingEngine } from '../../../collector/probes/icmp/ping-engine.ts';
import { createIcmpProber } from '../../../collector/probes/icmp/probe.ts';

// Both engines against the loopback interface of the machine running the tests.

const options = { count: 3, timeoutMs: 500, intervalMs: 50 };
const hasV6Loopback = (networkInterfaces().lo ?? []).some((address) => address.family === 'IPv6' && address.address === '::1');
const engines: IcmpEngine[] = [createPingEngine(), createFpingEngine()];

/** Command lines of running fping processes (read from /proc; nothing is killed). */
async function fpingCommandLines(): Promise<string[]> {
  const lines: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('fping\0')) lines.push(cmdline.split('\0').join(' '));
  }
  return lines;
}

describe('the machine', () => {
  it('has fping (the Debian package) installed', async () => {
    expect(await detectFping()).toBe(true);
  });
});

describe.each(engines.map((engine) => [engine.name, engine] as const))('%s engine on loopback', (_name, engine) => {
  it('127.0.0.1 answers every echo', async () => {
    const result = (await engine.probe(['127.0.0.1'], options)).get('127.0.0.1');
    expect(result).toMatchObject({ ok: true, sent: 3, received: 3, lossPct: 0 });
    if (!result?.ok) return;
    expect(result.rttsMs).toHaveLength(3);
    expect(result.rttMinMs).toBeGreaterThanOrEqual(0);
    expect(result.rttMinMs).toBeLessThanOrEqual(result.rttAvgMs ?? -1);
    expect(result.rttAvgMs).toBeLessThanOrEqual(result.rttMaxMs ?? -1);
    expect(result.rttMaxMs).toBeLessThan(options.timeoutMs);
    expect(result.jitterMs).toBeGreaterThanOrEqual(0);
  });

  it.runIf(hasV6Loopback)('::1 answers every echo', async () => {
    expect((await engine.probe(['::1'], options)).get('::1')).toMatchObject({ ok: true, sent: 3, received: 3, lossPct: 0 });
  });

  it('answers for IPv4 and IPv6 targets in one call', async () => {
    const targets = hasV6Loopback ? ['127.0.0.1', '::1', '127.0.0.2'] : ['127.0.0.1', '127.0.0.2'];
    const results = await engine.probe(targets, options);
    expect([...results.keys()]).toEqual(targets);
    expect([...results.values()].every((result) => result.ok && result.received === 3)).toBe(true);
  });

  it('an AbortSignal stops a long probe quickly', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = performance.now();
    // 100 echoes 100 ms apart would take 10 s.
    const results = await engine.probe(['127.0.0.77'], { count: 100, timeoutMs: 500, intervalMs: 100 }, { signal: controller.signal });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(results.get('127.0.0.77')).toEqual({ ok: false, reason: 'timeout', message: 'ICMP probe of 127.0.0.77 was aborted before it finished' });
  });
});

describe('fping engine specifics', () => {
  it('kills fping on abort', async () => {
    const controller = new AbortController();
    const probing = createFpingEngine().probe(['127.0.0.78'], { count: 100, timeoutMs: 500, intervalMs: 100 }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fpingCommandLines()).some((line) => line.includes('127.0.0.78'))).toBe(true);
    controller.abort();
    await probing;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fpingCommandLines()).some((line) => line.includes('127.0.0.78'))).toBe(false);
  });

  it('a missing fping binary gives internal results for every target, naming it', async () => {
    const results = await createFpingEngine({ binary: '/nonexistent/fping' }).probe(['127.0.0.1', '127.0.0.2'], options);
    expect([...results.values()]).toEqual([
      { ok: false, reason: 'internal', message: 'could not run /nonexistent/fping to probe 127.0.0.1: ENOENT' },
      { ok: false, reason: 'internal', message: 'could not run /nonexistent/fping to probe 127.0.0.2: ENOENT' },
    ]);
  });

  it('a probe already aborted spawns nothing', async () => {
    const results = await createFpingEngine({ binary: '/nonexistent/fping' }).probe(['127.0.0.1'], options, { signal: AbortSignal.abort() });
    expect(results.get('127.0.0.1')).toMatchObject({ ok: false, reason: 'timeout' });
  });
});

describe('prober', () => {
  it.each(['ping', 'fping', 'auto'] as const)('engine %s: probeOne on 127.0.0.1', async (engine) => {
    const result = await createIcmpProber({ engine }).probeOne('127.0.0.1', options);
    expect(result).toMatchObject({ ok: true, received: 3 });
  });

  it('auto picks fping for a batch on this machine', async () => {
    const prober = createIcmpProber({ engine: 'auto' });
    expect(await prober.engineFor(1)).toBe('ping');
    expect(await prober.engineFor(20)).toBe('fping');
  });
});
