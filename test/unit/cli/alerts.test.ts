import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { describeMatch, describeWhen, windowFromFlags } from '../../../cli/maintenance.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { captureIo } from '../../helpers/cli-io.ts';

// Argument checking of `linkwatch alerts` and `linkwatch maintenance`: everything here is
// refused (exit 2) before InfluxDB is asked anything; the config points at a port nothing
// listens on, so a command that got that far would exit 1 instead.

const YAML = `
influx: {url: "http://127.0.0.1:9", database: lw_unit}
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre, groups: [core]}
  - {id: nam-xe, name: Nậm Xé, kind: commune, parent: dc, groups: [cum-bac]}
  - {id: khanh-yen, name: Khánh Yên, kind: commune, parent: dc, groups: [cum-trung]}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 10.0.0.1}
links:
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, targets: [10.0.0.1]}
alerts:
  maintenance:
    - {id: sao-luu, match: {groups: [core]}, every: {days: [sat], from: "22:00", to: "02:00"}}
`;

const loaded = parseConfig(YAML);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const config: Config = loaded.config;
const vn = (text: string) => Date.parse(`${text}+07:00`);
const NOW = vn('2026-11-27T14:00');

describe('windowFromFlags', () => {
  it.each([
    ['sites with --start/--end', { sites: ['nam-xe,khanh-yen'], start: '2026-11-27T22:00', end: '2026-11-28T02:00' }, { match: { sites: ['nam-xe', 'khanh-yen'] }, startMs: vn('2026-11-27T22:00'), endMs: vn('2026-11-28T02:00') }],
    ['repeated flags and duplicates', { sites: ['nam-xe', 'nam-xe'], links: ['nam-xe-vnpt'], for: '2h' }, { match: { sites: ['nam-xe'], links: ['nam-xe-vnpt'] }, startMs: NOW, endMs: NOW + 7_200_000 }],
    ['--start with --for', { devices: ['nam-xe-router'], start: '2026-11-28T08:00', for: '1h30m' }, { match: { devices: ['nam-xe-router'] }, startMs: vn('2026-11-28T08:00'), endMs: vn('2026-11-28T09:30') }],
    ['an explicit offset', { groups: ['core'], start: '2026-11-28T01:00Z', end: '2026-11-28T02:00Z' }, { match: { groups: ['core'] }, startMs: Date.parse('2026-11-28T01:00Z'), endMs: Date.parse('2026-11-28T02:00Z') }],
    ['recurring, days sorted', { groups: ['cum-bac'], every: 'sun,SAT', from: '22:00', to: '02:00' }, { match: { groups: ['cum-bac'] }, every: { days: ['sat', 'sun'], from: '22:00', to: '02:00' } }],
    ['recurring daily', { sites: ['dc'], every: 'daily', from: '23:00', to: '01:00' }, { match: { sites: ['dc'] }, every: { from: '23:00', to: '01:00' } }],
    ['id, comment and by', { sites: ['dc'], for: '1h', id: 'thay-switch', comment: ' Thay switch ', by: 'an' }, { match: { sites: ['dc'] }, startMs: NOW, endMs: NOW + 3_600_000, id: 'thay-switch', comment: 'Thay switch', by: 'an' }],
  ])('%s', (_name, flags, expected) => {
    expect(windowFromFlags(flags, config, NOW)).toEqual(expected);
  });

  it.each([
    ['no selector', { for: '2h' }, 'say what the window covers'],
    ['unknown site, with a suggestion', { sites: ['nam-xee'], for: '2h' }, '--sites: unknown site "nam-xee"; did you mean "nam-xe"?'],
    ['unknown group', { groups: ['cum-nam'], for: '2h' }, '--groups: unknown site group "cum-nam"'],
    ['unknown link', { links: ['nam-xe-viettel'], for: '2h' }, '--links: unknown link "nam-xe-viettel"'],
    ['unknown device', { devices: ['nam-xe-routr'], for: '2h' }, '--devices: unknown device "nam-xe-routr"; did you mean "nam-xe-router"?'],
    ['no time', { sites: ['dc'] }, 'say when'],
    ['one-off and recurring', { sites: ['dc'], for: '2h', every: 'sat', from: '22:00', to: '02:00' }, 'not both'],
    ['--end and --for', { sites: ['dc'], start: '2026-11-28T01:00', end: '2026-11-28T02:00', for: '1h' }, 'give --end or --for, not both'],
    ['--end without --start', { sites: ['dc'], end: '2026-11-28T02:00' }, '--end needs --start'],
    ['--start alone', { sites: ['dc'], start: '2026-11-28T02:00' }, '--start needs --end or --for'],
    ['unreadable start', { sites: ['dc'], start: '28/11/2026 22:00', end: '2026-11-28T23:00' }, '--start: expected a date and time such as 2026-12-01T22:00 (Asia/Ho_Chi_Minh)'],
    ['end before start', { sites: ['dc'], start: '2026-11-28T22:00', end: '2026-11-28T21:00' }, 'must be after --start'],
    ['over already', { sites: ['dc'], start: '2026-11-27T08:00', end: '2026-11-27T09:00' }, 'would be over already'],
    ['bad duration', { sites: ['dc'], for: '2 hours' }, '--for: expected a duration'],
    ['zero duration', { sites: ['dc'], for: '0m' }, '--for must be longer than 0'],
    ['--every without times', { sites: ['dc'], every: 'sat' }, '--every needs --from HH:MM and --to HH:MM'],
    ['--from without --every', { sites: ['dc'], from: '22:00', to: '02:00' }, '--from and --to go with --every'],
    ['a bad day', { sites: ['dc'], every: 'sat,sunday', from: '22:00', to: '02:00' }, '--every: unknown day "sunday"'],
    ['a bad time', { sites: ['dc'], every: 'sat', from: '22h', to: '02:00' }, '--from must be a time of day HH:MM'],
    ['a bad id', { sites: ['dc'], for: '1h', id: 'Thay Switch' }, '--id must be 1–64 lowercase'],
    ['an id of the config', { sites: ['dc'], for: '1h', id: 'sao-luu' }, 'already a window in the config file'],
  ])('refuses %s', (_name, flags, message) => {
    expect(() => windowFromFlags(flags, config, NOW)).toThrow(message);
  });
});

describe('describing windows', () => {
  it('names sites by their Vietnamese names and times in the zone', () => {
    expect(describeMatch({ sites: ['nam-xe', 'khanh-yen'], links: ['nam-xe-vnpt'] }, config)).toBe('sites: Nậm Xé, Khánh Yên; links: nam-xe-vnpt');
    expect(describeMatch({}, config)).toBe('everything');
    expect(describeWhen({ id: 'w', source: 'store', match: {}, startMs: vn('2026-12-01T22:00'), endMs: vn('2026-12-02T02:00') }, 'Asia/Ho_Chi_Minh')).toBe('22:00 01/12/2026 – 02:00 02/12/2026');
    expect(describeWhen({ id: 'w', source: 'store', match: {}, startMs: vn('2026-12-01T22:00'), endMs: vn('2026-12-02T02:00') }, 'UTC')).toBe('15:00 01/12/2026 – 19:00 01/12/2026');
    expect(describeWhen({ id: 'w', source: 'config', match: {}, every: { days: ['sat', 'sun'], from: '22:00', to: '02:00' }, endedMs: vn('2026-12-01T10:00') }, 'Asia/Ho_Chi_Minh')).toBe('sat,sun 22:00–02:00 (ended 10:00 01/12/2026)');
    expect(describeWhen({ id: 'w', source: 'config', match: {}, every: { from: '23:00', to: '01:00' } }, 'Asia/Ho_Chi_Minh')).toBe('daily 23:00–01:00');
  });
});

describe('linkwatch alerts and maintenance: usage errors exit 2 before touching InfluxDB', () => {
  let file: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-alerts-cli-'));
    file = join(dir, 'district.yaml');
    await writeFile(file, YAML);
  });

  it.each([
    [['alerts'], 'say what to do: list or ack'],
    [['alerts', 'lst'], 'unknown action "lst"; expected list or ack; did you mean "list"?'],
    [['alerts', 'list', '--since', '2 days'], '--since: expected a duration'],
    [['alerts', 'list', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['alerts', 'ack'], 'say which alert'],
    [['alerts', 'ack', "x' OR 1=1"], `"x' OR 1=1" is not an alert id`],
    [['alerts', 'ack', 'a', 'b'], 'unexpected argument "b"'],
    [['maintenance'], 'say what to do: add, list or end'],
    [['maintenance', 'ad'], 'did you mean "add"?'],
    [['maintenance', 'add', '--sites', 'nam-xee', '--for', '2h'], '--sites: unknown site "nam-xee"; did you mean "nam-xe"?'],
    [['maintenance', 'add', '--sites', 'nam-xe', '--for', '2h', '--comment', 'cắt', 'cáp'], 'unexpected argument "cáp"; quote a comment'],
    [['maintenance', 'add', '--sites', 'nam-xe', '--every', 'sat'], '--every needs --from HH:MM and --to HH:MM'],
    [['maintenance', 'end'], 'say which window'],
    [['maintenance', 'end', 'Bad Id'], '"Bad Id" is not a maintenance window id'],
  ])('%j', async (args, message) => {
    const { io, stderr, stdout } = captureIo();
    expect(await main([...args, '--config', file], io)).toBe(2);
    expect(stderr()).toContain(message);
    expect(stderr()).toContain('Usage:');
    expect(stdout()).toBe('');
  });

  it('refuses to end a window of the config file, pointing at the file (exit 1)', async () => {
    const { io, stderr } = captureIo();
    expect(await main(['maintenance', 'end', 'sao-luu', '--config', file], io)).toBe(1);
    expect(stderr()).toContain(`"sao-luu" is defined in ${file} (alerts.maintenance)`);
  });

  it('exits 2 listing the config’s problems', async () => {
    const { io, stderr } = captureIo();
    expect(await main(['alerts', 'list', '--config', '/nonexistent/linkwatch.yaml'], io)).toBe(2);
    expect(stderr()).toContain('cannot read /nonexistent/linkwatch.yaml');
  });

  it('prints help for --help', async () => {
    for (const command of ['alerts', 'maintenance']) {
      const { io, stdout } = captureIo();
      expect(await main([command, '--help'], io)).toBe(0);
      expect(stdout()).toContain(`linkwatch ${command} `);
      expect(stdout()).toContain('Exit codes');
    }
  });
});
