// The arithmetic of an audit report beyond availability (model/availability.ts): traffic against
// the contracted capacity with its 95th percentile, latency and loss, and the district
// scorecard. Pure, table-tested in test/unit/model/report-figures.test.ts.

/** A series of 5-minute wall-clock buckets; a missing bucket is null (never zero). */
export type Buckets = readonly (number | null | undefined)[];

const known = (values: Buckets): number[] => values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));

/**
 * The nearest-rank percentile: of the n known values sorted ascending, the one at position
 * ⌈q·n⌉ (1-based). This is what a 95th-percentile bill means; LibreNMS and InfluxQL's
 * PERCENTILE() round the position instead (⌊q·n + 0.5⌋), which can pick the next value up.
 */
export function nearestRank(values: Buckets, q: number): { value: number | null; n: number } {
  const sorted = known(values).sort((a, b) => a - b);
  if (sorted.length === 0) return { value: null, n: 0 };
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length - 1e-9)));
  return { value: sorted[rank - 1]!, n: sorted.length };
}

const mean = (values: readonly number[]): number | null => (values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : null);
const max = (values: readonly number[]): number | null => (values.length > 0 ? values.reduce((a, b) => (b > a ? b : a), -Infinity) : null);
const share = (part: number | null, whole: number | undefined): number | null => (part === null || whole === undefined || whole <= 0 ? null : (100 * part) / whole);

export interface DirectionFigures {
  avgBps: number | null;
  /** The highest rate seen: the highest bucket maximum when known, else the highest mean. */
  peakBps: number | null;
  p95Bps: number | null;
  /** Of the contracted capacity in this direction; null without one. */
  avgUtilizationPct: number | null;
  p95UtilizationPct: number | null;
}

export interface TrafficFigures {
  /** Buckets with a rate in either direction, and the buckets the period has. */
  n: number;
  expected: number;
  coveragePct: number;
  in: DirectionFigures;
  out: DirectionFigures;
  /** The higher of the two 95th percentiles, as a provider bills it, and its direction. */
  billedBps: number | null;
  billedDirection: 'in' | 'out' | null;
  /** The billed percentile above `upgradeSharePct` of its direction's capacity; null when the
   * link has no contracted capacity or no traffic was measured. */
  needsUpgrade: boolean | null;
}

export interface TrafficInput {
  /** Mean rate per bucket, bit/s. */
  inBps: Buckets;
  outBps: Buckets;
  /** Highest rate within each bucket, where the rollup has it. */
  inMaxBps?: Buckets;
  outMaxBps?: Buckets;
  /** Buckets in the period (its length / 5 minutes). */
  expected: number;
  capacity?: { downMbps: number; upMbps: number };
  upgradeSharePct: number;
}

function direction(values: Buckets, maxima: Buckets | undefined, capacityBps: number | undefined): DirectionFigures {
  const rates = known(values);
  const p95 = nearestRank(rates, 0.95).value;
  const avg = mean(rates);
  const peak = max([...rates, ...known(maxima ?? [])]);
  return { avgBps: avg, peakBps: peak, p95Bps: p95, avgUtilizationPct: share(avg, capacityBps), p95UtilizationPct: share(p95, capacityBps) };
}

export function trafficFigures(input: TrafficInput): TrafficFigures {
  const capacity = input.capacity ? { in: input.capacity.downMbps * 1e6, out: input.capacity.upMbps * 1e6 } : undefined;
  const inbound = direction(input.inBps, input.inMaxBps, capacity?.in);
  const outbound = direction(input.outBps, input.outMaxBps, capacity?.out);
  const length = Math.max(input.inBps.length, input.outBps.length);
  let n = 0;
  for (let i = 0; i < length; i++) if (typeof input.inBps[i] === 'number' || typeof input.outBps[i] === 'number') n++;
  const billedDirection = inbound.p95Bps === null && outbound.p95Bps === null ? null : (outbound.p95Bps ?? -1) > (inbound.p95Bps ?? -1) ? 'out' : 'in';
  const billed = billedDirection === null ? null : billedDirection === 'in' ? inbound : outbound;
  return {
    n,
    expected: input.expected,
    coveragePct: input.expected > 0 ? Math.min(100, (100 * n) / input.expected) : 0,
    in: inbound,
    out: outbound,
    billedBps: billed?.p95Bps ?? null,
    billedDirection,
    // Judged per direction against its own capacity: a 100/50 line is short of upload at 45 Mbps.
    needsUpgrade: capacity === undefined || billedDirection === null ? null : [inbound, outbound].some((figures) => figures.p95UtilizationPct !== null && figures.p95UtilizationPct > input.upgradeSharePct),
  };
}

export interface LatencyFigures {
  /** Buckets with a round. */
  n: number;
  rttAvgMs: number | null;
  rttMedianMs: number | null;
  rttP95Ms: number | null;
  lossAvgPct: number | null;
  lossP95Pct: number | null;
}

/** Latency and loss over the period from 5-minute buckets of the round's mean RTT and loss. */
export function latencyFigures(input: { rttMs: Buckets; lossPct: Buckets }): LatencyFigures {
  const rtt = known(input.rttMs);
  const loss = known(input.lossPct);
  return {
    n: Math.max(rtt.length, loss.length),
    rttAvgMs: mean(rtt),
    rttMedianMs: nearestRank(rtt, 0.5).value,
    rttP95Ms: nearestRank(rtt, 0.95).value,
    lossAvgPct: mean(loss),
    lossP95Pct: nearestRank(loss, 0.95).value,
  };
}

// ---------------------------------------------------------------------------------------------
// The district scorecard
// ---------------------------------------------------------------------------------------------

/** What the scorecard needs of one site. */
export interface ScoredSite {
  id: string;
  availabilityPct: number | null;
  /** Devices at the site (the LAN) and how available they were; null when never measured. */
  devices: readonly { id: string; availabilityPct: number | null }[];
  links: readonly { id: string; kind: string; availabilityPct: number | null; downMbps?: number }[];
}

export interface ScorecardSettings {
  /** A LAN or a link counts as working over the period at or above this availability. */
  workingAvailabilityPct: number;
  /** Contracted download at or above this is high-speed internet. */
  highSpeedMbps: number;
  /** Sites below this availability miss the target. */
  targetAvailabilityPct: number;
}

export type MissReason = 'no-lan' | 'lan-not-working' | 'no-internet' | 'internet-not-working' | 'no-capacity' | 'below-high-speed' | 'no-tslcd' | 'tslcd-not-working' | 'below-target' | 'no-data';

export interface ScorecardLine {
  /** Sites that meet it, of all sites; pct null without sites. */
  met: number;
  of: number;
  pct: number | null;
  missing: { site: string; reason: MissReason }[];
}

export interface Scorecard {
  lanAndInternet: ScorecardLine;
  highSpeed: ScorecardLine;
  tslcd: ScorecardLine;
  /** The mean of the sites' availability (those with a figure), and the sites below target. */
  averageAvailabilityPct: number | null;
  availabilityTarget: ScorecardLine;
}

const working = (pct: number | null, settings: ScorecardSettings) => pct !== null && pct >= settings.workingAvailabilityPct;

function line(sites: readonly ScoredSite[], judge: (site: ScoredSite) => MissReason | undefined): ScorecardLine {
  const missing = sites.flatMap((site) => {
    const reason = judge(site);
    return reason ? [{ site: site.id, reason }] : [];
  });
  const met = sites.length - missing.length;
  return { met, of: sites.length, pct: sites.length > 0 ? (100 * met) / sites.length : null, missing };
}

export function scorecard(sites: readonly ScoredSite[], settings: ScorecardSettings): Scorecard {
  const lanAndInternet = line(sites, (site) => {
    const lan = [...site.devices.map((device) => device.availabilityPct), ...site.links.filter((link) => link.kind === 'lan').map((link) => link.availabilityPct)];
    if (lan.length === 0) return 'no-lan';
    if (!lan.some((pct) => working(pct, settings))) return 'lan-not-working';
    const internet = site.links.filter((link) => link.kind === 'internet');
    if (internet.length === 0) return 'no-internet';
    return internet.some((link) => working(link.availabilityPct, settings)) ? undefined : 'internet-not-working';
  });
  const highSpeed = line(sites, (site) => {
    const internet = site.links.filter((link) => link.kind === 'internet');
    if (internet.length === 0) return 'no-internet';
    const declared = internet.filter((link) => link.downMbps !== undefined);
    if (declared.length === 0) return 'no-capacity';
    return declared.some((link) => link.downMbps! >= settings.highSpeedMbps && working(link.availabilityPct, settings)) ? undefined : 'below-high-speed';
  });
  const tslcd = line(sites, (site) => {
    const lines = site.links.filter((link) => link.kind === 'tslcd');
    if (lines.length === 0) return 'no-tslcd';
    return lines.some((link) => working(link.availabilityPct, settings)) ? undefined : 'tslcd-not-working';
  });
  const figures = sites.map((site) => site.availabilityPct).filter((pct): pct is number => pct !== null);
  const availabilityTarget = line(sites, (site) => (site.availabilityPct === null ? 'no-data' : site.availabilityPct < settings.targetAvailabilityPct ? 'below-target' : undefined));
  return { lanAndInternet, highSpeed, tslcd, averageAvailabilityPct: mean(figures), availabilityTarget };
}
