import type { Device, Link } from '../config/schema.ts';
import { selectInterfaces } from '../config/selectors.ts';
import type { IcmpResult } from './probes/icmp/probe.ts';
import { echoQuartiles } from './probes/icmp/stats.ts';
import type { SnmpInterface, SnmpProbeResult } from './probes/snmp/probe.ts';
import type { DeviceRates, DeviceSample, InterfaceSample } from './rates.ts';
import { point, type Point } from '../store/schema.ts';

// Probe results → points. Pure: the collector decides when; these decide what is written.

/** The rate module's view of an interface: counters with their widths. Errors and discards
 * exist only as Counter32 in IF-MIB, whatever width the octet counters have. An interface
 * without octet counters samples without them, and the rates leave it out. */
export function toInterfaceSample(iface: SnmpInterface): InterfaceSample {
  const bits = iface.counterBits;
  const counter = (value: bigint | undefined, width: 32 | 64 | undefined) => (value === undefined || width === undefined ? undefined : { value, bits: width });
  const counters = {
    inOctets: counter(iface.inOctets, bits),
    outOctets: counter(iface.outOctets, bits),
    inUcastPkts: counter(iface.inUcastPkts, bits),
    outUcastPkts: counter(iface.outUcastPkts, bits),
    inErrors: counter(iface.inErrors, 32),
    outErrors: counter(iface.outErrors, 32),
    inDiscards: counter(iface.inDiscards, 32),
    outDiscards: counter(iface.outDiscards, 32),
  };
  return {
    index: iface.index,
    name: iface.name,
    speedBps: iface.speedBps,
    counters: Object.fromEntries(Object.entries(counters).filter(([, value]) => value !== undefined)),
  };
}

export function toDeviceSample(atMs: number, uptimeTicks: number, interfaces: readonly SnmpInterface[]): DeviceSample {
  return { atMs, uptimeTicks, interfaces: interfaces.map(toInterfaceSample) };
}

/** The interfaces worth recording: those the device's `interfaces` setting selects, plus every
 * interface that carries a link (a link's traffic is never left out by a narrow selector). */
export function watchedInterfaces(device: Device, links: readonly Link[], interfaces: readonly SnmpInterface[]): SnmpInterface[] {
  const carried = new Set(links.filter((link) => link.device === device.id && link.interface).map((link) => link.interface!));
  const selected = new Set(selectInterfaces(interfaces, device.interfaces));
  return interfaces.filter((iface) => selected.has(iface) || carried.has(iface.name));
}

export interface SnmpPollInput {
  device: Device;
  /** Links carried by this device. */
  links: readonly Link[];
  slotMs: number;
  result: SnmpProbeResult;
  /** Rates against the previous sample, when there was one. */
  rates?: DeviceRates;
  /** The management address, pinged when the agent did not answer. */
  address?: IcmpResult;
}

const percentOf = (bps: number, mbps: number | undefined) => (mbps ? (bps / (mbps * 1e6)) * 100 : undefined);

export function snmpPollPoints(input: SnmpPollInput): Point[] {
  const { device, links, slotMs, result, rates, address } = input;
  const base = { site: device.site, device: device.id };
  if (!result.ok) {
    const addressUp = address === undefined ? undefined : address.ok && address.received > 0 ? 1 : 0;
    return [point('device_poll', slotMs, base, { reachable: 0, address_up: addressUp, reason: result.reason, message: result.message })];
  }
  const points: Point[] = [
    point('device_poll', slotMs, base, {
      reachable: 1,
      uptime_s: result.system.uptimeTicks / 100,
      duration_ms: result.durationMs,
      interfaces: result.interfaces.length,
    }),
  ];
  const linkOf = new Map(links.filter((link) => link.interface).map((link) => [link.interface!, link]));
  const watched = watchedInterfaces(device, links, result.interfaces);
  const watchedNames = new Set(watched.map((iface) => iface.name));
  for (const iface of watched) {
    const tags = { ...base, interface: iface.name, link: linkOf.get(iface.name)?.id };
    points.push(
      point('interface_status', slotMs, tags, {
        oper_status: iface.operStatus,
        admin_status: iface.adminStatus,
        oper_up: iface.operStatus === 'up' ? 1 : 0,
        speed_bps: iface.speedBps,
        if_index: iface.index,
      }),
    );
  }
  if (rates) {
    const continuity = rates.continuity;
    if (continuity.kind === 'rebooted' || continuity.kind === 'agent-restarted') {
      const previousUptimeS = continuity.previousUptimeTicks / 100;
      const message =
        continuity.kind === 'rebooted'
          ? `${device.id} rebooted after ${formatSeconds(previousUptimeS)} up; that interval's rates are discarded`
          : `the SNMP agent of ${device.id} restarted after ${formatSeconds(previousUptimeS)}; its counters kept counting`;
      points.push(point('collector_event', slotMs, { ...base, kind: continuity.kind === 'rebooted' ? 'reboot' : 'agent-restart' }, { message, previous_uptime_s: previousUptimeS }));
    } else if (continuity.kind === 'uptime-wrapped') {
      points.push(point('collector_event', slotMs, { ...base, kind: 'uptime-wrap' }, { message: `sysUpTime of ${device.id} wrapped at 2^32 ticks (497 days); not a reboot` }));
    }
    for (const rate of rates.interfaces) {
      if (!watchedNames.has(rate.name)) continue;
      const link = linkOf.get(rate.name);
      const tags = { ...base, interface: rate.name, link: link?.id };
      if (!rate.ok) {
        // First samples are the normal start of a series, and a reboot is recorded once above.
        if (rate.reason !== 'first-sample' && rate.reason !== 'reboot') {
          points.push(point('collector_event', slotMs, { ...base, kind: 'rate-discarded' }, { interface: rate.name, reason: rate.reason, message: `${device.id} ${rate.name}: ${rate.message}` }));
        }
        continue;
      }
      points.push(
        point('interface_traffic', slotMs, tags, {
          in_bps: rate.inBps,
          out_bps: rate.outBps,
          in_pps: rate.inPps,
          out_pps: rate.outPps,
          in_errors_ps: rate.inErrorsPs,
          out_errors_ps: rate.outErrorsPs,
          in_discards_ps: rate.inDiscardsPs,
          out_discards_ps: rate.outDiscardsPs,
          in_utilization_pct: percentOf(rate.inBps, link?.capacity?.downMbps),
          out_utilization_pct: percentOf(rate.outBps, link?.capacity?.upMbps),
          if_index: rate.index,
          interval_s: rate.seconds,
        }),
      );
    }
  }
  return points;
}

/** Links whose `interface` the device does not have: a configuration problem, not an outage. */
export function missingLinkInterfaces(links: readonly Link[], interfaces: readonly SnmpInterface[]): Link[] {
  const names = new Set(interfaces.map((iface) => iface.name));
  return links.filter((link) => link.interface !== undefined && !names.has(link.interface));
}

export function icmpRoundPoints(link: Link, slotMs: number, results: ReadonlyMap<string, IcmpResult>, count: number): Point[] {
  return link.targets.flatMap((target) => icmpPoint({ site: link.site, link: link.id, target: target.address }, slotMs, results.get(target.address), count));
}

/** The management address of a device without SNMP: pinged like a link target. */
export function deviceIcmpPoints(device: Device, slotMs: number, results: ReadonlyMap<string, IcmpResult>, count: number): Point[] {
  return icmpPoint({ site: device.site, device: device.id, target: device.address }, slotMs, results.get(device.address), count);
}

function icmpPoint(tags: Point<'icmp'>['tags'], slotMs: number, result: IcmpResult | undefined, count: number): Point[] {
  if (!result) return [];
  if (!result.ok) {
    return [point('icmp', slotMs, tags, { up: 0, sent: count, received: 0, loss_pct: 100, reason: result.reason })];
  }
  const quartiles = echoQuartiles(result.rttsMs);
  return [
    point('icmp', slotMs, tags, {
      up: result.received > 0 ? 1 : 0,
      sent: result.sent,
      received: result.received,
      loss_pct: result.lossPct,
      rtt_min_ms: result.rttMinMs ?? undefined,
      rtt_avg_ms: result.rttAvgMs ?? undefined,
      rtt_max_ms: result.rttMaxMs ?? undefined,
      rtt_q1_ms: quartiles?.q1Ms,
      rtt_median_ms: quartiles?.medianMs,
      rtt_q3_ms: quartiles?.q3Ms,
      jitter_ms: result.jitterMs ?? undefined,
    }),
  ];
}

function formatSeconds(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m ${Math.floor(seconds % 60)}s`;
}
