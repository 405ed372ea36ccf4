/**
 * `npm run bench:icmp`: CPU and wall time of the two ICMP engines against loopback addresses
 * (127.0.0.1 … 127.0.0.N, all answered by `lo`), to find the target count above which fping
 * is cheaper than one iputils ping per target. The result feeds AUTO_FPING_THRESHOLD in
 * collector/probes/icmp/probe.ts.
 *
 * CPU = this process (process.cpuUsage, µs) + its reaped children (cutime + cstime from
 * /proc/self/stat, whole clock ticks: 10 ms here). For each target count the two engines
 * run alternate rounds, so that a garbage collection or JIT burst in this process lands on
 * both alike instead of on whichever block it happened in. Loopback only; every loop is
 * bounded (rounds per count and a total time budget).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IcmpEngine, IcmpProbeOptions } from '../collector/probes/icmp/engines.ts';
import { createFpingEngine, detectFping } from '../collector/probes/icmp/fping-engine.ts';
import { createPingEngine } from '../collector/probes/icmp/ping-engine.ts';

const TARGET_COUNTS = [1, 2, 5, 10, 20, 50, 200] as const;
// The 3-echo round of MACHINE-NOTES, with gaps short enough that small counts run many rounds.
const OPTIONS: IcmpProbeOptions = { count: 3, intervalMs: 100, timeoutMs: 500 };
const COUNT_BUDGET_MS = 8000; // both engines together, per target count …
const MIN_ROUNDS = 2; // … at least this many rounds per engine …
const MAX_ROUNDS = 60; // … and never more
const TOTAL_BUDGET_MS = 110_000; // target counts not started by then are skipped

function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

const ticksPerSecond = clockTicksPerSecond();
const tickMs = 1000 / ticksPerSecond;

/** CPU ms used so far by this process and by those of its children that have exited. */
function cpuMs(): { selfMs: number; childrenMs: number } {
  const usage = process.cpuUsage();
  // Fields after the command name (which may contain spaces), counted from field 3 (state).
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[16 - 3]);
  const cstime = Number(fields[17 - 3]);
  return { selfMs: (usage.user + usage.system) / 1000, childrenMs: (cutime + cstime) * tickMs };
}

const loopback = (n: number): string[] => Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);

interface Tally {
  rounds: number;
  failures: number;
  selfMs: number;
  childrenMs: number;
  wallMs: number;
}

interface Cell {
  engine: 'ping' | 'fping';
  targets: number;
  rounds: number;
  failures: number;
  selfMsPerTarget: number;
  childrenMsPerTarget: number;
  cpuMsPerTarget: number;
  /**
   * ± on cpuMsPerTarget: each round's children figure is off by less than one tick, in
   * either direction; over n rounds that adds up to about √n ticks (2σ of a uniform error).
   */
  cpuUncertaintyMsPerTarget: number;
  wallMsPerRound: number;
}

async function round(engine: IcmpEngine, targets: readonly string[], tally: Tally): Promise<void> {
  const before = cpuMs();
  const started = performance.now();
  const results = await engine.probe(targets, OPTIONS);
  tally.wallMs += performance.now() - started;
  const after = cpuMs();
  tally.selfMs += after.selfMs - before.selfMs;
  tally.childrenMs += after.childrenMs - before.childrenMs;
  tally.rounds++;
  for (const result of results.values()) if (!result.ok || result.received !== OPTIONS.count) tally.failures++;
}

async function measureCount(engines: readonly IcmpEngine[], n: number): Promise<Cell[]> {
  const targets = loopback(n);
  const tallies = engines.map((): Tally => ({ rounds: 0, failures: 0, selfMs: 0, childrenMs: 0, wallMs: 0 }));
  for (const engine of engines) await engine.probe(targets, OPTIONS); // warm-up, not counted
  const started = performance.now();
  let turn = 0;
  while (turn < MAX_ROUNDS && (turn < MIN_ROUNDS || performance.now() - started < COUNT_BUDGET_MS)) {
    // Alternate which engine goes first, so neither always follows the other's exit.
    const order = turn % 2 === 0 ? engines.keys() : [...engines.keys()].reverse();
    for (const index of order) await round(engines[index] as IcmpEngine, targets, tallies[index] as Tally);
    turn++;
  }
  return engines.map((engine, index) => {
    const t = tallies[index] as Tally;
    const perTarget = (ms: number): number => ms / (t.rounds * n);
    return {
      engine: engine.name,
      targets: n,
      rounds: t.rounds,
      failures: t.failures,
      selfMsPerTarget: perTarget(t.selfMs),
      childrenMsPerTarget: perTarget(t.childrenMs),
      cpuMsPerTarget: perTarget(t.selfMs + t.childrenMs),
      cpuUncertaintyMsPerTarget: perTarget(Math.sqrt(t.rounds) * tickMs),
      wallMsPerRound: t.wallMs / t.rounds,
    };
  });
}

const fmt = (value: number, width: number, digits = 2): string => value.toFixed(digits).padStart(width);
const round4 = (value: number): number => Number(value.toFixed(4));

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const fpingPresent = await detectFping();
  const engines: IcmpEngine[] = [createPingEngine(), ...(fpingPresent ? [createFpingEngine()] : [])];
  const cells: Cell[] = [];
  const skipped: number[] = [];

  console.log(
    `ICMP engines on loopback: ${OPTIONS.count} echoes per target per round, interval ${OPTIONS.intervalMs} ms, ` +
      `timeout ${OPTIONS.timeoutMs} ms; engines with their defaults (ping: 32 at a time; fping: -i 1).`,
  );
  if (!fpingPresent) console.log('fping not found: measuring the ping engine only.');
  for (const n of TARGET_COUNTS) {
    if (performance.now() - benchStarted > TOTAL_BUDGET_MS) {
      skipped.push(n);
      continue;
    }
    const measured = await measureCount(engines, n);
    cells.push(...measured);
    process.stderr.write(`  measured ${n} target(s): ${measured.map((c) => `${c.engine} ${c.rounds} rounds`).join(', ')}\n`);
  }

  console.log('');
  console.log('engine  targets  rounds  fail  self ms/t  child ms/t  CPU ms per target per round  wall ms/round');
  for (const c of cells) {
    console.log(
      `${c.engine.padEnd(6)} ${String(c.targets).padStart(8)} ${String(c.rounds).padStart(7)} ${String(c.failures).padStart(5)}` +
        ` ${fmt(c.selfMsPerTarget, 10, 3)} ${fmt(c.childrenMsPerTarget, 11, 3)} ${fmt(c.cpuMsPerTarget, 18, 3)} ±${fmt(c.cpuUncertaintyMsPerTarget, 6, 3)}` +
        ` ${fmt(c.wallMsPerRound, 15, 0)}`,
    );
  }

  const comparisons = TARGET_COUNTS.flatMap((n) => {
    const ping = cells.find((c) => c.engine === 'ping' && c.targets === n);
    const fping = cells.find((c) => c.engine === 'fping' && c.targets === n);
    if (!ping || !fping) return [];
    // "Cheaper" only when the gap is wider than both cells' uncertainty: a tie is a tie.
    const clearlyCheaper =
      fping.cpuMsPerTarget + fping.cpuUncertaintyMsPerTarget < ping.cpuMsPerTarget - ping.cpuUncertaintyMsPerTarget;
    return [
      {
        targets: n,
        cpuRatio: fping.cpuMsPerTarget / ping.cpuMsPerTarget,
        wallRatio: fping.wallMsPerRound / ping.wallMsPerRound,
        clearlyCheaper,
      },
    ];
  });
  console.log('');
  console.log('targets  fping/ping CPU  fping/ping wall  fping clearly cheaper');
  for (const c of comparisons) {
    console.log(`${String(c.targets).padStart(7)} ${fmt(c.cpuRatio, 14, 3)} ${fmt(c.wallRatio, 16, 3)}  ${c.clearlyCheaper ? 'yes' : 'no (tie or dearer)'}`);
  }

  // Crossover: the smallest measured count from which on fping is clearly cheaper at every
  // larger measured count. The threshold is the count just below it: `auto` uses fping ABOVE it.
  let crossover: number | null = null;
  for (let i = comparisons.length - 1; i >= 0; i--) {
    const c = comparisons[i];
    if (!c || !c.clearlyCheaper) break;
    crossover = c.targets;
  }
  const suggestedThreshold = crossover === null ? null : crossover - 1;
  console.log('');
  console.log(
    crossover === null
      ? 'crossover: fping was not clearly cheaper at the largest measured count; keep auto on ping'
      : `crossover: fping clearly uses less CPU per target from ${crossover} target(s) on → AUTO_FPING_THRESHOLD = ${suggestedThreshold}`,
  );
  if (skipped.length > 0) console.log(`skipped (time budget): ${skipped.join(', ')} targets`);
  console.log(
    JSON.stringify({
      options: OPTIONS,
      clockTicksPerSecond: ticksPerSecond,
      fpingPresent,
      cells: cells.map((c) => ({
        ...c,
        selfMsPerTarget: round4(c.selfMsPerTarget),
        childrenMsPerTarget: round4(c.childrenMsPerTarget),
        cpuMsPerTarget: round4(c.cpuMsPerTarget),
        cpuUncertaintyMsPerTarget: round4(c.cpuUncertaintyMsPerTarget),
        wallMsPerRound: Number(c.wallMsPerRound.toFixed(1)),
      })),
      ratios: comparisons.map((c) => ({
        targets: c.targets,
        cpu: round4(c.cpuRatio),
        wall: round4(c.wallRatio),
        fpingClearlyCheaper: c.clearlyCheaper,
      })),
      crossover,
      suggestedThreshold,
      skipped,
      totalMs: Math.round(performance.now() - benchStarted),
    }),
  );
}

await main();
