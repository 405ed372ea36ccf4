import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../model/alerts.ts';
import { bucketStates, buildStrips, encodeStrip, stripWindow } from '../../../model/strips.ts';
import { decodeStripRows, stripStatement } from '../../../store/strips.ts';

const H = 3_600_000;
const window = { fromMs: 0, toMs: 4 * H, buckets: 4 };
const at = (hours: number, state: EntityState) => ({ atMs: hours * H, state });

describe('strip buckets', () => {
  it.each<[string, EntityState, ReturnType<typeof at>[], string]>([
    ['no change: the initial state throughout', 'up', [], 'uuuu'],
    ['never recorded: no data, never up', 'unknown', [], 'nnnn'],
    ['a down minute inside an up hour makes the hour down', 'up', [at(1.5, 'down'), at(1.52, 'up')], 'uduu'],
    ['a change on a boundary belongs to the bucket it starts', 'degraded', [at(2, 'up')], 'gguu'],
    ['the state carried in from before the range', 'down', [at(2.5, 'up')], 'dddu'],
    ['down beats degraded, degraded beats unreachable', 'up', [at(0.1, 'unreachable'), at(0.2, 'degraded'), at(0.3, 'down'), at(0.4, 'up')], 'duuu'],
    ['no data beats maintenance and up', 'maintenance', [at(3.2, 'unknown'), at(3.3, 'maintenance')], 'mmmn'],
    ['changes outside the range are ignored, unsorted ones sorted', 'up', [at(5, 'down'), at(-1, 'down'), at(3.5, 'down'), at(1.5, 'degraded')], 'uggd'],
  ])('%s', (_, initial, changes, strip) => {
    expect(encodeStrip(bucketStates(initial, changes, window))).toBe(strip);
  });

  it('aligns the window to whole buckets ending after now', () => {
    const now = Date.UTC(2026, 11, 7, 9, 10);
    const w = stripWindow(now, { hours: 24, buckets: 48 });
    expect(w.bucketMs).toBe(30 * 60_000);
    expect(w.toMs).toBe(Date.UTC(2026, 11, 7, 9, 30));
    expect(w.toMs - w.fromMs).toBe(24 * H);
    expect(stripWindow(now + 60_000, { hours: 24, buckets: 48 })).toEqual(w);
  });

  it('builds every link and site from one read, the snapshot for entities without changes', () => {
    const answer = buildStrips({
      window: { ...window, bucketMs: H },
      entities: [
        { kind: 'link', id: 'nam-xe-vnpt', current: 'up' },
        { kind: 'link', id: 'ta-van-vnpt', current: 'degraded' },
        { kind: 'site', id: 'nam-xe', current: 'up' },
        { kind: 'link', id: 'y-ty-vnpt', current: 'up' },
      ],
      changes: [
        { entityKind: 'link', entity: 'nam-xe-vnpt', before: 'up', changes: [at(1.2, 'down'), at(2.1, 'up')] },
        { entityKind: 'site', entity: 'nam-xe', before: 'up', changes: [at(1.2, 'down'), at(2.1, 'up')] },
        // First change without `previous`: what came before is not known.
        { entityKind: 'link', entity: 'y-ty-vnpt', changes: [at(3, 'up')] },
      ],
    });
    expect(answer.links).toEqual({ 'nam-xe-vnpt': 'uddu', 'ta-van-vnpt': 'gggg', 'y-ty-vnpt': 'nnnu' });
    expect(answer.sites).toEqual({ 'nam-xe': 'uddu' });
    expect(answer.codes.d).toBe('down');
  });
});

describe('strip rows', () => {
  it('asks once for every entity over the range', () => {
    expect(stripStatement({ fromMs: 1000, toMs: 2000 })).toBe('SELECT "state", "previous" FROM "events"."entity_state" WHERE time >= 1000ms AND time < 2000ms GROUP BY "entity_kind", "entity" ORDER BY time ASC');
  });

  it('decodes one series per entity, the first row’s previous as the state before', () => {
    const decoded = decodeStripRows({
      statement_id: 0,
      series: [
        { name: 'entity_state', tags: { entity_kind: 'link', entity: 'a' }, columns: ['time', 'state', 'previous'], values: [[10, 'down', 'up'], [20, 'bogus', 'down'], [30, 'up', 'down']] },
        { name: 'entity_state', tags: { entity_kind: 'collector', entity: 'x' }, columns: ['time', 'state', 'previous'], values: [[10, 'down', 'up']] },
        { name: 'entity_state', tags: { entity_kind: 'site', entity: 's' }, columns: ['time', 'state', 'previous'], values: [[10, 'down', null]] },
      ],
    });
    expect(decoded).toEqual([
      { entityKind: 'link', entity: 'a', before: 'up', changes: [{ atMs: 10, state: 'down' }, { atMs: 30, state: 'up' }] },
      { entityKind: 'site', entity: 's', changes: [{ atMs: 10, state: 'down' }] },
    ]);
  });
});
