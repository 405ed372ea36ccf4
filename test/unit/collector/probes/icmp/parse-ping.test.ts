import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePingResponse, type PingPackageResponse } from '../../../../../collector/probes/icmp/parse-ping.ts';
import type { NoReplyEvidence } from '../../../../../collector/probes/icmp/stats.ts';

interface Fixture {
  capturedWith: { target: string; config: { min_reply: number; timeout: number } };
  response: PingPackageResponse;
}

const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/icmp/${name}`, import.meta.url), 'utf8')) as Fixture;

/** Parses a fixture with the options it was captured with. */
const parseFixture = (name: string) => {
  const { capturedWith, response } = fixture(name);
  return parsePingResponse(response, { count: capturedWith.config.min_reply, timeoutMs: capturedWith.config.timeout * 1000 });
};

const lost = (n: number): null[] => Array.from({ length: n }, () => null);

describe('parsePingResponse on captured ping package results', () => {
  it.each<[string, (number | null)[], NoReplyEvidence]>([
    ['ping-loopback-v4.json', [0.033, 0.038, 0.039, 0.05, 0.043], {}],
    ['ping-loopback-v6.json', [0.045, 0.044, 0.041, 0.042, 0.039], {}],
    // The package's `times` says five replies; only icmp_seq says which five.
    ['ping-lossy-half.json', [null, 0.048, null, 0.053, null, 0.108, null, 0.05, null, 0.052], {}],
    ['ping-uplink-down.json', lost(3), {}],
    ['ping-host-veth-down.json', [], { unreachable: 'No route to host (local route lookup)' }],
    ['ping-neighbour-absent.json', lost(5), { unreachable: 'Destination Host Unreachable from 10.250.29.1' }],
    ['ping-unresolvable.json', [], { failure: { reason: 'config', detail: 'name did not resolve: Name or service not known' } }],
  ])('%s', (file, rtts, evidence) => {
    const parsed = parseFixture(file);
    expect(parsed.rttsMs).toEqual(rtts);
    expect(parsed.evidence).toEqual(evidence);
  });

  it('agrees with the package on the received RTTs where it has them', () => {
    for (const file of ['ping-loopback-v4.json', 'ping-loopback-v6.json', 'ping-lossy-half.json']) {
      const { response } = fixture(file);
      expect(parseFixture(file).rttsMs.filter((rtt) => rtt !== null)).toEqual(response.times);
    }
  });
});

describe('parsePingResponse on shapes not captured here', () => {
  const base: PingPackageResponse = { inputHost: '192.0.2.1', alive: true, output: '', times: [], packetLoss: 'unknown' };
  const options = { count: 3, timeoutMs: 1000 };

  it('counts a reply slower than the per-echo timeout as lost, as fping does', () => {
    const output = [
      'PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.',
      '64 bytes from 192.0.2.1: icmp_seq=1 ttl=64 time=1500 ms',
      '64 bytes from 192.0.2.1: icmp_seq=2 ttl=64 time=20.4 ms',
      '64 bytes from 192.0.2.1: icmp_seq=2 ttl=64 time=25.0 ms (DUP!)',
      '',
      '--- 192.0.2.1 ping statistics ---',
      '3 packets transmitted, 2 received, +1 duplicates, 33.3333% packet loss, time 2003ms',
    ].join('\n');
    expect(parsePingResponse({ ...base, output, times: [1500, 20.4, 25] }, options).rttsMs).toEqual([null, 20.4, null]);
  });

  it('falls back to the package fields when the output has no icmp_seq lines', () => {
    const parsed = parsePingResponse({ ...base, output: 'something else', times: [1.5, 2.5], packetLoss: '50.000' }, { count: 4, timeoutMs: 1000 });
    expect(parsed.rttsMs).toEqual([1.5, 2.5, null, null]);
  });

  it('an IPv6 unreachable is unreachable', () => {
    const output = 'PING 2001:db8::1(2001:db8::1) 56 data bytes\nFrom 2001:db8::fe icmp_seq=1 Destination unreachable: Address unreachable\n\n--- 2001:db8::1 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n';
    expect(parsePingResponse({ ...base, output }, { count: 1, timeoutMs: 1000 }).evidence).toEqual({
      unreachable: 'Destination unreachable: Address unreachable from 2001:db8::fe',
    });
  });

  it('ping failing before it sends is internal, not the target’s fault', () => {
    const parsed = parsePingResponse({ ...base, output: 'ping: socket: Operation not permitted\n' }, options);
    expect(parsed.evidence.failure).toEqual({ reason: 'internal', detail: 'ping failed: socket: Operation not permitted' });
  });

  it('no output at all is internal', () => {
    expect(parsePingResponse({ ...base, output: '' }, options).evidence.failure?.reason).toBe('internal');
  });
});
