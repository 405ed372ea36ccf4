import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PingPackageResponse } from '../../../../../collector/probes/icmp/parse-ping.ts';
import { createPingEngine, pingConfig, type PingProbeFunction } from '../../../../../collector/probes/icmp/ping-engine.ts';

const captured = (name: string): PingPackageResponse =>
  (JSON.parse(readFileSync(new URL(`../../../../fixtures/icmp/${name}`, import.meta.url), 'utf8')) as { response: PingPackageResponse }).response;

const options = { count: 5, timeoutMs: 1000, intervalMs: 200 };

/** Replays the loopback capture for every target after `delayMs`, counting pings in flight. */
function replay(delayMs: number) {
  let inFlight = 0;
  let maxInFlight = 0;
  const configs: unknown[] = [];
  const probe: PingProbeFunction = async (target, config) => {
    configs.push(config);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    inFlight--;
    return { ...captured('ping-loopback-v4.json'), inputHost: target };
  };
  return { probe, maxInFlight: () => maxInFlight, configs };
}

describe('pingConfig', () => {
  it('maps the options onto iputils flags, without a -w deadline', () => {
    expect(pingConfig(options)).toEqual({ numeric: true, timeout: 1, min_reply: 5, extra: ['-i', '0.2'] });
  });

  it('is a fresh object every time (the package writes into it)', () => {
    expect(pingConfig(options)).not.toBe(pingConfig(options));
  });
});

describe('ping engine (package replaced by captured responses)', () => {
  it('keeps at most `concurrency` pings in flight and answers every target in input order', async () => {
    const fake = replay(5);
    const engine = createPingEngine({ concurrency: 3, probe: fake.probe });
    const targets = Array.from({ length: 10 }, (_, i) => `192.0.2.${i + 1}`);
    const results = await engine.probe(targets, options);
    expect(fake.maxInFlight()).toBe(3);
    expect([...results.keys()]).toEqual(targets);
    expect([...results.values()].every((result) => result.ok && result.received === 5)).toBe(true);
  });

  it('collapses duplicates and rejects bad targets and options without starting ping', async () => {
    const fake = replay(0);
    const engine = createPingEngine({ probe: fake.probe });
    const results = await engine.probe(['192.0.2.1', '-f', '192.0.2.1', 'bad host'], options);
    expect([...results.keys()]).toEqual(['192.0.2.1', '-f', 'bad host']);
    expect(results.get('-f')).toMatchObject({ ok: false, reason: 'config' });
    expect(results.get('bad host')).toMatchObject({ ok: false, reason: 'config' });
    expect(fake.configs).toHaveLength(1);

    const badOptions = await engine.probe(['192.0.2.1'], { ...options, count: 0 });
    expect(badOptions.get('192.0.2.1')).toEqual({
      ok: false,
      reason: 'config',
      message: 'ICMP probe of 192.0.2.1 not started: count must be an integer from 1 to 100, got 0',
    });
  });

  it('turns a package rejection (ping not runnable) into internal', async () => {
    const engine = createPingEngine({ probe: async () => Promise.reject(new Error('ping.probe: there was an error while executing the ping program.')) });
    expect((await engine.probe(['192.0.2.1'], options)).get('192.0.2.1')).toMatchObject({ ok: false, reason: 'internal' });
  });

  it('gives up on a ping that outlives its deadline', async () => {
    const engine = createPingEngine({ graceMs: 10, probe: () => new Promise(() => undefined) });
    const started = performance.now();
    const result = (await engine.probe(['192.0.2.1'], { count: 1, timeoutMs: 50, intervalMs: 10 })).get('192.0.2.1');
    expect(result).toEqual({ ok: false, reason: 'timeout', message: 'ping of 192.0.2.1 did not finish within 60 ms' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('on abort stops waiting and starts nothing more', async () => {
    const fake = replay(10_000);
    const engine = createPingEngine({ concurrency: 2, probe: fake.probe });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    const results = await engine.probe(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'], options, { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fake.configs).toHaveLength(2);
    expect([...results.values()].map((result) => !result.ok && result.reason)).toEqual(['timeout', 'timeout', 'timeout', 'timeout']);
  });
});
