import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IcmpEngine } from '../../../collector/probes/icmp/engines.ts';
import { createFpingEngine } from '../../../collector/probes/icmp/fping-engine.ts';
import { createPingEngine } from '../../../collector/probes/icmp/ping-engine.ts';
import { createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';

// One round over a mix of live and dead targets (namespace slot 22): each target gets its own
// result, whatever happens to the others — in particular in fping's single process.

const options = { count: 3, timeoutMs: 500, intervalMs: 100 };
const hasV6Loopback = (networkInterfaces().lo ?? []).some((address) => address.family === 'IPv6' && address.address === '::1');
const engines: IcmpEngine[] = [createFpingEngine(), createPingEngine()];

let ns: TestNamespace;

beforeAll(async () => {
  ns = await createTestNamespace({ slot: 22, label: 'icmp-batch' });
});

afterAll(async () => {
  await ns?.destroy();
});

describe.each(engines.map((engine) => [engine.name, engine] as const))('%s engine, mixed batch', (_name, engine) => {
  it('answers per target', async () => {
    const absentNeighbour = '10.250.22.3'; // on the namespace's link, owned by nobody
    const noRoute = '10.250.99.1'; // inside the test range, so the unreachable route answers
    const targets = ['127.0.0.1', ns.address, absentNeighbour, noRoute, '-bad', ...(hasV6Loopback ? ['::1'] : [])];
    const results = await engine.probe(targets, options);

    expect([...results.keys()]).toEqual(targets);
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true, received: 3 });
    expect(results.get(ns.address)).toMatchObject({ ok: true, received: 3 });
    // ARP gives up after ~3 s, later than this round ends: silence, or the kernel's
    // "host unreachable" if the neighbour entry had already failed.
    const absent = results.get(absentNeighbour);
    expect(absent?.ok).toBe(false);
    expect(!absent?.ok && ['timeout', 'unreachable'].includes(absent?.reason ?? '')).toBe(true);
    expect(results.get(noRoute)).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(results.get('-bad')).toMatchObject({ ok: false, reason: 'config' });
    if (hasV6Loopback) expect(results.get('::1')).toMatchObject({ ok: true, received: 3 });
  });
});

describe('fping engine, a neighbour that never answers ARP', () => {
  it('is reported unreachable when the kernel says so during the round', async () => {
    // 6 echoes 1 s apart outlast ARP's ~3 s of tries: the kernel answers the later ones with
    // ICMP host unreachable, which fping prints and the engine reports.
    const target = '10.250.22.4';
    const result = (await createFpingEngine().probe([target], { count: 6, timeoutMs: 1000, intervalMs: 1000 })).get(target);
    expect(result).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(!result?.ok && result?.message).toContain('ICMP Host Unreachable from 10.250.22.1');
  });
});
