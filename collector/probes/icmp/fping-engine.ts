import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { probeFailure, type ProbeContext } from '../result.ts';
import {
  abortedResult,
  failAll,
  inInputOrder,
  prepareTargets,
  routeError,
  UNREACHABLE_ROUTE_CODES,
  type IcmpEngine,
  type IcmpProbeOptions,
} from './engines.ts';
import { parseFpingOutput, type FpingReport } from './parse-fping.ts';
import { icmpResultFromRtts, type IcmpResult, type NoReplyEvidence } from './stats.ts';

export interface FpingEngineOptions {
  /** Program to run; default `fping` from PATH (Debian's package, 5.x). */
  binary?: string;
  /**
   * fping `-i`: the gap between any two packets fping sends, across all targets, in ms.
   * fping's default (10 ms) makes one round over 200 targets take 2 s; 1 ms keeps a round
   * of a district's routers well under a second (84-byte packets: ~0.7 Mbit/s while sending).
   */
  interPacketMs?: number;
  /** Slack past the expected end of a run before fping is interrupted, in ms. */
  graceMs?: number;
}

export interface FpingEngine extends IcmpEngine {
  readonly name: 'fping';
  /** Whether the binary runs at all; checked once per engine, then remembered. */
  available(): Promise<boolean>;
}

const DEFAULT_INTER_PACKET_MS = 1;
const DEFAULT_GRACE_MS = 1000;
// After SIGINT fping prints what it has and exits within milliseconds; this is for a stuck one.
const KILL_AFTER_INTERRUPT_MS = 1000;
// Each echo can add an ICMP error line to stderr; far more than that means something is wrong.
const MAX_STDERR_BYTES = 8 * 1024 * 1024;

/** fping's arguments for one run. No `-q`: it would also hide the ICMP unreachable lines. */
export function fpingArgs(targets: readonly string[], options: IcmpProbeOptions, interPacketMs: number): string[] {
  return [
    '-C', String(options.count),
    '-p', String(options.intervalMs),
    '-t', String(options.timeoutMs),
    '-i', String(interPacketMs),
    // Targets are checked before they get here; `--` is the second lock against option injection.
    '--',
    ...targets,
  ];
}

/**
 * When a run should have finished, in ms after spawning: fping sends one round per period,
 * but never faster than one packet per `interPacketMs`, so with many targets a round takes
 * `targets × interPacketMs`; the last echo then waits `timeoutMs` for its reply.
 */
export function fpingExpectedMs(targetCount: number, options: IcmpProbeOptions, interPacketMs: number): number {
  const roundMs = targetCount * interPacketMs;
  return (options.count - 1) * Math.max(options.intervalMs, roundMs) + roundMs + options.timeoutMs;
}

export interface FpingExit {
  code: number | null;
  /** True when we interrupted fping at its deadline (its output then covers fewer echoes). */
  interrupted: boolean;
  deadlineMs: number;
}

/**
 * fping's report and exit status → one result per target. Pure. `routeErrors` holds, for
 * silent targets, what a local route lookup said (see `routeError`), since fping prints
 * nothing when sendto() fails.
 */
export function resultsFromFpingReport(
  targets: readonly string[],
  report: FpingReport,
  exit: FpingExit,
  routeErrors: ReadonlyMap<string, string | null> = new Map(),
): Map<string, IcmpResult> {
  const results = new Map<string, IcmpResult>();
  const toolErrors = [...report.errors, ...report.unparsed].join('; ');
  for (const target of targets) {
    const line = report.targets.get(target);
    const nameError = report.nameErrors.get(target);
    if (line !== undefined && (line.rttsMs.length > 0 || !exit.interrupted)) {
      const evidence: NoReplyEvidence = {};
      const unreachable = line.icmpErrors.find((text) => /unreachable/i.test(text));
      const route = routeErrors.get(target);
      if (unreachable !== undefined) evidence.unreachable = unreachable;
      else if (route && UNREACHABLE_ROUTE_CODES.has(route)) evidence.unreachable = `${route} from the local route lookup`;
      results.set(target, icmpResultFromRtts(target, line.rttsMs, evidence));
    } else if (nameError !== undefined) {
      const transient = /temporary/i.test(nameError);
      results.set(
        target,
        probeFailure(transient ? 'internal' : 'config', `ICMP probe of ${target} failed: name did not resolve: ${nameError}`),
      );
    } else if (exit.interrupted) {
      results.set(target, probeFailure('timeout', `fping did not report on ${target} within ${exit.deadlineMs} ms`));
    } else {
      const why = toolErrors === '' ? '' : `: ${toolErrors}`;
      results.set(
        target,
        probeFailure('internal', `fping exited with code ${String(exit.code)} without reporting on ${target}${why}`),
      );
    }
  }
  return results;
}

/** Runs `binary -v`; true when it answers like fping. Never rejects. */
export function detectFping(binary = 'fping'): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['-v'], { timeout: 5000 }, (error, stdout) => {
      resolve(error === null && /fping: Version/i.test(stdout));
    });
  });
}

/** The batch engine: one fping process for all targets of a round. */
export function createFpingEngine(engineOptions: FpingEngineOptions = {}): FpingEngine {
  const binary = engineOptions.binary ?? 'fping';
  const interPacketMs = engineOptions.interPacketMs ?? DEFAULT_INTER_PACKET_MS;
  const graceMs = engineOptions.graceMs ?? DEFAULT_GRACE_MS;
  let availability: Promise<boolean> | undefined;

  function run(
    targets: readonly string[],
    options: IcmpProbeOptions,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, IcmpResult>> {
    const expectedMs = fpingExpectedMs(targets.length, options, interPacketMs);
    const deadlineMs = expectedMs + Math.max(graceMs, Math.ceil(expectedMs / 4));

    return new Promise((resolve) => {
      let settled = false;
      let interrupted = false;
      let killTimer: NodeJS.Timeout | undefined;
      let deadlineTimer: NodeJS.Timeout | undefined;
      const chunks: Buffer[] = [];
      let stderrBytes = 0;

      const finish = (results: Map<string, IcmpResult> | Promise<Map<string, IcmpResult>>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        clearTimeout(killTimer);
        signal?.removeEventListener('abort', onAbort);
        resolve(results);
      };

      const spawnFailed = (detail: string): void =>
        finish(failAll(targets, (target) => probeFailure('internal', `could not run ${binary} to probe ${target}: ${detail}`)));

      let child: ChildProcess;
      try {
        child = spawn(binary, fpingArgs(targets, options, interPacketMs), {
          // stdout only repeats each echo as it happens; everything needed is on stderr.
          stdio: ['ignore', 'ignore', 'pipe'],
          // gai_strerror() and perror() texts are parsed: keep them in English.
          env: { ...process.env, LC_ALL: 'C' },
        });
      } catch (error) {
        spawnFailed(error instanceof Error ? error.message : String(error));
        return;
      }

      function onAbort(): void {
        child.kill('SIGKILL');
        finish(failAll(targets, abortedResult));
      }
      signal?.addEventListener('abort', onAbort, { once: true });

      deadlineTimer = setTimeout(() => {
        interrupted = true;
        // SIGINT makes fping print its summary for the echoes sent so far.
        child.kill('SIGINT');
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_INTERRUPT_MS);
      }, deadlineMs);

      child.stderr?.on('data', (chunk: Buffer) => {
        if (stderrBytes >= MAX_STDERR_BYTES) return;
        stderrBytes += chunk.length;
        chunks.push(chunk);
      });

      child.on('error', (error: NodeJS.ErrnoException) => {
        // Spawn failed (ENOENT, EACCES): no process, no output. After a spawn the 'error'
        // event can also mean a failed kill(), which changes nothing about the results.
        if (child.pid === undefined) spawnFailed(error.code ?? error.message);
      });

      child.once('close', (code) => {
        if (settled || child.pid === undefined) return;
        const report = parseFpingOutput(Buffer.concat(chunks).toString('utf8'));
        const silent = targets.filter((target) => {
          const line = report.targets.get(target);
          return line !== undefined && line.rttsMs.every((rtt) => rtt === null) && !line.unreachable;
        });
        finish(
          Promise.all(silent.map(async (target) => [target, await routeError(target)] as const))
            .then((routes) => resultsFromFpingReport(targets, report, { code, interrupted, deadlineMs }, new Map(routes)))
            // Only a bug could get here; the contract is still a result per target, never a rejection.
            .catch((error: unknown) =>
              failAll(targets, (target) => probeFailure('internal', `reading fping's report on ${target} failed: ${String(error)}`)),
            ),
        );
      });
    });
  }

  return {
    name: 'fping',
    available() {
      availability ??= detectFping(binary);
      return availability;
    },
    async probe(targets, options, ctx: ProbeContext = {}) {
      const { valid, results } = prepareTargets(targets, options);
      if (valid.length === 0) return results;
      if (ctx.signal?.aborted) return inInputOrder(targets, results, failAll(valid, abortedResult));
      return inInputOrder(targets, results, await run(valid, options, ctx.signal));
    },
  };
}
