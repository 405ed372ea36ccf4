/**
 * `tsx scripts/bench-alerts.ts [--sites N,N,…] [--evaluations N]`
 *
 * What the alert engine's one-second evaluation costs as the inventory grows: districts generated
 * like the simulator's (a router and one or two links per commune), every link answering, the
 * engine evaluated again and again with a fixed clock step. The baseline is the smallest district
 * measured in the same run: the ratio says how the cost per subject (link or device) grows with
 * the inventory (1.0 is linear). Prints a table and, last, one JSON line.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createAlertEngine } from '../collector/alerts/engine.ts';
import { silentLogger } from '../collector/logger.ts';
import type { IcmpResult } from '../collector/probes/icmp/probe.ts';
import { parseConfig } from '../config/load.ts';
import { generateDistrict } from '../simulator/inventory.ts';

const answered: IcmpResult = { ok: true, sent: 3, received: 3, lossPct: 0, rttMinMs: 1, rttAvgMs: 1, rttMaxMs: 1, jitterMs: 0, rttsMs: [1, 1, 1] };

async function measure(sites: number, evaluations: number) {
  const parsed = parseConfig(stringify(generateDistrict({ sites })));
  if (!parsed.ok) throw new Error(`generated inventory invalid: ${parsed.errors[0]?.message}`);
  const config = parsed.config;
  let now = Date.UTC(2026, 10, 27);
  const engine = createAlertEngine({
    config,
    clock: { now: () => now },
    notifier: { publish: async () => undefined, acknowledge: () => undefined, tick: async () => undefined, close: async () => undefined },
    sink: { write: () => undefined },
    logger: silentLogger,
  });
  for (let round = 0; round < 3; round++) {
    now += 1_000;
    for (const link of config.links) engine.observe({ kind: 'icmp-round', link, slotMs: now, results: new Map(link.targets.map((target) => [target.address, answered])) });
    await engine.evaluate();
  }
  const started = performance.now();
  for (let i = 0; i < evaluations; i++) {
    now += 1_000;
    await engine.evaluate();
  }
  const msPerEvaluation = (performance.now() - started) / evaluations;
  const subjects = config.links.length + config.devices.length;
  return { sites, links: config.links.length, devices: config.devices.length, msPerEvaluation, usPerSubject: (msPerEvaluation * 1000) / subjects };
}

async function main() {
  const { values } = parseArgs({ options: { sites: { type: 'string', default: '23,500,3000' }, evaluations: { type: 'string', default: '30' } } });
  const sizes = values.sites.split(',').map(Number);
  const evaluations = Number(values.evaluations);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(evaluations) || evaluations < 1) throw new Error('--sites takes whole numbers ≥ 1 separated by commas; --evaluations a whole number ≥ 1');
  const results = [];
  for (const sites of sizes) results.push(await measure(sites, evaluations));
  const baseline = results[0]!;
  console.log('sites   links  devices  ms/evaluation  µs/subject  ratio (per subject, vs the first)');
  for (const r of results) {
    console.log(`${String(r.sites).padStart(5)}  ${String(r.links).padStart(6)}  ${String(r.devices).padStart(7)}  ${r.msPerEvaluation.toFixed(2).padStart(13)}  ${r.usPerSubject.toFixed(2).padStart(10)}  ${(r.usPerSubject / baseline.usPerSubject).toFixed(2).padStart(5)}`);
  }
  console.log(JSON.stringify({ bench: 'alerts', evaluations, results: results.map((r) => ({ ...r, ratioPerSubjectVsBaseline: r.usPerSubject / baseline.usPerSubject })) }));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
