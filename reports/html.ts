import type { Language } from '../config/alerts.ts';
import type { Availability } from '../model/availability.ts';
import type { AuditReport, DeviceEntry, LinkEntry, SiteEntry } from '../model/report.ts';
import type { ScorecardLine } from '../model/report-figures.ts';
import { listedOutages, longestOutageMs, type ListedOutage } from './csv.ts';
import { createFormatter } from '../web/lib/format.ts';
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
  type ScorecardLineKey,
  type Words,
} from './labels.ts';

// The audit report as one standalone HTML page, to read in a browser or print to A4 (reports/
// pdf.ts prints it with headless Chromium). Nothing is fetched: styles are inline and the fonts
// are the system's, chosen for Vietnamese diacritics. Black on white, and every flag is a word
// or a symbol with words, because a report is photocopied and faxed. Every value is escaped.

export interface HtmlOptions {
  /** Where the digest placeholder goes: the page's meta tag and footer (`page`, the HTML format),
   * or only the document's title, which reports/pdf.ts turns into the PDF's properties: printed
   * text in a PDF is not the bytes the digest is written into, so the page shows no digest. */
  digestIn?: 'page' | 'document-properties';
}

const NBSP = '\u00a0';
const DASH = '—';
const AVAILABILITY_DIGITS = 3;
const COVERAGE_DIGITS = 2;
const SHARE_DIGITS = 1;
const LOSS_DIGITS = 2;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe in element content and in quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { color: #000; background: #fff; font-family: system-ui, 'Noto Sans', 'DejaVu Sans', sans-serif; font-size: 9pt; line-height: 1.35; }
body { margin: 0; }
h1 { font-size: 16pt; margin: 0 0 2pt; }
h2 { font-size: 11.5pt; margin: 12pt 0 4pt; border-bottom: 1pt solid #000; break-after: avoid; }
h3 { font-size: 10pt; margin: 8pt 0 3pt; break-after: avoid; }
p { margin: 2pt 0; }
.organisation { font-size: 11pt; font-weight: 600; }
.note { border: 1pt solid #000; padding: 3pt 5pt; margin: 5pt 0; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 10pt; margin: 4pt 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 6pt; font-size: 7.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 1.5pt 3pt; text-align: left; vertical-align: top; }
th { font-weight: 600; background: #fff; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
ol.definitions li { margin: 0 0 3pt; break-inside: avoid; }
footer { margin-top: 12pt; border-top: 1pt solid #000; padding-top: 4pt; font-size: 8pt; }
.digest { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; word-break: break-all; }
`;

interface Column {
  title: string;
  /** Right-aligned: figures read down a column. */
  number?: boolean;
}

/** A table of plain texts: every cell is escaped here, so no caller can forget to. */
function table(options: { columns: readonly Column[]; rows: readonly (readonly string[])[]; empty: string }): string {
  if (options.rows.length === 0) return `<p>${escapeHtml(options.empty)}</p>`;
  const head = options.columns.map((column) => `<th scope="col">${escapeHtml(column.title)}</th>`).join('');
  const body = options.rows
    .map((row) => `<tr>${row.map((cell, i) => `<td${options.columns[i]?.number ? ' class="number"' : ''}>${escapeHtml(cell === '' ? DASH : cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function facts(pairs: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${pairs.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value === '' ? DASH : value)}</dd>`).join('')}</dl>`;
}

const section = (title: string, content: string) => `<section>\n<h2>${escapeHtml(title)}</h2>\n${content}\n</section>`;

/** `2026-11-01` as the district writes it, `01/11/2026`: a calendar day, not an instant. */
const localDay = (isoDay: string) => isoDay.split('-').reverse().join('/');

const SCORECARD_LINES: readonly ScorecardLineKey[] = ['lanAndInternet', 'highSpeed', 'tslcd', 'availabilityTarget'];

export function reportHtml(report: AuditReport, options: HtmlOptions = {}): string {
  const language = report.language;
  const word = (entry: Words) => label(entry, language);
  // The dashboard's formatter: the same dates, numbers and durations on the page and on paper.
  const format = createFormatter({ locale: language, timeZone: report.period.timeZone });
  const orDash = <T>(value: T | null | undefined, shown: (value: T) => string) => (value === null || value === undefined ? DASH : shown(value));
  const percent = (value: number | null | undefined, digits: number) => orDash(value, (pct) => format.percent(pct, digits));
  const duration = (ms: number | null | undefined) => orDash(ms, (value) => format.duration(value));
  const bitRate = (bps: number | null | undefined) => orDash(bps, (value) => format.bitRate(value));
  const rtt = (ms: number | null | undefined) => orDash(ms, (value) => format.milliseconds(value));
  const mbps = (value: number) => `${format.number(value, Number.isInteger(value) ? 0 : 1)}${NBSP}Mbps`;
  const availabilityShown = (figure: Availability) => `${percent(figure.availabilityPct, AVAILABILITY_DIGITS)}${figure.coverageFlag ? ` ${word(labels.lowCoverageMark)}` : ''}`;
  const coverageShown = (figure: Availability) => `${percent(figure.coveragePct, COVERAGE_DIGITS)}${figure.coverageFlag ? ` ${word(labels.lowCoverageMark)}` : ''}`;

  const siteById = new Map(report.sites.map((site) => [site.id, site]));
  const linkById = new Map(report.links.map((link) => [link.id, link]));
  const deviceById = new Map(report.devices.map((device) => [device.id, device]));
  const siteName = (id: string) => siteById.get(id)?.name ?? id;
  const named = (name: string | undefined, id: string) => (name && name !== id ? `${name} (${id})` : id);
  const linkName = (id: string) => named(linkById.get(id)?.name, id);
  const deviceName = (id: string) => {
    const device = deviceById.get(id);
    return named(device?.name ?? device?.facts?.sysName, id);
  };
  const entityName = (outage: ListedOutage) => (outage.entityKind === 'site' ? siteName(outage.entity) : outage.entityKind === 'link' ? linkName(outage.entity) : deviceName(outage.entity));

  const { period, settings, summary, scorecard } = report;
  const digestOnPage = (options.digestIn ?? 'page') === 'page';
  const digest = `${DIGEST_MARKER}${DIGEST_PLACEHOLDER}`;

  const heading = [
    `<h1>${escapeHtml(word(labels.title))}</h1>`,
    ...(report.organisation ? [`<p class="organisation">${escapeHtml(report.organisation)}</p>`] : []),
    facts([
      [word(labels.period), `${period.label} (${word(periodKindWords[period.kind])})`],
      [`${word(labels.firstDay)} – ${word(labels.lastDay)}`, `${localDay(period.firstDay)} – ${localDay(period.lastDay)}`],
      [word(labels.timeZone), period.timeZone],
      [word(labels.generatedAt), format.dateTime(report.generatedMs)],
    ]),
    ...(period.partial ? [`<p class="note">⚠ ${escapeHtml(word(labels.partialNote))}</p>`] : []),
  ].join('\n');

  const coverage = section(
    word(labels.coverage),
    facts([
      [word(labels.meanCoverage), percent(summary.meanCoveragePct, COVERAGE_DIGITS)],
      [word(labels.flagged), `${summary.flagged}${summary.flagged > 0 ? ` ${word(labels.lowCoverageMark)}` : ''}`],
      [word(labels.minCoveragePct), format.percent(settings.minCoveragePct, 0)],
      [word(labels.coverageStep), format.duration(report.coverageStepMs)],
      [word(labels.siteCount), format.number(summary.sites)],
      [word(labels.linkCount), format.number(summary.links)],
      [word(labels.deviceCount), format.number(summary.devices)],
      [word(labels.linkOutages), format.number(summary.outages)],
      [word(labels.linksNeedingUpgrade), summary.needsUpgrade.length > 0 ? summary.needsUpgrade.map(linkName).join('; ') : word(labels.none)],
      [word(labels.upgradeSharePct), format.percent(settings.upgradeSharePct, 0)],
      [word(labels.highSpeedMbps), mbps(settings.highSpeedMbps)],
      [word(labels.workingAvailabilityPct), format.percent(settings.workingAvailabilityPct, 0)],
      [word(labels.targetAvailabilityPct), format.percent(settings.targetAvailabilityPct, 0)],
    ]),
  );

  const missingShown = (line: ScorecardLine) => (line.missing.length === 0 ? word(labels.none) : line.missing.map((miss) => `${siteName(miss.site)} — ${word(missReasonWords[miss.reason])}`).join('; '));
  const scorecardSection = section(
    word(labels.scorecard),
    table({
      columns: [{ title: word(labels.line) }, { title: `${word(labels.met)} / ${word(labels.of)}`, number: true }, { title: word(labels.share), number: true }, { title: word(labels.missing) }],
      rows: [
        ...SCORECARD_LINES.map((key) => {
          const line = scorecard[key];
          return [word(scorecardLineWords[key]), `${line.met} / ${line.of}`, percent(line.pct, SHARE_DIGITS), missingShown(line)];
        }),
        [word(labels.averageAvailability), '', percent(scorecard.averageAvailabilityPct, AVAILABILITY_DIGITS), ''],
      ],
      empty: word(labels.noRows),
    }),
  );

  const availabilityColumns: Column[] = [
    { title: word(labels.availability), number: true },
    { title: word(labels.rawAvailability), number: true },
    { title: word(labels.coverage), number: true },
    { title: word(labels.bounds), number: true },
    { title: word(labels.n), number: true },
    { title: word(labels.downtime), number: true },
    { title: word(labels.longestOutage), number: true },
    { title: word(labels.mttr), number: true },
    { title: word(labels.mtbf), number: true },
  ];
  const availabilityCells = (figure: Availability): string[] => [
    availabilityShown(figure),
    percent(figure.rawAvailabilityPct, AVAILABILITY_DIGITS),
    coverageShown(figure),
    `${percent(figure.bounds.unknownAsDownPct, AVAILABILITY_DIGITS)} – ${percent(figure.bounds.unknownAsUpPct, AVAILABILITY_DIGITS)}`,
    format.number(figure.n),
    duration(figure.downMs),
    duration(longestOutageMs(figure)),
    duration(figure.mttrMs),
    duration(figure.mtbfMs),
  ];

  const sitesSection = section(
    word(labels.sites),
    table({
      columns: [{ title: word(labels.site) }, { title: word(labels.kind) }, { title: word(labels.parent) }, ...availabilityColumns],
      rows: report.sites.map((site: SiteEntry) => [named(site.name, site.id), wordsOf(siteKindWords, site.kind, language), site.parent ? siteName(site.parent) : '', ...availabilityCells(site.availability)]),
      empty: word(labels.noRows),
    }),
  );

  const linkColumn: Column = { title: word(labels.links) };
  const linksSection = section(
    word(labels.links),
    [
      table({
        columns: [linkColumn, { title: word(labels.site) }, { title: word(labels.kind) }, { title: word(labels.provider) }, { title: word(labels.circuit) }, { title: word(labels.capacity), number: true }],
        rows: report.links.map((link: LinkEntry) => [
          named(link.name, link.id),
          siteName(link.site),
          wordsOf(linkKindWords, link.kind, language),
          link.provider ?? '',
          link.circuit ?? '',
          link.capacity ? `${mbps(link.capacity.downMbps)} / ${mbps(link.capacity.upMbps)}` : word(labels.notDeclared),
        ]),
        empty: word(labels.noRows),
      }),
      `<h3>${escapeHtml(word(labels.availability))}</h3>`,
      table({ columns: [linkColumn, ...availabilityColumns], rows: report.links.map((link: LinkEntry) => [named(link.name, link.id), ...availabilityCells(link.availability)]), empty: word(labels.noRows) }),
      `<h3>${escapeHtml(word(labels.linkTraffic))}</h3>`,
      table({
        columns: [
          linkColumn,
          ...[labels.inAvg, labels.inPeak, labels.inP95, labels.outAvg, labels.outPeak, labels.outP95, labels.inUtilisationP95, labels.outUtilisationP95, labels.billed].map((entry) => ({ title: word(entry), number: true })),
          { title: word(labels.needsUpgrade) },
          { title: word(labels.trafficCoverage), number: true },
        ],
        rows: report.links.map(({ id, name, traffic }: LinkEntry) => [
          named(name, id),
          bitRate(traffic.in.avgBps),
          bitRate(traffic.in.peakBps),
          bitRate(traffic.in.p95Bps),
          bitRate(traffic.out.avgBps),
          bitRate(traffic.out.peakBps),
          bitRate(traffic.out.p95Bps),
          percent(traffic.in.p95UtilizationPct, SHARE_DIGITS),
          percent(traffic.out.p95UtilizationPct, SHARE_DIGITS),
          traffic.billedBps === null ? DASH : `${bitRate(traffic.billedBps)} (${word(traffic.billedDirection === 'out' ? labels.directionOut : labels.directionIn)})`,
          traffic.needsUpgrade === null ? DASH : traffic.needsUpgrade ? word(labels.needsUpgradeMark) : word(labels.no),
          `${percent(traffic.coveragePct, COVERAGE_DIGITS)} (${format.number(traffic.n)} / ${format.number(traffic.expected)})`,
        ]),
        empty: word(labels.noRows),
      }),
      `<h3>${escapeHtml(word(labels.linkLatency))}</h3>`,
      table({
        columns: [linkColumn, ...[labels.rttAvg, labels.rttMedian, labels.rttP95, labels.lossAvg, labels.lossP95, labels.latencyBuckets].map((entry) => ({ title: word(entry), number: true }))],
        rows: report.links.map(({ id, name, latency }: LinkEntry) => [
          named(name, id),
          rtt(latency.rttAvgMs),
          rtt(latency.rttMedianMs),
          rtt(latency.rttP95Ms),
          percent(latency.lossAvgPct, LOSS_DIGITS),
          percent(latency.lossP95Pct, LOSS_DIGITS),
          format.number(latency.n),
        ]),
        empty: word(labels.noRows),
      }),
    ].join('\n'),
  );

  const outagesSection = section(
    word(labels.outages),
    table({
      columns: [
        { title: word(labels.entity) },
        { title: word(labels.site) },
        { title: word(labels.start), number: true },
        { title: word(labels.end), number: true },
        { title: word(labels.duration), number: true },
        { title: word(labels.counted), number: true },
        { title: word(labels.cause) },
        { title: word(labels.failure) },
        { title: word(labels.notes) },
      ],
      rows: listedOutages(report).map((listed) => {
        const { outage } = listed;
        const notes = [
          outage.clippedStart ? word(labels.crossesStartMark) : '',
          outage.clippedEnd ? word(labels.crossesEndMark) : '',
          outage.inMaintenance ? word(labels.inMaintenanceMark) : '',
          outage.ongoing ? word(labels.ongoingMark) : '',
        ].filter((note) => note !== '');
        return [
          `${word(entityKindWords[listed.entityKind])}: ${entityName(listed)}`,
          siteName(listed.site),
          format.dateTime(outage.startMs),
          outage.ongoing ? word(labels.ongoingMark) : format.dateTime(outage.endMs),
          format.duration(outage.durationMs),
          format.duration(outage.countedMs),
          causeText(outage.cause, language),
          word(failureWords[outage.kind === 'unreachable' ? 'unreachable' : 'outage']),
          notes.join('; '),
        ];
      }),
      empty: word(labels.noOutages),
    }),
  );

  const inventorySection = section(
    word(labels.inventory),
    [
      table({
        columns: [
          { title: word(labels.device) },
          { title: word(labels.site) },
          { title: word(labels.role) },
          { title: word(labels.address) },
          { title: word(labels.vendor) },
          { title: word(labels.model) },
          { title: word(labels.firmware) },
          { title: word(labels.serial) },
          { title: word(labels.lastSeen), number: true },
          { title: word(labels.interfaces) },
          { title: word(labels.availability), number: true },
        ],
        rows: report.devices.map((device: DeviceEntry) => {
          const seen = device.facts;
          return [
            deviceName(device.id),
            siteName(device.site),
            wordsOf(deviceRoleWords, device.role, language),
            device.address,
            seen ? seen.vendor : word(labels.neverAnswered),
            seen?.model ?? '',
            seen?.firmware ?? '',
            seen?.serial ?? '',
            seen ? format.dateTime(seen.seenMs) : '',
            seen?.interfaces.map((entry) => (entry.speedMbps === null ? entry.name : `${entry.name} ${mbps(entry.speedMbps)}`)).join('; ') ?? '',
            availabilityShown(device.availability),
          ];
        }),
        empty: word(labels.noRows),
      }),
      `<h3>${escapeHtml(word(labels.changes))}</h3>`,
      table({
        columns: [{ title: word(labels.time), number: true }, { title: word(labels.device) }, { title: word(labels.site) }, { title: word(labels.fact) }, { title: word(labels.before) }, { title: word(labels.after) }],
        rows: report.changes.map((change) => [format.dateTime(change.atMs), deviceName(change.device), change.site ? siteName(change.site) : '', change.fact, change.before, change.after]),
        empty: word(labels.noChanges),
      }),
    ].join('\n'),
  );

  const definitions = definitionTexts({ language, timeZone: period.timeZone, minCoverage: format.percent(settings.minCoveragePct, 0) });
  const definitionsSection = section(word(labels.definitions), `<ol class="definitions">\n${definitions.map((text) => `<li>${escapeHtml(text)}</li>`).join('\n')}\n</ol>`);

  const footer = [
    '<footer>',
    digestOnPage ? `<p class="digest">SHA-256: ${escapeHtml(digest)}</p>` : `<p>${escapeHtml(word(labels.digestInProperties))}</p>`,
    `<p>${escapeHtml(word(labels.verifyHint))}</p>`,
    '</footer>',
  ].join('\n');

  const title = `${word(labels.title)} ${period.label}${report.organisation ? ` — ${report.organisation}` : ''}`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ...(digestOnPage ? [`<meta name="linkwatch-digest" content="${escapeHtml(digest)}">`] : []),
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    heading,
    '</header>',
    '<main>',
    coverage,
    scorecardSection,
    sitesSection,
    linksSection,
    outagesSection,
    inventorySection,
    definitionsSection,
    '</main>',
    footer,
    '</body>',
    '</html>\n',
  ].join('\n');
}
