/**
 * `node --max-old-space-size=192 --import tsx scripts/bench-history.ts [--days N] [--seed N] [--full] [--url URL]`
 *
 * How long simulator/history.ts takes to fill a fresh database with N days (7) of the sample
 * district (config/example.yaml as `linkwatch sim` simulates it, at speed 1), through the
 * collector's own writer, and then to backfill the rollups — the demo's start. The heap limit
 * is the production one (bin/linkwatch-built.js). Without `--url` it starts a private influxd in
 * a temp dir; with it, it writes into a database of its own there and drops it after. Prints
 * the phases and, last, one JSON line. `--full` writes the whole span at the config's own intervals
 * instead of simulator/history.ts's HISTORY_TIERS, to measure what the tiers save.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { loadInventoryToSimulate } from '../cli/sim.ts';
import { openPolicyWriters } from '../collector/storage/writers.ts';
import type { Config } from '../config/schema.ts';
import { influxQuery } from '../store/influx.ts';
import { ensureRetention } from '../store/retention.ts';
import { backfillHistoryRollups, planHistoryFaults, writeHistory } from '../simulator/history.ts';
import { simulatedInventory } from '../simulator/inventory.ts';
import { planNetwork } from '../simulator/network-plan.ts';
import { simDeviceSpecs } from '../simulator/simulation.ts';
import { intArgument, runWhenMain, withPrivateInfluxd } from './bench-kit.ts';

const DAY = 86_400_000;

/** The sample district as `linkwatch sim` would simulate it in netns mode: addresses from the
 * network plan (pure), no namespace made. */
export async function simulatedSample(seed: number): Promise<{ inventory: Config; specs: ReturnType<typeof simDeviceSpecs> }> {
  const loaded = await loadInventoryToSimulate(join(import.meta.dirname, '../config/example.yaml'), {});
  if (!loaded.result.ok) throw new Error(`config/example.yaml: ${loaded.result.errors.map((error) => error.message).join('; ')}`);
  const config = loaded.result.config;
  const planned = planNetwork({ mode: 'netns', prefix: 'lwsim', subnetOffset: 0, snmpPort: 161, sites: config.sites, devices: config.devices, links: config.links });
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  const { plan } = planned;
  const inventory = simulatedInventory(config, { deviceAddress: (id) => ({ host: plan.devices.get(id)!.address, port: 161 }), linkTargets: (id) => [...plan.links.get(id)!.targets] }, { speed: 1 }).config;
  return { inventory, specs: simDeviceSpecs({ config, inventory, seed }) };
}

async function run(url: string, args: string[], log: (line: string) => void) {
  const days = intArgument(args, '--days', 7);
  const seed = intArgument(args, '--seed', 1);
  const { inventory, specs } = await simulatedSample(seed);
  const settings = { ...inventory.influx, url, database: `lw_bench_history_${process.pid}` };
  await ensureRetention({ settings });
  const spoolDir = await mkdtemp(join(tmpdir(), 'lw-bench-history-'));
  const quiet = { debug: () => undefined, info: () => undefined, warn: (object: object, message?: string) => log(`writer: ${message} ${JSON.stringify(object)}`), error: (object: object, message?: string) => log(`writer: ${message} ${JSON.stringify(object)}`) };
  const writers = await openPolicyWriters({ settings, spoolDir, spoolMaxBytes: 256 * 1024 * 1024, logger: quiet });
  let heapPeak = 0;
  const sampleHeap = () => (heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size));
  try {
    const toMs = Math.floor(Date.now() / 1_000) * 1_000;
    const fromMs = toMs - days * DAY;
    const faults = planHistoryFaults({ config: inventory, fromMs, toMs, seed });
    log(`${inventory.sites.length} sites, ${specs.length} SNMP devices, ${inventory.links.length} links; ${faults.length} faults planned over ${days} days`);
    const started = performance.now();
    const report = await writeHistory({
      config: inventory,
      specs,
      fromMs,
      toMs,
      faults,
      seed,
      sink: writers,
      flush: async () => {
        sampleHeap();
        await writers.flush();
      },
      log,
      ...(args.includes('--full') ? { tiers: [{ beforeEndMs: Infinity, minimum: { snmpMs: 0, icmpMs: 0 } }] } : {}),
    });
    await writers.close();
    const fillMs = performance.now() - started;
    const backfillStarted = performance.now();
    const backfill = await backfillHistoryRollups({ settings, window: report.window });
    const backfillMs = performance.now() - backfillStarted;
    sampleHeap();
    const stats = writers.stats();
    const result = {
      days,
      tiers: args.includes('--full') ? 'full' : 'HISTORY_TIERS',
      points: report.points,
      rounds: report.rounds,
      evaluations: report.evaluations,
      outages: report.outages,
      alertEvents: report.alertEvents,
      openAtEnd: report.end.openAlerts.length,
      notUpAtEnd: report.end.notUp.length,
      fillSeconds: Math.round(fillMs / 100) / 10,
      backfillSeconds: Math.round(backfillMs / 100) / 10,
      totalSeconds: Math.round((fillMs + backfillMs) / 100) / 10,
      rollupPointsWritten: backfill.written,
      spooledBatches: stats.raw.batchesSpooled + stats.events.batchesSpooled,
      dropped: Object.values(stats.raw.pointsDropped).reduce((a, b) => a + b, 0) + Object.values(stats.events.pointsDropped).reduce((a, b) => a + b, 0),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      peakHeapUsedMb: Math.round(heapPeak / 1024 / 1024),
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024),
    };
    log(`filled in ${result.fillSeconds} s (${result.points} points), rollups in ${result.backfillSeconds} s (${result.totalSeconds} s in all); peak RSS ${result.peakRssMb} MB, heap ${result.peakHeapUsedMb} of ${result.heapLimitMb} MB`);
    console.log(JSON.stringify(result));
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
    await influxQuery(settings, `DROP DATABASE ${settings.database}`).catch(() => undefined);
  }
}

runWhenMain(import.meta.url, 'bench-history', async (args) => {
  const log = (line: string) => console.error(line);
  const urlIndex = args.indexOf('--url');
  if (urlIndex >= 0) await run(args[urlIndex + 1]!, args, log);
  else await withPrivateInfluxd({ name: 'bench-history', log }, (url) => run(url, args, log));
  return 0;
});
