import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import type { AuditReport } from '../../../model/report.ts';
import { buildReport } from '../../../reports/build.ts';
import type { TruthRecord } from '../../../simulator/faults.ts';
import { generateDistrict } from '../../../simulator/inventory.ts';
import { readTruth } from '../../../simulator/truth.ts';
import { startSimulation, type Simulation } from '../../../simulator/simulation.ts';
import { createControlStore } from '../../../store/control.ts';
import { createInfluxHttp, influxQuery } from '../../../store/influx.ts';
import { backfillRollups, ensureRetention } from '../../../store/retention.ts';
import { startPipeline, type Pipeline } from '../../helpers/pipeline.ts';

// A compressed stretch of a district's life played by the simulator in network namespaces —
// link cuts and a power cut at a commune, each a few dozen seconds — with the real collector and
// alert engine writing to a real InfluxDB; then the audit report over that stretch. Every fault
// in the simulator's ground-truth log must be an outage of the report on the links it hit, with
// its start and end within a few polling intervals, and no link the simulator left alone may
// have one. Run alone (vitest project `timed`): detection is timed in wall-clock seconds.

const SPEED = 30;
const simulated = (wallMs: number) => wallMs * SPEED;
const INTERVAL_MS = 2_000;
/** Down after 2 failed rounds, up after 2 good ones, a round every 2 s with an 800 ms timeout:
 * the recorded start and end lag the truth by at most a few rounds. */
const TOLERANCE_MS = 4 * INTERVAL_MS;
const FAULT_MS = 20_000;
const GAP_MS = 10_000;

describe('a report over a simulated stretch matches the ground truth', () => {
  const influx = { url: process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086', database: `lw_report_truth_${process.pid}` };
  let dir = '';
  let simulation: Simulation;
  let config: Config;
  let running: Pipeline | undefined;
  let report: AuditReport;
  const truth: TruthRecord[] = [];
  const district = generateDistrict({ sites: 4 });
  const sites = (district.sites as { id: string }[]).map((site) => site.id);
  const links = district.links as { id: string; site: string; kind: string }[];
  const linkOf = (site: string, kind: string) => links.find((link) => link.site === site && link.kind === kind)!.id;

  const waitFor = async (what: string, check: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const everyLinkUp = () => links.every((link) => running!.engine.states().links.get(link.id)?.state === 'up');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-report-truth-'));
    await influxQuery(influx, `DROP DATABASE "${influx.database}"`);
    await ensureRetention({ settings: influx });
    const parsed = parseConfig(stringify(district));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    simulation = await startSimulation({ config: parsed.config, timeline: [], startMs: Date.now(), durationMs: simulated(15 * 60_000), speed: SPEED, seed: 11, mode: 'netns', prefix: 'lwtrpt', subnetOffset: 185, truthFile: join(dir, 'truth.jsonl') });
    const document = parse(simulation.inventoryYaml.replace(/timeout: 2s\n(\s+)retries: 1/, 'timeout: 800ms\n$1retries: 0')) as Record<string, Record<string, unknown>>;
    const withTimings = parseConfig(
      stringify({
        ...document,
        collector: { ...document.collector, icmp: { ...(document.collector?.icmp as object), interval: `${INTERVAL_MS / 1000}s` } },
        influx: { ...document.influx, url: influx.url, database: influx.database },
        alerts: { ...document.alerts, downAfter: 2, upAfter: 2 },
      }),
    );
    if (!withTimings.ok) throw new Error(JSON.stringify(withTimings.errors));
    config = withTimings.config;
    running = await startPipeline({ config, influx, spoolDir: join(dir, 'spool'), spoolMaxBytes: 16 * 1024 * 1024 });
    await waitFor('every link up', everyLinkUp, 60_000);

    const startedMs = Date.now();
    const faults = [
      { kind: 'link-down', link: linkOf(sites[1]!, 'internet') },
      { kind: 'site-dark', site: sites[2]! },
      { kind: 'link-down', link: linkOf(sites[3]!, 'internet') },
      { kind: 'link-down', link: linkOf(sites[1]!, 'internet') },
    ] as const;
    for (const fault of faults) {
      await simulation.inject(fault, simulated(FAULT_MS));
      await new Promise((resolve) => setTimeout(resolve, FAULT_MS + GAP_MS));
      await waitFor('every link up again', everyLinkUp, 30_000);
    }
    // The log as the simulator wrote it: the real start and end of each fault, in wall-clock ms.
    truth.push(...readTruth(join(dir, 'truth.jsonl')));
    await running.stop();
    running = undefined;
    const endedMs = Date.now();
    // The continuous queries roll up every 5 minutes; the report reads the rollups now.
    await backfillRollups({ settings: influx, from: startedMs - 10 * 60_000, to: endedMs + 5 * 60_000 });
    report = await buildReport({
      config,
      influx: createInfluxHttp(influx),
      control: createControlStore({ settings: influx }),
      period: { kind: 'custom', label: 'run', startMs: startedMs, endMs: endedMs, firstDay: '', lastDay: '', timeZone: 'Asia/Ho_Chi_Minh' },
      nowMs: endedMs + 1,
    });
  }, 420_000);

  afterAll(async () => {
    // Stopped already, unless the stretch failed half-way.
    await running?.stop();
    await simulation?.stop();
    await influxQuery(influx, `DROP DATABASE "${influx.database}"`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  /** The links a truth record took down: its own, or every link of a darkened site. */
  const linksHit = (record: TruthRecord): string[] => (record.link ? [record.link] : links.filter((link) => link.site === record.site).map((link) => link.id));

  it('has one outage per fault on every link it hit, starting and ending within a few rounds of the truth', () => {
    expect(truth.every((record) => record.status === 'applied')).toBe(true);
    for (const record of truth) {
      for (const id of linksHit(record)) {
        const outages = report.links.find((link) => link.id === id)!.availability.outages;
        const match = outages.filter((outage) => outage.startMs < record.endMs! + TOLERANCE_MS && outage.endMs > record.startMs - TOLERANCE_MS);
        expect(match, `${record.kind} on ${id} at +${record.startMs - truth[0]!.startMs} ms: ${JSON.stringify(outages)}`).toHaveLength(1);
        expect(Math.abs(match[0]!.startMs - record.startMs), `start of ${id}`).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(match[0]!.endMs - record.endMs!), `end of ${id}`).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(match[0]!.ongoing).toBe(false);
      }
    }
  });

  it('counts as many outages per link as the truth has faults on it, and none on the links left alone', () => {
    for (const link of links) {
      const faults = truth.filter((record) => linksHit(record).includes(link.id)).length;
      expect(report.links.find((entry) => entry.id === link.id)!.availability.n, link.id).toBe(faults);
    }
  });

  it('counts the darkened site down as long as the truth says, and the site with one link cut up', () => {
    const dark = truth.find((record) => record.kind === 'site-dark')!;
    const site = report.sites.find((entry) => entry.id === dark.site)!;
    expect(site.availability.n).toBe(1);
    expect(Math.abs(site.availability.downMs - FAULT_MS)).toBeLessThanOrEqual(2 * TOLERANCE_MS);
    // Sites whose internet line was cut kept their TSLCD line: not down.
    const cut = report.sites.find((entry) => entry.id === sites[3])!;
    if (cut.links.length > 1) expect(cut.availability.downMs).toBe(0);
  });
});
