import { describe, expect, it } from 'vitest';
import { availability, monthPeriod, type DownInterval, type Interval } from '../../../model/availability.ts';
import { latencyFigures, scorecard, trafficFigures } from '../../../model/report-figures.ts';
import { REPORT_SCHEMA, type AuditReport, type DeviceEntry, type LinkEntry, type SiteEntry } from '../../../model/report.ts';
import { reportCsv } from '../../../reports/csv.ts';
import { DIGEST_MARKER, DIGEST_PLACEHOLDER, seal, verifyBytes } from '../../../reports/digest.ts';
import { escapeHtml, reportHtml } from '../../../reports/html.ts';
import { createFormatter } from '../../../web/lib/format.ts';

// The CSV and HTML renderers on a hand-built November 2026 report: two communes, three links,
// one switch. Its figures come from the model's pure functions, so the renderers are checked
// against the same arithmetic the store's reports use.

const MIN = 60_000;
const ZONE = 'Asia/Ho_Chi_Minh';
const november = monthPeriod(2026, 11, ZONE);
const at = (minutes: number) => november.startMs + minutes * MIN;
const settings = { upgradeSharePct: 80, highSpeedMbps: 100, workingAvailabilityPct: 95, targetAvailabilityPct: 99, minCoveragePct: 99 };
const EVIL_NAME = '<b>"x"</b>';

const figure = (down: DownInterval[], unknown: Interval[] = []) =>
  availability({ periodFromMs: november.startMs, periodToMs: november.endMs, down, maintenance: [], unknown, minCoveragePct: settings.minCoveragePct });

/** 45 minutes down on 7 November: 99.8958 % of a 30-day month. */
const internetOutage: DownInterval = { startMs: at(6 * 1440 + 600), endMs: at(6 * 1440 + 645), kind: 'outage', cause: 'no-reply' };
/** From 31 October 23:50 to 1 November 00:20: 20 minutes in November, crossing its start. */
const crossingOutage: DownInterval = { startMs: november.startMs - 10 * MIN, endMs: november.startMs + 20 * MIN, kind: 'unreachable', cause: 'upstream:district-core' };

const traffic = (inMbps: (number | null)[], capacity?: { downMbps: number; upMbps: number }) =>
  trafficFigures({ inBps: inMbps.map((mbps) => (mbps === null ? null : mbps * 1e6)), outBps: inMbps.map((mbps) => (mbps === null ? null : mbps * 0.3e6)), expected: 8_640, upgradeSharePct: settings.upgradeSharePct, ...(capacity ? { capacity } : {}) });
const latency = latencyFigures({ rttMs: [12, 14, 15, 40], lossPct: [0, 0, 2, 0] });

const links: LinkEntry[] = [
  {
    id: 'namxe-inet',
    site: 'namxe',
    kind: 'internet',
    name: 'Internet Nậm Xé',
    provider: 'VNPT, "Cáp quang"',
    circuit: 'HN-123',
    capacity: { downMbps: 100, upMbps: 50 },
    availability: figure([internetOutage]),
    traffic: traffic([50, 60, 90, null], { downMbps: 100, upMbps: 50 }),
    latency,
  },
  { id: 'namxe-tslcd', site: 'namxe', kind: 'tslcd', availability: figure([crossingOutage]), traffic: traffic([]), latency: latencyFigures({ rttMs: [], lossPct: [] }) },
  // Two days without data: coverage 93.3 %, under the 99 % minimum.
  { id: 'evil-inet', site: 'evil', kind: 'internet', availability: figure([], [{ startMs: at(0), endMs: at(2 * 1440) }]), traffic: traffic([5, 6]), latency },
];

const devices: DeviceEntry[] = [
  {
    id: 'namxe-sw',
    site: 'namxe',
    role: 'switch',
    name: 'Switch UBND xã',
    address: '10.20.1.2',
    availability: figure([]),
    facts: {
      vendor: 'Cisco',
      model: 'C2960',
      firmware: '15.2(7)E',
      serial: 'FOC1234X0YZ',
      sysName: 'namxe-sw',
      seenMs: at(29 * 1440),
      interfaces: [
        { name: 'Gi0/1', speedMbps: 1000 },
        { name: 'Vlan1', speedMbps: null },
      ],
    },
  },
];

const sites: SiteEntry[] = [
  { id: 'namxe', name: 'Xã Nậm Xé', kind: 'commune', links: ['namxe-inet', 'namxe-tslcd'], devices: ['namxe-sw'], availability: figure([]) },
  { id: 'evil', name: EVIL_NAME, kind: 'commune', links: ['evil-inet'], devices: [], availability: links[2]!.availability },
];

function fixture(overrides: Partial<AuditReport> = {}): AuditReport {
  const linkById = new Map(links.map((link) => [link.id, link]));
  const card = scorecard(
    sites.map((site) => ({
      id: site.id,
      availabilityPct: site.availability.availabilityPct,
      devices: devices.filter((device) => device.site === site.id).map((device) => ({ id: device.id, availabilityPct: device.availability.availabilityPct })),
      links: site.links.map((id) => {
        const link = linkById.get(id)!;
        return { id, kind: link.kind, availabilityPct: link.availability.availabilityPct, ...(link.capacity ? { downMbps: link.capacity.downMbps } : {}) };
      }),
    })),
    settings,
  );
  return {
    schema: REPORT_SCHEMA,
    language: 'vi',
    organisation: 'UBND huyện Mường Tè',
    period: { kind: 'month', label: '2026-11', firstDay: '2026-11-01', lastDay: '2026-11-30', fromMs: november.startMs, toMs: november.endMs, partial: false, timeZone: ZONE },
    generatedMs: november.endMs + 7 * 60 * MIN,
    coverageStepMs: 5 * MIN,
    settings,
    summary: {
      sites: sites.length,
      links: links.length,
      devices: devices.length,
      meanCoveragePct: links.reduce((sum, link) => sum + link.availability.coveragePct, 0) / links.length,
      flagged: [...sites, ...links, ...devices].filter((entry) => entry.availability.coverageFlag).length,
      outages: links.reduce((sum, link) => sum + link.availability.n, 0),
      needsUpgrade: links.filter((link) => link.traffic.needsUpgrade === true).map((link) => link.id),
    },
    scorecard: card,
    sites,
    links,
    devices,
    changes: [{ atMs: at(14 * 1440 + 480), device: 'namxe-sw', site: 'namxe', fact: 'sys_contact', before: 'it@muongte.gov.vn', after: '=SUM(A1:A9)' }],
    ...overrides,
  };
}

const lines = (csv: string) => csv.split('\r\n');

describe('reportCsv', () => {
  const csv = reportCsv(fixture());

  it('is UTF-8 text for Excel: a byte-order mark, CRLF line ends, ending with one', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(/[^\r]\n/.test(csv)).toBe(false);
    expect(/\r(?!\n)/.test(csv)).toBe(false);
  });

  it('quotes a value holding a comma and quotes, doubling the quotes (RFC 4180)', () => {
    expect(csv).toContain(',"VNPT, ""Cáp quang""",');
    expect(csv).toContain('"<b>""x""</b>"');
  });

  it('neutralises a text cell that a spreadsheet would run as a formula', () => {
    expect(csv).toContain(",'=SUM(A1:A9)");
    expect(csv).not.toMatch(/(^|,)=SUM/m);
  });

  it('writes numbers machine-readable and times ISO 8601 with the zone offset', () => {
    const internet = lines(csv).find((line) => line.startsWith('namxe-inet,'))!;
    expect(internet.split(',')).toContain('99.8958');
    expect(internet).toContain(',100,50,');
    expect(csv).toContain('2026-10-31T23:50:00+07:00,2026-11-01T00:20:00+07:00,30,20,');
    expect(csv).toContain('2026-11-15T08:00:00+07:00,namxe-sw,namxe,sys_contact,it@muongte.gov.vn');
    expect(csv).toContain('Gi0/1 1000 Mbps; Vlan1');
  });

  it('ends with exactly the digest row, after the tables', () => {
    const all = lines(csv);
    expect(all.at(-1)).toBe('');
    expect(all.at(-2)).toBe(`SHA-256,${DIGEST_MARKER}${'0'.repeat(64)}`);
    expect(all.at(-3)).toBe('');
  });

  it('titles each table with one cell and separates tables with an empty line', () => {
    const all = lines(csv.slice(1));
    for (const title of ['Báo cáo hạ tầng mạng', 'Bảng chỉ tiêu', 'Các điểm', 'Đường truyền', 'Các lần gián đoạn', 'Danh mục thiết bị', 'Thay đổi trong kỳ', 'Định nghĩa và cách tính']) {
      const index = all.indexOf(title);
      expect(index, title).toBeGreaterThanOrEqual(0);
      if (index > 0) expect(all[index - 1], title).toBe('');
    }
  });

  it('writes headers in Vietnamese by default and in English when the report is', () => {
    expect(csv).toContain('Khả dụng (%)');
    expect(csv).toContain('Thời gian mất kết nối (phút)');
    expect(csv).toContain('Không liên lạc được — do tuyến phía trên');
    const english = reportCsv(fixture({ language: 'en' }));
    expect(english).toContain('Availability (%)');
    expect(english).toContain('Downtime (min)');
    expect(english.split('\r\n')[0]).toBe('\uFEFFNetwork infrastructure report');
    expect(english).not.toContain('Khả dụng');
  });

  it('prints the definitions, one per row', () => {
    expect(csv).toContain('⌈0,95 n⌉');
    expect(reportCsv(fixture({ language: 'en' }))).toContain('⌈0.95 n⌉');
  });
});

describe('reportHtml', () => {
  const html = reportHtml(fixture());

  it('escapes text for element content and attributes', () => {
    expect(escapeHtml('<script>alert("x\'s")</script> & more')).toBe('&lt;script&gt;alert(&quot;x&#39;s&quot;)&lt;/script&gt; &amp; more');
  });

  it('is a standalone page: nothing to run, nothing to fetch', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link|<img|@import|url\(/i);
    expect(html).toContain("@page { size: A4; margin: 14mm 12mm; }");
    expect(html).toContain("system-ui, 'Noto Sans', 'DejaVu Sans', sans-serif");
  });

  it('escapes a site name, wherever it appears', () => {
    expect(html).not.toContain(EVIL_NAME);
    expect(html).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(html).toContain('Xã Nậm Xé');
  });

  it('carries the digest placeholder in its meta tag and its footer', () => {
    const digest = `${DIGEST_MARKER}${DIGEST_PLACEHOLDER}`;
    expect(html).toContain(`<meta name="linkwatch-digest" content="${digest}">`);
    expect(html).toContain(`SHA-256: ${digest}`);
    // For the PDF the digest is in its document properties; printed zeros would never be filled in.
    expect(reportHtml(fixture(), { digestIn: 'document-properties' })).not.toContain(DIGEST_PLACEHOLDER);
  });

  it('formats figures the Vietnamese way, with words for flags and a dash for no figure', () => {
    expect(html).toContain('99,896\u00a0%');
    expect(html).toContain('⚠ thiếu dữ liệu');
    expect(html).toContain('▲ Cần nâng cấp');
    expect(html).toContain('<td class="number">—</td>');
    expect(html).toContain('01/11/2026 – 30/11/2026');
    expect(reportHtml(fixture({ language: 'en' }))).toContain('99.896\u00a0%');
  });

  it('formats as the dashboard does (reports/ may not import web/, so it keeps its own copy)', () => {
    for (const language of ['vi', 'en'] as const) {
      const page = reportHtml(fixture({ language }));
      const dashboard = createFormatter({ locale: language, timeZone: ZONE });
      for (const shown of [dashboard.dateTime(crossingOutage.startMs), dashboard.duration(45 * MIN), dashboard.duration(links[0]!.availability.mtbfMs!), dashboard.bitRate(66_666_667), dashboard.milliseconds(20.25), dashboard.percent(93.333, 2)]) {
        expect(page, shown).toContain(shown);
      }
    }
  });

  it('lists the outage crossing the period start with its real start', () => {
    expect(html).toContain('◀ bắt đầu trước kỳ');
    expect(html).toContain('31/10/2026 23:50');
    expect(html).toContain('Do tuyến phía trên (district-core)');
  });

  it('names the sites that miss a scorecard line, and notes a partial period', () => {
    expect(html).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt; — không có mạng LAN được giám sát');
    expect(html).not.toContain('Kỳ báo cáo chưa kết thúc');
    expect(reportHtml(fixture({ period: { ...fixture().period, partial: true } }))).toContain('Kỳ báo cáo chưa kết thúc');
  });

  it('prints the definitions and the inventory', () => {
    expect(html).toContain('Định nghĩa và cách tính');
    expect(html).toContain('MTBF / (MTBF + MTTR)');
    expect(html).toContain('FOC1234X0YZ');
    expect(html).toContain('Gi0/1 1.000\u00a0Mbps; Vlan1');
    expect(html).toContain('=SUM(A1:A9)');
  });
});

describe('sealing the rendered text', () => {
  it.each([
    ['CSV', reportCsv(fixture()), '99.8958'],
    ['HTML', reportHtml(fixture()), '99,896'],
  ])('%s: verifies once sealed, and fails once a figure is changed', (_, content, shownFigure) => {
    const sealed = seal(content);
    expect(sealed.content).not.toContain(DIGEST_PLACEHOLDER);
    expect(verifyBytes(Buffer.from(sealed.content, 'utf8'))).toEqual({ ok: true, digest: sealed.digest });
    const changed = sealed.content.replace(shownFigure, shownFigure.replace('8', '9'));
    expect(changed).not.toBe(sealed.content);
    expect(verifyBytes(Buffer.from(changed, 'utf8'))).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
