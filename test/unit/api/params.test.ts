import { describe, expect, it } from 'vitest';
import { idParam, resolveRange, timeParam } from '../../../api/params.ts';

const NOW = Date.UTC(2026, 11, 5);

describe('timeParam', () => {
  it.each([
    ['2026-11-01T00:00:00+07:00', Date.UTC(2026, 9, 31, 17)],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['1764547200000', 1764547200000],
    ['now', NOW],
    ['now-24h', NOW - 86_400_000],
    ['-30d', NOW - 30 * 86_400_000],
  ])('%s', (text, expected) => {
    const parsed = timeParam.safeParse(text);
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(resolveRange({ from: parsed.data, to: { kind: 'absolute', ms: NOW + 1 } }, { nowMs: NOW, defaultMs: 1 }).ok && (parsed.data.kind === 'absolute' ? parsed.data.ms : NOW + parsed.data.offsetMs)).toBe(expected);
  });

  it.each(['yesterday', 'now-', 'now-5x', '2026-13-45', '" OR 1=1', '1; DROP', ''])('refuses %j', (text) => {
    expect(timeParam.safeParse(text).success).toBe(false);
  });
});

describe('resolveRange', () => {
  it('defaults to the last defaultMs and refuses backwards, huge and ancient ranges', () => {
    expect(resolveRange({}, { nowMs: NOW, defaultMs: 3_600_000 })).toEqual({ ok: true, fromMs: NOW - 3_600_000, toMs: NOW });
    expect(resolveRange({ from: { kind: 'relative', offsetMs: 0 }, to: { kind: 'relative', offsetMs: -1 } }, { nowMs: NOW, defaultMs: 1 }).ok).toBe(false);
    expect(resolveRange({ from: { kind: 'relative', offsetMs: -10 * 86_400_000 } }, { nowMs: NOW, defaultMs: 1, maxMs: 86_400_000 }).ok).toBe(false);
    expect(resolveRange({ from: { kind: 'absolute', ms: 0 } }, { nowMs: NOW, defaultMs: 1 }).ok).toBe(false);
  });
});

describe('idParam', () => {
  it.each(['nam-xe', 'a', 'x_1'])('accepts %s', (id) => expect(idParam.safeParse(id).success).toBe(true));
  it.each(['Nam', '-a', 'a"b', "a' OR 'x", 'a/../b', 'a\nb', 'x'.repeat(65), ''])('refuses %j', (id) => expect(idParam.safeParse(id).success).toBe(false));
});
