import type { Link } from '../config/schema.ts';
import type { SimDeviceSpec } from './contracts.ts';
import { ifType, planInterfaces, profileById, type InterfaceRole, type PlannedInterface, type VendorProfile } from './profiles.ts';
import { hash32, hashText, integrateOctets, linkTraffic, unitHash, type LinkTrafficModel, type TrafficRate } from './traffic.ts';

/**
 * One simulated device's state as a function of simulated time: uptime, interface statuses and
 * counters. No I/O and no clock of its own: every method that depends on time takes `nowMs`
 * (simulated epoch ms, from SimClock.now()), so it is unit-tested without a network and runs the
 * same at any clock speed. Rates are per simulated second, so a compressed clock simply makes
 * uptime and counters grow faster in real time.
 *
 * Counters advance lazily: an interface's counters are integrated from the traffic model up to
 * the time they are read. Every state change (a fault) first brings all counters up to `nowMs`,
 * so the change never applies to time before it.
 */

/** Counter32 and Counter64 moduli, as masks. */
export const MASK32 = 0xffff_ffffn;
export const MASK64 = 0xffff_ffff_ffff_ffffn;
const WRAP32 = 1n << 32n;

/** A link's contracted capacity when the inventory gives none. */
export const DEFAULT_CAPACITY_MBPS = { downMbps: 50, upMbps: 50 } as const;

// Average packet sizes: downloads are mostly full-size segments, uploads mostly ACKs and requests.
const DOWNLOAD_PACKET_OCTETS = 1150;
const UPLOAD_PACKET_OCTETS = 420;
// Non-unicast packets as a share of unicast (ARP, DHCP, mDNS on a commune LAN).
const MULTICAST_DIVISOR = 150n;
const BROADCAST_DIVISOR = 400n;

/** The 64-bit and 32-bit counters of one interface. 64-bit values wrap modulo 2^64. */
export interface InterfaceCounters {
  inOctets: bigint;
  outOctets: bigint;
  inUcastPkts: bigint;
  outUcastPkts: bigint;
  inErrors: bigint;
  outErrors: bigint;
  inDiscards: bigint;
  outDiscards: bigint;
}

/** What the agent reads about one interface. Counters are current as of the last `interfaceAt`. */
export interface SimInterface {
  readonly ifIndex: number;
  /** Position in the device's default interface order (0-based). */
  readonly position: number;
  readonly name: string;
  readonly descr: string;
  readonly alias: string;
  readonly type: number;
  readonly mtu: number;
  readonly role: InterfaceRole;
  /** 0 for virtual interfaces. */
  readonly speedBps: number;
  /** Six bytes, or empty for virtual interfaces. */
  readonly physAddress: Buffer;
  readonly linkId: string | undefined;
  readonly adminUp: boolean;
  readonly operUp: boolean;
  /** Simulated epoch ms of the last oper-status change (or the boot). */
  readonly lastChangeMs: number;
  /** Simulated epoch ms of the last counter discontinuity other than a boot (ifCounterDiscontinuityTime); undefined if none. */
  readonly discontinuityMs: number | undefined;
  readonly counters: Readonly<InterfaceCounters>;
}

/** One entPhysicalTable row. */
export interface EntityRow {
  index: number;
  descr: string;
  vendorType: string;
  containedIn: number;
  class: number;
  parentRelPos: number;
  name: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
  serial: string;
  manufacturer: string;
  model: string;
  fru: boolean;
}

export interface SimSystem {
  descr: string;
  objectId: string;
  name: string;
  contact: string;
  location: string;
  /** sysServices: 78 = layers 2, 3, 4 and 7 (a router that also runs services). */
  services: number;
}

export interface SimDevice {
  readonly deviceId: string;
  readonly profile: VendorProfile;
  readonly system: SimSystem;
  readonly entities: readonly EntityRow[];
  /** SNMPv3 snmpEngineID: RFC 3411 format 3 (MAC address) under the vendor's enterprise number. */
  readonly engineId: Buffer;
  /** Link id → ifName of its carrying interface (for writing the inventory). */
  readonly linkInterfaces: ReadonlyMap<string, string>;
  /** Reboots so far (SNMPv3 snmpEngineBoots counts them). */
  readonly reboots: number;
  /** Bumped by every re-indexing, so the agent knows to rebuild its tables. */
  readonly indexGeneration: number;
  /** sysUpTime in hundredths of a second, modulo 2^32 like the real TimeTicks. */
  uptimeTicks(nowMs: number): number;
  /** Simulated epoch ms of the last boot. */
  bootMs(): number;
  /** Interfaces in ifIndex order (counters not advanced: read them through `interfaceAt`). */
  interfaces(): readonly SimInterface[];
  /** The interface with this ifIndex, counters advanced to `nowMs`. */
  interfaceAt(ifIndex: number, nowMs: number): SimInterface | undefined;
  /**
   * ifInOctets / ifOutOctets as the Counter32 objects show them: the low 32 bits of the octet
   * counters, plus the offset a counter-wrap fault sets. Reading them is what applies a pending
   * counter-wrap fault (see `wrapCounters`).
   */
  octets32(iface: SimInterface): { in: number; out: number };
  /** The traffic model's rate on a link at `atMs` (what the counters integrate). */
  linkRate(linkId: string, atMs: number): TrafficRate | undefined;
  reboot(nowMs: number): void;
  /**
   * Sets every interface's Counter32 octet views just below 2^32 (about three simulated seconds
   * of traffic short), so they wrap soon after. Setting them is a jump a manager sees, so it is
   * done at the next read of each view rather than now: the manager's interval up to that read
   * carries the jump (ifCounterDiscontinuityTime says so), and its next interval holds a clean
   * wrap, whatever its polling interval.
   */
  wrapCounters(nowMs: number): void;
  /** Reassigns every ifIndex (names, counters and statuses stay). */
  reindex(nowMs: number): void;
  setLinkInterface(linkId: string, state: 'up' | 'down', nowMs: number): void;
  setSaturation(linkId: string, percent: number | undefined, nowMs: number): void;
}

export interface SimDeviceOptions {
  spec: SimDeviceSpec;
  /** Simulated epoch ms at which the device starts being simulated. */
  nowMs: number;
  /** How long it has been up at `nowMs`; by default 2 hours to 40 days, from the seed. */
  uptimeMs?: number;
}

interface InterfaceState extends SimInterface {
  ifIndex: number;
  operUp: boolean;
  lastChangeMs: number;
  discontinuityMs: number | undefined;
  counters: InterfaceCounters;
  /** Fractions of a unit not yet added to each counter, in `counterNames` order. */
  carry: Float64Array;
  /** Added to the octet counters in their Counter32 view only (counter-wrap fault). */
  wrap32: { in: bigint; out: bigint };
  /** A counter-wrap fault waits for the next read of the Counter32 view. */
  wrapPending: boolean;
  /** Simulated ms up to which the counters are integrated. */
  integratedTo: number;
  /** Packet sizes for this interface's directions. */
  packetOctets: { in: number; out: number };
  /** Errors per packet. */
  errorRate: number;
}

const counterNames = ['inOctets', 'outOctets', 'inUcastPkts', 'outUcastPkts', 'inErrors', 'outErrors', 'inDiscards', 'outDiscards'] as const;
type CounterName = (typeof counterNames)[number];

/** How long a device has been up when its simulation starts: 2 hours to 40 days, from the seed.
 * Exported so that history written before the start (simulator/history.ts) can boot the device
 * when the live one booted, and sysUpTime runs on without a jump. */
export const defaultUptimeMs = (seed: number): number => Math.round(2 * 3_600_000 + unitHash(seed, 101) * 40 * 86_400_000);

/** Builds a device from its spec. Throws on an unknown profile id (a scenario or test bug). */
export function createSimDevice(options: SimDeviceOptions): SimDevice {
  const { spec } = options;
  const profile = profileById(spec.profile);
  const seed = spec.seed;
  const plan = planInterfaces(profile, spec.links);
  const links = new Map(spec.links.map((link) => [link.id, link]));

  let bootMs = options.nowMs - (options.uptimeMs ?? defaultUptimeMs(seed));
  let reboots = 0;
  let indexGeneration = 0;
  const saturation = new Map<string, number>();

  const models = new Map<string, LinkTrafficModel>();
  for (const iface of plan.interfaces) {
    if (iface.linkId === undefined) continue;
    const link = links.get(iface.linkId)!;
    const capacity = link.capacity ?? DEFAULT_CAPACITY_MBPS;
    models.set(iface.linkId, {
      seed: hash32(seed, hashText(link.id)),
      downBps: capacity.downMbps * 1e6,
      upBps: capacity.upMbps * 1e6,
      ceilingBps: iface.speedMbps * 1e6,
    });
  }

  const states: InterfaceState[] = plan.interfaces.map((template, position) =>
    initialState(template, position, { seed, profile, link: template.linkId ? links.get(template.linkId) : undefined, nowMs: options.nowMs, bootMs, models }),
  );
  const byIndex = new Map<number, InterfaceState>();
  const linkStates = new Map<string, InterfaceState>();
  const reindexMaps = () => {
    byIndex.clear();
    for (const state of states) byIndex.set(state.ifIndex, state);
  };
  reindexMaps();
  for (const state of states) if (state.linkId !== undefined && !linkStates.has(state.linkId)) linkStates.set(state.linkId, state);
  // A second link on the same interface (see planInterfaces) shares the first one's state.
  for (const [linkId, name] of plan.linkInterfaces) if (!linkStates.has(linkId)) linkStates.set(linkId, states.find((s) => s.name === name)!);

  const linkRate = (linkId: string, atMs: number): TrafficRate | undefined => {
    const model = models.get(linkId);
    return model ? linkTraffic(model, atMs, saturation.get(linkId)) : undefined;
  };

  // LAN-side interfaces carry every up link's traffic the other way round.
  const mirroredRate = (atMs: number): TrafficRate => {
    let inBps = 0;
    let outBps = 0;
    for (const [linkId, state] of linkStates) {
      if (!state.operUp) continue;
      const rate = linkRate(linkId, atMs)!;
      inBps += rate.outBps;
      outBps += rate.inBps;
    }
    return { inBps, outBps };
  };

  const rateOf = (state: InterfaceState): ((atMs: number) => TrafficRate) | undefined => {
    if (!state.operUp || !state.adminUp) return undefined;
    if (state.linkId !== undefined) return (atMs) => linkRate(state.linkId!, atMs)!;
    if (state.role === 'lan' || state.role === 'bridge') return mirroredRate;
    return undefined;
  };

  const capacityOf = (state: InterfaceState): number => {
    if (state.linkId !== undefined) return models.get(state.linkId)!.downBps;
    let total = 0;
    for (const model of models.values()) total += model.upBps;
    return total;
  };

  const advance = (state: InterfaceState, toMs: number) => {
    const fromMs = state.integratedTo;
    if (!(toMs > fromMs)) return;
    state.integratedTo = toMs;
    const rate = rateOf(state);
    if (!rate) return;
    const { inOctets, outOctets } = integrateOctets(rate, fromMs, toMs);
    const inPackets = inOctets / state.packetOctets.in;
    const outPackets = outOctets / state.packetOctets.out;
    // Discards come with congestion: a link near its capacity drops at the shaper.
    const seconds = (toMs - fromMs) / 1000;
    const capacity = capacityOf(state);
    const load = capacity > 0 ? (inOctets * 8) / seconds / capacity : 0;
    const discardRate = load > 0.8 ? (0.003 * (Math.min(load, 1) - 0.8)) / 0.2 : 1e-7;
    add(state, 'inOctets', inOctets);
    add(state, 'outOctets', outOctets);
    add(state, 'inUcastPkts', inPackets);
    add(state, 'outUcastPkts', outPackets);
    add(state, 'inErrors', inPackets * state.errorRate);
    add(state, 'outErrors', outPackets * state.errorRate * 0.1);
    add(state, 'inDiscards', inPackets * discardRate);
    add(state, 'outDiscards', outPackets * discardRate);
  };

  const flush = (nowMs: number) => {
    for (const state of states) advance(state, nowMs);
  };

  const entities = profile.entities?.map((template, i): EntityRow => ({
    index: i + 1,
    descr: template.descr,
    vendorType: template.vendorType,
    containedIn: template.containedIn === undefined ? 0 : template.containedIn + 1,
    class: template.class,
    parentRelPos: template.containedIn === undefined ? -1 : i,
    name: template.name,
    hardwareRev: template.hardwareRev,
    firmwareRev: template.firmwareRev,
    softwareRev: template.softwareRev,
    serial: !template.serial ? '' : i === 0 ? profile.serialNumber(seed) : profile.serialNumber(hash32(seed, i)),
    manufacturer: profile.vendor,
    model: template.model,
    fru: template.fru,
  }));

  const firstMac = states.find((state) => state.physAddress.length === 6)?.physAddress ?? macAddress(profile, seed, 0);
  const engineId = Buffer.alloc(11);
  engineId.writeUInt32BE((0x8000_0000 | profile.enterprise) >>> 0, 0);
  engineId[4] = 3;
  firstMac.copy(engineId, 5);

  const site = spec.site;
  const contact = [site.contact?.name, site.contact?.phone].filter(Boolean).join(' ');
  const system: SimSystem = {
    descr: profile.sysDescr,
    objectId: profile.sysObjectID,
    name: spec.device.id,
    contact: contact || 'IT huyện',
    location: site.address ? `${site.name}, ${site.address}` : site.name,
    services: 78,
  };

  const sortedByIndex = () => [...states].sort((a, b) => a.ifIndex - b.ifIndex);
  let ordered = sortedByIndex();

  return {
    deviceId: spec.device.id,
    profile,
    system,
    entities: entities ?? [],
    engineId,
    linkInterfaces: plan.linkInterfaces,
    get reboots() {
      return reboots;
    },
    get indexGeneration() {
      return indexGeneration;
    },
    uptimeTicks: (nowMs) => Number(BigInt(Math.max(0, Math.floor((nowMs - bootMs) / 10))) & MASK32),
    bootMs: () => bootMs,
    interfaces: () => ordered,
    interfaceAt(ifIndex, nowMs) {
      const state = byIndex.get(ifIndex);
      if (state) advance(state, nowMs);
      return state;
    },
    octets32: (iface) => {
      const state = iface as InterfaceState;
      if (state.wrapPending) {
        state.wrapPending = false;
        state.discontinuityMs = state.integratedTo;
        // Leave about three simulated seconds of traffic (at least one full frame) before the wrap.
        const rate = rateOf(state)?.(state.integratedTo) ?? { inBps: 0, outBps: 0 };
        const margin = (bps: number) => BigInt(Math.max(1500, Math.ceil((bps / 8) * 3)));
        state.wrap32 = {
          in: (WRAP32 - margin(rate.inBps) - (state.counters.inOctets & MASK32) + WRAP32) % WRAP32,
          out: (WRAP32 - margin(rate.outBps) - (state.counters.outOctets & MASK32) + WRAP32) % WRAP32,
        };
      }
      return { in: Number((state.counters.inOctets + state.wrap32.in) & MASK32), out: Number((state.counters.outOctets + state.wrap32.out) & MASK32) };
    },
    linkRate,
    reboot(nowMs) {
      bootMs = nowMs;
      reboots++;
      for (const state of states) {
        for (const name of counterNames) state.counters[name] = 0n;
        state.carry.fill(0);
        state.wrap32 = { in: 0n, out: 0n };
        state.wrapPending = false;
        state.discontinuityMs = undefined;
        state.integratedTo = nowMs;
        state.lastChangeMs = nowMs;
      }
    },
    wrapCounters(nowMs) {
      flush(nowMs);
      for (const state of states) state.wrapPending = true;
    },
    reindex(nowMs) {
      flush(nowMs);
      indexGeneration++;
      for (const state of states) state.ifIndex = indexFor(state.position, states.length, indexGeneration);
      reindexMaps();
      ordered = sortedByIndex();
    },
    setLinkInterface(linkId, state, nowMs) {
      const iface = linkStates.get(linkId);
      if (!iface) throw new Error(`device ${spec.device.id} carries no link ${linkId}`);
      const up = state === 'up';
      if (iface.operUp === up) return;
      flush(nowMs);
      iface.operUp = up;
      iface.lastChangeMs = nowMs;
    },
    setSaturation(linkId, percent, nowMs) {
      if (!models.has(linkId)) throw new Error(`device ${spec.device.id} carries no link ${linkId}`);
      flush(nowMs);
      if (percent === undefined) saturation.delete(linkId);
      else saturation.set(linkId, percent);
    },
  };
}

/**
 * ifIndex of the interface at `position` after `generation` re-indexings: generation 0 is
 * position + 1; each later one shifts the block and rotates the order, so every interface's
 * index changes while names stay, as after a line card is inserted.
 */
export function indexFor(position: number, count: number, generation: number): number {
  if (generation === 0) return position + 1;
  return generation * (count + 1) + 1 + ((position + generation) % count);
}

/** A counter after `amount` more units (the whole part): modulo 2^64, as Counter64 wraps. */
export function advanceCounter(value: bigint, amount: number): bigint {
  const whole = Math.floor(amount);
  return whole > 0 ? (value + BigInt(whole)) & MASK64 : value;
}

/** Adds a fractional amount, keeping the fraction for next time so slow counters still move. */
function add(state: InterfaceState, name: CounterName, amount: number): void {
  if (!(amount > 0)) return;
  const slot = counterNames.indexOf(name);
  const total = amount + state.carry[slot]!;
  const whole = Math.floor(total);
  state.carry[slot] = total - whole;
  state.counters[name] = advanceCounter(state.counters[name], whole);
}

function macAddress(profile: VendorProfile, seed: number, position: number): Buffer {
  const h = hash32(seed, 0x6d6163);
  // Consecutive ports of one box have consecutive MACs, as on real hardware.
  const tail = (h + position) & 0xffffff;
  return Buffer.from([...profile.oui, (tail >> 16) & 0xff, (tail >> 8) & 0xff, tail & 0xff]);
}

function aliasFor(template: PlannedInterface, link: Link | undefined): string {
  if (link) {
    const parts = [link.name ?? link.id, link.provider, link.circuit ? `#${link.circuit}` : undefined].filter(Boolean);
    return parts.join(' ');
  }
  if (template.role === 'lan' || template.role === 'bridge') return 'LAN';
  return '';
}

function initialState(
  template: PlannedInterface,
  position: number,
  context: { seed: number; profile: VendorProfile; link: Link | undefined; nowMs: number; bootMs: number; models: ReadonlyMap<string, LinkTrafficModel> },
): InterfaceState {
  const { seed, profile, link, nowMs, bootMs, models } = context;
  const physical = template.speedMbps > 0 && template.type !== ifType.propVirtual && template.role !== 'tunnel';
  const upSeconds = (nowMs - bootMs) / 1000;
  // Counters start where months of traffic would have left them: about 12 % of capacity on average.
  const model = template.linkId ? models.get(template.linkId) : undefined;
  const mirrored = template.role === 'lan' || template.role === 'bridge';
  let downBps = model?.downBps ?? 0;
  let upBps = model?.upBps ?? 0;
  if (mirrored) {
    for (const m of models.values()) {
      downBps += m.upBps;
      upBps += m.downBps;
    }
  }
  const share = 0.12 * (0.8 + 0.4 * unitHash(seed, 201, position));
  const inOctets = BigInt(Math.floor((downBps / 8) * share * upSeconds));
  const outOctets = BigInt(Math.floor((upBps / 8) * share * 0.3 * upSeconds));
  const packetOctets = mirrored ? { in: UPLOAD_PACKET_OCTETS, out: DOWNLOAD_PACKET_OCTETS } : { in: DOWNLOAD_PACKET_OCTETS, out: UPLOAD_PACKET_OCTETS };
  const errorRate = 1e-6 * (0.2 + 3 * unitHash(seed, 202, position));
  const inPackets = inOctets / BigInt(packetOctets.in);
  const outPackets = outOctets / BigInt(packetOctets.out);
  const carriesNothing = template.role === 'spare' || (template.role === 'wan' && template.linkId === undefined);
  return {
    ifIndex: position + 1,
    position,
    name: template.name,
    descr: template.descr,
    alias: aliasFor(template, link),
    type: template.type,
    mtu: template.mtu,
    role: template.role,
    speedBps: template.speedMbps * 1_000_000,
    physAddress: physical ? macAddress(profile, seed, position) : Buffer.alloc(0),
    linkId: template.linkId,
    adminUp: true,
    // Unused ports have no cable in them.
    operUp: !carriesNothing,
    lastChangeMs: bootMs + 20_000 + Math.floor(unitHash(seed, 203, position) * 40_000),
    counters: {
      inOctets,
      outOctets,
      inUcastPkts: inPackets,
      outUcastPkts: outPackets,
      inErrors: BigInt(Math.floor(Number(inPackets) * errorRate)),
      outErrors: 0n,
      inDiscards: BigInt(Math.floor(Number(inPackets) * 1e-6)),
      outDiscards: 0n,
    },
    carry: new Float64Array(counterNames.length),
    wrap32: { in: 0n, out: 0n },
    wrapPending: false,
    discontinuityMs: undefined,
    integratedTo: nowMs,
    packetOctets,
    errorRate,
  };
}

/** Non-unicast packet counters, derived from the unicast ones so they stay monotonic. */
export function nonUnicast(counters: Readonly<InterfaceCounters>): { inMulticast: bigint; outMulticast: bigint; inBroadcast: bigint; outBroadcast: bigint } {
  return {
    inMulticast: counters.inUcastPkts / MULTICAST_DIVISOR,
    outMulticast: counters.outUcastPkts / MULTICAST_DIVISOR,
    inBroadcast: counters.inUcastPkts / BROADCAST_DIVISOR,
    outBroadcast: counters.outUcastPkts / BROADCAST_DIVISOR,
  };
}
