// The state machine of one link or device, pure: round results and time in, state and events
// out. It decides only the subject's own health (up, down, flapping); what that means for the
// site and for notifications (dependencies, maintenance, grouping) is decided above it.

export interface TrackerSettings {
  /** Consecutive failed rounds before `down`, for rounds that carry no evidence of their own
   * (SNMP polls, interface reports); ICMP rounds say themselves when they are decisive. */
  downAfter: number;
  /** Consecutive good rounds before `up` again. */
  upAfter: number;
  /** `changes`: the decided change of state (down, up, down…) within `window` that makes the
   * subject flapping; it settles after `settleAfter` without any change. */
  flapping: { window: number; changes: number; settleAfter: number };
}

/** Why a round failed, as stored in `cause` fields. */
export type FailureCause = 'no-reply' | 'interface-down' | 'silent';

/** What a failed ICMP round adds up to: when the run of lost echoes began (possibly inside an
 * earlier round that still got answers) and whether it is long enough to call the subject down
 * (see evidence.ts: the run a link's own random loss would not make). */
export interface FailureEvidence {
  startMs: number;
  decisive: boolean;
}

export type Round = { atMs: number; ok: true } | { atMs: number; ok: false; cause: FailureCause; evidence?: FailureEvidence };

export type Health = 'unknown' | 'up' | 'down';

export interface TrackerState {
  health: Health;
  /** When `health` began: a down state is backdated to its first lost echo (or failed round),
   * an up state to the first good round after the outage. */
  sinceMs: number;
  cause?: FailureCause;
  failStreak: number;
  goodStreak: number;
  /** When the current run of failures / good rounds began. */
  failStartMs?: number;
  goodStartMs?: number;
  /** The last round. */
  last?: Round;
  /** When each decided change (down, up) inside the flapping window really happened. */
  changes: readonly number[];
  /** The last change of any kind (decided, or a round failing or answering): while flapping,
   * settling waits for `settleAfter` of quiet. */
  lastChangeMs?: number;
  flapping: boolean;
  flappingSinceMs?: number;
}

export type TrackerEvent =
  /** Decided down (the evidence was decisive, or downAfter failed rounds); the outage started at `startMs`. */
  | { type: 'down'; atMs: number; startMs: number; cause: FailureCause }
  /** Decided up at the upAfter-th good round; the outage ended at `endMs` (its first good round). */
  | { type: 'up'; atMs: number; startMs: number; endMs: number; rounds: number }
  /** The first answer of a subject never decided before. */
  | { type: 'first-up'; atMs: number }
  /** Failures that ended before they were decisive: recorded, never notified. */
  | { type: 'blip'; atMs: number; startMs: number; endMs: number; rounds: number; cause: FailureCause }
  | { type: 'flapping-start'; atMs: number; changes: number }
  | { type: 'flapping-end'; atMs: number; health: Health };

export const initialTracker = (atMs: number): TrackerState => ({ health: 'unknown', sinceMs: atMs, failStreak: 0, goodStreak: 0, changes: [], flapping: false });

/** A tracker restored from the last recorded state, so a restart neither repeats nor forgets an
 * outage: a subject that was down must show upAfter good rounds before it is up again. */
export function restoredTracker(health: Health, sinceMs: number, settings: TrackerSettings, cause?: FailureCause): TrackerState {
  if (health === 'down') return { ...initialTracker(sinceMs), health, cause, failStreak: settings.downAfter, failStartMs: sinceMs };
  return { ...initialTracker(sinceMs), health };
}

export interface StepResult {
  state: TrackerState;
  events: TrackerEvent[];
}

export function step(state: TrackerState, input: Round, settings: TrackerSettings): StepResult {
  const events: TrackerEvent[] = [];
  // Rounds come from pings, polls and traps, each stamped at its own start: one that began
  // before the last one counts as at the same instant, so no outage ends before it began.
  const round: Round = state.last && input.atMs < state.last.atMs ? { ...input, atMs: state.last.atMs } : input;
  const previous = state.last;
  let next: TrackerState = { ...state, last: round };
  /** Real times of the decided changes this round makes. */
  const decided: number[] = [];

  if (round.ok) {
    const goodStartMs = state.goodStreak === 0 ? round.atMs : state.goodStartMs!;
    next = { ...next, goodStreak: state.goodStreak + 1, goodStartMs };
    if (state.failStreak > 0 && state.health !== 'down') {
      events.push({ type: 'blip', atMs: round.atMs, startMs: state.failStartMs!, endMs: round.atMs, rounds: state.failStreak, cause: state.cause ?? 'no-reply' });
    }
    if (state.health === 'down') {
      if (next.goodStreak >= settings.upAfter) {
        events.push({ type: 'up', atMs: round.atMs, startMs: state.sinceMs, endMs: goodStartMs, rounds: state.failStreak });
        decided.push(goodStartMs);
        next = { ...next, health: 'up', sinceMs: goodStartMs, cause: undefined, failStreak: 0, failStartMs: undefined };
      }
      // Until then the outage goes on: its failed-round count is kept for the record.
    } else {
      if (state.health === 'unknown') events.push({ type: 'first-up', atMs: round.atMs });
      next = { ...next, health: 'up', sinceMs: state.health === 'up' ? state.sinceMs : round.atMs, cause: undefined, failStreak: 0, failStartMs: undefined };
    }
  } else {
    const inOutage = state.health === 'down';
    // A good run shorter than upAfter inside an outage does not end it: the count goes on.
    const newRun = !inOutage && (state.goodStreak > 0 || state.failStreak === 0);
    const failStreak = newRun ? 1 : state.failStreak + 1;
    // Evidence may place the start inside the round before (its last echoes were lost).
    const failStartMs = inOutage ? (state.failStartMs ?? state.sinceMs) : newRun ? Math.min(round.evidence?.startMs ?? round.atMs, round.atMs) : state.failStartMs!;
    next = { ...next, failStreak, failStartMs, goodStreak: 0, goodStartMs: undefined, cause: inOutage ? state.cause : round.cause };
    const decisive = round.evidence ? round.evidence.decisive : failStreak >= settings.downAfter;
    if (!inOutage && decisive) {
      events.push({ type: 'down', atMs: round.atMs, startMs: failStartMs, cause: round.cause });
      decided.push(failStartMs);
      next = { ...next, health: 'down', sinceMs: failStartMs, cause: round.cause };
    }
  }

  const since = round.atMs - settings.flapping.window;
  next.changes = [...state.changes, ...decided].filter((at) => at > since);
  const rawChange = previous !== undefined && previous.ok !== round.ok;
  if (rawChange || decided.length > 0) next.lastChangeMs = round.atMs;

  if (!next.flapping && decided.length > 0 && next.changes.length >= settings.flapping.changes) {
    next = { ...next, flapping: true, flappingSinceMs: next.changes[0] };
    events.push({ type: 'flapping-start', atMs: round.atMs, changes: next.changes.length });
  } else if (next.flapping && round.atMs - (next.lastChangeMs ?? round.atMs) >= settings.flapping.settleAfter) {
    // Settled: the old changes are spent, so it takes a new burst to call it flapping again.
    next = { ...next, flapping: false, flappingSinceMs: undefined, changes: [] };
    events.push({ type: 'flapping-end', atMs: round.atMs, health: next.health });
  }
  return { state: next, events };
}

/** Whether the subject's latest round failed, or it is down: a sign that something above it
 * may be going down too. */
export const failing = (state: TrackerState): boolean => state.health === 'down' || (state.last !== undefined && !state.last.ok);

// ---------------------------------------------------------------------------------------------
// Threshold conditions (loss, latency, utilisation, errors): true for `forMs` → breached; false
// for `clearAfter` consecutive rounds → cleared. Rounds with no measure (a failed round: loss
// is the outage's business) leave the condition as it is.
// ---------------------------------------------------------------------------------------------

export interface ConditionSettings {
  above: number;
  forMs: number;
  clearAfter: number;
}

export interface ConditionState {
  breached: boolean;
  /** First round of the current run over the threshold. */
  overSinceMs?: number;
  underStreak: number;
  /** Since when a breached condition has been at or below its clearing level (loss). */
  underSinceMs?: number;
  /** The worst value of the current run, for the message. */
  peak?: number;
  last?: number;
}

export type ConditionEvent =
  | { type: 'breached'; atMs: number; startMs: number; value: number }
  | { type: 'cleared'; atMs: number; startMs: number; value: number };

export const initialCondition = (): ConditionState => ({ breached: false, underStreak: 0 });

export function stepCondition(state: ConditionState, atMs: number, value: number | undefined, settings: ConditionSettings): { state: ConditionState; event?: ConditionEvent } {
  if (value === undefined || Number.isNaN(value)) return { state };
  if (value > settings.above) {
    const overSinceMs = state.overSinceMs ?? atMs;
    const peak = Math.max(state.peak ?? value, value);
    const next: ConditionState = { ...state, overSinceMs, underStreak: 0, peak, last: value };
    if (!state.breached && atMs - overSinceMs >= settings.forMs) {
      return { state: { ...next, breached: true }, event: { type: 'breached', atMs, startMs: overSinceMs, value } };
    }
    return { state: next };
  }
  if (!state.breached) return { state: { breached: false, underStreak: 0, last: value } };
  const underStreak = state.underStreak + 1;
  if (underStreak >= settings.clearAfter) {
    return { state: { breached: false, underStreak: 0, last: value }, event: { type: 'cleared', atMs, startMs: state.overSinceMs!, value } };
  }
  return { state: { ...state, underStreak, last: value } };
}

/** The loss rule's settings: fire when the loss over the last `forMs` is above `above`; clear
 * when it has stayed at or below `below` for another `forMs` (a band and a hold-down, so a link
 * hovering at the threshold gives one alert, not one an hour). */
export interface LossWindowSettings {
  above: number;
  below: number;
  forMs: number;
}

/**
 * The loss rule on a rolling window (the share of echoes lost over the last `forMs`), not on
 * single rounds: with five echoes a round, a link losing 30 % has rounds at 0 % and 20 % often
 * enough that "every round above 20 %" would never hold. `lossPct` and `spanMs` describe the
 * window; it must reach back the whole `forMs` before the rule may fire.
 */
export function stepLossWindow(state: ConditionState, atMs: number, window: { lossPct: number; spanMs: number } | undefined, settings: LossWindowSettings): { state: ConditionState; event?: ConditionEvent } {
  if (window === undefined || Number.isNaN(window.lossPct)) return { state };
  const value = window.lossPct;
  if (!state.breached) {
    if (value > settings.above && window.spanMs >= settings.forMs) {
      const startMs = atMs - window.spanMs;
      return { state: { breached: true, overSinceMs: startMs, underStreak: 0, peak: value, last: value }, event: { type: 'breached', atMs, startMs, value } };
    }
    return { state: { breached: false, underStreak: 0, last: value } };
  }
  if (value <= settings.below) {
    const underSinceMs = state.underSinceMs ?? atMs;
    if (atMs - underSinceMs >= settings.forMs) return { state: { breached: false, underStreak: 0, last: value }, event: { type: 'cleared', atMs, startMs: state.overSinceMs!, value } };
    return { state: { ...state, underSinceMs, last: value } };
  }
  return { state: { ...state, underSinceMs: undefined, peak: Math.max(state.peak ?? value, value), last: value } };
}
