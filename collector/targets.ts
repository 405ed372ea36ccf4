import { createHash } from 'node:crypto';
import type { Config, Device, Link } from '../config/schema.ts';
import type { Job } from './scheduler.ts';

/** `K/N`: this collector polls share K of N (1-based), split by site so that a site's devices
 * and links stay together on one collector. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): { ok: true; shard: Shard } | { ok: false; message: string } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) return { ok: false, message: `--shard must be K/N with 1 ≤ K ≤ N, e.g. 2/3; got "${text}"` };
  return { ok: true, shard: { index, count } };
}

export const shardOfSite = (siteId: string, count: number): number => (createHash('sha1').update(siteId).digest().readUInt32BE(0) % count) + 1;

export const inShard = (siteId: string, shard: Shard | undefined): boolean => !shard || shardOfSite(siteId, shard.count) === shard.index;

export interface SnmpJob extends Job {
  kind: 'snmp';
  device: Device;
}

interface IcmpJobBase extends Job {
  kind: 'icmp';
  count: number;
}
/** A link's targets, or the management address of a device without SNMP (with SNMP, the
 * address is pinged only when the agent does not answer). */
export type IcmpJob = (IcmpJobBase & { subject: 'link'; link: Link }) | (IcmpJobBase & { subject: 'device'; device: Device });

export const icmpAddresses = (job: IcmpJob): string[] => (job.subject === 'link' ? job.link.targets.map((target) => target.address) : [job.device.address]);
export const siteOf = (job: CollectorJob): string => (job.kind === 'snmp' ? job.device.site : job.subject === 'link' ? job.link.site : job.device.site);

export type CollectorJob = SnmpJob | IcmpJob;

/** The jobs of this collector's share of the inventory. Keys carry the kind so a device and a
 * link with the same id never collide. */
export function jobsFor(config: Config, shard?: Shard): CollectorJob[] {
  const jobs: CollectorJob[] = [];
  const icmp = config.collector.icmp;
  for (const device of config.devices) {
    if (!inShard(device.site, shard)) continue;
    if (device.snmp) jobs.push({ kind: 'snmp', key: `snmp:${device.id}`, intervalMs: device.snmp.interval, device });
    else jobs.push({ kind: 'icmp', subject: 'device', key: `icmp-device:${device.id}`, intervalMs: icmp.interval, batch: 'icmp', device, count: icmp.count });
  }
  for (const link of config.links) {
    if (link.targets.length === 0 || !inShard(link.site, shard)) continue;
    const intervalMs = link.icmp?.interval ?? config.collector.icmp.interval;
    jobs.push({ kind: 'icmp', subject: 'link', key: `icmp:${link.id}`, intervalMs, batch: 'icmp', link, count: link.icmp?.count ?? config.collector.icmp.count });
  }
  return jobs;
}
