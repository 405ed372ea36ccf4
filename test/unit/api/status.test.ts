import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { buildStatus, stateChanges } from '../../../api/status.ts';
import type { EntityStateRecord } from '../../../store/control.ts';
import type { LatestMeasures } from '../../../store/latest.ts';

const yaml = `
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: dc}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 10.0.0.1, snmp: {credentials: {version: 2c, community: s3cret-community}}}
links:
  - {id: nam-xe-internet, site: nam-xe, kind: internet, device: nam-xe-router, interface: WAN1, targets: [10.0.0.254, 10.0.0.253]}
  - {id: nam-xe-tslcd, site: nam-xe, kind: tslcd, targets: [10.1.0.254]}
`;

const config = (): Config => {
  const result = parseConfig(yaml, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};

const NOW = Date.UTC(2026, 11, 5, 3, 0, 0);
const none: LatestMeasures = { traffic: [], icmp: [], polls: [] };
const down: EntityStateRecord = { entityKind: 'link', entity: 'nam-xe-internet', site: 'nam-xe', state: 'down', previous: 'up', cause: 'no-reply', sinceMs: NOW - 600_000, flapping: false, atMs: NOW - 540_000 };

describe('buildStatus', () => {
  it('shows every inventory entity, unknown and stale when nothing was recorded', () => {
    const report = buildStatus({ config: config(), states: [], latest: none, nowMs: NOW });
    expect(report.links.map((l) => [l.id, l.state, l.stale])).toEqual([
      ['nam-xe-internet', 'unknown', true],
      ['nam-xe-tslcd', 'unknown', true],
    ]);
    expect(report.sites.every((s) => s.state === 'unknown' && s.stale)).toBe(true);
    expect(report.counts.links).toMatchObject({ unknown: 2, stale: 2, up: 0 });
  });

  it('takes state, since and cause from the engine and the best answering target', () => {
    const latest: LatestMeasures = {
      traffic: [{ link: 'nam-xe-internet', atMs: NOW - 30_000, inBps: 5e6, outBps: 1e6, inUtilizationPct: 25, outUtilizationPct: 5 }],
      icmp: [
        { owner: { kind: 'link', id: 'nam-xe-internet' }, target: '10.0.0.254', atMs: NOW - 10_000, up: false, lossPct: 100 },
        { owner: { kind: 'link', id: 'nam-xe-internet' }, target: '10.0.0.253', atMs: NOW - 10_000, up: true, lossPct: 20, rttAvgMs: 41 },
      ],
      polls: [{ device: 'nam-xe-router', atMs: NOW - 30_000, reachable: true }],
    };
    const report = buildStatus({ config: config(), states: [down], latest, nowMs: NOW });
    const link = report.links[0]!;
    expect(link).toMatchObject({ state: 'down', sinceMs: NOW - 600_000, cause: 'no-reply', stale: false, target: '10.0.0.253', rttMs: 41, lossPct: 20, inBps: 5e6, outUtilizationPct: 5 });
    expect(report.devices[0]).toMatchObject({ id: 'nam-xe-router', reachable: true, stale: false });
    expect(report.counts.links.down).toBe(1);
  });

  it('marks data older than two intervals stale and does not show its numbers as current', () => {
    const latest: LatestMeasures = {
      traffic: [{ link: 'nam-xe-internet', atMs: NOW - 3 * 60_000, inBps: 5e6 }],
      icmp: [{ owner: { kind: 'link', id: 'nam-xe-tslcd' }, target: '10.1.0.254', atMs: NOW - 61_000, up: true, lossPct: 0, rttAvgMs: 12 }],
      polls: [{ device: 'nam-xe-router', atMs: NOW - 121_000, reachable: true }],
    };
    const report = buildStatus({ config: config(), states: [], latest, nowMs: NOW });
    expect(report.links[0]).toMatchObject({ stale: true, trafficMs: NOW - 3 * 60_000 });
    expect(report.links[0]!.inBps).toBeUndefined();
    expect(report.links[1]).toMatchObject({ stale: true });
    expect(report.links[1]!.rttMs).toBeUndefined();
    expect(report.devices[0]!.stale).toBe(true);
  });

  it('rounds figures to whole bit/s and hundredths, keeping absent ones absent', () => {
    const latest: LatestMeasures = {
      traffic: [{ link: 'nam-xe-internet', atMs: NOW - 30_000, inBps: 5_123_456.789, outBps: 0.4, inUtilizationPct: 51.234567 }],
      icmp: [{ owner: { kind: 'link', id: 'nam-xe-internet' }, target: '10.0.0.254', atMs: NOW - 10_000, up: true, lossPct: 33.33333, rttAvgMs: 12.3456, jitterMs: 0.004 }],
      polls: [],
    };
    const link = buildStatus({ config: config(), states: [], latest, nowMs: NOW }).links[0]!;
    expect(link).toMatchObject({ inBps: 5_123_457, outBps: 0, inUtilizationPct: 51.23, lossPct: 33.33, rttMs: 12.35, jitterMs: 0 });
    expect('outUtilizationPct' in link).toBe(false);
  });

  it('ignores recorded states of entities no longer in the inventory', () => {
    const gone: EntityStateRecord = { ...down, entity: 'removed-link' };
    const report = buildStatus({ config: config(), states: [gone], latest: none, nowMs: NOW });
    expect(report.links.map((l) => l.id)).not.toContain('removed-link');
  });

  it('never carries a credential', () => {
    expect(JSON.stringify(buildStatus({ config: config(), states: [down], latest: none, nowMs: NOW }))).not.toContain('s3cret');
  });
});

describe('stateChanges', () => {
  it('tells rows after the mark, oldest first', () => {
    const later = { ...down, state: 'up' as const, previous: 'down' as const, atMs: NOW };
    expect(stateChanges([later, down], NOW - 600_000).map((c) => [c.state, c.previous])).toEqual([
      ['down', 'up'],
      ['up', 'down'],
    ]);
    expect(stateChanges([later, down], NOW - 1)).toHaveLength(1);
  });
});
