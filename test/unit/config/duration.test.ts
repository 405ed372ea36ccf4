import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../config/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['1m30s', 90_000],
    [' 2h ', 7_200_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['30', '30 s', '5min', '', '-5s', '1.5h', 's'])('rejects %j and says what is expected', (text) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/expected a duration such as .*30s.*got/);
  });

  it.each([
    [0, '0s'],
    [90_000, '1m30s'],
    [86_400_000 + 1, '1d1ms'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
