import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

// CPU time and memory of processes, read from /proc (Linux). Parsing is pure; reading is one
// synchronous file read so that a sample costs microseconds, not an event-loop turn.

const run = promisify(execFile);

/** CPU times of one process, in clock ticks (`getconf CLK_TCK`, 100 on Linux). */
export interface ProcCpuTicks {
  utime: number;
  stime: number;
  /** Children that have exited and been waited for. */
  cutime: number;
  cstime: number;
}

/**
 * Fields 14–17 of /proc/PID/stat. The command name (field 2) is in parentheses and may itself
 * contain spaces and `)`, so fields are counted after the LAST `)`.
 */
export function parseProcStat(text: string): ProcCpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/PID/stat line: "${text.slice(0, 80)}"`);
  // After ") " come field 3 (state) onwards: field N is at index N - 3.
  const fields = text.slice(close + 2).trim().split(' ');
  const field = (n: number) => {
    const value = Number(fields[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/PID/stat field ${n} is not a number: "${fields[n - 3]}"`);
    return value;
  };
  return { utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

/** Ticks per second for /proc/PID/stat times. */
export async function clockTicksPerSecond(): Promise<number> {
  const { stdout } = await run('getconf', ['CLK_TCK']);
  const ticks = Number(stdout.trim());
  if (!Number.isInteger(ticks) || ticks <= 0) throw new Error(`getconf CLK_TCK printed "${stdout.trim()}"`);
  return ticks;
}

/** A CPU reader for one process: milliseconds of user + system time, its reaped children's included. */
export function cpuReader(pid: number | 'self', ticksPerSecond: number): () => number {
  const path = `/proc/${pid}/stat`;
  return () => {
    const t = parseProcStat(readFileSync(path, 'utf8'));
    return ((t.utime + t.stime + t.cutime + t.cstime) * 1000) / ticksPerSecond;
  };
}

/** `VmHWM` (peak resident set since the process started) from /proc/self/status, in bytes. */
export function peakRssBytes(): number {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error('/proc/self/status has no VmHWM line');
  return Number(match[1]) * 1024;
}

/** The 1-minute load average: how busy the machine was, for reading noisy results. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

export interface RssSampler {
  /** Highest resident set seen so far, in bytes. */
  peak(): number;
  /** process.memoryUsage() at that peak: what the resident set was made of (V8 heap, buffers). */
  atPeak(): NodeJS.MemoryUsage;
  stop(): number;
}

/** Samples this process's resident set every `periodMs` and keeps the highest value. */
export function sampleRss(periodMs: number): RssSampler {
  let atPeak = process.memoryUsage();
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss > atPeak.rss) atPeak = usage;
  }, periodMs);
  timer.unref();
  return {
    peak: () => atPeak.rss,
    atPeak: () => atPeak,
    stop() {
      clearInterval(timer);
      return atPeak.rss;
    },
  };
}
