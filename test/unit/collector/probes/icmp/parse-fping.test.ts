import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFpingOutput } from '../../../../../collector/probes/icmp/parse-fping.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../../../fixtures/icmp/${name}`, import.meta.url), 'utf8');

interface Expected {
  targets: Record<string, { rttsMs: (number | null)[]; unreachable?: boolean; icmpErrors?: number }>;
  nameErrors?: Record<string, string>;
  errors?: string[];
  unparsed?: string[];
}

const lost = (n: number): null[] => Array.from({ length: n }, () => null);

describe('parseFpingOutput on captured fping 5.1 output', () => {
  it.each<[string, Expected]>([
    [
      'fping-loopback.txt',
      {
        targets: {
          '127.0.0.1': { rttsMs: [0.068, 0.045, 0.04, 0.041, 0.034] },
          '127.0.0.2': { rttsMs: [0.015, 0.02, 0.022, 0.023, 0.024] },
          '::1': { rttsMs: [0.03, 0.035, 0.033, 0.032, 0.034] },
        },
      },
    ],
    [
      'fping-lossy-half.txt',
      {
        targets: {
          '10.250.29.2': { rttsMs: [null, 0.058, null, 0.054, null, 0.05, null, 0.056, null, 0.055] },
          '127.0.0.1': { rttsMs: [0.027, 0.025, 0.029, 0.025, 0.03, 0.025, 0.031, 0.023, 0.028, 0.023] },
        },
      },
    ],
    ['fping-uplink-down.txt', { targets: { '10.250.29.2': { rttsMs: lost(3), unreachable: false }, '127.0.0.1': { rttsMs: [0.033, 0.116, 0.035] } } }],
    // fping says nothing when sendto() fails: indistinguishable from silence here.
    ['fping-host-veth-down.txt', { targets: { '10.250.29.2': { rttsMs: lost(3), unreachable: false }, '127.0.0.1': { rttsMs: [0.041, 0.04, 0.042] } } }],
    [
      'fping-mixed-neighbour-absent.txt',
      {
        targets: {
          '10.250.29.2': { rttsMs: [0.123, 0.078, 0.045, 0.047, 0.063] },
          '10.250.29.3': { rttsMs: lost(5), unreachable: true, icmpErrors: 4 },
          '127.0.0.1': { rttsMs: [0.024, 0.02, 0.02, 0.025, 0.055] },
          '::1': { rttsMs: [0.04, 0.05, 0.026, 0.035, 0.031] },
        },
      },
    ],
    // With -q fping keeps the ICMP errors to itself.
    ['fping-quiet-neighbour-absent.txt', { targets: { '10.250.29.3': { rttsMs: lost(5), unreachable: false }, '127.0.0.1': { rttsMs: [0.025, 0.028, 0.034, 0.043, 0.027] } } }],
    [
      'fping-unresolvable.txt',
      { targets: { '127.0.0.1': { rttsMs: [0.025, 0.042, 0.038] } }, nameErrors: { 'no-such-host.invalid': 'Name or service not known' } },
    ],
    ['fping-bad-option.txt', { targets: {}, errors: ["invalid option -- 'z'"], unparsed: ["see 'fping -h' for usage information"] }],
    // SIGINT: only the echoes sent so far are listed.
    [
      'fping-interrupted.txt',
      { targets: { '127.0.0.1': { rttsMs: [0.04, 0.043, 0.032] }, '10.250.29.3': { rttsMs: lost(2), unreachable: true, icmpErrors: 2 } } },
    ],
  ])('%s', (file, expected) => {
    const report = parseFpingOutput(fixture(file));
    expect([...report.targets.keys()].sort()).toEqual(Object.keys(expected.targets).sort());
    for (const [target, want] of Object.entries(expected.targets)) {
      const got = report.targets.get(target);
      expect(got?.rttsMs, target).toEqual(want.rttsMs);
      expect(got?.unreachable, target).toBe(want.unreachable ?? false);
      expect(got?.icmpErrors.length, target).toBe(want.icmpErrors ?? 0);
    }
    expect(Object.fromEntries(report.nameErrors)).toEqual(expected.nameErrors ?? {});
    expect(report.errors).toEqual(expected.errors ?? []);
    expect(report.unparsed).toEqual(expected.unparsed ?? []);
  });

  it('names who reported the ICMP error', () => {
    const report = parseFpingOutput(fixture('fping-mixed-neighbour-absent.txt'));
    expect(report.targets.get('10.250.29.3')?.icmpErrors[0]).toBe('ICMP Host Unreachable from 10.250.29.1');
  });
});

describe('parseFpingOutput on shapes not captured here', () => {
  it.each<[string, string, (number | null)[]]>([
    ['RTTs of 10 ms and more print with fewer decimals', 'r1 : 9.87 12.3 123 -\n', [9.87, 12.3, 123, null]],
    ['a negative RTT (clock step) is a reply of 0 ms, not a loss', 'r1 : -0.0012 0.050\n', [0, 0.05]],
    ['CRLF line ends', 'r1 : 1.00 -\r\n', [1, null]],
    ['an echo list cut off before anything was sent', 'r1 :\n', []],
  ])('%s', (_name, stderr, rtts) => {
    expect(parseFpingOutput(stderr).targets.get('r1')?.rttsMs).toEqual(rtts);
  });

  it('ignores -q duplicate notes, which also start with "host :"', () => {
    const report = parseFpingOutput('r1 : duplicate for [0], 64 bytes, 0.05 ms\n\nr1 : 0.05 0.06\n');
    expect(report.targets.get('r1')?.rttsMs).toEqual([0.05, 0.06]);
    expect(report.unparsed).toEqual([]);
  });

  it('treats every unreachable variant as unreachable, other ICMP errors not', () => {
    const report = parseFpingOutput(
      [
        'ICMP Unreachable (Communication Administratively Prohibited) from 192.0.2.1 for ICMP Echo sent to a',
        'ICMP Network Unreachable from 192.0.2.1 for ICMP Echo sent to b',
        'ICMP Time Exceeded from 192.0.2.1 for ICMP Echo sent to c',
        '',
        'a : -',
        'b : -',
        'c : -',
      ].join('\n'),
    );
    expect(['a', 'b', 'c'].map((t) => report.targets.get(t)?.unreachable)).toEqual([true, true, false]);
    expect(report.targets.get('c')?.icmpErrors).toEqual(['ICMP Time Exceeded from 192.0.2.1']);
  });

  it('recognises fping errors under another program name', () => {
    expect(parseFpingOutput('/usr/bin/fping: can\'t create socket (must run as root?)\n').errors).toEqual([
      "can't create socket (must run as root?)",
    ]);
  });

  it('reads an IPv6 name error', () => {
    expect(parseFpingOutput('fe80::1: Name or service not known\n').nameErrors.get('fe80::1')).toBe('Name or service not known');
  });

  it('returns nothing for empty output', () => {
    const report = parseFpingOutput('');
    expect(report.targets.size + report.nameErrors.size + report.errors.length + report.unparsed.length).toBe(0);
  });
});
