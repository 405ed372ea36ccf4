const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/**
 * Parses `30s`, `5m`, `1h30m`, `500ms`, `7d` into milliseconds. Hand-written rather than `ms`
 * because the config must reject `30` (which unit?) and `30 sec` with a precise message, and
 * accept compound values a technician writes naturally.
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) {
    return { ok: false, message: `expected a duration such as 500ms, 30s, 5m, 1h30m or 7d; got "${text}"` };
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return { ok: true, ms: total };
}

/** The shortest exact spelling, for messages and docs: 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return parts.join('');
}
