/**
 * The traffic a simulated link carries at a simulated instant. Pure: no clock, no I/O, no
 * Math.random — the same seed and time always give the same rate, so a scenario replays exactly
 * and a test can compute what the counters should have grown by.
 *
 * The shape is a commune office's: busy 08:00–11:30 and 13:30–17:00 Vietnam time (UTC+7) on
 * working days, a lunch dip, quiet nights and weekends, ±25 % noise, and now and then a burst of
 * a minute or two near the contracted capacity (a software update, a video meeting).
 */

/** What the model needs to know about one link. Rates are bits per simulated second. */
export interface LinkTrafficModel {
  /** Varies noise, bursts and how busy this commune is. Any integer. */
  seed: number;
  /** Contracted download capacity: the carrying interface's in-direction. */
  downBps: number;
  /** Contracted upload capacity: the out-direction. */
  upBps: number;
  /** The carrying interface's speed; no rate ever exceeds it. 0 when unknown (virtual interface). */
  ceilingBps: number;
}

export interface TrafficRate {
  /** Download: the carrying interface's ifInOctets direction. */
  inBps: number;
  /** Upload: ifOutOctets. */
  outBps: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Vietnam has kept UTC+7 without daylight saving since 1975. */
export const VIETNAM_OFFSET_MS = 7 * HOUR_MS;

// ---------------------------------------------------------------------------------------------
// Deterministic noise
// ---------------------------------------------------------------------------------------------

/** A 32-bit integer hash of several integers (lowbias32 finaliser per step). Same input, same output. */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Fold in both halves so values beyond 2^32 (bucket numbers, seeds) still all count.
    h = mix(h ^ (value | 0));
    h = mix(h ^ Math.floor(value / 4294967296));
  }
  return h >>> 0;
}

function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x;
}

/** FNV-1a of a string's UTF-16 code units: turns an id into a number `hash32` can take. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A uniform number in [0, 1) from hashed integers. */
export const unitHash = (...values: number[]): number => hash32(...values) / 4294967296;

// Salts keep the noise streams of one link independent of each other.
const SALT = { busyness: 1, ratio: 2, slowNoise: 3, fastNoise: 4, upNoise: 5, burst: 6, burstAt: 7, burstLength: 8, burstLevel: 9 } as const;

/** Value noise in [-1, 1]: random knots every `periodMs`, joined by smooth interpolation. */
function valueNoise(seed: number, salt: number, atMs: number, periodMs: number): number {
  const position = atMs / periodMs;
  const knot = Math.floor(position);
  const fraction = position - knot;
  const a = unitHash(seed, salt, knot) * 2 - 1;
  const b = unitHash(seed, salt, knot + 1) * 2 - 1;
  const smooth = fraction * fraction * (3 - 2 * fraction);
  return a + (b - a) * smooth;
}

// ---------------------------------------------------------------------------------------------
// The working-day curve
// ---------------------------------------------------------------------------------------------

/** Day of the week (0 = Sunday) and hour (fractional, 0–24) in Vietnam time. */
export function vietnamTime(atMs: number): { weekday: number; hour: number } {
  const local = atMs + VIETNAM_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return { weekday, hour: (local - day * DAY_MS) / HOUR_MS };
}

type Curve = readonly (readonly [hour: number, load: number])[];

// Share of the contracted download capacity in use, before noise and per-commune busyness.
// Offices open at 07:30, the lunch break runs 11:30–13:30, and they close at 17:00.
const WORKDAY: Curve = [
  [0, 0.05],
  [5, 0.03],
  [6.5, 0.05],
  [7.5, 0.2],
  [8, 0.5],
  [9.5, 0.62],
  [11, 0.58],
  [11.5, 0.45],
  [12, 0.17],
  [13, 0.16],
  [13.5, 0.45],
  [14.5, 0.6],
  [16.5, 0.55],
  [17, 0.38],
  [18, 0.16],
  [20, 0.11],
  [22, 0.07],
  [24, 0.05],
];

// Weekends: the office is closed; a guard, a few phones and the cameras.
const WEEKEND: Curve = [
  [0, 0.04],
  [6, 0.03],
  [9, 0.09],
  [12, 0.11],
  [16, 0.09],
  [20, 0.07],
  [24, 0.04],
];

function interpolate(curve: Curve, hour: number): number {
  for (let i = 1; i < curve.length; i++) {
    const [h1, v1] = curve[i]!;
    if (hour <= h1) {
      const [h0, v0] = curve[i - 1]!;
      return v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
    }
  }
  return curve[curve.length - 1]![1];
}

/** The curve's load (share of download capacity, 0–1) at a Vietnam weekday and hour. */
export function baseLoad(weekday: number, hour: number): number {
  return interpolate(weekday === 0 || weekday === 6 ? WEEKEND : WORKDAY, hour);
}

// ---------------------------------------------------------------------------------------------
// Bursts
// ---------------------------------------------------------------------------------------------

const BURST_WINDOW_MS = 10 * 60_000;

/** The burst level (share of capacity) if `atMs` falls inside one, else undefined. */
function burstAt(seed: number, atMs: number, load: number): number | undefined {
  const window = Math.floor(atMs / BURST_WINDOW_MS);
  // Busy hours see a burst in about one window in twelve (one every two hours); quiet ones rarely.
  const chance = load > 0.3 ? 0.08 : 0.015;
  if (unitHash(seed, SALT.burst, window) >= chance) return undefined;
  const length = 30_000 + unitHash(seed, SALT.burstLength, window) * 90_000;
  const start = window * BURST_WINDOW_MS + unitHash(seed, SALT.burstAt, window) * (BURST_WINDOW_MS - length);
  if (atMs < start || atMs >= start + length) return undefined;
  return 0.92 + 0.06 * unitHash(seed, SALT.burstLevel, window);
}

// ---------------------------------------------------------------------------------------------
// The rate
// ---------------------------------------------------------------------------------------------

/** How busy this commune is compared with the curve (0.55–1.05) and its upload/download ratio. */
export function linkCharacter(seed: number): { busyness: number; uploadRatio: number } {
  return { busyness: 0.55 + 0.5 * unitHash(seed, SALT.busyness), uploadRatio: 0.18 + 0.22 * unitHash(seed, SALT.ratio) };
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Bits per second on the link at simulated time `atMs`. `saturationPercent` overrides the
 * curve: both directions run at that share of their contracted capacity (±1 %). Never above
 * the interface speed, never negative.
 */
export function linkTraffic(model: LinkTrafficModel, atMs: number, saturationPercent?: number): TrafficRate {
  const ceiling = model.ceilingBps > 0 ? model.ceilingBps : Number.POSITIVE_INFINITY;
  if (saturationPercent !== undefined) {
    const wobble = 1 + 0.01 * valueNoise(model.seed, SALT.fastNoise, atMs, 10_000);
    const share = (Math.max(0, saturationPercent) / 100) * wobble;
    return { inBps: Math.min(ceiling, model.downBps * share), outBps: Math.min(ceiling, model.upBps * share) };
  }
  const { weekday, hour } = vietnamTime(atMs);
  const { busyness, uploadRatio } = linkCharacter(model.seed);
  const base = baseLoad(weekday, hour) * busyness;
  const noise = 1 + 0.25 * valueNoise(model.seed, SALT.slowNoise, atMs, 60_000) + 0.08 * valueNoise(model.seed, SALT.fastNoise, atMs, 10_000);
  const load = burstAt(model.seed, atMs, base) ?? clamp(base * noise, 0.002, 0.9);
  const inBps = model.downBps * load;
  // Uploads follow downloads (requests, ACKs, e-mail) with their own wobble, within the upload contract.
  const upNoise = 1 + 0.3 * valueNoise(model.seed, SALT.upNoise, atMs, 60_000);
  const outBps = Math.min(model.upBps * 0.95, inBps * uploadRatio * upNoise);
  return { inBps: Math.min(ceiling, inBps), outBps: Math.min(ceiling, Math.max(0, outBps)) };
}

/**
 * Octets carried from `fromMs` to `toMs` (simulated), integrated with the midpoint rule. Steps
 * are at most 5 s, or 1/48 of the span when that is longer, so a compressed clock that jumps
 * hours between two reads costs at most 48 evaluations; the price is that a burst shorter than
 * one step is smeared over it.
 */
export function integrateOctets(rate: (atMs: number) => TrafficRate, fromMs: number, toMs: number): { inOctets: number; outOctets: number } {
  const span = toMs - fromMs;
  if (!(span > 0)) return { inOctets: 0, outOctets: 0 };
  const steps = Math.min(48, Math.ceil(span / 5_000));
  const step = span / steps;
  let inBits = 0;
  let outBits = 0;
  for (let i = 0; i < steps; i++) {
    const r = rate(fromMs + (i + 0.5) * step);
    inBits += r.inBps;
    outBits += r.outBps;
  }
  const seconds = step / 1000;
  return { inOctets: (inBits * seconds) / 8, outOctets: (outBits * seconds) / 8 };
}
