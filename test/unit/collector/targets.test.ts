import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { jobsFor, parseShard, shardOfSite, siteOf } from '../../../collector/targets.ts';

const config = (() => {
  const sites = Array.from({ length: 40 }, (_, i) => `  - {id: s${i}, name: S${i}, kind: commune}`).join('\n');
  const devices = Array.from({ length: 40 }, (_, i) => `  - {id: r${i}, site: s${i}, role: router, address: 127.0.0.1, snmp: {credentials: {version: 2c, community: x}}}`).join('\n');
  const links = Array.from({ length: 40 }, (_, i) => `  - {id: l${i}, site: s${i}, kind: internet, targets: [127.0.0.1]${i === 0 ? ', icmp: {interval: 10s, count: 3}' : ''}}`).join('\n');
  const result = parseConfig(`sites:\n${sites}\ndevices:\n${devices}\n  - {id: no-snmp, site: s0, role: ups, address: 127.0.0.1}\nlinks:\n${links}\n`);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
})();

describe('parseShard', () => {
  it.each(['1/1', '2/3', ' 3/3 '])('accepts %j', (text) => expect(parseShard(text).ok).toBe(true));
  it.each(['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3'])('rejects %j', (text) => {
    const result = parseShard(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('K/N');
  });
});

describe('jobsFor', () => {
  it('makes one SNMP job per device with SNMP, one ICMP job per link with targets and per device without SNMP', () => {
    const jobs = jobsFor(config);
    expect(jobs.filter((job) => job.kind === 'snmp')).toHaveLength(40);
    expect(jobs.filter((job) => job.kind === 'icmp' && job.subject === 'link')).toHaveLength(40);
    expect(jobs.filter((job) => job.kind === 'icmp' && job.subject === 'device').map((job) => job.key)).toEqual(['icmp-device:no-snmp']);
    const l0 = jobs.find((job) => job.key === 'icmp:l0');
    expect(l0).toMatchObject({ intervalMs: 10_000, count: 3, batch: 'icmp' });
    expect(jobs.find((job) => job.key === 'snmp:r1')).toMatchObject({ intervalMs: 60_000 });
  });

  it('splits the inventory between shards by site, every job exactly once, sites kept whole', () => {
    const shards = [1, 2, 3].map((index) => jobsFor(config, { index, count: 3 }));
    const keys = shards.flat().map((job) => job.key).sort();
    expect(keys).toEqual(jobsFor(config).map((job) => job.key).sort());
    for (const jobs of shards) {
      expect(jobs.length).toBeGreaterThan(5);
      for (const job of jobs) {
        const site = siteOf(job);
        const partner = jobs.find((other) => other.kind !== job.kind && siteOf(other) === site);
        expect(partner, `site ${site} split across shards`).toBeDefined();
      }
    }
    expect(shardOfSite('s1', 3)).toBe(shardOfSite('s1', 3));
  });
});
