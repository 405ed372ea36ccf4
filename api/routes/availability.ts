import { z } from 'zod';
import type { EntityKind } from '../../model/alerts.ts';
import { localDays, type Availability, type Interval } from '../../model/availability.ts';
import { fromSettings, type MaintenanceWindow } from '../../model/maintenance.ts';
import { availabilityOf, linkIndex, subjectsOf, type ReadPeriod, type Subject } from '../../store/availability-figures.ts';
import { readAvailabilityRecords, ROLLUP_LAG_MS, type AvailabilityRecords, type EntityFilter } from '../../store/availability.ts';
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

interface Period extends ReadPeriod {
  nowMs: number;
}

export function availabilityRoutes(deps: ApiDeps): Route[] {
  const { config, influx, control, clock } = deps;
  const timeZone = config.alerts.timezone;
  const subjects = { link: subjectsOf(config, 'link'), device: subjectsOf(config, 'device'), site: subjectsOf(config, 'site') };
  const { linksAt, recordsOf } = linkIndex(config);

  const periodOf = (query: { from?: z.output<typeof timeParam>; to?: z.output<typeof timeParam> }, buckets: number): Period => {
    const nowMs = clock();
    const range = resolveRange(query, { nowMs, defaultMs: 30 * DAY_MS, maxMs: MAX_AVAILABILITY_RANGE_MS });
    if (!range.ok) throw new ApiError('invalid-parameter', range.message);
    // The future has no data yet: a range reaching past now ends now.
    const endMs = Math.min(range.toMs, nowMs);
    if (endMs <= range.fromMs) throw new ApiError('invalid-parameter', 'query.from: must be in the past');
    return { startMs: range.fromMs, endMs, nowMs, stepMs: niceStep(range.fromMs, endMs, FIVE_MINUTES, Math.max(1, buckets)), checkedUntilMs: nowMs - ROLLUP_LAG_MS };
  };
  const windows = async (): Promise<MaintenanceWindow[]> => [...fromSettings(config.alerts.maintenance, timeZone), ...(await control.maintenanceWindows())];
  const read = (period: Period, only: EntityFilter) =>
    readAvailabilityRecords(influx, { fromMs: period.startMs, toMs: period.endMs, stepMs: period.stepMs, checkedUntilMs: period.checkedUntilMs, openEndMs: period.nowMs }, only);

  const figure = (subject: Subject, records: AvailabilityRecords, maintenance: readonly MaintenanceWindow[], period: Period, within: Interval = period): Availability =>
    availabilityOf({ subject, records, linksOfSite: linksAt(subject.id), maintenance, period, within, timeZone });
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
