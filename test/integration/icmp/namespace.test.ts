import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IcmpEngine, IcmpProbeOptions } from '../../../collector/probes/icmp/engines.ts';
import { createFpingEngine, fpingExpectedMs } from '../../../collector/probes/icmp/fping-engine.ts';
import { createPingEngine, pingExpectedMs } from '../../../collector/probes/icmp/ping-engine.ts';
import { createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';

// A commune router behind a veth uplink (namespace slot 20 of the 20–29 range given to the
// ICMP tests): it answers, then its own end goes down (silence), then our end goes down (the
// kernel refuses at once: EHOSTUNREACH).

const run = promisify(execFile);
const options: IcmpProbeOptions = { count: 3, timeoutMs: 500, intervalMs: 200 };
const engines: IcmpEngine[] = [createPingEngine(), createFpingEngine()];
// What each engine should need for one silent target, plus process start-up and slack.
const budgetMs = {
  ping: pingExpectedMs(options) + 700,
  fping: fpingExpectedMs(1, options, 1) + 700,
};

let ns: TestNamespace;

beforeAll(async () => {
  ns = await createTestNamespace({ slot: 20, label: 'icmp-link' });
});

afterAll(async () => {
  await ns?.destroy();
});

afterEach(async () => {
  // Whatever a test did to the link, the next one starts with both ends up.
  await ns.setUplink('up');
  await run('ip', ['link', 'set', ns.hostInterface, 'up']);
});

describe.each(engines.map((engine) => [engine.name, engine] as const))('%s engine', (name, engine) => {
  it('the namespace answers over its uplink', async () => {
    const result = (await engine.probe([ns.address], options)).get(ns.address);
    expect(result).toMatchObject({ ok: true, sent: 3, received: 3, lossPct: 0 });
  });

  it('namespace end of the uplink down: timeout or unreachable, within the deadline', async () => {
    await ns.setUplink('down');
    const started = performance.now();
    const result = (await engine.probe([ns.address], options)).get(ns.address);
    const elapsed = performance.now() - started;
    expect(result?.ok).toBe(false);
    if (result?.ok !== false) return;
    expect(['timeout', 'unreachable']).toContain(result.reason);
    expect(result.message).toContain(ns.address);
    expect(elapsed).toBeLessThan(budgetMs[name]);
  });

  it('root-side veth down: unreachable, at once', async () => {
    await run('ip', ['link', 'set', ns.hostInterface, 'down']);
    const started = performance.now();
    const result = (await engine.probe([ns.address], options)).get(ns.address);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(!result?.ok && result?.message).toContain(ns.address);
    expect(elapsed).toBeLessThan(budgetMs[name]);
  });

  it('answers again once the link is back', async () => {
    const result = (await engine.probe([ns.address], options)).get(ns.address);
    expect(result).toMatchObject({ ok: true, received: 3 });
  });
});
