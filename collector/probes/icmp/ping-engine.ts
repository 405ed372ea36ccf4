import ping from 'ping';
import { probeFailure, type ProbeContext } from '../result.ts';
import { abortedResult, inInputOrder, prepareTargets, type IcmpEngine, type IcmpProbeOptions } from './engines.ts';
import { parsePingResponse, type PingPackageResponse } from './parse-ping.ts';
import { icmpResultFromRtts, type IcmpResult } from './stats.ts';

/** The `ping` package's call, injectable so tests can replay captured responses. */
export type PingProbeFunction = (target: string, config: ping.PingConfig) => Promise<PingPackageResponse>;

export interface PingEngineOptions {
  /**
   * Most iputils ping processes alive at once. Each costs a process spawn (~15 ms CPU here)
   * and then mostly sleeps between echoes, so a few dozen keep a 200-target round short
   * without a burst of hundreds of processes on a small district server.
   */
  concurrency?: number;
  /** Slack past the expected end of one target's ping before it is given up, in ms. */
  graceMs?: number;
  probe?: PingProbeFunction;
}

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_GRACE_MS = 1000;

/**
 * The package's configuration for one target. A fresh object each time: the package writes
 * its defaults into the object it is given.
 */
export function pingConfig(options: IcmpProbeOptions): ping.PingConfig {
  return {
    numeric: true,
    // iputils' -W: how long to wait for replies after the last echo when none arrived.
    timeout: options.timeoutMs / 1000,
    min_reply: options.count,
    // No -w deadline: with -c it makes ping send MORE echoes until `count` replies arrive,
    // which would hide loss. The engine applies its own deadline instead.
    extra: ['-i', String(options.intervalMs / 1000)],
  };
}

/** When iputils ping should have finished with one target, in ms. */
export const pingExpectedMs = (options: IcmpProbeOptions): number =>
  (options.count - 1) * options.intervalMs + options.timeoutMs;

/**
 * One iputils ping process per target (through the `ping` package), at most `concurrency` at
 * a time. Abort and deadline limits: the package does not expose its child process, so they
 * stop waiting and stop starting new pings, while a ping already running finishes on its
 * own (it has -c and -W, so within about `pingExpectedMs`).
 */
export function createPingEngine(engineOptions: PingEngineOptions = {}): IcmpEngine {
  const concurrency = Math.max(1, Math.floor(engineOptions.concurrency ?? DEFAULT_CONCURRENCY));
  const graceMs = engineOptions.graceMs ?? DEFAULT_GRACE_MS;
  const probeWithPackage: PingProbeFunction =
    engineOptions.probe ?? ((target, config) => ping.promise.probe(target, config));

  async function probeTarget(target: string, options: IcmpProbeOptions, signal: AbortSignal | undefined): Promise<IcmpResult> {
    if (signal?.aborted) return abortedResult(target);
    const deadlineMs = pingExpectedMs(options) + graceMs;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<IcmpResult>((resolve) => {
      timer = setTimeout(
        () => resolve(probeFailure('timeout', `ping of ${target} did not finish within ${deadlineMs} ms`)),
        deadlineMs,
      );
      onAbort = () => resolve(abortedResult(target));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const measured = (async (): Promise<IcmpResult> => {
      try {
        const response = await probeWithPackage(target, pingConfig(options));
        const { rttsMs, evidence } = parsePingResponse(response, options);
        return icmpResultFromRtts(target, rttsMs, evidence);
      } catch (error) {
        // The package rejects when the ping program cannot be started.
        return probeFailure('internal', `could not run ping for ${target}: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
    try {
      return await Promise.race([measured, stop]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    name: 'ping',
    async probe(targets, options, ctx: ProbeContext = {}) {
      const { valid, results } = prepareTargets(targets, options);
      const { signal } = ctx;
      const measured = new Map<string, IcmpResult>();
      let next = 0;
      // Workers pull targets from a shared cursor: at most `concurrency` pings in flight.
      const worker = async (): Promise<void> => {
        while (next < valid.length) {
          const target = valid[next++] as string;
          measured.set(target, await probeTarget(target, options, signal));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, valid.length) }, worker));
      return inInputOrder(targets, results, measured);
    },
  };
}
