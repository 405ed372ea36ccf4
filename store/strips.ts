import { entityKinds, entityStates, type EntityKind, type EntityState } from '../model/alerts.ts';
import type { StripChange } from '../model/strips.ts';
import { isOneOf } from './control-rows.ts';
import { ident, type InfluxHttp, type StatementResult } from './influx.ts';
import { qualifiedName, type FieldName } from './schema.ts';

// Every entity's state changes over a range in ONE statement, for the overview's strips: the
// cost is one query per refresh of the cache whatever the number of links. The state in force
// before the range is the first change's `previous` field, so no second, unbounded look back
// is needed; an entity without a change in the range keeps its current state throughout.

export interface EntityChanges {
  entityKind: EntityKind;
  entity: string;
  /** The state before the first change in the range, as the engine recorded it. */
  before?: EntityState;
  changes: StripChange[];
}

const FIELDS = ['state', 'previous'] as const satisfies readonly FieldName<'entity_state'>[];

export function stripStatement(range: { fromMs: number; toMs: number }): string {
  return `SELECT ${FIELDS.map(ident).join(', ')} FROM ${qualifiedName('entity_state')} WHERE time >= ${Math.floor(range.fromMs)}ms AND time < ${Math.ceil(range.toMs)}ms GROUP BY "entity_kind", "entity" ORDER BY time ASC`;
}

/** Pure: one entry per (kind, entity) series, changes oldest first; rows with a state this
 * version does not know are left out rather than guessed. */
export function decodeStripRows(result: StatementResult): EntityChanges[] {
  const out: EntityChanges[] = [];
  for (const series of result.series ?? []) {
    const kind = series.tags?.entity_kind;
    const entity = series.tags?.entity;
    if (!isOneOf(entityKinds, kind) || entity === undefined || entity === '') continue;
    const column = (name: string) => series.columns.indexOf(name);
    const [time, state, previous] = [column('time'), column('state'), column('previous')];
    const changes: StripChange[] = [];
    let before: EntityState | undefined;
    for (const values of series.values ?? []) {
      const atMs = values[time];
      const value = values[state];
      if (typeof atMs !== 'number' || !isOneOf(entityStates, value)) continue;
      if (changes.length === 0 && isOneOf(entityStates, values[previous])) before = values[previous] as EntityState;
      changes.push({ atMs, state: value });
    }
    changes.sort((a, b) => a.atMs - b.atMs);
    out.push({ entityKind: kind, entity, ...(before !== undefined ? { before } : {}), changes });
  }
  return out;
}

export async function readStripChanges(influx: InfluxHttp, range: { fromMs: number; toMs: number; signal?: AbortSignal }): Promise<EntityChanges[]> {
  const result = await influx.query(stripStatement(range), { epoch: 'ms', ...(range.signal ? { signal: range.signal } : {}) });
  return decodeStripRows(result);
}
