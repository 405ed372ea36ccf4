import type { Language } from '../config/alerts.ts';
import type { EntityKind } from '../model/alerts.ts';
import type { Availability, OutageInPeriod } from '../model/availability.ts';
import type { AuditReport, DeviceEntry, LinkEntry, SiteEntry } from '../model/report.ts';
import type { ScorecardLine } from '../model/report-figures.ts';
import { DIGEST_MARKER, DIGEST_PLACEHOLDER } from './digest.ts';
import {
  causeText,
  definitionTexts,
  deviceRoleWords,
  entityKindWords,
  failureWords,
  label,
  labels,
  linkKindWords,
  missReasonWords,
  periodKindWords,
  scorecardLineWords,
  siteKindWords,
  wordsOf,
  type Words,
} from './labels.ts';

// The audit report as CSV for a spreadsheet: several tables one below the other, each under a
// one-cell title row, headers in the report's language, numbers machine-readable (dot decimal,
// no grouping, the unit in the header) and times ISO 8601 with the zone's offset, so a sum or a
// sort in Excel or LibreOffice works without reformatting. Its last row carries the digest.

/** A number stays a number: it is never neutralised, and null prints as an empty cell. */
type Cell = string | number | boolean | null | undefined;
type Row = readonly Cell[];

interface Table {
  title: string;
  header?: readonly string[];
  rows: readonly Row[];
}

const MINUTE_MS = 60_000;
const PERCENT_DIGITS = 4;
const MINUTE_DIGITS = 2;
const MBPS_DIGITS = 3;
const MS_DIGITS = 2;

/** Rounded to `digits` decimals; a figure that is not there stays null. */
const rounded = (value: number | null | undefined, digits: number): number | null => (value === null || value === undefined || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits);
const minutes = (ms: number | null | undefined) => rounded(ms === null || ms === undefined ? null : ms / MINUTE_MS, MINUTE_DIGITS);
const mbps = (bps: number | null | undefined) => rounded(bps === null || bps === undefined ? null : bps / 1e6, MBPS_DIGITS);
const percent = (value: number | null | undefined) => rounded(value, PERCENT_DIGITS);

/** Spreadsheets run a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function textCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function cellText(cell: Cell, language: Language): string {
  if (cell === null || cell === undefined) return '';
  // Rounded figures are far from String's exponent range (below 1e-6 they are 0).
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return label(cell ? labels.yes : labels.no, language);
  return textCell(cell);
}

/** `2026-11-01T00:00:00+07:00`: the wall clock of the zone and its offset at that instant. */
function isoTimeIn(timeZone: string): (ms: number) => string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return (ms) => {
    const field = Object.fromEntries(parts.formatToParts(ms).map((part) => [part.type, part.value]));
    const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((name) => Number(field[name]));
    const wallMs = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
    const offsetMinutes = Math.round((wallMs - Math.floor(ms / 1000) * 1000) / MINUTE_MS);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
    return `${String(year).padStart(4, '0')}-${pad(month!)}-${pad(day!)}T${pad(hour!)}:${pad(minute!)}:${pad(second!)}${offset}`;
  };
}

/** An outage with what it belongs to, as the outage tables of the CSV and the HTML list it. */
export interface ListedOutage {
  entityKind: EntityKind;
  entity: string;
  site: string;
  outage: OutageInPeriod;
}

const ENTITY_ORDER: Record<EntityKind, number> = { site: 0, link: 1, device: 2 };

/** Every outage of the report in time order, the sites' (merged spells) before the links' and devices'. */
export function listedOutages(report: AuditReport): ListedOutage[] {
  const of = (entityKind: EntityKind, entries: readonly { id: string; availability: Availability }[], siteOf: (id: string) => string) =>
    entries.flatMap((entry) => entry.availability.outages.map((outage): ListedOutage => ({ entityKind, entity: entry.id, site: siteOf(entry.id), outage })));
  const siteOfLink = new Map(report.links.map((link) => [link.id, link.site]));
  const siteOfDevice = new Map(report.devices.map((device) => [device.id, device.site]));
  return [...of('site', report.sites, (id) => id), ...of('link', report.links, (id) => siteOfLink.get(id) ?? ''), ...of('device', report.devices, (id) => siteOfDevice.get(id) ?? '')].sort(
    (a, b) => a.outage.startMs - b.outage.startMs || ENTITY_ORDER[a.entityKind] - ENTITY_ORDER[b.entityKind] || a.entity.localeCompare(b.entity),
  );
}

/** The longest part of one outage counted in the period. */
export const longestOutageMs = (figure: Availability): number | null => (figure.outages.length > 0 ? Math.max(...figure.outages.map((outage) => outage.countedMs)) : null);

export function reportCsv(report: AuditReport): string {
  const language = report.language;
  const word = (entry: Words) => label(entry, language);
  const withUnit = (entry: Words, unit: Words) => `${word(entry)} (${word(unit)})`;
  const isoTime = isoTimeIn(report.period.timeZone);
  const { settings } = report;

  const availabilityHeader = [
    withUnit(labels.availability, labels.unitPercent),
    withUnit(labels.rawAvailability, labels.unitPercent),
    withUnit(labels.coverage, labels.unitPercent),
    word(labels.coverageFlag),
    withUnit(labels.unknownAsDown, labels.unitPercent),
    withUnit(labels.unknownAsUp, labels.unitPercent),
    word(labels.n),
    withUnit(labels.downtime, labels.unitMinutes),
    withUnit(labels.longestOutage, labels.unitMinutes),
    withUnit(labels.mttr, labels.unitMinutes),
    withUnit(labels.mtbf, labels.unitMinutes),
  ];
  const availabilityCells = (figure: Availability): Cell[] => [
    percent(figure.availabilityPct),
    percent(figure.rawAvailabilityPct),
    percent(figure.coveragePct),
    figure.coverageFlag,
    percent(figure.bounds.unknownAsDownPct),
    percent(figure.bounds.unknownAsUpPct),
    figure.n,
    minutes(figure.downMs),
    minutes(longestOutageMs(figure)),
    minutes(figure.mttrMs),
    minutes(figure.mtbfMs),
  ];

  const about: Table = {
    title: word(labels.title),
    rows: [
      [word(labels.organisation), report.organisation ?? ''],
      [word(labels.period), report.period.label],
      [word(labels.periodKind), word(periodKindWords[report.period.kind])],
      [word(labels.firstDay), report.period.firstDay],
      [word(labels.lastDay), report.period.lastDay],
      [word(labels.timeZone), report.period.timeZone],
      [word(labels.generatedAt), isoTime(report.generatedMs)],
      [withUnit(labels.coverageStep, labels.unitMinutes), minutes(report.coverageStepMs)],
      [word(labels.partial), report.period.partial],
      [withUnit(labels.upgradeSharePct, labels.unitPercent), settings.upgradeSharePct],
      [withUnit(labels.highSpeedMbps, labels.unitMbps), settings.highSpeedMbps],
      [withUnit(labels.workingAvailabilityPct, labels.unitPercent), settings.workingAvailabilityPct],
      [withUnit(labels.targetAvailabilityPct, labels.unitPercent), settings.targetAvailabilityPct],
      [withUnit(labels.minCoveragePct, labels.unitPercent), settings.minCoveragePct],
      [word(labels.siteCount), report.summary.sites],
      [word(labels.linkCount), report.summary.links],
      [word(labels.deviceCount), report.summary.devices],
      [withUnit(labels.meanCoverage, labels.unitPercent), percent(report.summary.meanCoveragePct)],
      [word(labels.flagged), report.summary.flagged],
      [word(labels.linkOutages), report.summary.outages],
      [word(labels.linksNeedingUpgrade), report.summary.needsUpgrade.join('; ')],
    ],
  };

  const scoreRow = (name: Words, line: ScorecardLine): Row => [
    word(name),
    line.met,
    line.of,
    percent(line.pct),
    line.missing.map((miss) => `${miss.site} (${word(missReasonWords[miss.reason])})`).join('; '),
  ];
  const card = report.scorecard;
  const scorecard: Table = {
    title: word(labels.scorecard),
    header: [word(labels.line), word(labels.met), word(labels.of), withUnit(labels.share, labels.unitPercent), word(labels.missing)],
    rows: [
      scoreRow(scorecardLineWords.lanAndInternet, card.lanAndInternet),
      scoreRow(scorecardLineWords.highSpeed, card.highSpeed),
      scoreRow(scorecardLineWords.tslcd, card.tslcd),
      scoreRow(scorecardLineWords.availabilityTarget, card.availabilityTarget),
      [word(labels.averageAvailability), null, null, percent(card.averageAvailabilityPct), ''],
    ],
  };

  const sites: Table = {
    title: word(labels.sites),
    header: [word(labels.id), word(labels.name), word(labels.kind), word(labels.parent), ...availabilityHeader],
    rows: report.sites.map((site: SiteEntry) => [site.id, site.name, wordsOf(siteKindWords, site.kind, language), site.parent ?? '', ...availabilityCells(site.availability)]),
  };

  const links: Table = {
    title: word(labels.links),
    header: [
      word(labels.id),
      word(labels.name),
      word(labels.site),
      word(labels.kind),
      word(labels.provider),
      word(labels.circuit),
      withUnit(labels.capacityDown, labels.unitMbps),
      withUnit(labels.capacityUp, labels.unitMbps),
      ...availabilityHeader,
      withUnit(labels.inAvg, labels.unitMbps),
      withUnit(labels.inPeak, labels.unitMbps),
      withUnit(labels.inP95, labels.unitMbps),
      withUnit(labels.outAvg, labels.unitMbps),
      withUnit(labels.outPeak, labels.unitMbps),
      withUnit(labels.outP95, labels.unitMbps),
      withUnit(labels.inUtilisationP95, labels.unitPercent),
      withUnit(labels.outUtilisationP95, labels.unitPercent),
      withUnit(labels.billed, labels.unitMbps),
      word(labels.billedDirection),
      word(labels.needsUpgrade),
      word(labels.trafficBuckets),
      withUnit(labels.trafficCoverage, labels.unitPercent),
      withUnit(labels.rttAvg, labels.unitMs),
      withUnit(labels.rttMedian, labels.unitMs),
      withUnit(labels.rttP95, labels.unitMs),
      withUnit(labels.lossAvg, labels.unitPercent),
      withUnit(labels.lossP95, labels.unitPercent),
    ],
    rows: report.links.map((link: LinkEntry) => {
      const { traffic, latency } = link;
      return [
        link.id,
        link.name ?? '',
        link.site,
        wordsOf(linkKindWords, link.kind, language),
        link.provider ?? '',
        link.circuit ?? '',
        link.capacity?.downMbps ?? null,
        link.capacity?.upMbps ?? null,
        ...availabilityCells(link.availability),
        mbps(traffic.in.avgBps),
        mbps(traffic.in.peakBps),
        mbps(traffic.in.p95Bps),
        mbps(traffic.out.avgBps),
        mbps(traffic.out.peakBps),
        mbps(traffic.out.p95Bps),
        percent(traffic.in.p95UtilizationPct),
        percent(traffic.out.p95UtilizationPct),
        mbps(traffic.billedBps),
        traffic.billedDirection === null ? '' : word(traffic.billedDirection === 'in' ? labels.directionIn : labels.directionOut),
        traffic.needsUpgrade,
        traffic.n,
        percent(traffic.coveragePct),
        rounded(latency.rttAvgMs, MS_DIGITS),
        rounded(latency.rttMedianMs, MS_DIGITS),
        rounded(latency.rttP95Ms, MS_DIGITS),
        percent(latency.lossAvgPct),
        percent(latency.lossP95Pct),
      ];
    }),
  };

  const outages: Table = {
    title: word(labels.outages),
    header: [
      word(labels.entityKind),
      word(labels.entity),
      word(labels.site),
      word(labels.start),
      word(labels.end),
      withUnit(labels.duration, labels.unitMinutes),
      withUnit(labels.counted, labels.unitMinutes),
      word(labels.cause),
      word(labels.failure),
      word(labels.crossesStart),
      word(labels.crossesEnd),
      word(labels.inMaintenance),
      word(labels.ongoing),
    ],
    rows: listedOutages(report).map(({ entityKind, entity, site, outage }) => [
      word(entityKindWords[entityKind]),
      entity,
      site,
      isoTime(outage.startMs),
      isoTime(outage.endMs),
      minutes(outage.durationMs),
      minutes(outage.countedMs),
      causeText(outage.cause, language),
      word(failureWords[outage.kind === 'unreachable' ? 'unreachable' : 'outage']),
      outage.clippedStart,
      outage.clippedEnd,
      outage.inMaintenance,
      outage.ongoing,
    ]),
  };

  const devices: Table = {
    title: word(labels.inventory),
    header: [
      word(labels.id),
      word(labels.site),
      word(labels.role),
      word(labels.name),
      word(labels.address),
      word(labels.vendor),
      word(labels.model),
      word(labels.firmware),
      word(labels.serial),
      word(labels.lastSeen),
      word(labels.interfaces),
      withUnit(labels.availability, labels.unitPercent),
    ],
    rows: report.devices.map((device: DeviceEntry) => {
      const facts = device.facts;
      const interfaces = facts?.interfaces.map((entry) => (entry.speedMbps === null ? entry.name : `${entry.name} ${rounded(entry.speedMbps, MBPS_DIGITS)} Mbps`)).join('; ') ?? '';
      return [
        device.id,
        device.site,
        wordsOf(deviceRoleWords, device.role, language),
        device.name ?? facts?.sysName ?? '',
        device.address,
        facts?.vendor ?? '',
        facts?.model ?? '',
        facts?.firmware ?? '',
        facts?.serial ?? '',
        facts ? isoTime(facts.seenMs) : '',
        interfaces,
        percent(device.availability.availabilityPct),
      ];
    }),
  };

  const changes: Table = {
    title: word(labels.changes),
    header: [word(labels.time), word(labels.device), word(labels.site), word(labels.fact), word(labels.before), word(labels.after)],
    rows: report.changes.map((change) => [isoTime(change.atMs), change.device, change.site ?? '', change.fact, change.before, change.after]),
  };

  const definitions: Table = {
    title: word(labels.definitions),
    rows: definitionTexts({ language, timeZone: report.period.timeZone, minCoverage: `${settings.minCoveragePct} %` }).map((text) => [text]),
  };

  const line = (row: Row) => row.map((cell) => cellText(cell, language)).join(',');
  const blocks = [about, scorecard, sites, links, outages, devices, changes, definitions].map((table) =>
    [line([table.title]), ...(table.header ? [line(table.header)] : []), ...table.rows.map(line)].join('\r\n'),
  );
  // The digest row is written raw: its cells are fixed text, and `seal` must find the marker as is.
  const digestRow = `SHA-256,${DIGEST_MARKER}${DIGEST_PLACEHOLDER}`;
  return `\uFEFF${[...blocks, digestRow].join('\r\n\r\n')}\r\n`;
}
