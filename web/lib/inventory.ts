import type { DeviceView, InterfaceView, LinkView, SiteView } from '../../api/inventory.ts';
import type { FactChangeView } from '../../api/routes/inventory.ts';
import type { Device, Link, Site } from '../../config/schema.ts';
import type { Formatter } from './format.ts';
import { label, type Locale, ui } from './i18n.ts';
import { matches } from './search.ts';

// The inventory as tables: one column list per tab, shared by the screen and the CSV export,
// so what is exported is what is shown (in the chosen language). Sorting, searching and the
// CSV text are pure, table-tested without a browser.

type Labels = Record<Locale, string>;

export const siteKindLabels: Record<Site['kind'], Labels> = {
  'district-centre': ui.inventory.siteDistrictCentre,
  town: ui.inventory.siteTown,
  commune: ui.inventory.siteCommune,
  other: ui.inventory.siteOther,
};

export const deviceRoleLabels: Record<Device['role'], Labels> = {
  router: ui.inventory.roleRouter,
  switch: ui.inventory.roleSwitch,
  firewall: ui.inventory.roleFirewall,
  'access-point': ui.inventory.roleAccessPoint,
  server: ui.inventory.roleServer,
  ups: ui.inventory.roleUps,
  modem: ui.inventory.roleModem,
  other: ui.inventory.roleOther,
};

export const linkKindLabels: Record<Link['kind'], Labels> = {
  internet: ui.inventory.linkInternet,
  tslcd: ui.inventory.linkTslcd,
  wan: ui.inventory.linkWan,
  lan: ui.inventory.linkLan,
};

/** What a fact change means to the district: the fact_change measurement's `fact` tag read as
 * a kind. The serial or the model changing means another box; sysDescr usually carries the
 * firmware version, so its change is read as a firmware change. */
export type ChangeKind = 'replaced' | 'firmware' | 'interface-added' | 'interface-removed' | 'interface-changed' | 'other';

export const changeKindLabels: Record<ChangeKind, Labels> = {
  replaced: ui.inventory.changeReplaced,
  firmware: ui.inventory.changeFirmware,
  'interface-added': ui.inventory.changeInterfaceAdded,
  'interface-removed': ui.inventory.changeInterfaceRemoved,
  'interface-changed': ui.inventory.changeInterfaceChanged,
  other: ui.inventory.changeOther,
};

const INTERFACE_PREFIX = 'interface:';

export function changeKind(change: Pick<FactChangeView, 'fact' | 'before' | 'after'>): ChangeKind {
  if (change.fact.startsWith(INTERFACE_PREFIX)) {
    if (change.before === '') return 'interface-added';
    if (change.after === '') return 'interface-removed';
    return 'interface-changed';
  }
  if (change.fact === 'serial' || change.fact === 'model') return 'replaced';
  if (change.fact === 'firmware_rev' || change.fact === 'software_rev' || change.fact === 'sys_descr') return 'firmware';
  return 'other';
}

/** The changed fact for display: `interface:Gi0/0/1` is the interface's name, kept whole. */
export const changedFact = (fact: string): string => (fact.startsWith(INTERFACE_PREFIX) ? fact.slice(INTERFACE_PREFIX.length) : fact);

export interface InterfaceRow extends InterfaceView {
  /** The device and site it belongs to, as typed fields (an ifName may contain "/"). */
  device: string;
  deviceName?: string;
  site: string;
  seenMs: number;
  links: string[];
}

export interface ChangeRow extends FactChangeView {
  kind: ChangeKind;
  deviceName?: string;
}

export interface InventoryInput {
  sites: readonly SiteView[];
  devices: readonly DeviceView[];
  links: readonly LinkView[];
  changes: readonly FactChangeView[];
}

export interface InventoryRows {
  sites: SiteView[];
  devices: DeviceView[];
  interfaces: InterfaceRow[];
  links: LinkView[];
  changes: ChangeRow[];
}

export const inventoryTabs = ['sites', 'devices', 'interfaces', 'links', 'changes'] as const;
export type InventoryTab = (typeof inventoryTabs)[number];

/** The rows of every tab: interfaces flattened from each device's facts, changes newest first. */
export function inventoryRows(input: InventoryInput): InventoryRows {
  const deviceNames = new Map(input.devices.map((device) => [device.id, device.name]));
  const interfaces = input.devices.flatMap((device) =>
    (device.facts?.interfaces ?? []).map((iface): InterfaceRow => {
      const links = input.links.filter((link) => link.device === device.id && link.interface === iface.name).map((link) => link.id);
      return { ...iface, device: device.id, ...(device.name !== undefined ? { deviceName: device.name } : {}), site: device.site, seenMs: device.facts!.seenMs, links };
    }),
  );
  const changes = [...input.changes]
    .sort((a, b) => b.atMs - a.atMs)
    .map((change): ChangeRow => {
      const deviceName = deviceNames.get(change.device);
      return { ...change, kind: changeKind(change), ...(deviceName !== undefined ? { deviceName } : {}) };
    });
  return { sites: [...input.sites], devices: [...input.devices], interfaces, links: [...input.links], changes };
}

/** What a cell needs besides its row: the formatter, the clock and the site names. */
export interface CellContext {
  format: Formatter;
  locale: Locale;
  nowMs: number;
  siteName(id: string): string;
}

/** A column: its header, its text on screen, its text in the CSV (machine-readable numbers:
 * "21.5", not "21,5", which a CSV would split), and what it sorts by. */
export interface Column<R> {
  id: string;
  label: Labels;
  text(row: R, context: CellContext): string;
  csv?(row: R, context: CellContext): string;
  sort(row: R, context: CellContext): string | number | undefined;
  numeric?: boolean;
}

const plain = (value: number | undefined) => (value === undefined ? '' : String(value));
const seenText = (ms: number | undefined, c: CellContext) => (ms === undefined ? label(ui.inventory.never, c.locale) : `${c.format.ago(ms, c.nowMs)} (${c.format.dateTime(ms)})`);
const seenCsv = (ms: number | undefined, c: CellContext) => (ms === undefined ? '' : c.format.dateTime(ms));
const mbps = (bps: number | null | undefined, c: CellContext) => (bps === null || bps === undefined ? '' : c.format.bitRate(bps));

function text<R>(id: string, labels: Labels, value: (row: R, c: CellContext) => string | undefined): Column<R> {
  return { id, label: labels, text: (row, c) => value(row, c) ?? '', sort: (row, c) => value(row, c) };
}
function count<R>(id: string, labels: Labels, value: (row: R) => number | undefined, digits = 0): Column<R> {
  return { id, label: labels, numeric: true, text: (row, c) => (value(row) === undefined ? '' : c.format.number(value(row)!, digits)), csv: (row) => plain(value(row)), sort: (row) => value(row) };
}

const t = ui.inventory;

export const inventoryColumns: { [K in InventoryTab]: readonly Column<InventoryRows[K][number]>[] } = {
  sites: [
    text('name', t.colName, (s) => s.name),
    text('id', t.colId, (s) => s.id),
    text('kind', t.colKind, (s, c) => label(siteKindLabels[s.kind], c.locale)),
    text('address', t.colAddress, (s) => s.address),
    count('lat', t.colLat, (s) => s.location?.lat, 5),
    count('lon', t.colLon, (s) => s.location?.lon, 5),
    text('contact', t.colContact, (s) => s.contact?.name),
    text('phone', t.colPhone, (s) => s.contact?.phone),
    count('devices', t.colDevices, (s) => s.devices.length),
    count('links', t.colLinks, (s) => s.links.length),
  ],
  devices: [
    text('name', t.colName, (d) => d.name ?? d.id),
    text('id', t.colId, (d) => d.id),
    text('site', t.colSite, (d, c) => c.siteName(d.site)),
    text('role', t.colRole, (d, c) => label(deviceRoleLabels[d.role], c.locale)),
    text('ip', t.colIp, (d) => d.address),
    text('manufacturer', t.colManufacturer, (d) => d.facts?.manufacturer),
    text('model', t.colModel, (d) => d.facts?.model),
    text('serial', t.colSerial, (d) => d.facts?.serial),
    text('firmware', t.colFirmware, (d) => d.facts && (d.facts.firmwareRev || d.facts.softwareRev)),
    { id: 'seen', label: t.colSeen, text: (d, c) => seenText(d.facts?.seenMs, c), csv: (d, c) => seenCsv(d.facts?.seenMs, c), sort: (d) => d.facts?.seenMs },
  ],
  interfaces: [
    text('device', t.colDevice, (i) => i.deviceName ?? i.device),
    text('site', t.colSite, (i, c) => c.siteName(i.site)),
    count('index', t.colIfIndex, (i) => i.index),
    text('name', t.colInterface, (i) => i.name),
    { id: 'speed', label: t.colSpeed, numeric: true, text: (i, c) => mbps(i.speedBps, c), csv: (i) => (i.speedBps === null ? '' : String(i.speedBps / 1e6)), sort: (i) => i.speedBps ?? undefined },
    text('links', t.colUsedBy, (i) => i.links.join(', ')),
    { id: 'seen', label: t.colSeen, text: (i, c) => seenText(i.seenMs, c), csv: (i, c) => seenCsv(i.seenMs, c), sort: (i) => i.seenMs },
  ],
  links: [
    text('name', t.colName, (l) => l.name ?? l.id),
    text('id', t.colId, (l) => l.id),
    text('site', t.colSite, (l, c) => c.siteName(l.site)),
    text('kind', t.colKind, (l, c) => label(linkKindLabels[l.kind], c.locale)),
    text('provider', t.colProvider, (l) => l.provider),
    text('circuit', t.colCircuit, (l) => l.circuit),
    count('down', t.colDownMbps, (l) => l.capacity?.downMbps, 0),
    count('up', t.colUpMbps, (l) => l.capacity?.upMbps, 0),
    text('device', t.colDevice, (l) => l.device),
    text('interface', t.colInterface, (l) => l.interface),
    { id: 'speed', label: t.colSpeed, numeric: true, text: (l, c) => mbps(l.interfaceSpeedBps, c), csv: (l) => (l.interfaceSpeedBps === undefined ? '' : String(l.interfaceSpeedBps / 1e6)), sort: (l) => l.interfaceSpeedBps },
    text('support', t.colSupport, (l) => l.supportPhone),
  ],
  changes: [
    { id: 'when', label: t.colWhen, text: (r, c) => `${c.format.dateTime(r.atMs)} (${c.format.ago(r.atMs, c.nowMs)})`, csv: (r, c) => c.format.dateTime(r.atMs), sort: (r) => r.atMs },
    text('device', t.colDevice, (r) => r.deviceName ?? r.device),
    text('site', t.colSite, (r, c) => (r.site === undefined ? undefined : c.siteName(r.site))),
    text('change', t.colChange, (r, c) => label(changeKindLabels[r.kind], c.locale)),
    text('fact', t.colFact, (r) => changedFact(r.fact)),
    text('before', t.colBefore, (r) => r.before),
    text('after', t.colAfter, (r) => r.after),
  ],
};

export type SortOrder = { column: string; direction: 'ascending' | 'descending' };

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Rows matching every word of the search in any column's text (diacritics and case aside),
 * sorted by a column when asked; empty cells always last, whichever the direction. */
export function tableRows<R>(rows: readonly R[], columns: readonly Column<R>[], context: CellContext, options: { search?: string; sort?: SortOrder } = {}): R[] {
  const kept = rows.filter((row) => matches(options.search ?? '', columns.map((column) => column.text(row, context))));
  const column = options.sort && columns.find((candidate) => candidate.id === options.sort!.column);
  if (!column) return kept;
  const sign = options.sort!.direction === 'ascending' ? 1 : -1;
  const keyed = kept.map((row) => ({ row, key: column.sort(row, context) }));
  keyed.sort((a, b) => {
    const empty = (key: string | number | undefined) => key === undefined || key === '';
    if (empty(a.key) || empty(b.key)) return Number(empty(a.key)) - Number(empty(b.key));
    const order = typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : collator.compare(String(a.key), String(b.key));
    return sign * order;
  });
  return keyed.map((entry) => entry.row);
}

/** A click on a column's header: ascending first, then descending, then ascending again. */
export const nextSort = (current: SortOrder | undefined, column: string): SortOrder =>
  current?.column === column && current.direction === 'ascending' ? { column, direction: 'descending' } : { column, direction: 'ascending' };

/** Excel shows UTF-8 as UTF-8 (not as Windows-1258) only after a byte-order mark. */
export const BOM = '\ufeff';

/** One field, RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A field that a spreadsheet would run as a formula (=, +, @, or - not starting a number) gets
 * a leading apostrophe, so a sysDescr like "=HYPERLINK(…)" stays text. */
export function csvField(value: string): string {
  const safe = /^[=+@\t\r]/.test(value) || /^-(?![\d.])/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The whole file: BOM, the header row in the chosen language, one line per row, CRLF ends. */
export function toCsv<R>(rows: readonly R[], columns: readonly Column<R>[], context: CellContext): string {
  const lines = [columns.map((column) => csvField(label(column.label, context.locale))).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvField((column.csv ?? column.text)(row, context))).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** linkwatch-devices-20261207-1405.csv: the tab and the district's local time. */
export function csvFileName(tab: InventoryTab, nowMs: number, format: Formatter): string {
  const [day, month, rest] = format.dateTime(nowMs).split('/');
  const [year, time] = (rest ?? '').split(' ');
  return `linkwatch-${tab}-${year}${month}${day}-${(time ?? '').replace(':', '')}.csv`;
}
