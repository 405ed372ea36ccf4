import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IcmpEngine } from '../../../collector/probes/icmp/engines.ts';
import { createFpingEngine } from '../../../collector/probes/icmp/fping-engine.ts';
import { createPingEngine } from '../../../collector/probes/icmp/ping-engine.ts';
import { createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';

// Packet loss inside a test namespace (slot 21) with nftables. Random loss (`numgen random mod
// 100 lt 50`) would make "0 < loss < 100" fail now and then, so the rule drops every second
// ICMP packet that arrives, deterministically: of 10 echoes exactly 5 are lost, whatever the
// counter's starting point.

const options = { count: 10, timeoutMs: 500, intervalMs: 50 };
const engines: IcmpEngine[] = [createPingEngine(), createFpingEngine()];

let ns: TestNamespace;

beforeAll(async () => {
  ns = await createTestNamespace({ slot: 21, label: 'icmp-loss' });
  await ns.exec(['nft', 'add', 'table', 'inet', 'chaos']);
  await ns.exec(['nft', 'add', 'chain', 'inet', 'chaos', 'input', '{ type filter hook input priority 0; policy accept; }']);
});

beforeEach(async () => {
  // A fresh rule per test, so its counter starts again.
  await ns.exec(['nft', 'flush', 'chain', 'inet', 'chaos', 'input']);
  await ns.exec(['nft', 'add', 'rule', 'inet', 'chaos', 'input', 'meta', 'l4proto', 'icmp', 'numgen', 'inc', 'mod', '2', 'eq', '0', 'drop']);
});

afterAll(async () => {
  await ns?.destroy();
});

describe.each(engines.map((engine) => [engine.name, engine] as const))('%s engine', (_name, engine) => {
  it('every second echo lost: still ok, 50% loss, stats from the replies', async () => {
    const result = (await engine.probe([ns.address], options)).get(ns.address);
    expect(result).toMatchObject({ ok: true, sent: 10, received: 5, lossPct: 50 });
    if (!result?.ok) return;
    // Alternating: a reply, a loss, a reply …
    const pattern = result.rttsMs.map((rtt) => (rtt === null ? '-' : 'r')).join('');
    expect(['r-r-r-r-r-', '-r-r-r-r-r']).toContain(pattern);
    expect(result.rttMinMs).not.toBeNull();
    expect(result.jitterMs).not.toBeNull();
  });
});
