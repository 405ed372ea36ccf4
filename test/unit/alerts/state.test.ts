import { describe, expect, it } from 'vitest';
import { failing, initialCondition, initialTracker, restoredTracker, step, stepCondition, type Round, type TrackerEvent, type TrackerSettings, type TrackerState } from '../../../collector/alerts/state.ts';

// Defaults: ICMP every 30 s, down after 3 failed rounds, up after 2 good ones.
const INTERVAL = 30_000;
const defaults: TrackerSettings = { downAfter: 3, upAfter: 2, flapping: { window: 15 * 60_000, changes: 6, settleAfter: 10 * 60_000 } };

/** Plays a pattern of rounds, one per interval: `+` good, `-` failed (no reply), `i` failed (interface down). */
function play(pattern: string, settings = defaults, start: TrackerState = initialTracker(0)) {
  let state = start;
  const events: TrackerEvent[] = [];
  [...pattern].forEach((char, index) => {
    const atMs = (index + 1) * INTERVAL;
    const round: Round = char === '+' ? { atMs, ok: true } : { atMs, ok: false, cause: char === 'i' ? 'interface-down' : 'no-reply' };
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
    ['two lost rounds are a blip', '++--+', 'up', ['first-up', 'blip']],
    ['three lost rounds are down', '++---', 'down', ['first-up', 'down']],
    ['down stays down on one good round', '++---+', 'down', ['first-up', 'down']],
    ['down, then two good rounds: up', '++---++', 'up', ['first-up', 'down', 'up']],
    ['one good round inside an outage does not end it', '++---+--++', 'up', ['first-up', 'down', 'up']],
    ['silent from the start: down after three, never up', '---', 'down', ['down']],
    ['silent for two rounds from the start: unknown with a blip', '--+', 'up', ['blip', 'first-up']],
  ] as const)('%s (%s)', (_name, pattern, health, types) => {
    const { state, types: got } = play(pattern);
    expect(state.health).toBe(health);
    expect(got).toEqual(types);
  });

  it('backdates the outage to its first failed round and ends it at its first good round', () => {
    const { events, state } = play('++----++');
    const down = events.find((event) => event.type === 'down')!;
    expect(down).toMatchObject({ atMs: at(5), startMs: at(3), cause: 'no-reply' });
    const up = events.find((event) => event.type === 'up')!;
    expect(up).toMatchObject({ atMs: at(8), startMs: at(3), endMs: at(7), rounds: 4 });
    expect(state.sinceMs).toBe(at(7));
  });

  it('records a blip with its rounds and times', () => {
    const { events } = play('+--+');
    expect(events.find((event) => event.type === 'blip')).toMatchObject({ startMs: at(2), endMs: at(4), rounds: 2 });
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

  it('judges flapping on raw rounds, even when no outage reached down', () => {
    // Eight changes in eight minutes, each failure shorter than three rounds.
    const { types, state } = play('++-+-+-+-+');
    expect(types.filter((type) => type === 'down')).toEqual([]);
    expect(types).toContain('flapping-start');
    expect(state.flapping).toBe(true);
    expect(failing(state)).toBe(false);
  });

  it('settles after settleAfter without a change, saying in which state', () => {
    const quiet = '+'.repeat(20); // 10 minutes at 30 s
    const { events, state } = play('++-+-+-+-+' + quiet);
    expect(state.flapping).toBe(false);
    expect(events.filter((event) => event.type === 'flapping-start')).toHaveLength(1);
    expect(events.find((event) => event.type === 'flapping-end')).toMatchObject({ health: 'up' });
  });

  it('settles down when the flapping ends in an outage', () => {
    const { events } = play('++-+-+-+-+' + '-'.repeat(21));
    expect(events.find((event) => event.type === 'flapping-end')).toMatchObject({ health: 'down' });
  });

  it('needs a new burst of changes to flap again after settling', () => {
    const quiet = '+'.repeat(21);
    const { types } = play('++-+-+-+-+' + quiet + '-' + '+'.repeat(5));
    expect(types.filter((type) => type === 'flapping-start')).toHaveLength(1);
  });

  it('does not call slow changes flapping', () => {
    // One blip every ten minutes: two changes per window.
    const pattern = ('+'.repeat(19) + '-').repeat(6);
    expect(play(pattern).types).not.toContain('flapping-start');
  });

  it('restores a down subject so that recovery still needs upAfter good rounds', () => {
    const restored = restoredTracker('down', 1_000, defaults, 'no-reply');
    const one = step(restored, { atMs: 60_000, ok: true }, defaults);
    expect(one.state.health).toBe('down');
    expect(one.events).toEqual([]);
    const two = step(one.state, { atMs: 90_000, ok: true }, defaults);
    expect(two.events).toEqual([{ type: 'up', atMs: 90_000, startMs: 1_000, endMs: 60_000, rounds: 3 }]);
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
