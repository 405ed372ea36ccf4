import { spawn } from 'node:child_process';

// The collector runs in production through bin/linkwatch.js, whose shebang passes flags to node
// (`#!/usr/bin/env -S node --openssl-legacy-provider …`). A benchmark of its CPU and memory must
// run under the same flags — heap limits added there change peak RSS and GC cost — so the
// benchmark re-runs itself with whatever flags the launcher names and this process lacks.

/** Node options named on a `#!/usr/bin/env -S node …` line; empty for any other first line. */
export function launcherNodeFlags(firstLine: string): string[] {
  const match = /^#!\S*\/env\s+-S\s+node((?:\s+-\S+)*)\s*$/.exec(firstLine.trim()) ?? /^#!\S*\/node((?:\s+-\S+)*)\s*$/.exec(firstLine.trim());
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** Marks the re-run process, so it never re-runs itself again. */
export const RELAUNCHED_ENV = 'LINKWATCH_BENCH_RELAUNCHED';

/**
 * Runs this script again under `flags` (plus this process's own node options, e.g. tsx's loader)
 * and resolves with its exit code. Ctrl-C reaches the child directly (same process group), which
 * cleans up; a SIGTERM sent to this process alone is passed on.
 */
export function relaunchWith(flags: readonly string[], args: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, process.argv[1]!, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  });
  // Keep this process alive while the child cleans up after Ctrl-C.
  const onSigint = () => undefined;
  const onSigterm = () => child.kill('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      resolve(code ?? (signal ? 128 + 15 : 2));
    });
  });
}
