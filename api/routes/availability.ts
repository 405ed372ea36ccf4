import { z } from 'zod';
import type { Config } from '../../config/schema.ts';
import type { EntityKind } from '../../model/alerts.ts';
import {
  availability,
  gapsFromBuckets,
  localDays,
  maintenanceIntervals,
  siteIntervals,
  unknownFromStates,
  type Availability,
  type CoveredSubject,
  type Interval,
} from '../../model/availability.ts';
import { fromSettings, type MaintenanceWindow } from '../../model/maintenance.ts';
import { entityKey, readAvailabilityRecords, ROLLUP_LAG_MS, type AvailabilityRecords, type EntityFilter } from '../../store/availability.ts';
import { niceStep } from '../../store/series.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { idParam, resolveRange, timeParam } from '../params.ts';
import { route, type Route } from '../route.ts';

// Availability of one link, device or site, or of all of a kind, over a range: the share of
// time up, with and without maintenance, how much of the range had data at all, and the
// outages with MTTR and MTBF. Read from the engine's outages and states and from which
// 5-minute rollups hold data; the arithmetic is model/availability.ts's.

const DAY_MS = 86_400_000;
const FIVE_MINUTES = 300_000;
/** The 5-minute rollups, which tell time without data, are kept this long. */
export const MAX_AVAILABILITY_RANGE_MS = 400 * DAY_MS;
/** Coverage buckets read for one entity (400 days at 30 minutes) and for a whole list. */
const ENTITY_BUCKETS = 20_000;
const LIST_BUCKETS = 200_000;

const rangeFields = { from: timeParam.optional(), to: timeParam.optional() };
const detailQuery = z.strictObject({ ...rangeFields, per: z.enum(['day']).optional() });
const listQuery = z.strictObject({ ...rangeFields, kind: z.enum(['link', 'device', 'site']).default('link'), site: idParam.optional() });
const byId = z.strictObject({ id: idParam });

interface Subject extends CoveredSubject {
  name?: string;
}

/** Every link, device or site of the inventory as what a maintenance window may cover. */
function subjectsOf(config: Config, kind: EntityKind): Subject[] {
  const groupsOf = new Map(config.sites.map((site) => [site.id, site.groups]));
  const entities: readonly { id: string; site?: string; name?: string }[] = kind === 'link' ? config.links : kind === 'device' ? config.devices : config.sites;
  return entities.map((entity) => {
    const site = kind === 'site' ? entity.id : (entity.site ?? '');
    return { kind, id: entity.id, site, groups: groupsOf.get(site) ?? [], ...(entity.name ? { name: entity.name } : {}) };
  });
}

interface Period extends Interval {
  nowMs: number;
  stepMs: number;
  checkedUntilMs: number;
}

/** What one entity's figure is computed from, before arithmetic. */
function inputsFor(subject: Subject, records: AvailabilityRecords, linksOfSite: readonly Subject[], period: Period) {
  const key = entityKey(subject.kind, subject.id);
  const down = records.outages.get(key) ?? [];
  const ownUnknown = (kind: EntityKind, id: string) => {
    const entity = entityKey(kind, id);
    return [...unknownFromStates(records.initial.get(entity), records.changes.get(entity) ?? [], period), ...gapsFromBuckets(records.measured.get(entity) ?? [], period.stepMs, period, period.checkedUntilMs)];
  };
  if (subject.kind !== 'site' || linksOfSite.length === 0) return { down, unknown: ownUnknown(subject.kind, subject.id) };
  // A site's data is its links': unknown while none of them is known up and not all are down.
  const links = linksOfSite.map((link) => ({ down: records.outages.get(entityKey('link', link.id)) ?? [], unknown: ownUnknown('link', link.id) }));
  return { down, unknown: siteIntervals(links, period).unknown };
}

export function availabilityRoutes(deps: ApiDeps): Route[] {
  const { config, influx, control, clock } = deps;
  const timeZone = config.alerts.timezone;
  const subjects = { link: subjectsOf(config, 'link'), device: subjectsOf(config, 'device'), site: subjectsOf(config, 'site') };
  const linksBySite = new Map<string, Subject[]>();
  for (const link of subjects.link) linksBySite.set(link.site, [...(linksBySite.get(link.site) ?? []), link]);
  const linksAt = (siteId: string): readonly Subject[] => linksBySite.get(siteId) ?? [];

  const periodOf = (query: { from?: z.output<typeof timeParam>; to?: z.output<typeof timeParam> }, buckets: number): Period => {
    const nowMs = clock();
    const range = resolveRange(query, { nowMs, defaultMs: 30 * DAY_MS, maxMs: MAX_AVAILABILITY_RANGE_MS });
    if (!range.ok) throw new ApiError('invalid-parameter', range.message);
    // The future has no data yet: a range reaching past now ends now.
    const endMs = Math.min(range.toMs, nowMs);
    if (endMs <= range.fromMs) throw new ApiError('invalid-parameter', 'query.from: must be in the past');
    return { startMs: range.fromMs, endMs, nowMs, stepMs: niceStep(range.fromMs, endMs, FIVE_MINUTES, Math.max(1, buckets)), checkedUntilMs: nowMs - ROLLUP_LAG_MS };
  };
  /** The entities whose records a figure needs: a site's include its links'. */
  const recordsOf = (chosen: readonly Subject[]): EntityFilter =>
    chosen.flatMap((subject) => [{ kind: subject.kind, id: subject.id }, ...(subject.kind === 'site' ? linksAt(subject.id).map((link) => ({ kind: link.kind, id: link.id })) : [])]);
  const windows = async (): Promise<MaintenanceWindow[]> => [...fromSettings(config.alerts.maintenance, timeZone), ...(await control.maintenanceWindows())];
  const read = (period: Period, only: EntityFilter) =>
    readAvailabilityRecords(influx, { fromMs: period.startMs, toMs: period.endMs, stepMs: period.stepMs, checkedUntilMs: period.checkedUntilMs, openEndMs: period.nowMs }, only);

  const figure = (subject: Subject, records: AvailabilityRecords, maintenance: readonly MaintenanceWindow[], period: Period, within: Interval = period): Availability => {
    const inputs = inputsFor(subject, records, subject.kind === 'site' ? linksAt(subject.id) : [], period);
    return availability({
      periodFromMs: within.startMs,
      periodToMs: within.endMs,
      down: inputs.down,
      unknown: inputs.unknown,
      maintenance: maintenanceIntervals(maintenance, subject, within, timeZone),
    });
  };
  const summary = ({ outages: _outages, bounds: _bounds, ...figures }: Availability) => figures;

  const detail = (kind: EntityKind) => async ({ params, query }: { params: { id: string }; query: z.output<typeof detailQuery> }) => {
    const subject = subjects[kind].find((candidate) => candidate.id === params.id);
    if (!subject) throw new ApiError('not-found', `no ${kind} "${params.id}" in the inventory`);
    const period = periodOf(query, ENTITY_BUCKETS);
    const [records, maintenance] = await Promise.all([read(period, recordsOf([subject])), windows()]);
    const whole = figure(subject, records, maintenance, period);
    const days = query.per === 'day' ? localDays(period, timeZone).map((day) => summary(figure(subject, records, maintenance, period, day))) : undefined;
    return { kind, id: subject.id, site: subject.site, ...(subject.name ? { name: subject.name } : {}), coverageStepMs: period.stepMs, ...whole, ...(days ? { days } : {}) };
  };

  const detailRoute = (kind: EntityKind, collection: string) =>
    route({
      id: `get${kind[0]!.toUpperCase()}${kind.slice(1)}Availability`,
      method: 'get',
      path: `/${collection}/:id/availability`,
      access: 'viewer',
      tag: 'availability',
      summary: `Availability of one ${kind} over a range (default the last 30 days, at most 400): up % with maintenance excluded and raw, coverage, outages, MTTR, MTBF; per=day adds one figure per local day`,
      params: byId,
      query: detailQuery,
      errors: ['not-found'],
      returns:
        '{kind, id, site, periodFromMs, periodToMs, availabilityPct, rawAvailabilityPct, coveragePct, coverageFlag, bounds, upMs, downMs, maintenanceMs, unknownMs, n, mttrMs, mtbfMs, coverageStepMs, ' +
        'outages: [{startMs, endMs, durationMs, countedMs, cause, kind, clippedStart, clippedEnd, inMaintenance, ongoing}], days?: [figures per local day]}; percentages null when nothing is known',
      handle: detail(kind),
    });

  return [
    route({
      id: 'listAvailability',
      method: 'get',
      path: '/availability',
      access: 'viewer',
      tag: 'availability',
      summary: 'Availability of every link, device or site (kind, default link; site narrows to one site) over a range (default the last 30 days, at most 400)',
      query: listQuery,
      errors: ['not-found'],
      returns: '{kind, from, to, coverageStepMs, entities: [{kind, id, site, name?, availabilityPct, rawAvailabilityPct, coveragePct, coverageFlag, upMs, downMs, maintenanceMs, unknownMs, n, mttrMs, mtbfMs, periodFromMs, periodToMs}]}: inventory order',
      handle: async ({ query }) => {
        if (query.site !== undefined && !subjects.site.some((site) => site.id === query.site)) throw new ApiError('not-found', `query.site: no site "${query.site}" in the inventory`);
        const chosen = subjects[query.kind].filter((subject) => query.site === undefined || subject.site === query.site);
        // Coverage of a list is read coarser, so a province's links stay one bounded answer.
        const measuredEntities = query.kind === 'site' ? chosen.reduce((sum, site) => sum + linksAt(site.id).length, 0) : chosen.length;
        const period = periodOf(query, Math.floor(LIST_BUCKETS / Math.max(1, measuredEntities)));
        if (chosen.length === 0) return { kind: query.kind, from: period.startMs, to: period.endMs, coverageStepMs: period.stepMs, entities: [] };
        // A whole list reads the store unfiltered: one scan beats a thousand OR clauses.
        const [records, maintenance] = await Promise.all([read(period, query.site === undefined ? undefined : recordsOf(chosen)), windows()]);
        return {
          kind: query.kind,
          from: period.startMs,
          to: period.endMs,
          coverageStepMs: period.stepMs,
          entities: chosen.map((subject) => ({ kind: subject.kind, id: subject.id, site: subject.site, ...(subject.name ? { name: subject.name } : {}), ...summary(figure(subject, records, maintenance, period)) })),
        };
      },
    }),
    detailRoute('link', 'links'),
    detailRoute('device', 'devices'),
    detailRoute('site', 'sites'),
  ];
}
