import { describe, expect, it } from 'vitest';
import { initialCondition, initialTracker, restoredTracker, step, stepCondition, stepLossWindow, type Round, type TrackerEvent, type TrackerSettings, type TrackerState } from '../../../collector/alerts/state.ts';

// Defaults: ICMP every 30 s, down after 2 failed rounds (for rounds without echo evidence), up
// after 2 good ones, flapping at the third decided change within 15 minutes.
const INTERVAL = 30_000;
const defaults: TrackerSettings = { downAfter: 2, upAfter: 2, flapping: { window: 15 * 60_000, changes: 3, settleAfter: 10 * 60_000 } };

/**
 * Plays a pattern of rounds, one per interval: `+` good, `-` failed (no reply, no evidence of its
 * own: counted against downAfter), `i` failed (interface down), `x` failed with evidence that is
 * not decisive yet, `X` failed with decisive evidence. Evidence starts 10 s before its first round.
 */
function play(pattern: string, settings = defaults, start: TrackerState = initialTracker(0)) {
  let state = start;
  const events: TrackerEvent[] = [];
  let runStartMs: number | undefined;
  [...pattern].forEach((char, index) => {
    const atMs = (index + 1) * INTERVAL;
    if (char === '+') runStartMs = undefined;
    else if (runStartMs === undefined) runStartMs = atMs - 10_000;
    const evidence = char === 'x' || char === 'X' ? { startMs: runStartMs!, decisive: char === 'X' } : undefined;
    const round: Round = char === '+' ? { atMs, ok: true } : { atMs, ok: false, cause: char === 'i' ? 'interface-down' : 'no-reply', ...(evidence ? { evidence } : {}) };
    const result = step(state, round, settings);
    state = result.state;
    events.push(...result.events);
  });
  return { state, events, types: events.map((event) => event.type) };
}
const at = (round: number) => round * INTERVAL;

describe('link state machine', () => {
  it.each([
    ['answers from the start', '+++', 'up', ['first-up']],
    ['one lost round is a blip', '++-++', 'up', ['first-up', 'blip']],
    ['two lost rounds are down', '++--', 'down', ['first-up', 'down']],
    ['down stays down on one good round', '++--+', 'down', ['first-up', 'down']],
    ['down, then two good rounds: up', '++--++', 'up', ['first-up', 'down', 'up']],
    ['one good round inside an outage does not end it', '++---+--++', 'up', ['first-up', 'down', 'up']],
    ['silent from the start: down after two, never up', '--', 'down', ['down']],
    ['silent for one round from the start: up with a blip', '-+', 'up', ['blip', 'first-up']],
    ['evidence decides, not the round count: not decisive yet', '++xxx', 'up', ['first-up']],
    ['evidence decides: decisive at the first failed round', '++X', 'down', ['first-up', 'down']],
    ['undecisive evidence that ends is a blip', '++xx+', 'up', ['first-up', 'blip']],
  ] as const)('%s (%s)', (_name, pattern, health, types) => {
    const { state, types: got } = play(pattern);
    expect(state.health).toBe(health);
    expect(got).toEqual(types);
  });

  it('backdates the outage to its first failed round and ends it at its first good round', () => {
    const { events, state } = play('++----++');
    const down = events.find((event) => event.type === 'down')!;
    expect(down).toMatchObject({ atMs: at(4), startMs: at(3), cause: 'no-reply' });
    const up = events.find((event) => event.type === 'up')!;
    expect(up).toMatchObject({ atMs: at(8), startMs: at(3), endMs: at(7), rounds: 4 });
    expect(state.sinceMs).toBe(at(7));
  });

  it('backdates to the first lost echo when the evidence says it was before the round', () => {
    const { events } = play('++xX');
    expect(events.find((event) => event.type === 'down')).toMatchObject({ atMs: at(4), startMs: at(3) - 10_000 });
  });

  it('records a blip with its rounds and times', () => {
    const { events } = play('+-+');
    expect(events.find((event) => event.type === 'blip')).toMatchObject({ startMs: at(2), endMs: at(3), rounds: 1 });
  });

  it('keeps the cause of the first failed round', () => {
    const { state } = play('+iii');
    expect(state).toMatchObject({ health: 'down', cause: 'interface-down' });
  });

  it('honours other thresholds', () => {
    const settings = { ...defaults, downAfter: 1, upAfter: 4 };
    expect(play('+-', settings).state.health).toBe('down');
    expect(play('+-+++', settings).state.health).toBe('down');
    expect(play('+-++++', settings).state.health).toBe('up');
  });

  it('counts a whole day of failures at the default intervals as one outage', () => {
    const { types, state } = play('+' + '-'.repeat(2880) + '++');
    expect(types).toEqual(['first-up', 'down', 'up']);
    expect(state.health).toBe('up');
  });

  it('is flapping at the third decided change: down, up, and down again', () => {
    const { types, state, events } = play('+--++--');
    expect(types).toEqual(['first-up', 'down', 'up', 'down', 'flapping-start']);
    expect(state.flapping).toBe(true);
    // Flapping since the first outage began.
    expect(state.flappingSinceMs).toBe(at(2));
    expect(events.find((event) => event.type === 'flapping-start')).toMatchObject({ atMs: at(7), changes: 3 });
  });

  it('does not call blips flapping: short failures are loss, not changes of state', () => {
    const { types, state } = play('++-+-+-+-+-+-+');
    expect(types).not.toContain('flapping-start');
    expect(types).not.toContain('down');
    expect(state.flapping).toBe(false);
  });

  it('does not call two outages flapping when the second comes after the window', () => {
    // Down, up, then 15 minutes of quiet before the next cut: the first change has left the window.
    const { types } = play('+--++' + '+'.repeat(30) + '--');
    expect(types).not.toContain('flapping-start');
  });

  it('settles after settleAfter without a change, saying in which state', () => {
    const quiet = '+'.repeat(21); // 10 minutes at 30 s, after the last change
    const { events, state } = play('+--++--++' + quiet);
    expect(state.flapping).toBe(false);
    expect(events.filter((event) => event.type === 'flapping-start')).toHaveLength(1);
    expect(events.find((event) => event.type === 'flapping-end')).toMatchObject({ health: 'up' });
  });

  it('keeps flapping while blips go on after it began', () => {
    const { types } = play('+--++--++' + '+-+'.repeat(8));
    expect(types).not.toContain('flapping-end');
  });

  it('settles down when the flapping ends in an outage', () => {
    const { events } = play('+--++--' + '-'.repeat(21));
    expect(events.find((event) => event.type === 'flapping-end')).toMatchObject({ health: 'down' });
  });

  it('needs a new burst of changes to flap again after settling', () => {
    const quiet = '+'.repeat(21);
    const { types } = play('+--++--++' + quiet + '--++');
    expect(types.filter((type) => type === 'flapping-start')).toHaveLength(1);
  });

  it('restores a down subject so that recovery still needs upAfter good rounds', () => {
    const restored = restoredTracker('down', 1_000, defaults, 'no-reply');
    const one = step(restored, { atMs: 60_000, ok: true }, defaults);
    expect(one.state.health).toBe('down');
    expect(one.events).toEqual([]);
    const two = step(one.state, { atMs: 90_000, ok: true }, defaults);
    expect(two.events).toEqual([{ type: 'up', atMs: 90_000, startMs: 1_000, endMs: 60_000, rounds: 2 }]);
  });

  it('does not repeat down for a restored outage that goes on', () => {
    const restored = restoredTracker('down', 1_000, defaults, 'no-reply');
    const { types } = play('---', defaults, restored);
    expect(types).toEqual([]);
  });
});

describe('threshold condition', () => {
  const settings = { above: 20, forMs: 5 * 60_000, clearAfter: 2 };
  const run = (values: (number | undefined)[]) => {
    let state = initialCondition();
    const events = [];
    for (const [index, value] of values.entries()) {
      const result = stepCondition(state, (index + 1) * INTERVAL, value, settings);
      state = result.state;
      if (result.event) events.push(result.event);
    }
    return { state, events };
  };

  it('fires only after the condition held for the whole period', () => {
    expect(run(Array(10).fill(40)).events).toEqual([]);
    const { events } = run(Array(11).fill(40));
    expect(events).toEqual([{ type: 'breached', atMs: at(11), startMs: at(1), value: 40 }]);
  });

  it('starts again after a round under the threshold', () => {
    expect(run([...Array(6).fill(40), 10, ...Array(6).fill(40)]).events).toEqual([]);
  });

  it('ignores rounds without a measure', () => {
    expect(run([...Array(6).fill(40), undefined, ...Array(5).fill(40)]).events.map((event) => event.type)).toEqual(['breached']);
  });

  it('clears after clearAfter rounds under the threshold', () => {
    const { events, state } = run([...Array(11).fill(40), 10, 50, 10, 10]);
    expect(events.map((event) => event.type)).toEqual(['breached', 'cleared']);
    expect(state.breached).toBe(false);
  });
});

describe('loss over a rolling window', () => {
  const settings = { above: 20, below: 10, forMs: 5 * 60_000 };
  const run = (windows: ({ lossPct: number; spanMs: number } | undefined)[]) => {
    let state = initialCondition();
    const events = [];
    for (const [index, window] of windows.entries()) {
      const result = stepLossWindow(state, (index + 1) * INTERVAL, window, settings);
      state = result.state;
      if (result.event) events.push(result.event);
    }
    return { state, events };
  };
  const full = (lossPct: number) => ({ lossPct, spanMs: 5 * 60_000 });

  it('waits until the window reaches back the whole period', () => {
    expect(run([{ lossPct: 60, spanMs: 60_000 }, { lossPct: 60, spanMs: 4 * 60_000 }]).events).toEqual([]);
    expect(run([{ lossPct: 60, spanMs: 5 * 60_000 }]).events).toEqual([{ type: 'breached', atMs: at(1), startMs: at(1) - 5 * 60_000, value: 60 }]);
  });

  it('fires once for a link hovering around the threshold, and clears only after `for` below `below`', () => {
    const { events, state } = run([full(25), full(18), full(22), full(12), full(21), full(15), full(9), full(8), full(12)]);
    expect(events.map((event) => event.type)).toEqual(['breached']);
    expect(state.breached).toBe(true);
    // Ten rounds of 30 s at or below 10 %: five minutes clean.
    const cleared = run([full(25), full(18), ...Array(10).fill(full(10)), full(9)]);
    expect(cleared.events.map((event) => event.type)).toEqual(['breached', 'cleared']);
    expect(cleared.events[1]!.atMs).toBe(at(13));
  });

  it('leaves the state as it is while there is no window (an outage)', () => {
    const { events, state } = run([full(30), undefined, undefined]);
    expect(events.map((event) => event.type)).toEqual(['breached']);
    expect(state.breached).toBe(true);
  });
});
