import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { influxQuery } from '../../../store/influx.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { formatLocal } from '../../../config/time.ts';
import { captureIo } from '../../helpers/cli-io.ts';
import { closedTcpPort } from '../../helpers/ports.ts';

// `linkwatch alerts` and `linkwatch maintenance` end to end through main(), against the test
// InfluxDB, with alert points written as the engine writes them.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const settings = { url: URL, database: `lw_cli_alerts_${process.pid}` };
const VN = 'Asia/Ho_Chi_Minh';
const HOUR = 3_600_000;

const inventory = (url: string, database: string) => `
influx: {url: "${url}", database: ${database}}
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
    - {id: sao-luu, match: {groups: [core]}, every: {days: [sat], from: "22:00", to: "02:00"}, comment: Sao lưu hằng tuần}
`;

async function run(args: string[], env: Record<string, string> = {}) {
  const capture = captureIo(env);
  const code = await main(args, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('linkwatch alerts and maintenance against InfluxDB', () => {
  const now = Date.now();
  let file: string;
  let unreachable: string;
  let port: number;

  beforeAll(async () => {
    await ensureRetention({ settings });
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-alerts-'));
    file = join(dir, 'district.yaml');
    await writeFile(file, inventory(URL, settings.database));
    port = await closedTcpPort();
    unreachable = join(dir, 'unreachable.yaml');
    await writeFile(unreachable, inventory(`http://lw:s3cret-pw@127.0.0.1:${port}`, settings.database));
    const lines = [
      point('alert', now - 2 * HOUR, { alert_id: 'link-down.nam-xe-vnpt', kind: 'link-down', severity: 'critical', site: 'nam-xe' }, { event: 'firing', entity_kind: 'link', entity: 'nam-xe-vnpt', started_ms: now - 2 * HOUR }),
      point('alert', now - 3 * HOUR, { alert_id: 'rtt.khanh-yen', kind: 'rtt', severity: 'warning', site: 'khanh-yen' }, { event: 'firing', entity_kind: 'site', entity: 'khanh-yen', started_ms: now - 3 * HOUR }),
      point('alert', now - 5 * HOUR, { alert_id: 'device-down.nam-xe-router', kind: 'device-down', severity: 'critical', site: 'nam-xe' }, { event: 'firing', started_ms: now - 5 * HOUR }),
      point('alert', now - 4 * HOUR, { alert_id: 'device-down.nam-xe-router', kind: 'device-down', severity: 'critical', site: 'nam-xe' }, { event: 'resolved', ended_ms: now - 4 * HOUR }),
    ].map((p) => toLine(p));
    const response = await fetch(`${URL}/write?db=${settings.database}&rp=events&precision=ms`, { method: 'POST', body: lines.join('\n') });
    expect(response.status).toBe(204);
  });
  afterAll(() => influxQuery(settings, `DROP DATABASE "${settings.database}"`).catch(() => undefined));

  it('lists open alerts, most severe first, with Vietnamese site names and local times', async () => {
    const { code, stdout, stderr } = await run(['alerts', 'list', '--config', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+KIND\s+SITE\s+SINCE\s+ACKED BY$/);
    expect(lines[1]).toMatch(new RegExp(`^link-down\\.nam-xe-vnpt\\s+critical\\s+link-down\\s+Nậm Xé\\s+${formatLocal(now - 2 * HOUR, VN)}\\s+-$`));
    expect(lines[2]).toMatch(/^rtt\.khanh-yen\s+warning\s+rtt\s+Khánh Yên\s+/);
    expect(stdout).not.toContain('device-down');
    expect(stdout).toContain('2 open; times in Asia/Ho_Chi_Minh.');
  });

  it('acknowledges an alert; the list shows who', async () => {
    const ack = await run(['alerts', 'ack', 'link-down.nam-xe-vnpt', '--comment', 'VNPT đang sửa cáp', '--config', file], { USER: 'thu' });
    expect(ack.stderr).toBe('');
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain('Acknowledged link-down.nam-xe-vnpt (critical link-down, Nậm Xé, since');
    expect(ack.stdout).toContain('as thu.');
    const list = await run(['alerts', 'list', '--json', '--config', file]);
    const alerts = JSON.parse(list.stdout) as { alertId: string; acknowledgement?: { by: string; comment: string }; siteName: string }[];
    expect(alerts.find((alert) => alert.alertId === 'link-down.nam-xe-vnpt')).toMatchObject({ acknowledgement: { by: 'thu', comment: 'VNPT đang sửa cáp' }, siteName: 'Nậm Xé' });
    const table = await run(['alerts', 'list', '--config', file]);
    expect(table.stdout).toMatch(/link-down\.nam-xe-vnpt .* thu \(\d\d:\d\d \d\d\/\d\d\/\d{4}\)/);
  });

  it('--by names someone else; acknowledging a resolved alert says so', async () => {
    const { code, stdout } = await run(['alerts', 'ack', 'device-down.nam-xe-router', '--by', 'Lò Văn Minh', '--config', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('as Lò Văn Minh. It was already resolved at');
  });

  it('exits 1 for an unknown alert, suggesting the nearest id', async () => {
    const { code, stderr } = await run(['alerts', 'ack', 'link-down.nam-xe-vnp', '--config', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('linkwatch alerts ack: no alert "link-down.nam-xe-vnp"; did you mean "link-down.nam-xe-vnpt"?');
  });

  it('--all adds the alerts closed in the window', async () => {
    const { code, stdout } = await run(['alerts', 'list', '--all', '--since', '24h', '--config', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ID\s+SEVERITY\s+KIND\s+SITE\s+SINCE\s+STATE\s+ACKED BY$/m);
    expect(stdout).toMatch(new RegExp(`device-down\\.nam-xe-router\\s+critical\\s+device-down\\s+Nậm Xé\\s+\\S+ \\S+\\s+resolved ${formatLocal(now - 4 * HOUR, VN)}`));
    expect(stdout).toContain('2 open, 1 closed in the last 24h');
    const narrow = await run(['alerts', 'list', '--since', '1h', '--config', file]);
    expect(narrow.stdout).not.toContain('device-down');
  });

  it('adds, lists and ends a maintenance window', async () => {
    const add = await run(['maintenance', 'add', '--sites', 'nam-xe', '--for', '2h', '--comment', 'Kéo lại cáp quang', '--id', 'keo-cap', '--config', file], { USER: 'thu' });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^Added maintenance window keo-cap: sites: Nậm Xé, \d\d:\d\d \d\d\/\d\d\/\d{4} – \d\d:\d\d \d\d\/\d\d\/\d{4} \(Asia\/Ho_Chi_Minh\)\.\n$/);

    const recurring = await run(['maintenance', 'add', '--groups', 'cum-trung', '--links', 'nam-xe-vnpt', '--every', 'sat,sun', '--from', '22:00', '--to', '02:00', '--config', file]);
    expect(recurring.code).toBe(0);
    const generated = /window (mw-\d{8}-[0-9a-f]{4}):/.exec(recurring.stdout)?.[1];
    expect(generated).toBeDefined();

    const list = await run(['maintenance', 'list', '--config', file]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+SOURCE\s+COVERS\s+WHEN\s+ACTIVE\s+NEXT\s+BY\s+COMMENT$/m);
    expect(list.stdout).toMatch(/^sao-luu\s+config\s+groups: core\s+sat 22:00–02:00\s+(yes|no)\s+/m);
    expect(list.stdout).toMatch(/^keo-cap\s+store\s+sites: Nậm Xé\s+.*\s+yes\s+ends .*\s+thu\s+Kéo lại cáp quang$/m);
    expect(list.stdout).toContain(`groups: cum-trung; links: nam-xe-vnpt`);

    const json = JSON.parse((await run(['maintenance', 'list', '--json', '--config', file])).stdout) as { id: string; source: string; active: boolean; next?: { kind: string } }[];
    expect(json.map((window) => window.id)).toEqual(['sao-luu', 'keo-cap', generated]);
    expect(json[1]).toMatchObject({ source: 'store', active: true, next: { kind: 'end' }, by: 'thu' });

    const end = await run(['maintenance', 'end', 'keo-cap', '--config', file]);
    expect(end.stderr).toBe('');
    expect(end.code).toBe(0);
    expect(end.stdout).toMatch(/^Ended maintenance window keo-cap \(sites: Nậm Xé\) at /);

    const after = await run(['maintenance', 'list', '--config', file]);
    expect(after.stdout).not.toMatch(/^keo-cap/m);
    expect(after.stdout).toContain('1 stored window over (--all shows them)');
    const all = JSON.parse((await run(['maintenance', 'list', '--all', '--json', '--config', file])).stdout) as { id: string; active: boolean; endedMs?: number }[];
    expect(all.find((window) => window.id === 'keo-cap')).toMatchObject({ active: false, endedMs: expect.any(Number) });

    const again = await run(['maintenance', 'end', 'keo-cap', '--config', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was already ended');
    const unknown = await run(['maintenance', 'end', 'keo-cab', '--config', file]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no stored maintenance window "keo-cab"; did you mean "keo-cap"?');
    const duplicate = await run(['maintenance', 'add', '--sites', 'dc', '--for', '1h', '--id', 'keo-cap', '--config', file]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
  });

  it('exits 1 naming the URL, never the password, when InfluxDB is unreachable', async () => {
    for (const args of [['alerts', 'list'], ['alerts', 'ack', 'link-down.nam-xe-vnpt'], ['maintenance', 'list'], ['maintenance', 'add', '--sites', 'nam-xe', '--for', '1h'], ['maintenance', 'end', 'keo-cap']]) {
      const { code, stdout, stderr } = await run([...args, '--config', unreachable]);
      expect(code, args.join(' ')).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`cannot reach InfluxDB at http://127.0.0.1:${port}/`);
      expect(stderr).toContain('is it running?');
      expect(stderr).not.toContain('s3cret-pw');
    }
  });

  it('exits 1 saying the database is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-alerts-'));
    const missing = join(dir, 'missing.yaml');
    await writeFile(missing, inventory(URL, `lw_cli_missing_${process.pid}`));
    const { code, stderr } = await run(['alerts', 'list', '--config', missing]);
    expect(code).toBe(1);
    expect(stderr).toContain(`has no database "lw_cli_missing_${process.pid}"`);
  });
});
