import { z } from 'zod';
import { parseDuration } from '../config/duration.ts';
import { ID_PATTERN } from '../config/schema.ts';

// Parameters shared by the routes. Every id is checked against the id pattern here and against
// the inventory in the handler, so nothing a client types reaches a query unchecked.

export const idParam = z.string().regex(ID_PATTERN, 'must be an id: 1–64 lowercase letters, digits, "-" or "_"');

/** The longest range one request may ask for: the 1-hour rollups keep five years. */
export const MAX_RANGE_MS = 1_830 * 86_400_000;

/** `2026-11-01T00:00:00+07:00`, `2026-11-01` (midnight UTC), epoch milliseconds, `now`, or
 * `now-24h` / `-24h` relative to the request's time. Resolved against `nowMs` later, so a
 * parameter parses without a clock. */
export type TimeSpec = { kind: 'absolute'; ms: number } | { kind: 'relative'; offsetMs: number };

const RELATIVE = /^(?:now)?(?:-(.+))?$/;

export const timeParam = z.string().transform((text, ctx): TimeSpec => {
  const trimmed = text.trim();
  if (/^\d{10,14}$/.test(trimmed)) return { kind: 'absolute', ms: Number(trimmed) };
  const relative = RELATIVE.exec(trimmed);
  if (relative && (trimmed.startsWith('now') || trimmed.startsWith('-'))) {
    if (relative[1] === undefined) return { kind: 'relative', offsetMs: 0 };
    const parsed = parseDuration(relative[1]);
    if (parsed.ok) return { kind: 'relative', offsetMs: -parsed.ms };
  }
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return { kind: 'absolute', ms };
  }
  ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 40)}" is not a time: give ISO 8601 (2026-11-01T00:00:00+07:00), epoch milliseconds, now, or now-24h` });
  return z.NEVER;
});

export const resolveTime = (spec: TimeSpec, nowMs: number): number => (spec.kind === 'absolute' ? spec.ms : nowMs + spec.offsetMs);

export type TimeRange = { ok: true; fromMs: number; toMs: number } | { ok: false; message: string };

/** A range from optional `from`/`to` parameters: `to` defaults to now, `from` to `to − defaultMs`;
 * refused when backwards, empty, longer than `maxMs`, or starting before 2000. */
export function resolveRange(input: { from?: TimeSpec; to?: TimeSpec }, options: { nowMs: number; defaultMs: number; maxMs?: number }): TimeRange {
  const toMs = input.to ? resolveTime(input.to, options.nowMs) : options.nowMs;
  const fromMs = input.from ? resolveTime(input.from, options.nowMs) : toMs - options.defaultMs;
  const maxMs = options.maxMs ?? MAX_RANGE_MS;
  if (fromMs < Date.UTC(2000, 0, 1)) return { ok: false, message: 'query.from: must be after 2000-01-01' };
  if (toMs <= fromMs) return { ok: false, message: 'query.to: must come after query.from' };
  if (toMs - fromMs > maxMs) return { ok: false, message: `query.from: the range may span at most ${Math.round(maxMs / 86_400_000)} days` };
  return { ok: true, fromMs, toMs };
}

/** A count limit: digits only, 1 to max. */
export const limitParam = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .default(fallback);
