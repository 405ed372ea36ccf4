import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Document, isMap, isScalar, isSeq } from 'yaml';
import { suggest } from '../config/errors.ts';
import { parseConfig } from '../config/load.ts';
import { hostSchema, ID_PATTERN, type Link, type LinkKind, type Site, type SiteKind } from '../config/schema.ts';
import { ExitCode, UsageError, writeWholeFile, type CliIo } from './io.ts';

// The district's spreadsheet (one row per link, its site's columns repeated) → the `sites:` and
// `links:` sections of the config. Everything the config loader checks is checked by running the
// produced YAML through parseConfig, and its findings are traced back to the spreadsheet's rows:
// staff fix the spreadsheet they keep, not the YAML.

/** One problem in the CSV: the line a spreadsheet program shows (1 is the header) and the column
 * as headed in the file. A config problem that cannot be traced to a row has a path instead. */
export interface CsvProblem {
  line?: number;
  column?: string;
  path?: string;
  message: string;
}

export type CsvImport =
  | { ok: true; yaml: string; sites: readonly Site[]; links: readonly Link[] }
  | { ok: false; problems: CsvProblem[] };

export interface CsvImportOptions {
  /** Named in the comment at the top of the YAML, so a pasted section says where it came from. */
  source?: string;
}

// ---------------------------------------------------------------------------------------------
// Reading CSV (RFC 4180, as Excel and LibreOffice save it)
// ---------------------------------------------------------------------------------------------

export interface CsvRecord {
  /** The line the record starts on: a quoted cell may span lines. */
  line: number;
  cells: string[];
}

export type CsvRead = { ok: true; records: CsvRecord[]; separator: string } | { ok: false; problem: CsvProblem };

const SEPARATORS = [',', ';', '\t'] as const;

/** Excel saves with the list separator of the Windows locale: `;` in Vietnamese, `,` in English,
 * tabs for "Unicode Text". The header line decides, counting only outside quotes. */
function detectSeparator(text: string, start: number): string {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [separator, count] of counts) if (count > counts.get(best)!) best = separator;
  return best;
}

export function readCsv(input: string): CsvRead {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  let position = 0;
  let line = 1;
  let separator: string;
  // Excel writes and honours a first line `sep=;` naming the separator.
  const hint = /^sep=(.)\r?\n/i.exec(text);
  if (hint) {
    separator = hint[1]!;
    position = hint[0].length;
    line = 2;
  } else {
    separator = detectSeparator(text, 0);
  }

  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let recordLine = line;
  let quoteLine = 0;
  let quoted = false;
  let atCellStart = true;
  const endRecord = () => {
    cells.push(cell);
    records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    atCellStart = true;
  };

  while (position < text.length) {
    const c = text[position]!;
    if (quoted) {
      if (c === '"') {
        if (text[position + 1] === '"') {
          cell += '"';
          position += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && text[position + 1] !== '\n')) line++;
        cell += c;
      }
      position++;
      continue;
    }
    if (c === '"' && atCellStart) {
      quoted = true;
      quoteLine = line;
      atCellStart = false;
    } else if (c === separator) {
      cells.push(cell);
      cell = '';
      atCellStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[position + 1] === '\n') position++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      // A stray quote inside an unquoted cell (5" screen) is kept as typed, as Excel reads it.
      cell += c;
      atCellStart = false;
    }
    position++;
  }
  if (quoted) return { ok: false, problem: { line: quoteLine, message: 'a quoted cell is never closed: its opening " has no closing "' } };
  if (!atCellStart || cells.length > 0 || cell !== '') endRecord();
  return { ok: true, records, separator };
}

// ---------------------------------------------------------------------------------------------
// Columns and the words accepted in them
// ---------------------------------------------------------------------------------------------

type ColumnKey =
  | 'siteId' | 'siteName' | 'siteKind' | 'parent' | 'groups' | 'lat' | 'lon' | 'address' | 'contactName' | 'contactPhone'
  | 'linkId' | 'linkName' | 'linkKind' | 'provider' | 'circuit' | 'downMbps' | 'upMbps' | 'bandwidth' | 'targets' | 'supportPhone' | 'upstream';

type Parser = 'id' | 'ids' | 'name' | 'text' | 'siteKind' | 'linkKind' | 'number' | 'mbps' | 'bandwidth' | 'hosts';

interface ColumnSpec {
  key: ColumnKey;
  of: 'site' | 'link';
  /** The field of the site or link it fills: where the config's problems about it are found. */
  field: string;
  parser: Parser;
  /** Headers accepted, the first of each the one shown; compared without case or diacritics. */
  vi: readonly string[];
  en: readonly string[];
  about: string;
}

const columnSpecs: readonly ColumnSpec[] = [
  { key: 'siteId', of: 'site', field: 'id', parser: 'id', vi: ['Mã điểm'], en: ['site id', 'site'], about: 'required on every row; a-z, 0-9 and "-" (nam-xe)' },
  { key: 'siteName', of: 'site', field: 'name', parser: 'name', vi: ['Tên điểm', 'Xã'], en: ['site name'], about: 'required' },
  { key: 'siteKind', of: 'site', field: 'kind', parser: 'siteKind', vi: ['Loại điểm'], en: ['site kind'], about: 'required: trung tâm huyện, thị trấn, xã, khác\n(district-centre, town, commune, other)' },
  { key: 'parent', of: 'site', field: 'parent', parser: 'id', vi: ['Điểm cấp trên', 'Cấp trên'], en: ['parent', 'parent site'], about: 'the site id it reaches the network through' },
  { key: 'groups', of: 'site', field: 'groups', parser: 'ids', vi: ['Nhóm'], en: ['groups', 'group'], about: 'group ids, separated by spaces or ";"' },
  { key: 'lat', of: 'site', field: 'location', parser: 'number', vi: ['Vĩ độ'], en: ['lat', 'latitude'], about: 'degrees; 22,0627 or 22.0627' },
  { key: 'lon', of: 'site', field: 'location', parser: 'number', vi: ['Kinh độ'], en: ['lon', 'lng', 'longitude'], about: 'degrees' },
  { key: 'address', of: 'site', field: 'address', parser: 'name', vi: ['Địa chỉ'], en: ['address'], about: '' },
  { key: 'contactName', of: 'site', field: 'contact', parser: 'name', vi: ['Người liên hệ'], en: ['contact name', 'contact'], about: '' },
  { key: 'contactPhone', of: 'site', field: 'contact', parser: 'text', vi: ['Điện thoại', 'Số điện thoại', 'SĐT'], en: ['contact phone', 'phone'], about: 'kept as written, leading 0 included' },
  { key: 'linkId', of: 'link', field: 'id', parser: 'id', vi: ['Mã đường truyền'], en: ['link id', 'link'], about: 'empty: SITE-KIND (then -2, -3 for a second and third)' },
  { key: 'linkName', of: 'link', field: 'name', parser: 'name', vi: ['Tên đường truyền'], en: ['link name'], about: '' },
  { key: 'linkKind', of: 'link', field: 'kind', parser: 'linkKind', vi: ['Loại đường truyền'], en: ['link kind'], about: 'required on a link row: Internet, wan, lan,\nTSLCD (truyền số liệu chuyên dùng)' },
  { key: 'provider', of: 'link', field: 'provider', parser: 'name', vi: ['Nhà mạng', 'Nhà cung cấp'], en: ['provider', 'ISP'], about: '' },
  { key: 'circuit', of: 'link', field: 'circuit', parser: 'text', vi: ['Mã mạch'], en: ['circuit', 'circuit id'], about: '' },
  { key: 'downMbps', of: 'link', field: 'capacity', parser: 'mbps', vi: ['Tải xuống (Mbps)'], en: ['down mbps', 'download'], about: 'contracted Mbit/s; with up, or neither' },
  { key: 'upMbps', of: 'link', field: 'capacity', parser: 'mbps', vi: ['Tải lên (Mbps)'], en: ['up mbps', 'upload'], about: '' },
  { key: 'bandwidth', of: 'link', field: 'capacity', parser: 'bandwidth', vi: ['Băng thông (Mbps)'], en: ['bandwidth', 'capacity'], about: '100 (both ways) or 100/50 (down/up), where\nthe two columns above are empty' },
  { key: 'targets', of: 'link', field: 'targets', parser: 'hosts', vi: ['Địa chỉ ping', 'IP ping'], en: ['targets', 'target', 'ping'], about: 'at least one address, separated by spaces or ";"' },
  { key: 'supportPhone', of: 'link', field: 'supportPhone', parser: 'text', vi: ['Tổng đài hỗ trợ', 'Tổng đài'], en: ['support phone', 'hotline'], about: '' },
  { key: 'upstream', of: 'link', field: 'upstream', parser: 'id', vi: ['Tuyến trên'], en: ['upstream'], about: 'the link id its traffic passes through' },
];

const specOf: ReadonlyMap<ColumnKey, ColumnSpec> = new Map(columnSpecs.map((spec) => [spec.key, spec]));
const spec = (key: ColumnKey): ColumnSpec => specOf.get(key)!;

/** Headers and words as compared: no case, no diacritics (đ is d), no spaces or punctuation, no
 * unit: "Tải xuống (Mbps)", "tai xuong mbps" and "TaiXuong" are one header. */
function fold(text: string): string {
  return text
    .replace(/\([^)]*\)/g, ' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/(.)mbps$/, '$1');
}

/** A suggestion for an id typed as a name: "Nậm Xé" → "nam-xe". */
function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

interface Word<T> {
  value: T;
  /** How it is shown in a "did you mean". */
  shown: string;
  vi: boolean;
}

function vocabulary<T>(entries: readonly { value: T; vi: readonly string[]; en: readonly string[] }[]): ReadonlyMap<string, Word<T>> {
  const words = new Map<string, Word<T>>();
  for (const entry of entries) {
    for (const shown of entry.en) words.set(fold(shown), { value: entry.value, shown, vi: false });
    for (const shown of entry.vi) words.set(fold(shown), { value: entry.value, shown, vi: true });
  }
  return words;
}

/** The closest known word, as shown, for a "did you mean". suggest() decides what is close; the
 * word it names is the one for which it says the same alone. */
function closest<T>(typed: string, words: ReadonlyMap<string, Word<T>>): string | undefined {
  const folded = fold(typed);
  const keys = [...words.keys()];
  const hint = suggest(folded, keys);
  if (hint === '') return undefined;
  const key = keys.find((candidate) => suggest(folded, [candidate]) === hint);
  return key === undefined ? undefined : words.get(key)?.shown;
}

const didYouMean = (shown: string | undefined) => (shown === undefined ? '' : `; did you mean "${shown}"?`);

const headerWords = vocabulary(columnSpecs.map((s) => ({ value: s.key, vi: s.vi, en: s.en })));

/** Headers that could mean a site's field or a link's: refused with both readings, not guessed. */
const ambiguousHeaders: ReadonlyMap<string, readonly [ColumnKey, ColumnKey]> = new Map<string, readonly [ColumnKey, ColumnKey]>([
  ['loai', ['siteKind', 'linkKind']],
  ['kind', ['siteKind', 'linkKind']],
  ['type', ['siteKind', 'linkKind']],
  ['ma', ['siteId', 'linkId']],
  ['id', ['siteId', 'linkId']],
  ['ten', ['siteName', 'linkName']],
  ['name', ['siteName', 'linkName']],
]);

/** Columns staff keep for themselves: the row number and notes. */
const ignoredHeaders: ReadonlySet<string> = new Set(['STT', 'TT', 'số thứ tự', 'No.', 'Ghi chú', 'notes', 'note'].map(fold));

const siteKindWords = vocabulary<SiteKind>([
  { value: 'district-centre', vi: ['trung tâm huyện', 'huyện', 'trung tâm'], en: ['district-centre', 'district center'] },
  { value: 'town', vi: ['thị trấn'], en: ['town'] },
  { value: 'commune', vi: ['xã'], en: ['commune'] },
  { value: 'other', vi: ['khác'], en: ['other'] },
]);

const linkKindWords = vocabulary<LinkKind>([
  { value: 'internet', vi: [], en: ['internet'] },
  { value: 'tslcd', vi: ['truyền số liệu chuyên dùng', 'mạng truyền số liệu chuyên dùng', 'mạng TSLCD'], en: ['tslcd'] },
  { value: 'wan', vi: [], en: ['wan'] },
  { value: 'lan', vi: [], en: ['lan'] },
]);

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

interface Bandwidth {
  down: number;
  up: number;
}
type Value = string | number | readonly string[] | Bandwidth;
type Parsed = { ok: true; value: Value } | { ok: false; message: string };

/** 22,29 and 22.29: Vietnamese Excel writes a decimal comma. No thousands separators: 1.000
 * would be one in Vietnamese and a thousandth in English. */
function parseNumber(text: string): number | undefined {
  const match = /^([+-]?\d+)(?:[.,](\d+))?$/.exec(text);
  return match ? Number(`${match[1]}.${match[2] ?? '0'}`) : undefined;
}

const withoutUnit = (text: string) => text.replace(/\s*(?:mbps|mbit\/s|mb\/s)$/i, '').trim();

const listOf = (text: string) => text.split(/[\s;,]+/).filter((item) => item !== '');

function checkId(text: string): string | undefined {
  if (ID_PATTERN.test(text)) return undefined;
  const fixed = slug(text);
  return `"${text}" is not an id: ids are 1–64 lowercase ASCII letters, digits, "-" or "_", starting and ending with a letter or digit${fixed && fixed !== text ? `; e.g. "${fixed}"` : ''}`;
}

function parseCell(parser: Parser, text: string): Parsed {
  switch (parser) {
    case 'id': {
      const wrong = checkId(text);
      return wrong ? { ok: false, message: wrong } : { ok: true, value: text };
    }
    case 'ids': {
      const ids = listOf(text);
      const wrong = ids.map(checkId).find((message) => message !== undefined);
      return wrong ? { ok: false, message: wrong } : { ok: true, value: ids };
    }
    case 'name':
    case 'text':
      return { ok: true, value: text };
    case 'siteKind':
    case 'linkKind': {
      const words: ReadonlyMap<string, Word<string>> = parser === 'siteKind' ? siteKindWords : linkKindWords;
      const word = words.get(fold(text));
      if (word) return { ok: true, value: word.value };
      const allowed = parser === 'siteKind' ? 'trung tâm huyện, thị trấn, xã, khác / district-centre, town, commune, other' : 'Internet, TSLCD (truyền số liệu chuyên dùng), wan, lan';
      return { ok: false, message: `unknown ${parser === 'siteKind' ? 'site' : 'link'} kind "${text}"; allowed: ${allowed}${didYouMean(closest(text, words))}` };
    }
    case 'number':
    case 'mbps': {
      const number = parseNumber(parser === 'mbps' ? withoutUnit(text) : text);
      return number === undefined ? { ok: false, message: `expected a number (22,0627 or 22.0627); got "${text}"` } : { ok: true, value: number };
    }
    case 'bandwidth': {
      const parts = withoutUnit(text).split('/').map((part) => parseNumber(part.trim()));
      const [down, up] = parts;
      if (down !== undefined && parts.length === 1) return { ok: true, value: { down, up: down } };
      if (down !== undefined && up !== undefined && parts.length === 2) return { ok: true, value: { down, up } };
      return { ok: false, message: `expected Mbit/s, as 100 (both ways) or 100/50 (down/up); got "${text}"` };
    }
    case 'hosts': {
      const hosts = listOf(text);
      // The config's own rule, said without the YAML mapping form a target may also take there.
      const wrong = hosts.find((host) => !hostSchema.safeParse(host).success);
      return wrong === undefined ? { ok: true, value: hosts } : { ok: false, message: `"${wrong}" is not an IPv4 or IPv6 address or a host name` };
    }
  }
}

const shownValue = (cell: { text: string }) => JSON.stringify(cell.text);

// ---------------------------------------------------------------------------------------------
// Rows → sites and links
// ---------------------------------------------------------------------------------------------

interface Cell {
  value: Value;
  text: string;
  line: number;
}

interface Draft {
  /** The first row that gave it. */
  line: number;
  cells: Map<ColumnKey, Cell>;
  /** Fields whose problem is already reported: the config's complaints about them would repeat it. */
  reported: Set<string>;
}
interface SiteDraft extends Draft {
  id: string;
}
interface LinkDraft extends Draft {
  site: SiteDraft;
  id?: string;
}

const textIn = (draft: Draft, key: ColumnKey): string | undefined => {
  const value = draft.cells.get(key)?.value;
  return typeof value === 'string' ? value : undefined;
};
const numberIn = (draft: Draft, key: ColumnKey): number | undefined => {
  const value = draft.cells.get(key)?.value;
  return typeof value === 'number' ? value : undefined;
};
const listIn = (draft: Draft, key: ColumnKey): readonly string[] | undefined => {
  const value = draft.cells.get(key)?.value;
  return Array.isArray(value) ? (value as readonly string[]) : undefined;
};
const bandwidthIn = (draft: Draft): Bandwidth | undefined => {
  const value = draft.cells.get('bandwidth')?.value;
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as Bandwidth) : undefined;
};

interface Header {
  line: number;
  /** By cell position; undefined for a column left without a header, or one not understood. */
  keys: (ColumnKey | undefined)[];
  /** Each column as headed in the file, for messages. */
  written: Map<ColumnKey, string>;
  /** Columns whose header cell is empty: Excel keeps a column that was once used. */
  blank: Set<number>;
  separator: string;
  /** Whether to name a column missing from the file in Vietnamese. */
  vietnamese: boolean;
}

function readHeader(record: CsvRecord, separator: string, problems: CsvProblem[]): Header | undefined {
  const keys: (ColumnKey | undefined)[] = [];
  const blank = new Set<number>();
  const written = new Map<ColumnKey, string>();
  let vi = 0;
  let en = 0;
  let fatal = false;
  for (const raw of record.cells) {
    const text = raw.trim().normalize('NFC');
    const folded = fold(text);
    const word = folded === '' ? undefined : headerWords.get(folded);
    if (folded === '' || ignoredHeaders.has(folded)) {
      if (text === '') blank.add(keys.length);
      keys.push(undefined);
    } else if (word) {
      const first = written.get(word.value);
      if (first !== undefined) {
        problems.push({ line: record.line, column: text, message: `the same column as "${first}": keep one of them` });
        fatal = true;
      }
      written.set(word.value, text);
      keys.push(word.value);
      if (word.vi) vi++;
      else en++;
    } else {
      const both = ambiguousHeaders.get(folded);
      const message = both
        ? `unclear column: say "${spec(both[0]).vi[0]}" (${spec(both[0]).en[0]}) or "${spec(both[1]).vi[0]}" (${spec(both[1]).en[0]})`
        : `unknown column (linkwatch import-csv --help lists them)${didYouMean(closest(text, headerWords))}`;
      problems.push({ line: record.line, column: text, message });
      keys.push(undefined);
    }
  }
  for (const key of ['siteId', 'siteName', 'siteKind'] as const) {
    if (!written.has(key)) {
      problems.push({ line: record.line, message: `no "${spec(key).vi[0]}" (${spec(key).en[0]}) column: every site needs one` });
      fatal = true;
    }
  }
  return fatal ? undefined : { line: record.line, keys, written, blank, separator, vietnamese: vi >= en };
}

interface Inventory {
  sites: SiteDraft[];
  links: LinkDraft[];
}

function readRows(records: readonly CsvRecord[], header: Header, problems: CsvProblem[]): Inventory {
  const sites = new Map<string, SiteDraft>();
  const links: LinkDraft[] = [];
  const columnName = (key: ColumnKey) => header.written.get(key)!;

  for (const record of records) {
    const cells = record.cells.map((cell) => cell.trim().normalize('NFC'));
    if (cells.every((cell) => cell === '')) continue;
    if (cells.slice(header.keys.length).some((cell) => cell !== '')) {
      // Its cells are out of line with the header: reading them would only add wrong complaints.
      problems.push({ line: record.line, message: `${cells.length} cells, but the header has ${header.keys.length} columns: a cell with the separator ("${separatorName(header.separator)}") in it must be quoted` });
      continue;
    }
    if ([...header.blank].some((index) => (cells[index] ?? '') !== '')) {
      problems.push({ line: record.line, message: 'a cell under a column without a header: give the column a header, or empty the cell' });
    }
    const row = new Map<ColumnKey, string>();
    header.keys.forEach((key, index) => {
      const cell = cells[index] ?? '';
      if (key !== undefined && cell !== '') row.set(key, cell);
    });

    const siteId = row.get('siteId');
    if (siteId === undefined) {
      if (row.size > 0) problems.push({ line: record.line, column: columnName('siteId'), message: 'no site id: every row belongs to a site' });
      continue;
    }
    let site = sites.get(siteId);
    if (!site) {
      site = { id: siteId, line: record.line, cells: new Map(), reported: new Set() };
      sites.set(siteId, site);
      const wrong = checkId(siteId);
      if (wrong) {
        problems.push({ line: record.line, column: columnName('siteId'), message: wrong });
        site.reported.add('id');
      }
    }

    const isLinkRow = [...row.keys()].some((key) => spec(key).of === 'link');
    const link: LinkDraft | undefined = isLinkRow ? { site, line: record.line, cells: new Map(), reported: new Set() } : undefined;
    if (link) links.push(link);

    for (const [key, text] of row) {
      if (key === 'siteId') continue;
      const { of, field, parser } = spec(key);
      const draft: Draft | undefined = of === 'site' ? site : link;
      if (!draft) continue;
      const parsed = parseCell(parser, text);
      if (!parsed.ok) {
        problems.push({ line: record.line, column: columnName(key), message: parsed.message });
        draft.reported.add(field);
        continue;
      }
      const before = draft.cells.get(key);
      if (before === undefined) {
        draft.cells.set(key, { value: parsed.value, text, line: record.line });
      } else if (JSON.stringify(before.value) !== JSON.stringify(parsed.value)) {
        // Only site columns repeat: a link has one row.
        problems.push({ line: record.line, column: columnName(key), message: `site "${site.id}" has ${JSON.stringify(text)} here but ${shownValue(before)} on line ${before.line}: the rows of one site must agree` });
        draft.reported.add(field);
      }
    }
  }
  return { sites: [...sites.values()], links };
}

const separatorName = (separator: string) => (separator === '\t' ? 'tab' : separator);

/** Checks that need all the rows of a site, and the link ids (given, then generated). */
function checkInventory(inventory: Inventory, header: Header, problems: CsvProblem[]): void {
  const shownColumn = (key: ColumnKey) => header.written.get(key) ?? (header.vietnamese ? spec(key).vi[0]! : spec(key).en[0]!);
  const report = (draft: Draft, key: ColumnKey, message: string) => {
    problems.push({ line: draft.line, column: shownColumn(key), message });
    draft.reported.add(spec(key).field);
  };

  for (const site of inventory.sites) {
    if (!site.cells.has('siteName') && !site.reported.has('name')) report(site, 'siteName', `site "${site.id}" has no name`);
    if (!site.cells.has('siteKind') && !site.reported.has('kind')) report(site, 'siteKind', `site "${site.id}" has no kind`);
    const lat = site.cells.get('lat');
    const lon = site.cells.get('lon');
    if (!site.reported.has('location') && (lat === undefined) !== (lon === undefined)) {
      problems.push({ line: (lat ?? lon)!.line, column: shownColumn(lat ? 'lon' : 'lat'), message: `site "${site.id}" has a ${lat ? 'latitude' : 'longitude'} but no ${lat ? 'longitude' : 'latitude'}: give both, or neither` });
      site.reported.add('location');
    }
  }

  for (const link of inventory.links) {
    if (!link.cells.has('linkKind') && !link.reported.has('kind')) report(link, 'linkKind', 'a link row needs a link kind');
    if (!link.cells.has('targets') && !link.reported.has('targets')) report(link, 'targets', 'a link needs at least one address to ping: otherwise nothing can tell whether it is up');
    const down = link.cells.has('downMbps') || link.cells.has('bandwidth');
    const up = link.cells.has('upMbps') || link.cells.has('bandwidth');
    if (!link.reported.has('capacity') && down !== up) report(link, down ? 'upMbps' : 'downMbps', `the ${down ? 'download' : 'upload'} capacity is given but not the ${down ? 'upload' : 'download'}: give both, or neither`);
  }

  // Given ids first, so a generated one never takes an id a later row gives.
  const taken = new Map<string, number>();
  for (const link of inventory.links) {
    const id = textIn(link, 'linkId');
    if (id === undefined) continue;
    const first = taken.get(id);
    if (first !== undefined) report(link, 'linkId', `link id "${id}" is also on line ${first}: each link has its own id`);
    else taken.set(id, link.line);
    link.id = id;
  }
  for (const link of inventory.links) {
    if (link.id !== undefined || link.reported.has('id')) continue;
    const kind = textIn(link, 'linkKind');
    if (link.site.reported.has('id') || kind === undefined) {
      // Its id would be made from a site id or kind already reported as wrong.
      link.reported.add('id');
      continue;
    }
    const base = `${link.site.id}-${kind}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.set(id, link.line);
    link.id = id;
  }
  for (const link of inventory.links) if (link.site.reported.has('id')) link.reported.add('site');
}

// ---------------------------------------------------------------------------------------------
// Sites and links → YAML, validated by the config loader
// ---------------------------------------------------------------------------------------------

/** The loader expands `${NAME}` in every string; a `$` typed in the spreadsheet is meant as text. */
const literal = (text: string) => text.replaceAll('$', '$$$$');

function siteEntry(site: SiteDraft): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: literal(site.id) };
  const put = (field: string, value: unknown) => {
    if (value !== undefined) entry[field] = typeof value === 'string' ? literal(value) : value;
  };
  put('name', textIn(site, 'siteName'));
  put('kind', textIn(site, 'siteKind'));
  put('parent', textIn(site, 'parent'));
  put('groups', listIn(site, 'groups'));
  const lat = numberIn(site, 'lat');
  const lon = numberIn(site, 'lon');
  if (lat !== undefined && lon !== undefined) entry.location = { lat, lon };
  put('address', textIn(site, 'address'));
  const name = textIn(site, 'contactName');
  const phone = textIn(site, 'contactPhone');
  if (name !== undefined || phone !== undefined) entry.contact = { ...(name !== undefined ? { name: literal(name) } : {}), ...(phone !== undefined ? { phone: literal(phone) } : {}) };
  return entry;
}

function linkEntry(link: LinkDraft): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  const put = (field: string, value: unknown) => {
    if (value !== undefined) entry[field] = typeof value === 'string' ? literal(value) : value;
  };
  put('id', link.id);
  put('site', link.site.id);
  put('kind', textIn(link, 'linkKind'));
  put('name', textIn(link, 'linkName'));
  put('provider', textIn(link, 'provider'));
  put('circuit', textIn(link, 'circuit'));
  put('supportPhone', textIn(link, 'supportPhone'));
  const bandwidth = bandwidthIn(link);
  const downMbps = numberIn(link, 'downMbps') ?? bandwidth?.down;
  const upMbps = numberIn(link, 'upMbps') ?? bandwidth?.up;
  if (downMbps !== undefined && upMbps !== undefined) entry.capacity = { downMbps, upMbps };
  entry.targets = (listIn(link, 'targets') ?? []).map(literal);
  put('upstream', textIn(link, 'upstream'));
  return entry;
}

const countOf = (sites: number, links: number) => `${sites} site${sites === 1 ? '' : 's'}, ${links} link${links === 1 ? '' : 's'}`;

function toYaml(inventory: Inventory, source: string | undefined): string {
  const doc = new Document({ sites: inventory.sites.map(siteEntry), links: inventory.links.map(linkEntry) });
  // The layout of config/example.yaml: a blank line between entries, small mappings on one line.
  const flow = new Set(['location', 'contact', 'groups', 'capacity', 'targets']);
  for (const section of ['sites', 'links']) {
    const list = doc.get(section, true);
    if (!isSeq(list)) continue;
    list.items.forEach((item, index) => {
      if (!isMap(item)) return;
      if (index > 0) item.spaceBefore = true;
      for (const pair of item.items) {
        const key = (pair.key as { value?: unknown } | null)?.value;
        if (typeof key === 'string' && flow.has(key) && (isMap(pair.value) || isSeq(pair.value))) pair.value.flow = true;
      }
    });
  }
  const linksPair = isMap(doc.contents) ? doc.contents.items[1] : undefined;
  if (linksPair && isScalar(linksPair.key)) linksPair.key.spaceBefore = true;
  const counts = countOf(inventory.sites.length, inventory.links.length);
  doc.commentBefore = ` Imported by linkwatch import-csv${source ? ` from ${source}` : ''}: ${counts}.\n Review, then paste these sections into the config.`;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

const siteColumnAt: Readonly<Record<string, ColumnKey>> = {
  id: 'siteId', name: 'siteName', kind: 'siteKind', parent: 'parent', groups: 'groups', location: 'lat', 'location.lat': 'lat', 'location.lon': 'lon',
  address: 'address', contact: 'contactName', 'contact.name': 'contactName', 'contact.phone': 'contactPhone',
};
const linkColumnAt: Readonly<Record<string, ColumnKey>> = {
  id: 'linkId', site: 'siteId', kind: 'linkKind', name: 'linkName', provider: 'provider', circuit: 'circuit', supportPhone: 'supportPhone',
  capacity: 'downMbps', 'capacity.downMbps': 'downMbps', 'capacity.upMbps': 'upMbps', targets: 'targets', upstream: 'upstream',
};

/** A config problem, at the row and column of the CSV that gave the value; undefined when it
 * only repeats a problem already reported from the rows. */
function traceBack(error: { path: string; message: string }, inventory: Inventory, header: Header): CsvProblem | undefined {
  const match = /^(sites|links)\[(\d+)\](?:\.([A-Za-z]+)(?:\.([A-Za-z]+))?)?/.exec(error.path);
  const draft: Draft | undefined = match ? (match[1] === 'sites' ? inventory.sites : inventory.links)[Number(match[2])] : undefined;
  if (!match || !draft) return { path: error.path, message: error.message };
  const field = match[3];
  if (field === undefined) return { line: draft.line, message: error.message };
  if (draft.reported.has(field)) return undefined;
  const table = match[1] === 'sites' ? siteColumnAt : linkColumnAt;
  let key = table[match[4] === undefined ? field : `${field}.${match[4]}`] ?? table[field];
  if ((key === 'downMbps' || key === 'upMbps') && !draft.cells.has(key) && draft.cells.has('bandwidth')) key = 'bandwidth';
  const owner: Draft = key === 'siteId' && match[1] === 'links' ? (draft as LinkDraft).site : draft;
  const line = (key === undefined ? undefined : owner.cells.get(key)?.line) ?? draft.line;
  const column = key === undefined ? undefined : header.written.get(key) ?? (header.vietnamese ? spec(key).vi[0] : spec(key).en[0]);
  return { line, ...(column !== undefined ? { column } : {}), message: error.message };
}

/** By line, then left to right as the columns stand in the file. */
function inReadingOrder(problems: CsvProblem[], header?: Header): CsvProblem[] {
  const position = new Map([...(header?.written ?? [])].map(([key, text]) => [text, header!.keys.indexOf(key)]));
  const columnAt = (problem: CsvProblem) => (problem.column === undefined ? -1 : (position.get(problem.column) ?? Number.MAX_SAFE_INTEGER));
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || columnAt(a) - columnAt(b));
}

/** The CSV text (a BOM, `,` `;` or tab, CRLF or LF) → the inventory YAML, or every problem found. */
export function importCsvText(text: string, options: CsvImportOptions = {}): CsvImport {
  const read = readCsv(text);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const start = read.records.findIndex((record) => record.cells.some((cell) => cell.trim() !== ''));
  const first = read.records[start];
  const rest = read.records.slice(start + 1);
  if (start < 0 || !first) return { ok: false, problems: [{ line: 1, message: 'the file is empty: expected a header line, then one row per link' }] };
  const problems: CsvProblem[] = [];
  const header = readHeader(first, read.separator, problems);
  if (!header) return { ok: false, problems: inReadingOrder(problems) };
  const inventory = readRows(rest, header, problems);
  if (inventory.sites.length === 0 && problems.length === 0) return { ok: false, problems: [{ line: header.line + 1, message: 'no rows under the header: one row per link, or per site without links' }] };
  checkInventory(inventory, header, problems);

  const yaml = toYaml(inventory, options.source);
  // An empty environment: a `$` from the spreadsheet is escaped, so nothing is looked up.
  const checked = parseConfig(yaml, { env: {} });
  if (!checked.ok) problems.push(...checked.errors.flatMap((error) => traceBack(error, inventory, header) ?? []));
  if (problems.length > 0 || !checked.ok) {
    return { ok: false, problems: problems.length > 0 ? inReadingOrder(problems, header) : [{ message: 'the produced YAML does not load, for no reason given' }] };
  }
  return { ok: true, yaml, sites: checked.config.sites, links: checked.config.links };
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

const columnHelp = columnSpecs
  .map((s) => `  ${`${s.vi[0]} / ${s.en[0]}`.padEnd(36)} ${s.about.replaceAll('\n', `\n${' '.repeat(39)}`)}`.trimEnd())
  .join('\n');

export const importCsvHelp = `Usage: linkwatch import-csv FILE [--out FILE]

Turns the district's spreadsheet of sites and links, saved as CSV, into the sites: and links:
sections of the config, printed for review (with --out, written whole or not at all). One row
per link, its site's columns repeated (they must agree); a row without link columns is a site
without links. Every row is checked as check-config checks the config; any problem is listed by
line and column, and then nothing is printed or written.

The file: UTF-8 (Excel: "CSV UTF-8"), the separator , or ; or tab (from the header line).
Headers in Vietnamese or English, with or without diacritics and case; numbers may use a decimal
comma (22,0627). STT and Ghi chú (notes) columns are ignored. Columns:
${columnHelp}

Exit codes: 0 converted; 2 unreadable file, bad rows, bad arguments or unwritable --out.`;

/** Excel's plain "CSV" saves in the Windows code page, which cannot be read as UTF-8; its
 * "Unicode Text" is UTF-16 with a byte-order mark. */
function decodeCsv(bytes: Buffer): { ok: true; text: string } | { ok: false; message: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: 'is not UTF-8 text, so its Vietnamese letters cannot be read: in Excel, save it as "CSV UTF-8 (Comma delimited)"' };
  }
}

export async function importCsvCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string', short: 'o' } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'say which file: linkwatch import-csv FILE' : `one file at a time; got ${positionals.length}`);
  const file = positionals[0]!;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    io.stderr.write(`linkwatch import-csv: cannot read ${file}: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  const decoded = decodeCsv(bytes);
  if (!decoded.ok) {
    io.stderr.write(`${file}: ${decoded.message}\n`);
    return ExitCode.usage;
  }
  const result = importCsvText(decoded.text, { source: basename(file) });
  if (!result.ok) {
    for (const problem of result.problems) {
      const where = [file, problem.line].filter((part) => part !== undefined).join(':');
      io.stderr.write(`${where}: ${problem.column !== undefined ? `"${problem.column}": ` : ''}${problem.path !== undefined ? `${problem.path}: ` : ''}${problem.message}\n`);
    }
    const count = result.problems.length;
    io.stderr.write(`${file}: ${count} problem${count === 1 ? '' : 's'}; nothing ${values.out === undefined ? 'printed' : `written to ${values.out}`}\n`);
    return ExitCode.usage;
  }
  const summary = countOf(result.sites.length, result.links.length);
  if (values.out === undefined) {
    io.stdout.write(result.yaml);
    io.stderr.write(`${file}: ${summary}\n`);
    return ExitCode.ok;
  }
  try {
    await writeWholeFile(values.out, result.yaml);
  } catch (error) {
    io.stderr.write(`linkwatch import-csv: cannot write ${values.out}: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  io.stderr.write(`${values.out}: ${summary} from ${file}\n`);
  return ExitCode.ok;
}
