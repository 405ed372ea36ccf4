import type { Config } from '../config/schema.ts';
import type { EntityKind } from '../model/alerts.ts';
import { availability, gapsFromBuckets, maintenanceIntervals, siteIntervals, unknownFromStates, type Availability, type CoveredSubject, type Interval } from '../model/availability.ts';
import type { MaintenanceWindow } from '../model/maintenance.ts';
import { entityKey, type AvailabilityRecords, type EntityFilter } from './availability.ts';

// One entity's availability from the records the store read (store/availability.ts), by the
// rules of model/availability.ts: shared by the API's availability routes and the audit reports,
// so both give the same figure for the same range.

/** A link, device or site of the inventory, as what a maintenance window may cover. */
export interface Subject extends CoveredSubject {
  name?: string;
}

/** Every link, device or site of the inventory, in inventory order. */
export function subjectsOf(config: Config, kind: EntityKind): Subject[] {
  const groupsOf = new Map(config.sites.map((site) => [site.id, site.groups]));
  const entities: readonly { id: string; site?: string; name?: string }[] = kind === 'link' ? config.links : kind === 'device' ? config.devices : config.sites;
  return entities.map((entity) => {
    const site = kind === 'site' ? entity.id : (entity.site ?? '');
    return { kind, id: entity.id, site, groups: groupsOf.get(site) ?? [], ...(entity.name ? { name: entity.name } : {}) };
  });
}

/** The range the records were read over: its coverage buckets and how far gaps were looked for. */
export interface ReadPeriod extends Interval {
  stepMs: number;
  checkedUntilMs: number;
}

/** The links of each site, and the records a figure needs (a site's include its links'). */
export function linkIndex(config: Config) {
  const bySite = new Map<string, Subject[]>();
  for (const link of subjectsOf(config, 'link')) bySite.set(link.site, [...(bySite.get(link.site) ?? []), link]);
  const linksAt = (siteId: string): readonly Subject[] => bySite.get(siteId) ?? [];
  const recordsOf = (chosen: readonly Subject[]): EntityFilter =>
    chosen.flatMap((subject) => [{ kind: subject.kind, id: subject.id }, ...(subject.kind === 'site' ? linksAt(subject.id).map((link) => ({ kind: link.kind, id: link.id })) : [])]);
  return { linksAt, recordsOf };
}

/** Down and unknown time of one entity. A site with links is down only while all of them are
 * (their merged intervals), whatever its own records say; one without links has its own. */
function inputsFor(subject: Subject, records: AvailabilityRecords, linksOfSite: readonly Subject[], period: ReadPeriod) {
  const ownUnknown = (kind: EntityKind, id: string) => {
    const entity = entityKey(kind, id);
    return [...unknownFromStates(records.initial.get(entity), records.changes.get(entity) ?? [], period), ...gapsFromBuckets(records.measured.get(entity) ?? [], period.stepMs, period, period.checkedUntilMs)];
  };
  if (subject.kind !== 'site' || linksOfSite.length === 0) return { down: records.outages.get(entityKey(subject.kind, subject.id)) ?? [], unknown: ownUnknown(subject.kind, subject.id) };
  const links = linksOfSite.map((link) => ({ down: records.outages.get(entityKey('link', link.id)) ?? [], unknown: ownUnknown('link', link.id) }));
  return siteIntervals(links, period);
}

/** One entity's figure over `within` (the read period, or a day of it). */
export function availabilityOf(options: {
  subject: Subject;
  records: AvailabilityRecords;
  linksOfSite: readonly Subject[];
  maintenance: readonly MaintenanceWindow[];
  period: ReadPeriod;
  within?: Interval;
  timeZone: string;
  minCoveragePct?: number;
}): Availability {
  const { subject, period } = options;
  const within = options.within ?? period;
  const inputs = inputsFor(subject, options.records, subject.kind === 'site' ? options.linksOfSite : [], period);
  return availability({
    periodFromMs: within.startMs,
    periodToMs: within.endMs,
    down: inputs.down,
    unknown: inputs.unknown,
    maintenance: maintenanceIntervals(options.maintenance, subject, within, options.timeZone),
    ...(options.minCoveragePct !== undefined ? { minCoveragePct: options.minCoveragePct } : {}),
  });
}
