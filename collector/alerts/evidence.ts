import type { IcmpResult } from '../probes/icmp/probe.ts';

// How much a run of lost echoes (or silent polls) says, pure. A round of N echoes that all went
// unanswered is strong evidence on a clean link and weak evidence on a link that loses a third of
// its packets anyway; the decision "down" is held to the same odds on both, by asking the lossy
// link for a longer run. Numbers, not booleans: the README states the false-alarm rate that
// follows from them (falseDownsPerDay), and the tests check it.

/** The odds a link with independent random loss is called down by chance, per echo: a run of
 * `echoesForDown` lost echoes in a row has at most this probability of starting at any echo. */
export const FALSE_DOWN_ODDS = 1e-7;

/** The odds an agent on a lossy path fails every poll of a run by chance (agent-silent). */
export const FALSE_SILENT_ODDS = 1e-6;

/** The longest run asked for, in multiples of the minimum: a link losing more than about half
 * its echoes is barely usable, and its outage must still be told within minutes. */
const LONGEST_RUN_FACTOR = 3;

/** One echo slot per echo sent in a round, merged across the link's targets: answered when any
 * target answered that echo. A target that failed outright lost all of its `count` echoes. */
export function echoSlots(results: readonly IcmpResult[], count: number): boolean[] {
  const slots: boolean[] = Array.from({ length: count }, () => false);
  for (const result of results) {
    if (!result.ok) continue;
    const rtts = result.rttsMs.length > 0 ? result.rttsMs : fallbackRtts(result.sent, result.received);
    rtts.forEach((rtt, index) => {
      if (rtt !== null) slots[index] = true;
    });
  }
  return slots;
}

/** Without per-echo RTTs, the received echoes are taken to be the last ones: a partial round
 * then never opens a run of its own. */
const fallbackRtts = (sent: number, received: number): (number | null)[] => Array.from({ length: sent }, (_, index) => (index >= sent - received ? 0 : null));

/** Lost echoes in a row, across rounds, and when the first of them was sent. */
export interface LostRun {
  lost: number;
  startMs?: number;
}

export const noRun: LostRun = { lost: 0 };

/** The run after one more round of echoes sent `spacingMs` apart from `slotMs`. */
export function extendRun(run: LostRun, slots: readonly boolean[], slotMs: number, spacingMs: number): LostRun {
  let { lost, startMs } = run;
  slots.forEach((answered, index) => {
    if (answered) {
      lost = 0;
      startMs = undefined;
    } else {
      if (lost === 0) startMs = slotMs + index * spacingMs;
      lost += 1;
    }
  });
  return lost === 0 ? noRun : { lost, startMs };
}

/** A run grown by `units` lost at once (a linkDown trap counts as a whole round lost). */
export const addLost = (run: LostRun, units: number, atMs: number): LostRun => ({ lost: run.lost + units, startMs: run.startMs ?? atMs });

/** One round's share of the recent loss: the best target's echoes. */
export interface LossSample {
  atMs: number;
  sent: number;
  lost: number;
}

/** The samples still inside `windowMs` of `atMs`, with `sample` added. */
export function pushSample(window: readonly LossSample[], sample: LossSample, windowMs: number): LossSample[] {
  const since = sample.atMs - windowMs;
  const kept = window.filter((entry) => entry.atMs > since);
  kept.push(sample);
  return kept;
}

/** Lost echoes as a fraction of those sent in the window (only samples after `sinceMs`, when
 * given), 0 with nothing sent. */
export function lossFraction(window: readonly LossSample[], sinceMs = -Infinity): number {
  let sent = 0;
  let lost = 0;
  for (const sample of window) {
    if (sample.atMs <= sinceMs) continue;
    sent += sample.sent;
    lost += sample.lost;
  }
  return sent === 0 ? 0 : lost / sent;
}

/** How much time the samples after `sinceMs` stand for: from the oldest of them to `atMs`,
 * plus the interval the oldest one measured. */
export function coveredMs(window: readonly LossSample[], atMs: number, sinceMs: number, intervalMs: number): number {
  const oldest = window.find((sample) => sample.atMs > sinceMs);
  return oldest === undefined ? 0 : atMs - oldest.atMs + intervalMs;
}

/** How many lost echoes in a row make a link down: `minimum` (downAfter rounds' worth) on a
 * clean link, more on a lossy one, so that the link's own random loss `loss` (0–1) produces such
 * a run with odds below FALSE_DOWN_ODDS — at most LONGEST_RUN_FACTOR × minimum. */
export function echoesForDown(loss: number, minimum: number): number {
  if (!(loss > 0)) return minimum;
  if (loss >= 1) return minimum * LONGEST_RUN_FACTOR;
  const needed = Math.ceil(Math.log(FALSE_DOWN_ODDS) / Math.log(loss) - 1e-9);
  return Math.min(minimum * LONGEST_RUN_FACTOR, Math.max(minimum, needed));
}

/**
 * Expected false "down" decisions per link per day for a link with independent random loss
 * `loss` (0–1) and no outage: a false decision needs a run of `echoesForDown` lost echoes, which
 * starts at a given echo with probability (1 − loss) × loss^K. An upper bound: the run must also
 * end in a whole round lost, which not every such run does.
 */
export function falseDownsPerDay(loss: number, settings: { intervalMs: number; count: number; downAfter: number }): number {
  const echoesPerDay = (86_400_000 / settings.intervalMs) * settings.count;
  const needed = echoesForDown(loss, settings.downAfter * settings.count);
  return echoesPerDay * (1 - loss) * loss ** needed;
}

/** The chance one SNMP poll fails by chance on a path losing `loss` of its packets: a poll is
 * `requests` requests (a walk of ifTable and ifXTable is a few dozen), and it fails when any of
 * them loses every try (request and answer both must get through). */
export const pollFailureOdds = (loss: number, retries: number, requests: number): number => 1 - (1 - (1 - (1 - loss) ** 2) ** (retries + 1)) ** Math.max(1, requests);

/** Silent polls in a row (the address answering ping) that make an agent silent rather than a
 * path losing packets: `minimum` on a clean path, more on a lossy one, at most 10 × minimum. */
export function pollsForAgentSilent(pathLoss: number, settings: { retries: number; requests: number; minimum: number }): number {
  const odds = pollFailureOdds(pathLoss, settings.retries, settings.requests);
  if (!(odds > 0)) return settings.minimum;
  const cap = settings.minimum * 10;
  if (odds >= 1) return cap;
  const needed = Math.ceil(Math.log(FALSE_SILENT_ODDS) / Math.log(odds) - 1e-9);
  return Math.min(cap, Math.max(settings.minimum, needed));
}
