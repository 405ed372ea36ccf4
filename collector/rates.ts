/**
 * Traffic rates from two consecutive SNMP samples of one device. Pure: no I/O, no clock.
 *
 * The aim is that no bogus spike ever reaches the database: an interval that cannot be measured
 * honestly (a reboot, a reset counter, a re-indexed interface, an impossible rate) is discarded
 * with its reason, and the next interval starts clean.
 */

export const counterNames = ['inOctets', 'outOctets', 'inUcastPkts', 'outUcastPkts', 'inErrors', 'outErrors', 'inDiscards', 'outDiscards'] as const;
export type CounterName = (typeof counterNames)[number];

export interface Counter {
  value: bigint;
  bits: 32 | 64;
}

export interface InterfaceSample {
  index: number;
  /** ifName: the series key, stable across re-indexing. */
  name: string;
  /** 0 when the agent does not know (virtual interfaces): the speed check is then skipped. */
  speedBps: number;
  counters: Partial<Record<CounterName, Counter>>;
}

export interface DeviceSample {
  /** When the answer arrived, epoch ms. */
  atMs: number;
  /** sysUpTime in hundredths of a second. */
  uptimeTicks: number;
  interfaces: readonly InterfaceSample[];
}

export interface RateOptions {
  /** A rate above speed × (1 + tolerance) is discarded. */
  speedTolerance: number;
  /** With no known speed, a wrapped Counter32 implying more than this is taken for a reset. */
  maxUnknownSpeedBps: number;
}

export const DEFAULT_RATE_OPTIONS: RateOptions = { speedTolerance: 0.1, maxUnknownSpeedBps: 10e9 };

const TICKS_32 = 2 ** 32;
const WRAP_32 = 2n ** 32n;

export type Continuity =
  | { kind: 'continuous' }
  /** sysUpTime passed 2^32 ticks (497 days) and started again from 0: not a reboot. */
  | { kind: 'uptime-wrapped' }
  /** The SNMP agent restarted (sysUpTime is the agent's uptime) but the counters kept counting. */
  | { kind: 'agent-restarted'; previousUptimeTicks: number }
  | { kind: 'rebooted'; previousUptimeTicks: number };

/**
 * Tells a reboot from a sysUpTime wrap and from an agent restart. sysUpTime is expected to have
 * advanced by the wall-clock time between the samples; a shortfall larger than the slack means
 * the agent's clock started again, and the counters say whether the device did too.
 */
export function assessContinuity(previous: DeviceSample, current: DeviceSample): Continuity {
  const elapsedTicks = (current.atMs - previous.atMs) / 10;
  const expected = previous.uptimeTicks + elapsedTicks;
  const slack = Math.max(1_000, elapsedTicks * 0.25);
  if (current.uptimeTicks >= expected - slack) return { kind: 'continuous' };
  if (expected >= TICKS_32 - slack && Math.abs(expected - TICKS_32 - current.uptimeTicks) <= slack) return { kind: 'uptime-wrapped' };

  let compared = 0;
  let wentBack = 0;
  const before = new Map(previous.interfaces.map((iface) => [iface.name, iface]));
  for (const iface of current.interfaces) {
    const old = before.get(iface.name);
    if (!old || old.index !== iface.index) continue;
    for (const name of ['inOctets', 'outOctets'] as const) {
      const a = old.counters[name];
      const b = iface.counters[name];
      if (!a || !b || a.bits !== b.bits) continue;
      compared++;
      if (b.value < a.value) wentBack++;
    }
  }
  // Counters that all kept counting prove the device itself stayed up. With nothing to compare,
  // assume the worst: a discarded interval is better than a spike.
  if (compared > 0 && wentBack === 0) return { kind: 'agent-restarted', previousUptimeTicks: previous.uptimeTicks };
  return { kind: 'rebooted', previousUptimeTicks: previous.uptimeTicks };
}

export type DiscardReason = 'first-sample' | 'reboot' | 'reindexed' | 'counter-type-changed' | 'counter-reset' | 'over-speed' | 'non-positive-interval';

export interface InterfaceRates {
  ok: true;
  name: string;
  index: number;
  seconds: number;
  inBps: number;
  outBps: number;
  inPps?: number;
  outPps?: number;
  inErrorsPs?: number;
  outErrorsPs?: number;
  inDiscardsPs?: number;
  outDiscardsPs?: number;
  /** Counters that wrapped at 2^32 during the interval (handled, listed for the record). */
  wrapped: CounterName[];
}

export interface DiscardedInterval {
  ok: false;
  name: string;
  index: number;
  reason: DiscardReason;
  message: string;
}

export type RateResult = InterfaceRates | DiscardedInterval;

export interface DeviceRates {
  continuity: Continuity;
  interfaces: RateResult[];
}

const perSecondField = {
  inOctets: 'inBps',
  outOctets: 'outBps',
  inUcastPkts: 'inPps',
  outUcastPkts: 'outPps',
  inErrors: 'inErrorsPs',
  outErrors: 'outErrorsPs',
  inDiscards: 'inDiscardsPs',
  outDiscards: 'outDiscardsPs',
} as const satisfies Record<CounterName, keyof InterfaceRates>;

/** Whether a sample has both octet counters, i.e. a traffic rate to measure. */
export const hasOctetCounters = (iface: InterfaceSample): boolean => iface.counters.inOctets !== undefined && iface.counters.outOctets !== undefined;

/**
 * Rates for every interface of `current` that has octet counters, keyed by ifName. An
 * interface without them (a stack sub-port, a bare VLAN) has no rate, not a discarded one:
 * it gets no result at all, so it never turns into a discard event every poll.
 */
export function computeDeviceRates(previous: DeviceSample, current: DeviceSample, options: RateOptions = DEFAULT_RATE_OPTIONS): DeviceRates {
  const continuity = assessContinuity(previous, current);
  const before = new Map(previous.interfaces.map((iface) => [iface.name, iface]));
  const seconds = (current.atMs - previous.atMs) / 1000;
  const interfaces = current.interfaces.filter(hasOctetCounters).map((iface): RateResult => {
    const discard = (reason: DiscardReason, message: string): DiscardedInterval => ({ ok: false, name: iface.name, index: iface.index, reason, message });
    if (continuity.kind === 'rebooted') return discard('reboot', 'the device rebooted during the interval');
    const old = before.get(iface.name);
    if (!old) return discard('first-sample', 'no previous sample');
    // Counters that just appeared start a series, like a new interface.
    if (!hasOctetCounters(old)) return discard('first-sample', 'no octet counters in the previous sample');
    return computeInterfaceRates(old, iface, seconds, options) ?? discard('non-positive-interval', `interval of ${seconds} s`);
  });
  return { continuity, interfaces };
}

/** Rates between two samples of one interface; undefined when no time passed. */
export function computeInterfaceRates(previous: InterfaceSample, current: InterfaceSample, seconds: number, options: RateOptions = DEFAULT_RATE_OPTIONS): RateResult | undefined {
  if (!(seconds > 0)) return undefined;
  const discard = (reason: DiscardReason, message: string): DiscardedInterval => ({ ok: false, name: current.name, index: current.index, reason, message });
  if (previous.index !== current.index) {
    return discard('reindexed', `${current.name} moved from ifIndex ${previous.index} to ${current.index}`);
  }
  const rates: InterfaceRates = { ok: true, name: current.name, index: current.index, seconds, inBps: 0, outBps: 0, wrapped: [] };
  for (const name of counterNames) {
    const a = previous.counters[name];
    const b = current.counters[name];
    const required = name === 'inOctets' || name === 'outOctets';
    if (!a || !b) {
      if (required) return discard('counter-type-changed', `${name} missing from one of the samples`);
      continue;
    }
    if (a.bits !== b.bits) return discard('counter-type-changed', `${name} changed from Counter${a.bits} to Counter${b.bits}`);
    let delta: bigint;
    if (b.value >= a.value) delta = b.value - a.value;
    else if (b.bits === 32) {
      delta = WRAP_32 - a.value + b.value;
      rates.wrapped.push(name);
    } else return discard('counter-reset', `${name} went backwards from ${a.value} to ${b.value}`);
    const perSecond = (Number(delta) * (required ? 8 : 1)) / seconds;
    rates[perSecondField[name]] = perSecond;
  }
  const limit = current.speedBps > 0 ? current.speedBps * (1 + options.speedTolerance) : options.maxUnknownSpeedBps;
  for (const [field, bps] of [['in', rates.inBps], ['out', rates.outBps]] as const) {
    if (bps > limit) {
      const wrappedNote = rates.wrapped.length > 0 ? ' (after a Counter32 wrap: more likely a reset)' : '';
      return discard('over-speed', `${field} rate ${Math.round(bps)} bit/s exceeds ${current.speedBps > 0 ? `the interface speed ${current.speedBps} bit/s` : 'the plausible maximum'}${wrappedNote}`);
    }
  }
  return rates;
}
