import { icmpResultFromRtts, type IcmpResult } from '../collector/probes/icmp/stats.ts';
import { physicalClasses, type PhysicalEntity } from '../collector/probes/snmp/entity.ts';
import { ifTypeName, interfaceSpeedBps } from '../collector/probes/snmp/decode.ts';
import type { SnmpInterface, SnmpProbeResult } from '../collector/probes/snmp/probe.ts';
import { probeFailure } from '../collector/probes/result.ts';
import { MASK32, type SimDevice } from './device.ts';
import type { LinkCondition } from './history-faults.ts';
import { hash32, hashText, unitHash } from './traffic.ts';

// What the collector's probes would return for a simulated device or target at a moment, for
// the history of simulator/history.ts: its results are the probes' own types, so the
// collector's point builders and the alert engine take them as they take live ones.

/** A deterministic number in [0, 1) for a moment of one thing (a target, a device). */
const noise = (seed: number, ...values: number[]) => unitHash(seed, ...values);

/**
 * Echo times as the live simulator gives them on this machine: fping to a simulated target
 * through a network namespace's veth measured 0.42 ms for a round's first echo (the neighbour
 * and route caches warming) and 0.047–0.075 ms for the next nineteen; on loopback 0.25 ms, then
 * 0.037–0.043 ms. So: about 0.05 ms, the first echo of a round often a few tenths more, and a
 * rare stray up to half a millisecond. Rounded to the microsecond, as the tools print them.
 */
export function echoRttMs(seed: number, atMs: number, echo: number): number {
  const base = 0.045 + 0.02 * noise(seed, atMs, echo, 1);
  const first = echo === 0 && noise(seed, atMs, 2) < 0.6 ? 0.1 + 0.3 * noise(seed, atMs, 3) : 0;
  const stray = noise(seed, atMs, echo, 4) < 0.01 ? 0.1 + 0.4 * noise(seed, atMs, echo, 5) : 0;
  return Math.round((base + first + stray) * 1000) / 1000;
}

export interface IcmpMoment {
  /** The target's address (the result's messages name it; its hash seeds the echo times). */
  target: string;
  /** Echo requests in the round. */
  count: number;
  /** The round's slot. */
  atMs: number;
  condition: LinkCondition;
  seed: number;
}

/**
 * One target's round, as the ICMP prober would return it (collector/probes/icmp/stats.ts's
 * `icmpResultFromRtts`, which both engines end in): every echo answered on a healthy path, a
 * share lost under packet loss, none while the target is cut off (a `timeout`, as fping reports
 * echoes dropped on the way).
 */
export function icmpResultAt(moment: IcmpMoment): IcmpResult {
  const seed = hash32(moment.seed, hashText(moment.target));
  const rtts = Array.from({ length: moment.count }, (_, echo): number | null => {
    if (moment.condition.down) return null;
    if (moment.condition.lossPct > 0 && noise(seed, moment.atMs, echo, 6) * 100 < moment.condition.lossPct) return null;
    return echoRttMs(seed, moment.atMs, echo);
  });
  return icmpResultFromRtts(moment.target, rtts);
}

export interface SnmpMoment {
  device: SimDevice;
  /** The device's SNMP version: a v1 walk skips the Counter64 columns. */
  version: '1' | '2c' | '3';
  /** When the answer is read: the slot plus the poll's duration (`pollTiming`). */
  atMs: number;
  /** How long the poll took; by default `pollTiming`'s for a poll read at `atMs`. */
  durationMs?: number;
  /** Whether the poll also walked entPhysicalTable (facts are due). */
  entities: boolean;
  /** GETBULK max-repetitions (collector.snmp.maxRepetitions), for the request count. */
  maxRepetitions: number;
  /** Why the agent did not answer, if it did not. */
  unanswered?: { waitedMs: number; label: string };
}

/**
 * What the collector's SNMP poller returns for a simulated device at `atMs`: the agent's view of
 * the device (simulator/agent.ts's columns) decoded as collector/probes/snmp/decode.ts decodes it
 * — ifName, or ifDescr on profiles without ifXTable; 64-bit counters only with ifHC* columns and
 * not over SNMPv1; ifHighSpeed beside ifSpeed; errors and discards as Counter32. Reading it
 * advances the device's counters to `atMs`, as an agent's answer does.
 */
export function snmpResultAt(moment: SnmpMoment): SnmpProbeResult {
  const { device, atMs } = moment;
  if (moment.unanswered) {
    const waited = moment.unanswered.waitedMs;
    return probeFailure('timeout', `${moment.unanswered.label}: no answer in ${waited} ms`);
  }
  const ifX = device.profile.ifX;
  const hc = ifX === 'hc' && moment.version !== '1';
  const u32 = (value: bigint) => value & MASK32;
  const interfaces = device.interfaces().map((listed): SnmpInterface => {
    const iface = device.interfaceAt(listed.ifIndex, atMs)!;
    const octets32 = device.octets32(iface);
    const counters = iface.counters;
    const name = ifX !== 'none' && iface.name ? iface.name : iface.descr;
    return {
      index: iface.ifIndex,
      name,
      descr: iface.descr,
      alias: ifX !== 'none' ? iface.alias : '',
      type: iface.type,
      typeName: ifTypeName(iface.type),
      mtu: iface.mtu,
      speedBps: interfaceSpeedBps(Math.min(iface.speedBps, 4294967295), ifX !== 'none' ? Math.round(iface.speedBps / 1_000_000) : undefined),
      operStatus: iface.operUp ? 'up' : 'down',
      adminStatus: iface.adminUp ? 'up' : 'down',
      ...(hc
        ? { counterBits: 64 as const, inOctets: counters.inOctets, outOctets: counters.outOctets, inUcastPkts: counters.inUcastPkts, outUcastPkts: counters.outUcastPkts }
        : { counterBits: 32 as const, inOctets: BigInt(octets32.in), outOctets: BigInt(octets32.out), inUcastPkts: u32(counters.inUcastPkts), outUcastPkts: u32(counters.outUcastPkts) }),
      inErrors: u32(counters.inErrors),
      outErrors: u32(counters.outErrors),
      inDiscards: u32(counters.inDiscards),
      outDiscards: u32(counters.outDiscards),
    };
  });
  const entities: PhysicalEntity[] | undefined = moment.entities
    ? device.entities.map((row) => ({
        index: row.index,
        className: physicalClasses[row.class] ?? 'unknown',
        containedIn: row.containedIn,
        descr: row.descr.trim(),
        name: row.name.trim(),
        hardwareRev: row.hardwareRev.trim(),
        firmwareRev: row.firmwareRev.trim(),
        softwareRev: row.softwareRev.trim(),
        serial: row.serial.trim(),
        manufacturer: row.manufacturer.trim(),
        model: row.model.trim(),
      }))
    : undefined;
  const timing = pollTiming({ device, version: moment.version, maxRepetitions: moment.maxRepetitions, entities: moment.entities, slotMs: atMs });
  return {
    ok: true,
    system: { descr: device.system.descr, objectId: device.system.objectId, name: device.system.name, uptimeTicks: device.uptimeTicks(atMs), location: device.system.location, contact: device.system.contact },
    interfaces,
    ...(entities ? { entities } : {}),
    durationMs: moment.durationMs ?? timing.durationMs,
    requests: timing.requests,
  };
}

/**
 * Whether a poll of `requests` requests fails on a path losing `lossPct` % of them (the agent's
 * request loss in a packet-loss fault): a request is lost when every try of it is, and one lost
 * request fails the poll. `draw` is uniform in [0, 1).
 */
export function pollLost(lossPct: number, retries: number, requests: number, draw: number): boolean {
  const requestLost = (lossPct / 100) ** (retries + 1);
  return requestLost > 0 && draw < 1 - (1 - requestLost) ** requests;
}

/** A poll's request count and wall time against a simulated agent: a millisecond or two per
 * request on a namespace's veth, a little more now and then, varying from slot to slot. */
export function pollTiming(input: { device: SimDevice; version: '1' | '2c' | '3'; maxRepetitions: number; entities: boolean; slotMs: number }): { requests: number; durationMs: number } {
  const { device } = input;
  const requests = pollRequests(device.interfaces().length, input.maxRepetitions, input.version, device.profile.ifX !== 'none', input.entities ? device.entities.length : undefined);
  const unit = noise(hashText(device.deviceId), input.slotMs);
  return { requests, durationMs: Math.round((requests * (1.2 + 0.8 * unit) + 2) * 10) / 10 };
}

/** Request PDUs of one poll, as collector/probes/snmp/session.ts's walks send them: the system
 * GET, then per table GETBULKs of all its columns at max-repetitions ÷ columns rows each (v1:
 * one GETNEXT per cell and one past the end of each column). */
export function pollRequests(interfaces: number, maxRepetitions: number, version: '1' | '2c' | '3', ifX: boolean, entities?: number): number {
  const table = (columns: number, rows: number) => (version === '1' ? columns * (rows + 1) : Math.ceil((rows + 1) / Math.max(1, Math.ceil(maxRepetitions / columns))));
  // 15 ifTable columns; 7 ifXTable ones (the 4 ifHC* ones end at once on v1).
  const ifXRequests = !ifX ? 1 : version === '1' ? 3 * (interfaces + 1) + 4 : table(7, interfaces);
  const entityRequests = entities === undefined ? 0 : table(1, entities * 15);
  return 1 + table(15, interfaces) + ifXRequests + entityRequests;
}
