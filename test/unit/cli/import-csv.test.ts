import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvText, readCsv, type CsvProblem } from '../../../cli/import-csv.ts';
import { main } from '../../../cli/main.ts';
import { parseConfig } from '../../../config/load.ts';
import { captureIo } from '../../helpers/cli-io.ts';

const BOM = '\uFEFF';
const lines = (...rows: string[]) => `${rows.join('\r\n')}\r\n`;

const VI_HEADER = 'Mã điểm;Tên điểm;Loại điểm;Điểm cấp trên;Vĩ độ;Kinh độ;Địa chỉ;Người liên hệ;Điện thoại;Mã đường truyền;Loại đường truyền;Nhà mạng;Mã mạch;Tải xuống (Mbps);Tải lên (Mbps);Địa chỉ ping;Tổng đài hỗ trợ;Tuyến trên';
const EN_HEADER = 'site id,site name,site kind,parent,link id,link kind,provider,circuit,down mbps,up mbps,targets';

const problemsOf = (text: string): CsvProblem[] => {
  const result = importCsvText(text);
  if (result.ok) throw new Error(`expected problems, got:\n${result.yaml}`);
  return result.problems;
};

const inventoryOf = (text: string) => {
  const result = importCsvText(text);
  if (!result.ok) throw new Error(`expected a good file, got ${JSON.stringify(result.problems, null, 2)}`);
  return result;
};

describe('readCsv', () => {
  it.each([
    ['LF, commas', 'a,b\n1,2\n', ',', [['a', 'b'], ['1', '2']]],
    ['CRLF, semicolons, a BOM', `${BOM}a;b\r\n1;2\r\n`, ';', [['a', 'b'], ['1', '2']]],
    ['tabs', 'a\tb\n1\t2', '\t', [['a', 'b'], ['1', '2']]],
    ['quoted separators, doubled quotes, a line break in a cell', 'a,b\n"x, y","say ""hi""\nthere"\n', ',', [['a', 'b'], ['x, y', 'say "hi"\nthere']]],
    ['a semicolon header whose quoted cell has commas', '"a, b";c\n1;2\n', ';', [['a, b', 'c'], ['1', '2']]],
    ['an Excel sep= line', 'sep=;\na,b;c\n', ';', [['a,b', 'c']]],
    ['empty cells and a lone CR', 'a,,c\r1,,\r', ',', [['a', '', 'c'], ['1', '', '']]],
  ])('%s', (_name, text, separator, cells) => {
    const read = readCsv(text);
    expect(read.ok && read.separator).toBe(separator);
    expect(read.ok && read.records.map((record) => record.cells)).toEqual(cells);
  });

  it('numbers records by the line they start on', () => {
    const read = readCsv('a,b\n"1\n2",x\n3,y\n');
    expect(read.ok && read.records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('reports a quote never closed at the line it opens', () => {
    expect(readCsv('a,b\n1,2\n3,"oops\n4,5\n')).toEqual({ ok: false, problem: { line: 3, message: expect.stringContaining('never closed') } });
  });
});

describe('importCsvText: good files', () => {
  it('reads Vietnamese headers with ";", a BOM, CRLF and decimal commas', () => {
    const text =
      BOM +
      lines(
        VI_HEADER,
        'trung-tam;Trung tâm huyện Văn Bàn;Trung tâm huyện;;22,0627;104,2371;Thị trấn Khánh Yên;Nguyễn Văn Hùng;0214 3860 123;dc-tslcd;Truyền số liệu chuyên dùng;VNPT Lào Cai;TSLCD-01;100;100;10.255.40.1;0214 3822 555;',
        'nam-xe;Xã Nậm Xé;Xã;trung-tam;21,9;104,1;;Lò Thị Mai;0912345678;;TSLCD;VNPT Lào Cai;TSLCD-02;10;10;10.255.41.2;18001166;dc-tslcd',
        'nam-xe;Xã Nậm Xé;xã;trung-tam;21,9;104,1;;;;;Internet;Viettel;FTTH-1;80,5;40;10.60.1.254;18008119;',
      );
    const { sites, links, yaml } = inventoryOf(text);
    expect(sites).toEqual([
      { id: 'trung-tam', name: 'Trung tâm huyện Văn Bàn', kind: 'district-centre', groups: [], location: { lat: 22.0627, lon: 104.2371 }, address: 'Thị trấn Khánh Yên', contact: { name: 'Nguyễn Văn Hùng', phone: '0214 3860 123' } },
      { id: 'nam-xe', name: 'Xã Nậm Xé', kind: 'commune', parent: 'trung-tam', groups: [], location: { lat: 21.9, lon: 104.1 }, contact: { name: 'Lò Thị Mai', phone: '0912345678' } },
    ]);
    expect(links.map((link) => [link.id, link.site, link.kind, link.provider, link.circuit, link.capacity, link.targets.map((t) => t.address), link.supportPhone, link.upstream])).toEqual([
      ['dc-tslcd', 'trung-tam', 'tslcd', 'VNPT Lào Cai', 'TSLCD-01', { downMbps: 100, upMbps: 100 }, ['10.255.40.1'], '0214 3822 555', undefined],
      ['nam-xe-tslcd', 'nam-xe', 'tslcd', 'VNPT Lào Cai', 'TSLCD-02', { downMbps: 10, upMbps: 10 }, ['10.255.41.2'], '18001166', 'dc-tslcd'],
      ['nam-xe-internet', 'nam-xe', 'internet', 'Viettel', 'FTTH-1', { downMbps: 80.5, upMbps: 40 }, ['10.60.1.254'], '18008119', undefined],
    ]);
    // Phone numbers stay text with their leading 0, Vietnamese stays UTF-8.
    expect(yaml).toContain('phone: "0912345678"');
    expect(yaml).toContain('supportPhone: "18001166"');
    expect(yaml).toContain('name: Xã Nậm Xé');
    expect(parseConfig(yaml).ok).toBe(true);
  });

  it('reads English headers with ","', () => {
    const { sites, links } = inventoryOf(lines(EN_HEADER, 'dc,District centre,district-centre,,dc-internet,internet,VNPT,LL-1,300,300,113.160.0.1 203.162.4.190', 'a,Commune A,commune,dc,,,,,,,'));
    expect(sites.map((site) => [site.id, site.kind, site.parent])).toEqual([['dc', 'district-centre', undefined], ['a', 'commune', 'dc']]);
    expect(links.map((link) => [link.id, link.targets.map((t) => t.address)])).toEqual([['dc-internet', ['113.160.0.1', '203.162.4.190']]]);
  });

  it.each([
    ['case and diacritics', 'MA DIEM,ten diem,LOAI DIEM,Loai Duong Truyen,DIA CHI PING', 'x,Xã X,XA,internet,1.1.1.1'],
    ['camelCase and units', 'siteId,siteName,siteKind,linkKind,targets,downMbps,Up (Mbps)', 'x,Xã X,commune,internet,1.1.1.1,10 Mbps,5'],
  ])('matches headers regardless of %s', (_name, header, row) => {
    expect(inventoryOf(lines(header, row)).links).toHaveLength(1);
  });

  it('keeps quoted fields with separators and quotes, NFC-normalised', () => {
    const decomposed = 'Xa\u0303 Na\u0323\u0302m Xe\u0301'; // as some Mac and phone keyboards type it
    const { sites, yaml } = inventoryOf(lines('site id,site name,site kind,address,contact name', `x,"${decomposed}",commune,"Thôn 3, xã ""Nậm Xé""","Lò Thị Mai, chủ tịch"`));
    expect(sites[0]).toMatchObject({ name: 'Xã Nậm Xé', address: 'Thôn 3, xã "Nậm Xé"', contact: { name: 'Lò Thị Mai, chủ tịch' } });
    expect(sites[0]!.name).toBe(sites[0]!.name.normalize('NFC'));
    expect(yaml).toContain('Xã Nậm Xé');
  });

  it('generates link ids as SITE-KIND, then -2, -3, never taking an id a row gives', () => {
    const { links } = inventoryOf(
      lines('site id,site name,site kind,link id,link kind,targets', 'a,A,commune,,internet,10.0.0.1', 'a,A,commune,,internet,10.0.0.2', 'a,A,commune,,tslcd,10.0.0.3', 'a,A,commune,,internet,10.0.0.4', 'b,B,commune,a-internet-2,wan,10.0.0.5'),
    );
    expect(links.map((link) => link.id)).toEqual(['a-internet', 'a-internet-3', 'a-tslcd', 'a-internet-4', 'a-internet-2']);
  });

  it('reads a bandwidth column as both ways or down/up, and lets site columns be left empty on later rows', () => {
    const { sites, links } = inventoryOf(lines('Mã điểm;Tên điểm;Loại điểm;Loại đường truyền;Băng thông (Mbps);Địa chỉ ping', 'x;Xã X;xã;Internet;100;1.1.1.1', 'x;;;TSLCD;20/10 Mbps;10.0.0.1'));
    expect(sites).toHaveLength(1);
    expect(links.map((link) => link.capacity)).toEqual([{ downMbps: 100, upMbps: 100 }, { downMbps: 20, upMbps: 10 }]);
  });

  it('ignores the STT and notes columns, and blank rows', () => {
    expect(inventoryOf(lines('STT,site id,site name,site kind,Ghi chú', '1,a,A,commune,mới lắp', ',,,,', '2,b,B,town,')).sites.map((site) => site.id)).toEqual(['a', 'b']);
  });

  it('keeps a "$" typed in a cell as text, not an environment reference', () => {
    expect(inventoryOf(lines('site id,site name,site kind', 'a,Giá ${X} $$,commune')).sites[0]!.name).toBe('Giá ${X} $$');
  });
});

describe('importCsvText: bad rows', () => {
  it.each<[string, string, CsvProblem[]]>([
    [
      'a bad site kind, with a suggestion',
      lines('Mã điểm;Tên điểm;Loại điểm', 'a;Xã A;xã', 'b;Xã B;comune'),
      [{ line: 3, column: 'Loại điểm', message: expect.stringMatching(/^unknown site kind "comune"; allowed: .*; did you mean "commune"\?$/) }],
    ],
    [
      'a bad link kind in Vietnamese',
      lines('Mã điểm;Tên điểm;Loại điểm;Loại đường truyền;Địa chỉ ping', 'a;Xã A;xã;Internt;10.0.0.1'),
      [{ line: 2, column: 'Loại đường truyền', message: expect.stringMatching(/^unknown link kind "Internt"; allowed: .*; did you mean "internet"\?$/) }],
    ],
    [
      'a bad number',
      lines(EN_HEADER, 'a,A,commune,,,internet,,,1O0,100,10.0.0.1'),
      [{ line: 2, column: 'down mbps', message: 'expected a number (22,0627 or 22.0627); got "1O0"' }],
    ],
    [
      'conflicting site rows, naming both lines',
      lines('site id,site name,site kind,link kind,targets', 'a,Xã A,commune,internet,10.0.0.1', 'b,Xã B,commune,internet,10.0.0.2', 'a,Xã Á,commune,tslcd,10.0.0.3'),
      [{ line: 4, column: 'site name', message: 'site "a" has "Xã Á" here but "Xã A" on line 2: the rows of one site must agree' }],
    ],
    [
      'an unknown header, with a suggestion',
      lines('Mã điểm;Tên điểm;Loại điểm;Nhà mạn', 'a;Xã A;xã;VNPT'),
      [{ line: 1, column: 'Nhà mạn', message: 'unknown column (linkwatch import-csv --help lists them); did you mean "Nhà mạng"?' }],
    ],
    [
      'a header that could be the site\'s or the link\'s',
      lines('Mã điểm;Tên điểm;Loại điểm;Loại', 'a;Xã A;xã;Internet'),
      [{ line: 1, column: 'Loại', message: 'unclear column: say "Loại điểm" (site kind) or "Loại đường truyền" (link kind)' }],
    ],
    [
      'a missing required column',
      lines('site id,site kind', 'a,commune'),
      [{ line: 1, message: 'no "Tên điểm" (site name) column: every site needs one' }],
    ],
    [
      'an unknown parent, found by the config loader, at the row that gave it',
      lines('site id,site name,site kind,parent', 'dc,DC,district-centre,', 'a,A,commune,', 'a,A,commune,dcc'),
      [{ line: 4, column: 'parent', message: 'unknown site "dcc"; did you mean "dc"?' }],
    ],
    [
      'an unknown upstream and a bad latitude, found by the config loader',
      lines('site id,site name,site kind,lat,lon,link kind,targets,upstream', 'a,A,commune,122,104,internet,10.0.0.1,nowhere'),
      [
        { line: 2, column: 'lat', message: 'must be at most 90; got 122' },
        { line: 2, column: 'upstream', message: 'unknown link "nowhere"' },
      ],
    ],
    [
      'a name typed as an id, once, not again for its links',
      lines('site id,site name,site kind,link kind,targets', 'Nậm Xé,Xã Nậm Xé,commune,internet,10.0.0.1'),
      [{ line: 2, column: 'site id', message: expect.stringMatching(/^"Nậm Xé" is not an id: .*; e\.g\. "nam-xe"$/) }],
    ],
    [
      'a duplicated link id, naming both lines',
      lines('site id,site name,site kind,link id,link kind,targets', 'a,A,commune,a-net,internet,10.0.0.1', 'a,A,commune,a-net,tslcd,10.0.0.2'),
      [{ line: 3, column: 'link id', message: 'link id "a-net" is also on line 2: each link has its own id' }],
    ],
    [
      'a link row without kind or targets',
      lines('site id,site name,site kind,provider,link kind,targets', 'a,A,commune,VNPT,,'),
      [
        { line: 2, column: 'link kind', message: 'a link row needs a link kind' },
        { line: 2, column: 'targets', message: expect.stringContaining('at least one address to ping') },
      ],
    ],
    [
      'a bad ping address, one capacity without the other, a site without a name',
      lines('site id,site name,site kind,link kind,targets,down mbps,up mbps', 'a,,commune,internet,10.0.0.300,10,', 'b,B,commune,internet,10.0.0.1,,5'),
      [
        { line: 2, column: 'site name', message: 'site "a" has no name' },
        { line: 2, column: 'targets', message: '"10.0.0.300" is not an IPv4 or IPv6 address or a host name' },
        { line: 2, column: 'up mbps', message: expect.stringContaining('download capacity is given but not the upload') },
        { line: 3, column: 'down mbps', message: expect.stringContaining('upload capacity is given but not the download') },
      ],
    ],
    ['a row without a site id', lines('site id,site name,site kind', ',A,commune'), [{ line: 2, column: 'site id', message: 'no site id: every row belongs to a site' }]],
    ['too many cells', lines('site id,site name,site kind', 'a,Xã A, tỉnh B,commune'), [{ line: 2, message: expect.stringContaining('4 cells, but the header has 3 columns') }]],
    ['an empty file', '', [{ line: 1, message: expect.stringContaining('the file is empty') }]],
    ['a header alone', lines('site id,site name,site kind'), [{ line: 2, message: expect.stringContaining('no rows under the header') }]],
  ])('%s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems);
  });
});

describe('linkwatch import-csv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkwatch-import-csv-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const capture = captureIo();
    const code = await main(['import-csv', ...args], capture.io);
    return { code, stdout: capture.stdout(), stderr: capture.stderr() };
  };

  it('prints the YAML of a good file and exits 0', async () => {
    const file = join(dir, 'good.csv');
    await writeFile(file, BOM + lines('Mã điểm;Tên điểm;Loại điểm;Loại đường truyền;Địa chỉ ping', 'a;Xã A;xã;Internet;10.0.0.1'));
    const { code, stdout, stderr } = await run([file]);
    expect(code).toBe(0);
    expect(stdout).toContain('# Imported by linkwatch import-csv from good.csv: 1 site, 1 link.');
    expect(stdout).toContain('  - id: a-internet\n');
    expect(stderr).toBe(`${file}: 1 site, 1 link\n`);
  });

  it('prints nothing, writes nothing, lists every problem by line and column, and exits 2', async () => {
    const file = join(dir, 'bad.csv');
    const out = join(dir, 'bad.yaml');
    await writeFile(file, lines('site id,site name,site kind,parent', 'a,A,comune,', 'b,B,commune,nowhere'));
    const { code, stdout, stderr } = await run([file, '--out', out]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:2: "site kind": unknown site kind "comune"`);
    expect(stderr).toContain(`${file}:3: "parent": unknown site "nowhere"`);
    expect(stderr).toContain(`${file}: 2 problems; nothing written to ${out}`);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it('reads Excel\'s "Unicode Text": UTF-16 with tabs', async () => {
    const file = join(dir, 'unicode.txt');
    const text = lines('Mã điểm\tTên điểm\tLoại điểm', 'nam-xe\tXã Nậm Xé\txã');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { code, stdout } = await run([file]);
    expect(code).toBe(0);
    expect(stdout).toContain('name: Xã Nậm Xé');
  });

  it('refuses a file that is not UTF-8, saying how to save it', async () => {
    const file = join(dir, 'ansi.csv');
    await writeFile(file, Buffer.from([0x73, 0x69, 0x74, 0x65, 0x2c, 0xe3, 0x0a])); // Windows-1258 bytes
    const { code, stdout, stderr } = await run([file]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toContain('CSV UTF-8');
  });

  it.each([
    [[], 'say which file'],
    [['a.csv', 'b.csv'], 'one file at a time'],
    [['--bogus', 'a.csv'], "Unknown option '--bogus'"],
  ])('exits 2 for the command line %j', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exits 2 naming a file it cannot read', async () => {
    const { code, stderr } = await run([join(dir, 'missing.csv')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot read ${join(dir, 'missing.csv')}`);
  });
});
