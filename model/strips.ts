import { entityStates, type EntityState } from './alerts.ts';

// The 24-hour strips of the overview: a range cut into equal buckets, each holding the worst
// state the entity was in at any moment of it. Pure, so the edges (a change on a boundary, a
// down minute inside an up hour, the state carried in from before the range) are table-tested.

/** Worst first: a bucket that saw a minute of down is down, whatever else it saw. Unknown sits
 * above maintenance and up so that a gap in the data never reads as a good hour. */
export const stripSeverity: Readonly<Record<EntityState, number>> = { down: 0, degraded: 1, unreachable: 2, unknown: 3, maintenance: 4, up: 5 };

/** One letter per bucket keeps 5,000 strips of 48 buckets near 250 kB instead of 1.5 MB. */
export const stripCodes = { up: 'u', degraded: 'g', down: 'd', unreachable: 'r', maintenance: 'm', unknown: 'n' } as const satisfies Record<EntityState, string>;
export type StripCode = (typeof stripCodes)[EntityState];

export const stateOfCode: Readonly<Record<StripCode, EntityState>> = Object.fromEntries(entityStates.map((state) => [stripCodes[state], state])) as Record<StripCode, EntityState>;

export interface StripChange {
  atMs: number;
  state: EntityState;
}

export interface StripWindow {
  fromMs: number;
  toMs: number;
  buckets: number;
}

const worse = (a: EntityState, b: EntityState): EntityState => (stripSeverity[b] < stripSeverity[a] ? b : a);

/** The worst state per bucket. `initial` is the state in force at `fromMs`; `changes` need not
 * be sorted, and those outside the range are ignored (the caller's query bounds them anyway). */
export function bucketStates(initial: EntityState, changes: readonly StripChange[], window: StripWindow): EntityState[] {
  const count = Math.max(1, Math.floor(window.buckets));
  const widthMs = (window.toMs - window.fromMs) / count;
  const inRange = changes.filter((change) => change.atMs >= window.fromMs && change.atMs < window.toMs).sort((a, b) => a.atMs - b.atMs);
  const out: EntityState[] = [];
  let current = initial;
  let next = 0;
  for (let index = 0; index < count; index += 1) {
    const startMs = window.fromMs + index * widthMs;
    const endMs = index === count - 1 ? window.toMs : window.fromMs + (index + 1) * widthMs;
    // A change exactly on the edge replaces the carried state: that one lasted no time here.
    while (next < inRange.length && inRange[next]!.atMs <= startMs) current = inRange[next++]!.state;
    let worst = current;
    while (next < inRange.length && inRange[next]!.atMs < endMs) {
      current = inRange[next]!.state;
      worst = worse(worst, current);
      next += 1;
    }
    out.push(worst);
  }
  return out;
}

export const encodeStrip = (states: readonly EntityState[]): string => states.map((state) => stripCodes[state]).join('');

/** A bucket's width and the range's edges, aligned to whole buckets so that every request within
 * one bucket's time asks for the same range (and a cache can answer it). */
export function stripWindow(nowMs: number, options: { hours: number; buckets: number }): StripWindow & { bucketMs: number } {
  const bucketMs = Math.round((options.hours * 3_600_000) / options.buckets);
  const toMs = Math.ceil(nowMs / bucketMs) * bucketMs;
  return { fromMs: toMs - bucketMs * options.buckets, toMs, buckets: options.buckets, bucketMs };
}

export interface StripsAnswer {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** What each letter of a strip means. */
  codes: Readonly<Record<StripCode, EntityState>>;
  /** One letter per bucket, oldest first, by link id. */
  links: Record<string, string>;
  sites: Record<string, string>;
}

/** Every link's and site's strip from one read of the changes. `current` is each entity's state
 * now (the status snapshot): the state throughout for one that did not change in the range, and
 * the start for one whose first change did not record what came before. */
export function buildStrips(input: {
  window: StripWindow & { bucketMs: number };
  entities: readonly { kind: 'link' | 'site'; id: string; current: EntityState }[];
  changes: readonly { entityKind: string; entity: string; before?: EntityState; changes: readonly StripChange[] }[];
}): StripsAnswer {
  const byKey = new Map(input.changes.map((entry) => [`${entry.entityKind}\u0000${entry.entity}`, entry]));
  const answer: StripsAnswer = { fromMs: input.window.fromMs, toMs: input.window.toMs, bucketMs: input.window.bucketMs, codes: stateOfCode, links: {}, sites: {} };
  for (const entity of input.entities) {
    const found = byKey.get(`${entity.kind}\u0000${entity.id}`);
    const initial = found === undefined || found.changes.length === 0 ? entity.current : (found.before ?? 'unknown');
    const strip = encodeStrip(bucketStates(initial, found?.changes ?? [], input.window));
    if (entity.kind === 'link') answer.links[entity.id] = strip;
    else answer.sites[entity.id] = strip;
  }
  return answer;
}
