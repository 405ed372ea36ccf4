/**
 * Pure parsing of what `fping -C N` (fping 5.x) writes to stderr. Everything fping reports
 * per target ends up there; stdout only repeats each echo as it happens and is not needed.
 *
 * Line shapes, all captured on Debian's fping 5.1 (see test/fixtures/icmp/README.md):
 * - summary, one per probed target, name padded to the longest name:
 *   `127.0.0.1   : 0.033 0.116 -` (`-` = no reply to that echo; only echoes actually sent
 *   are listed, so a run interrupted by SIGINT gives shorter lists)
 * - ICMP errors caused by our echoes (printed only WITHOUT `-q`):
 *   `ICMP Host Unreachable from 10.250.29.1 for ICMP Echo sent to 10.250.29.3`
 * - a name that did not resolve (also only without `-q`): `no-such-host.invalid: Name or service not known`
 * - fping's own errors: `fping: invalid option -- 'z'`
 * - with `-q`, duplicates: `127.0.0.1 : duplicate for [0], 64 bytes, 0.05 ms` (ignored)
 */

export interface FpingTargetReport {
  /** One entry per echo sent, `null` where no reply came. */
  rttsMs: (number | null)[];
  /** ICMP error messages about this target's echoes, e.g. `ICMP Host Unreachable from 10.250.29.1`. */
  icmpErrors: string[];
  /** True when one of `icmpErrors` says the destination is unreachable. */
  unreachable: boolean;
}

export interface FpingReport {
  /** Keyed by the name as given to fping (fping prints it back verbatim, without `-A`/`-n`). */
  targets: Map<string, FpingTargetReport>;
  /** Per-name messages for names fping could not use (resolution failures), keyed by name. */
  nameErrors: Map<string, string>;
  /** fping's own error lines (`fping: …`), prefix removed. */
  errors: string[];
  /** Non-empty lines matching nothing above, kept for messages (usage text, perror output). */
  unparsed: string[];
}

// `host : 0.05 - 1.23`. Values are fping's sprint_tm: %.3f below 1 ms, fewer decimals above,
// `%.2g` (possibly exponent form) for the "unexpected" negative case.
const SUMMARY = /^(\S+)\s+:((?:\s+(?:-|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?))*)\s*$/i;
const ICMP_ERROR = /^(ICMP .+?) from (\S+) for ICMP Echo sent to (\S+)\s*$/;
const DUPLICATE = /^\S+\s+: duplicate for \[\d+\]/;
const PROGRAM_ERROR = /^(?:\S*\/)?fping6?: (.*)$/;
// `name: message`: the colon touches the name, unlike a summary line's ` : `.
const NAME_ERROR = /^(\S+): (.+)$/;

const emptyTarget = (): FpingTargetReport => ({ rttsMs: [], icmpErrors: [], unreachable: false });

function parseRtt(token: string): number | null {
  if (token === '-') return null;
  const value = Number(token);
  if (!Number.isFinite(value)) return null;
  // A reply did arrive; a negative figure is fping's clock stepping, not a loss.
  return Math.max(0, value);
}

/** fping `-C N` stderr → per-target RTT lists, ICMP errors and fping's own errors. */
export function parseFpingOutput(stderr: string): FpingReport {
  const targets = new Map<string, FpingTargetReport>();
  const nameErrors = new Map<string, string>();
  const errors: string[] = [];
  const unparsed: string[] = [];
  // ICMP error lines come before the summary; collect them first, attach afterwards.
  const icmp: { target: string; text: string }[] = [];

  for (const rawLine of stderr.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    if (line.trim() === '') continue;

    const summary = SUMMARY.exec(line);
    if (summary) {
      const name = summary[1] as string;
      const tokens = (summary[2] as string).trim().split(/\s+/).filter((token) => token !== '');
      const report = targets.get(name) ?? emptyTarget();
      report.rttsMs = tokens.map(parseRtt);
      targets.set(name, report);
      continue;
    }
    const icmpError = ICMP_ERROR.exec(line);
    if (icmpError) {
      icmp.push({ target: icmpError[3] as string, text: `${icmpError[1] as string} from ${icmpError[2] as string}` });
      continue;
    }
    if (DUPLICATE.test(line)) continue;
    const programError = PROGRAM_ERROR.exec(line);
    if (programError) {
      errors.push(programError[1] as string);
      continue;
    }
    const nameError = NAME_ERROR.exec(line);
    if (nameError) {
      nameErrors.set(nameError[1] as string, nameError[2] as string);
      continue;
    }
    unparsed.push(line);
  }

  for (const { target, text } of icmp) {
    const report = targets.get(target) ?? emptyTarget();
    report.icmpErrors.push(text);
    // Every "…Unreachable…" variant (host, network, admin prohibited, …) means the network
    // refused the echo; Time Exceeded or Redirect do not say that on their own.
    if (/unreachable/i.test(text)) report.unreachable = true;
    targets.set(target, report);
  }

  return { targets, nameErrors, errors, unparsed };
}
