import { spawn } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, timerTicks } from '../../../collector/clock.ts';
import { createCollector } from '../../../collector/collector.ts';
import { silentLogger } from '../../../collector/logger.ts';
import { createCollectorMetrics } from '../../../collector/metrics.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import type { Point } from '../../../store/schema.ts';
import { openSpool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter } from '../../../collector/storage/writer.ts';
import { parseConfig } from '../../../config/load.ts';
import { startSnmpd, type RunningSnmpd } from '../../helpers/snmpd.ts';
import { privateInflux, scalar, type PrivateInflux } from '../../helpers/influx.ts';

// The collector's promises about data, tested with faults: the database away for over a minute,
// and the collector killed with SIGKILL while its spool holds data.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));

const configYaml = (agent: RunningSnmpd, influx: { url: string; database: string }, spoolDir: string) => `
collector:
  snmp: {interval: 1s, timeout: 800ms, retries: 0}
  icmp: {interval: 1s, timeout: 300ms, count: 2, spacing: 20ms}
  spool: {dir: ${spoolDir}}
  http: {listen: "off"}
influx: {url: "${influx.url}", database: ${influx.database}}
sites:
  - {id: dc, name: Trung tâm, kind: district-centre}
devices:
  - id: dc-router
    site: dc
    role: router
    address: ${agent.host}
    snmp: {credentials: {version: 2c, community: faults}, port: ${agent.port}}
links:
  - {id: dc-lo, site: dc, kind: lan, device: dc-router, interface: lo, targets: [127.0.0.1]}
`;

describe('collector faults', () => {
  let agent: RunningSnmpd;
  let influx: PrivateInflux;

  beforeAll(async () => {
    agent = await startSnmpd({ communities: ['faults'] });
    influx = await privateInflux(18_260);
  });
  afterAll(async () => {
    await agent?.stop();
    await influx?.dispose();
  });

  it('keeps every point, exactly once, through a database outage of over a minute', async () => {
    const settings = influx.settings('lw_outage');
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-outage-'));
    const parsed = parseConfig(configYaml(agent, settings, join(dir, 'spool')));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await ensureRetention({ settings });
    const spool = await openSpool({ dir: join(dir, 'spool') });
    const writer = createInfluxWriter({ settings, spool, logger: silentLogger, retryMs: 500 });
    // Every point handed to the writer, by identity (series + time): what must arrive, once.
    const produced = new Map<string, Point>();
    const sink = {
      write(points: Point[]) {
        for (const p of points) {
          const line = toLine(p);
          if (line) produced.set(line.slice(0, line.indexOf(' ')) + '@' + p.timeMs, p);
        }
        writer.write(points);
      },
    };
    const collector = createCollector({ config: parsed.config, clock: systemClock, ticks: timerTicks(100), sink, logger: silentLogger, metrics: createCollectorMetrics() });
    await collector.start();
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    const outageStart = Date.now();
    await influx.stop();
    await new Promise((resolve) => setTimeout(resolve, 62_000));
    expect(writer.stats().spool.batches).toBeGreaterThan(0);
    await influx.start();
    const outageEnd = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await collector.stop(2_000);
    await writer.flush();
    const deadline = Date.now() + 30_000;
    while ((writer.stats().spool.batches > 0 || writer.stats().backfills.pending) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    await writer.close();
    await spool.close();

    const expected = (measurement: string, from = 0, to = Number.MAX_SAFE_INTEGER) =>
      [...produced.values()].filter((p) => p.measurement === measurement && p.timeMs >= from && p.timeMs < to).length;
    const stored = (measurement: string, field: string, from = 0, to = Number.MAX_SAFE_INTEGER) =>
      scalar(settings, `SELECT count("${field}") FROM "raw"."${measurement}" WHERE time >= ${from}ms AND time < ${to}ms`);

    // The outage window itself held points (the collector kept polling), and all of them arrived.
    const inOutage = expected('device_poll', outageStart, outageEnd);
    expect(inOutage).toBeGreaterThanOrEqual(55);
    expect(await stored('device_poll', 'reachable', outageStart, outageEnd)).toBe(inOutage);
    // Over the whole run: every measurement, exactly once.
    for (const [measurement, field] of [
      ['device_poll', 'reachable'],
      ['interface_status', 'oper_up'],
      ['interface_traffic', 'in_bps'],
      ['icmp', 'up'],
    ] as const) {
      expect(await stored(measurement, field), measurement).toBe(expected(measurement));
    }
    // The rollups cover the outage too, although the continuous queries never saw that data live.
    const fiveMinuteStart = Math.floor(outageStart / 300_000) * 300_000;
    expect(await scalar(settings, `SELECT count("reachable_mean") FROM "rollup_5m"."device_poll" WHERE time >= ${fiveMinuteStart}ms`)).toBeGreaterThan(0);
  }, 150_000);

  it('replays the spool of a collector killed with SIGKILL at its next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-kill-'));
    const spoolDir = join(dir, 'spool');
    const configFile = join(dir, 'linkwatch.yaml');
    // First run: the database address answers nothing, so everything goes to the spool.
    await writeFile(configFile, configYaml(agent, { url: 'http://127.0.0.1:9', database: 'lw_killed' }, spoolDir));
    const first = spawn(BIN, ['collector', '--config', configFile], { stdio: 'ignore' });
    // The raw series' spool: one folder per retention policy.
    const spooledBytes = async () => {
      const rawSpool = join(spoolDir, 'raw');
      const files = await readdir(rawSpool).catch(() => [] as string[]);
      let total = 0;
      for (const file of files.filter((name) => name.endsWith('.seg'))) total += (await stat(join(rawSpool, file))).size;
      return total;
    };
    const deadline = Date.now() + 20_000;
    while ((await spooledBytes()) < 2_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const killedAt = Date.now();
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(await spooledBytes()).toBeGreaterThan(2_000);

    // Second run: the database is there; the spooled points of the first run must arrive.
    const settings = influx.settings('lw_killed');
    await writeFile(configFile, configYaml(agent, settings, spoolDir));
    const second = spawn(BIN, ['collector', '--config', configFile], { stdio: 'ignore' });
    try {
      // At 1 s intervals, the 5 s before the kill held about 5 polls; at most the batch in
      // flight (the last second or two) may be lost.
      const beforeKill = () => scalar(settings, `SELECT count("reachable") FROM "raw"."device_poll" WHERE time < ${killedAt - 2_000}ms`);
      const until = Date.now() + 30_000;
      while ((await beforeKill().catch(() => 0)) < 4 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await beforeKill()).toBeGreaterThanOrEqual(4);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  }, 90_000);
});
