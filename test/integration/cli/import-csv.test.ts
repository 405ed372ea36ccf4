import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { loadConfigFile, parseConfig } from '../../../config/load.ts';
import type { Config, Link, Site } from '../../../config/schema.ts';
import { captureIo } from '../../helpers/cli-io.ts';

// The sample district as staff would keep it in Excel (Vietnamese locale: ";" and decimal
// commas, saved as "CSV UTF-8" with its BOM), written from config/example.yaml and read back.

const EXAMPLE_ENV = { LINKWATCH_COMMUNITY: 'public', LINKWATCH_V3_AUTH_KEY: 'authpass123', LINKWATCH_V3_PRIV_KEY: 'privpass123' };

const HEADER = [
  'Mã điểm', 'Tên điểm', 'Loại điểm', 'Điểm cấp trên', 'Nhóm', 'Vĩ độ', 'Kinh độ', 'Địa chỉ', 'Người liên hệ', 'Điện thoại',
  'Mã đường truyền', 'Tên đường truyền', 'Loại đường truyền', 'Nhà mạng', 'Mã mạch', 'Tải xuống (Mbps)', 'Tải lên (Mbps)', 'Địa chỉ ping', 'Tổng đài hỗ trợ', 'Tuyến trên',
];

const siteKindVi: Record<Site['kind'], string> = { 'district-centre': 'Trung tâm huyện', town: 'Thị trấn', commune: 'Xã', other: 'Khác' };
const linkKindVi: Record<Link['kind'], string> = { internet: 'Internet', tslcd: 'TSLCD', wan: 'WAN', lan: 'LAN' };

/** As Excel quotes: only a cell with the separator, a quote or a line break. */
const cell = (value: string | number | undefined): string => {
  const text = value === undefined ? '' : typeof value === 'number' ? String(value).replace('.', ',') : value;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const siteCells = (site: Site) => [
  site.id, site.name, siteKindVi[site.kind], site.parent, site.groups.join(' '), site.location?.lat, site.location?.lon, site.address, site.contact?.name, site.contact?.phone,
];

/** One row per link with its site's columns repeated, a site without links on a row of its own;
 * links whose id is the one import-csv would generate are left without, as staff would. */
function exampleCsv(config: Config): string {
  const rows = [HEADER.map(cell).join(';')];
  const generated = new Map<string, number>();
  for (const site of config.sites) {
    const links = config.links.filter((link) => link.site === site.id);
    if (links.length === 0) rows.push([...siteCells(site), ...HEADER.slice(10).map(() => '')].map(cell).join(';'));
    for (const link of links) {
      const base = `${link.site}-${link.kind}`;
      const wouldGenerate = !generated.has(base) && link.id === base && !config.links.some((other) => other !== link && other.id === base);
      if (wouldGenerate) generated.set(base, 1);
      rows.push(
        [
          ...siteCells(site),
          wouldGenerate ? '' : link.id, link.name, linkKindVi[link.kind], link.provider, link.circuit, link.capacity?.downMbps, link.capacity?.upMbps,
          link.targets.map((target) => target.address).join('; '), link.supportPhone, link.upstream,
        ]
          .map(cell)
          .join(';'),
      );
    }
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

/** What a spreadsheet row carries: everything but the devices, interfaces, target roles and
 * per-link ICMP settings, which the CSV has no columns for. */
const siteFacts = (site: Site) => ({ id: site.id, name: site.name, kind: site.kind, parent: site.parent, groups: site.groups, location: site.location, address: site.address, contact: site.contact });
const linkFacts = (link: Link) => ({
  id: link.id, site: link.site, kind: link.kind, name: link.name, provider: link.provider, circuit: link.circuit, supportPhone: link.supportPhone,
  capacity: link.capacity, targets: link.targets.map((target) => target.address), upstream: link.upstream,
});

describe('linkwatch import-csv: the sample district, there and back', () => {
  let dir: string;
  let example: Config;
  let csvFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkwatch-import-csv-'));
    const loaded = await loadConfigFile('config/example.yaml', { env: EXAMPLE_ENV });
    if (!loaded.ok) throw new Error(`config/example.yaml does not load: ${JSON.stringify(loaded.errors)}`);
    example = loaded.config;
    csvFile = join(dir, 'van-ban.csv');
    await writeFile(csvFile, exampleCsv(example));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has the whole sample to carry', () => {
    expect([example.sites.length, example.links.length]).toEqual([23, 42]);
  });

  it('prints YAML that loads into the same sites and links', async () => {
    const { io, stdout, stderr } = captureIo();
    expect(await main(['import-csv', csvFile], io)).toBe(0);
    expect(stderr()).toBe(`${csvFile}: 23 sites, 42 links\n`);
    const parsed = parseConfig(stdout());
    if (!parsed.ok) throw new Error(`the printed YAML does not load: ${JSON.stringify(parsed.errors)}`);
    expect(parsed.config.sites.map(siteFacts)).toEqual(example.sites.map(siteFacts));
    expect(parsed.config.links.map(linkFacts)).toEqual(example.links.map(linkFacts));
  });

  it('writes the same text with --out, and prints nothing', async () => {
    const printed = captureIo();
    expect(await main(['import-csv', csvFile], printed.io)).toBe(0);
    const out = join(dir, 'inventory.yaml');
    const written = captureIo();
    expect(await main(['import-csv', csvFile, '--out', out], written.io)).toBe(0);
    expect(written.stdout()).toBe('');
    expect(written.stderr()).toBe(`${out}: 23 sites, 42 links from ${csvFile}\n`);
    expect(await readFile(out, 'utf8')).toBe(printed.stdout());
  });

  it('fits the example config in place of its own sites and links', async () => {
    const { io, stdout } = captureIo();
    expect(await main(['import-csv', csvFile], io)).toBe(0);
    const text = await readFile('config/example.yaml', 'utf8');
    // The example's other sections (devices, alerts, reports) refer to these ids and groups.
    const withoutInventory = text.replace(/^sites:\n[\s\S]*?(?=^devices:)/m, '').replace(/^links:\n[\s\S]*?(?=^alerts:)/m, '');
    const combined = parseConfig(`${withoutInventory}\n${stdout()}`, { env: EXAMPLE_ENV });
    if (!combined.ok) throw new Error(`the example with the imported inventory does not load: ${JSON.stringify(combined.errors.slice(0, 5))}`);
    expect(combined.config.sites.map(siteFacts)).toEqual(example.sites.map(siteFacts));
    expect(combined.config.devices.map((device) => device.id)).toEqual(example.devices.map((device) => device.id));
  });

  it('refuses the sample with one row broken, printing nothing', async () => {
    const broken = (await readFile(csvFile, 'utf8')).replace(';Xã Chiềng Ken;Xã;district-centre;', ';Xã Chiềng Ken;Xa xa;district-centre;');
    const file = join(dir, 'broken.csv');
    await writeFile(file, broken);
    const { io, stdout, stderr } = captureIo();
    expect(await main(['import-csv', file], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:\\d+: "Loại điểm": unknown site kind "Xa xa"`, 'm'));
  });
});
