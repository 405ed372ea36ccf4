import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { probeFailure, type ProbeContext } from '../result.ts';
import type { IcmpResult } from './stats.ts';

/** One round of echo requests per target. */
export interface IcmpProbeOptions {
  /** Echo requests per target (1–100). */
  count: number;
  /** How long each echo waits for its reply, in ms; a later reply counts as lost. */
  timeoutMs: number;
  /** Gap between two echoes to the same target, in ms. */
  intervalMs: number;
}

export type IcmpEngineName = 'ping' | 'fping';

/**
 * A way of sending echo requests. Engines never throw: every target in the input gets an
 * entry in the returned map (duplicates collapse to one), failures included.
 */
export interface IcmpEngine {
  readonly name: IcmpEngineName;
  probe(targets: readonly string[], options: IcmpProbeOptions, ctx?: ProbeContext): Promise<Map<string, IcmpResult>>;
}

/** iputils ping refuses intervals below 2 ms for non-root users, fping below 10 ms per target. */
export const MIN_INTERVAL_MS = 10;
export const MAX_COUNT = 100;

/** `null` when the options are usable, else a message naming the bad value. */
export function checkIcmpOptions(options: IcmpProbeOptions): string | null {
  const { count, timeoutMs, intervalMs } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    return `count must be an integer from 1 to ${MAX_COUNT}, got ${String(count)}`;
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
    return `timeoutMs must be from 1 to 60000, got ${String(timeoutMs)}`;
  }
  if (!Number.isFinite(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > 60_000) {
    return `intervalMs must be from ${MIN_INTERVAL_MS} to 60000, got ${String(intervalMs)}`;
  }
  return null;
}

/**
 * `null` when the target can be handed to a ping tool, else why not. Both tools take names
 * as well as addresses; what must never pass is something a tool could read as an option.
 */
export function checkTarget(target: string): string | null {
  if (isIP(target) !== 0) return null;
  if (target === '' || target.length > 253) return `target "${target}" is not an address or host name`;
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(target)) {
    return `target "${target}" is not an address or host name`;
  }
  return null;
}

/** One entry per distinct input target, in input order, taken from the first map that has it. */
export function inInputOrder(
  targets: readonly string[],
  ...sources: ReadonlyMap<string, IcmpResult>[]
): Map<string, IcmpResult> {
  const ordered = new Map<string, IcmpResult>();
  for (const target of targets) {
    if (ordered.has(target)) continue;
    const result = sources.find((source) => source.has(target))?.get(target);
    ordered.set(target, result ?? probeFailure('internal', `no result was produced for ${target}`));
  }
  return ordered;
}

/** Same failure for every target (bad options, spawn failure, abort). */
export function failAll(targets: Iterable<string>, result: (target: string) => IcmpResult): Map<string, IcmpResult> {
  const results = new Map<string, IcmpResult>();
  for (const target of targets) results.set(target, result(target));
  return results;
}

export const abortedResult = (target: string): IcmpResult =>
  probeFailure('timeout', `ICMP probe of ${target} was aborted before it finished`);

/**
 * Splits the input into targets to probe and immediate `config` failures (bad options or bad
 * names), deduplicated, in input order.
 */
export function prepareTargets(
  targets: readonly string[],
  options: IcmpProbeOptions,
): { valid: string[]; results: Map<string, IcmpResult> } {
  const results = new Map<string, IcmpResult>();
  const optionsProblem = checkIcmpOptions(options);
  const valid: string[] = [];
  for (const target of new Set(targets)) {
    const problem = optionsProblem ?? checkTarget(target);
    if (problem === null) valid.push(target);
    else results.set(target, probeFailure('config', `ICMP probe of ${target} not started: ${problem}`));
  }
  return { valid, results };
}

/**
 * Asks the kernel for a route to `address` without sending anything (connect() on a UDP
 * socket only does the route lookup). fping says nothing when sendto() fails with
 * EHOSTUNREACH, so this is how the fping engine tells "the network said no" (an
 * `unreachable`/`prohibit` route, a downed link's route gone) from silence. Resolves to the
 * error code (`EHOSTUNREACH`, `ENETUNREACH`, …) or `null` when a route exists or the answer is
 * not known (names are not resolved here).
 */
export function routeError(address: string): Promise<string | null> {
  const family = isIP(address);
  if (family === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    let settled = false;
    // Node reports a failed connect() through the callback; the 'error' listener is there so
    // that an unexpected socket error can never become an uncaught exception.
    const done = (code: string | null): void => {
      if (settled) return;
      settled = true;
      socket.close();
      resolve(code);
    };
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? null));
    try {
      // Port 9 (discard) is arbitrary: connect() on UDP sends no packet.
      socket.connect(9, address, (error?: Error) => {
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        done(code ?? null);
      });
    } catch {
      done(null);
    }
  });
}

/** Route lookup failures that mean the network (here: our own routing table) refuses the target. */
export const UNREACHABLE_ROUTE_CODES: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM']);
