import type { Config } from '../config/schema.ts';
import type { Language } from '../config/alerts.ts';
import type { Availability } from '../model/availability.ts';
import type { Logger } from '../model/logger.ts';
import { fromSettings, type MaintenanceWindow } from '../model/maintenance.ts';
import { latencyFigures, scorecard, trafficFigures } from '../model/report-figures.ts';
import type { ReportPeriod } from '../model/report-period.ts';
import { REPORT_SCHEMA, type AuditReport, type ChangeEntry, type DeviceEntry, type InterfaceEntry, type LinkEntry, type SiteEntry } from '../model/report.ts';
import { availabilityOf, linkIndex, subjectsOf, type ReadPeriod } from '../store/availability-figures.ts';
import { readAvailabilityRecords, ROLLUP_LAG_MS } from '../store/availability.ts';
import { latestRecordedFacts, recordedFactChanges } from '../store/facts-history.ts';
import { mapLimited } from '../model/map-limited.ts';
import type { ControlStore } from '../store/control.ts';
import type { InfluxHttp } from '../store/influx.ts';
import { bucketCount, readLinkBuckets, type LinkBuckets } from '../store/report-series.ts';
import { niceStep } from '../store/series.ts';

// An audit report from the store: every site, link and device of the inventory over the period,
// with availability (store/availability-figures.ts, the same figure as the API's), traffic and
// latency from the 5-minute rollups, the inventory as SNMP last saw it before the period's end,
// the changes it saw during the period, and the scorecard. Reads only; writes nothing.

const FIVE_MINUTES = 300_000;
/** Coverage buckets read for the whole inventory at once: a month of 5-minute buckets for a
 * district; a province's year is read coarser (the report says which step it used). */
const COVERAGE_BUCKETS = 1_500_000;
/** Links read at once for their buckets. */
const LINK_CONCURRENCY = 4;

export interface BuildReportOptions {
  config: Config;
  influx: InfluxHttp;
  control: ControlStore;
  period: ReportPeriod;
  nowMs: number;
  language?: Language;
  logger?: Logger;
}

function interfacesOf(json: unknown): InterfaceEntry[] {
  if (typeof json !== 'string' || json === '') return [];
  try {
    const list: unknown = JSON.parse(json);
    if (!Array.isArray(list)) return [];
    return list.flatMap((item): InterfaceEntry[] => {
      if (item === null || typeof item !== 'object' || typeof (item as { name?: unknown }).name !== 'string') return [];
      const speed = (item as { speedBps?: unknown }).speedBps;
      return [{ name: (item as { name: string }).name, speedMbps: typeof speed === 'number' && speed > 0 ? speed / 1e6 : null }];
    });
  } catch {
    return [];
  }
}

/** The inventory at the period's end, as the report prints it: the store's newest facts before then. */
async function factsBefore(influx: InfluxHttp, beforeMs: number): Promise<Map<string, DeviceEntry['facts']>> {
  const recorded = await latestRecordedFacts(influx, { beforeMs });
  return new Map(
    [...recorded].map(([device, { facts, atMs }]) => [
      device,
      { vendor: facts.manufacturer, model: facts.model, firmware: facts.firmware_rev || facts.software_rev, serial: facts.serial, sysName: facts.sys_name, seenMs: atMs, interfaces: interfacesOf(facts.interfaces) },
    ]),
  );
}

export async function buildReport(options: BuildReportOptions): Promise<AuditReport> {
  const { config, influx, control, period, nowMs } = options;
  const settings = config.reports;
  const timeZone = config.alerts.timezone;
  if (period.startMs >= nowMs) throw new Error(`period ${period.label} has not begun yet`);
  const toMs = Math.min(period.endMs, nowMs);
  const subjects = { link: subjectsOf(config, 'link'), device: subjectsOf(config, 'device'), site: subjectsOf(config, 'site') };
  const entities = subjects.link.length + subjects.device.length;
  const read: ReadPeriod = {
    startMs: period.startMs,
    endMs: toMs,
    stepMs: niceStep(period.startMs, toMs, FIVE_MINUTES, Math.max(1, Math.floor(COVERAGE_BUCKETS / Math.max(1, entities)))),
    checkedUntilMs: nowMs - ROLLUP_LAG_MS,
  };
  const { linksAt } = linkIndex(config);
  const [records, stored, facts, changes] = await Promise.all([
    readAvailabilityRecords(influx, { fromMs: read.startMs, toMs: read.endMs, stepMs: read.stepMs, checkedUntilMs: read.checkedUntilMs, openEndMs: toMs }),
    control.maintenanceWindows(),
    factsBefore(influx, toMs),
    recordedFactChanges(influx, { fromMs: period.startMs, toMs, order: 'oldest' }).then((all) => {
      const devices = new Set(config.devices.map((device) => device.id));
      return all.filter((change): change is ChangeEntry => devices.has(change.device));
    }),
  ]);
  const maintenance: MaintenanceWindow[] = [...fromSettings(config.alerts.maintenance, timeZone), ...stored];
  const figureOf = (subject: (typeof subjects)['link'][number]): Availability =>
    availabilityOf({ subject, records, linksOfSite: linksAt(subject.id), maintenance, period: read, timeZone, minCoveragePct: settings.minCoveragePct });

  const expected = bucketCount(read);
  const buckets = await mapLimited(config.links, LINK_CONCURRENCY, (link): Promise<LinkBuckets> => readLinkBuckets(influx, link.id, read));
  const links: LinkEntry[] = config.links.map((link, i) => {
    const series = buckets[i]!;
    return {
      id: link.id,
      site: link.site,
      kind: link.kind,
      ...(link.name ? { name: link.name } : {}),
      ...(link.provider ? { provider: link.provider } : {}),
      ...(link.circuit ? { circuit: link.circuit } : {}),
      ...(link.capacity ? { capacity: link.capacity } : {}),
      availability: figureOf(subjects.link[i]!),
      traffic: trafficFigures({ inBps: series.inBps, outBps: series.outBps, inMaxBps: series.inMaxBps, outMaxBps: series.outMaxBps, expected, ...(link.capacity ? { capacity: link.capacity } : {}), upgradeSharePct: settings.upgradeSharePct }),
      latency: latencyFigures({ rttMs: series.rttMs, lossPct: series.lossPct }),
    };
  });
  const devices: DeviceEntry[] = config.devices.map((device, i) => {
    const seen = facts.get(device.id);
    return { id: device.id, site: device.site, role: device.role, ...(device.name ? { name: device.name } : {}), address: device.address, availability: figureOf(subjects.device[i]!), ...(seen ? { facts: seen } : {}) };
  });
  const sites: SiteEntry[] = config.sites.map((site, i) => ({
    id: site.id,
    name: site.name,
    kind: site.kind,
    ...(site.parent ? { parent: site.parent } : {}),
    links: config.links.filter((link) => link.site === site.id).map((link) => link.id),
    devices: config.devices.filter((device) => device.site === site.id).map((device) => device.id),
    availability: figureOf(subjects.site[i]!),
  }));

  const linkById = new Map(links.map((link) => [link.id, link]));
  const deviceById = new Map(devices.map((device) => [device.id, device]));
  const card = scorecard(
    sites.map((site) => ({
      id: site.id,
      availabilityPct: site.availability.availabilityPct,
      devices: site.devices.map((id) => ({ id, availabilityPct: deviceById.get(id)!.availability.availabilityPct })),
      links: site.links.map((id) => {
        const link = linkById.get(id)!;
        return { id, kind: link.kind, availabilityPct: link.availability.availabilityPct, ...(link.capacity ? { downMbps: link.capacity.downMbps } : {}) };
      }),
    })),
    settings,
  );
  const coverages = links.map((link) => link.availability.coveragePct);
  const figures = [...sites, ...links, ...devices].map((entry) => entry.availability);
  options.logger?.info({ period: period.label, sites: sites.length, links: links.length, devices: devices.length }, 'report built');
  return {
    schema: REPORT_SCHEMA,
    language: options.language ?? settings.language,
    ...(settings.organisation ? { organisation: settings.organisation } : {}),
    period: { kind: period.kind, label: period.label, firstDay: period.firstDay, lastDay: period.lastDay, fromMs: period.startMs, toMs, partial: toMs < period.endMs, timeZone: period.timeZone },
    generatedMs: nowMs,
    coverageStepMs: read.stepMs,
    settings: {
      upgradeSharePct: settings.upgradeSharePct,
      highSpeedMbps: settings.highSpeedMbps,
      workingAvailabilityPct: settings.workingAvailabilityPct,
      targetAvailabilityPct: settings.targetAvailabilityPct,
      minCoveragePct: settings.minCoveragePct,
    },
    summary: {
      sites: sites.length,
      links: links.length,
      devices: devices.length,
      meanCoveragePct: coverages.length > 0 ? coverages.reduce((a, b) => a + b, 0) / coverages.length : null,
      flagged: figures.filter((figure) => figure.coverageFlag).length,
      outages: links.reduce((sum, link) => sum + link.availability.n, 0),
      needsUpgrade: links.filter((link) => link.traffic.needsUpgrade === true).map((link) => link.id),
    },
    scorecard: card,
    sites,
    links,
    devices,
    changes,
  };
}
