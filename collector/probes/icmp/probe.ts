import { collectorDefaults, icmpEngines, type IcmpEngineSetting } from '../../../config/schema.ts';
import type { ProbeContext } from '../result.ts';
import type { IcmpEngine, IcmpEngineName, IcmpProbeOptions } from './engines.ts';
import { createFpingEngine, type FpingEngine } from './fping-engine.ts';
import { createPingEngine } from './ping-engine.ts';
import type { IcmpResult } from './stats.ts';

export type { IcmpEngine, IcmpEngineName, IcmpProbeOptions } from './engines.ts';
export type { IcmpMeasurement, IcmpResult, IcmpStats } from './stats.ts';

/** The collector's defaults (`collector.icmp` in config/schema.ts, which says why), so a round
 * asked with partial options, and `linkwatch probe icmp`, measure the way the collector does. */
export const DEFAULT_ICMP_OPTIONS: Readonly<IcmpProbeOptions> = Object.freeze({
  count: collectorDefaults.icmp.count,
  timeoutMs: collectorDefaults.icmp.timeout,
  intervalMs: collectorDefaults.icmp.spacing,
});

/**
 * With `engine: 'auto'`, fping is used when a round has MORE targets than this.
 *
 * Measured with `npm run bench:icmp` (scripts/bench-icmp.ts: loopback targets, 3 echoes,
 * 100 ms apart, engines' defaults; CPU of this process + its children), four runs on the
 * 2-core Debian bookworm / Node 20.20 / fping 5.1 / iputils 20221126 dev machine. CPU ms per
 * target per round, ping engine → fping engine:
 *
 *   targets      1            2            5           10          50           200
 *   ping     7.5–10.7     6.4–8.3      6.0–6.4      5.5–6.3     5.8–6.5      5.5–6.4
 *   fping    6.2–12.0     2.2–4.0      1.2–1.7      0.7–1.1     0.35–0.40    0.26–0.33
 *   ratio    0.58–1.30    0.32–0.48    0.19–0.29    0.13–0.17   0.06         0.04–0.06
 *
 * At one target both engines cost one process spawn and tie within the measurement's
 * precision (±2.3 ms there, from 10 ms clock ticks): the ratio lands on either side of 1 from
 * run to run. From two targets on fping is clearly cheaper in every run, and its wall time
 * per round is lower too (0.38–0.46× at 200 targets, because the ping engine runs at most 32
 * processes at once). So: ping for a single target, fping from two. Re-run the benchmark on
 * new hardware; its last line is JSON with `suggestedThreshold`.
 */
export const AUTO_FPING_THRESHOLD = 1;

// The settings' kinds live in the config schema (one source of truth); re-exported for callers.
export { icmpEngines, type IcmpEngineSetting };

/** Which engine `auto` (or a fixed setting) uses for a round of `targetCount` targets. Pure. */
export function chooseEngine(input: {
  setting: IcmpEngineSetting;
  targetCount: number;
  threshold: number;
  fpingAvailable: boolean;
}): IcmpEngineName {
  if (input.setting !== 'auto') return input.setting;
  return input.fpingAvailable && input.targetCount > input.threshold ? 'fping' : 'ping';
}

export interface IcmpProberOptions {
  engine: IcmpEngineSetting;
  /** Only for `auto`; default `AUTO_FPING_THRESHOLD`. */
  autoThreshold?: number;
  /** The fping program; default `fping` from PATH. */
  fpingBinary?: string;
  /** Replacement engines (tests, or engines built with non-default options). */
  engines?: { ping?: IcmpEngine; fping?: FpingEngine };
}

export interface IcmpProber {
  /** One round for every target; every distinct target gets a result, in input order. Never rejects. */
  probe(targets: readonly string[], options?: Partial<IcmpProbeOptions>, ctx?: ProbeContext): Promise<Map<string, IcmpResult>>;
  probeOne(target: string, options?: Partial<IcmpProbeOptions>, ctx?: ProbeContext): Promise<IcmpResult>;
  /** The engine a round of `targetCount` targets would use (checks for fping once, on first need). */
  engineFor(targetCount: number): Promise<IcmpEngineName>;
}

/**
 * The ICMP probe: N echo requests per target → loss, RTT min/avg/max and jitter, through
 * iputils ping (one process per target) or fping (one process per round).
 */
export function createIcmpProber(proberOptions: IcmpProberOptions): IcmpProber {
  const setting = proberOptions.engine;
  if (!icmpEngines.includes(setting)) {
    throw new TypeError(`ICMP engine must be one of ${icmpEngines.join(', ')}; got ${String(setting)}`);
  }
  const threshold = proberOptions.autoThreshold ?? AUTO_FPING_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new TypeError(`ICMP autoThreshold must be a whole number ≥ 0; got ${String(threshold)}`);
  }
  const engines: Record<IcmpEngineName, IcmpEngine> & { fping: FpingEngine } = {
    ping: proberOptions.engines?.ping ?? createPingEngine(),
    fping:
      proberOptions.engines?.fping ??
      createFpingEngine(proberOptions.fpingBinary === undefined ? {} : { binary: proberOptions.fpingBinary }),
  };

  // Asked once per prober, on first need, then remembered (instance state, not module state).
  let fpingPresence: Promise<boolean> | undefined;

  async function engineFor(targetCount: number): Promise<IcmpEngineName> {
    // Only `auto` needs to know whether fping exists; an explicit `fping` setting without the
    // binary gives `internal` results that say so.
    let fpingAvailable = false;
    if (setting === 'auto' && targetCount > threshold) {
      fpingPresence ??= engines.fping.available();
      fpingAvailable = await fpingPresence;
    }
    return chooseEngine({ setting, targetCount, threshold, fpingAvailable });
  }

  async function probe(
    targets: readonly string[],
    options: Partial<IcmpProbeOptions> = {},
    ctx: ProbeContext = {},
  ): Promise<Map<string, IcmpResult>> {
    const merged: IcmpProbeOptions = { ...DEFAULT_ICMP_OPTIONS, ...options };
    const engine = engines[await engineFor(new Set(targets).size)];
    return engine.probe(targets, merged, ctx);
  }

  return {
    probe,
    engineFor,
    async probeOne(target, options, ctx) {
      const results = await probe([target], options, ctx);
      // Engines answer for every target; the fallback only satisfies the type.
      return results.get(target) ?? { ok: false, reason: 'internal', message: `no result for ${target}` };
    },
  };
}
