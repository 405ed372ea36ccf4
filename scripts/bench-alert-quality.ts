/**
 * `npm run bench:alert-quality [-- --interval 30s|15s|… --seed N --minutes M --sites N]`
 *
 * Scores linkwatch's alerts against the simulator's ground truth: a simulated district in
 * network namespaces (root) plays a seeded random fault schedule — link cuts, hub uplink cuts,
 * flaps, packet loss, power cuts, reboots, silent agents — while the collector, the alert engine
 * and the notifier run at the schema's defaults (`--interval` sets collector.icmp.interval
 * only), sending to a webhook receiver on loopback. Every message is attributed to a root cause
 * and judged against the truth. Prints the table, every false and missed item, and last one
 * JSON line. The run (schedule, truth, messages) is kept in the work directory as run.json;
 * `--rescore DIR` scores a kept run again without playing it.
 *
 * Other options: --prefix (lwaqb) and --offset (60) for the namespaces, --database, --influx URL,
 * --dir (work directory; a new temporary one by default).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration, formatDuration } from '../config/duration.ts';
import { configSchema } from '../config/schema.ts';
import { formatReport } from './alert-quality/report.ts';
import { runAlertQuality, type RunResult } from './alert-quality/run.ts';
import { scoreRun } from './alert-quality/score.ts';
import { benchSettings } from './alert-quality/settings.ts';

interface Kept {
  label: { interval: string; seed: number; sites: number; minutes: number };
  result: RunResult;
}

function report(kept: Kept): string {
  const { result } = kept;
  const score = scoreRun({ network: result.network, causes: result.schedule.causes, truth: result.truth, notices: result.notices, timing: result.timing, runEndMs: result.runEndMs, originMs: result.originMs });
  const unreadable = result.unreadable.map((item) => `unreadable webhook body at +${((item.receivedMs - result.originMs) / 1000).toFixed(1)} s: ${item.message}`);
  return [...unreadable, formatReport(score, { label: kept.label, timing: result.timing, originMs: result.originMs })].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      interval: { type: 'string' },
      seed: { type: 'string', default: '1' },
      minutes: { type: 'string', default: '40' },
      sites: { type: 'string', default: '24' },
      prefix: { type: 'string', default: 'lwaqb' },
      offset: { type: 'string', default: '60' },
      database: { type: 'string' },
      influx: { type: 'string', default: process.env.LINKWATCH_INFLUX_URL ?? 'http://127.0.0.1:8086' },
      dir: { type: 'string' },
      rescore: { type: 'string' },
    },
  });
  if (values.rescore) {
    const kept = JSON.parse(await readFile(join(values.rescore, 'run.json'), 'utf8')) as Kept;
    console.log(report(kept));
    return 0;
  }
  const defaultInterval = configSchema.parse({}).collector.icmp.interval;
  const interval = values.interval === undefined ? { ok: true as const, ms: defaultInterval } : parseDuration(values.interval);
  if (!interval.ok) throw new Error(`--interval: ${interval.message}`);
  const seed = Number(values.seed);
  const minutes = Number(values.minutes);
  const sites = Number(values.sites);
  const offset = Number(values.offset);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number; got ${values.seed}`);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number; got ${values.minutes}`);
  if (!Number.isInteger(sites) || sites < 3) throw new Error(`--sites must be a whole number ≥ 3; got ${values.sites}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`--offset must be a whole number ≥ 0; got ${values.offset}`);
  if (process.getuid?.() !== 0) throw new Error('the harness plays faults in network namespaces: run it as root');

  const label = { interval: formatDuration(interval.ms), seed, sites, minutes };
  const dir = values.dir ?? (await mkdtemp(join(tmpdir(), `lw-alert-quality-${label.interval}-`)));
  const log = (line: string) => console.error(`[${new Date().toISOString()}] ${line}`);
  log(`work directory ${dir}; ICMP every ${label.interval}, seed ${seed}, ${sites} sites, ${minutes} min of faults`);
  const abort = new AbortController();
  process.once('SIGINT', () => {
    log('interrupted: scoring what was played so far');
    abort.abort();
  });
  const result = await runAlertQuality({
    // At the default interval nothing is written: every setting is the schema's.
    settings: benchSettings(interval.ms === defaultInterval ? {} : { icmpIntervalMs: interval.ms }),
    sites,
    seed,
    faultMs: minutes * 60_000,
    influx: { url: values.influx, database: values.database ?? `lw_alert_quality_${label.interval}` },
    prefix: values.prefix,
    subnetOffset: offset,
    workDir: dir,
    setupMs: 30_000,
    log,
    signal: abort.signal,
  });
  const kept: Kept = { label, result };
  await writeFile(join(dir, 'run.json'), JSON.stringify(kept));
  log(`${result.notices.length} messages received; run kept in ${join(dir, 'run.json')}`);
  console.log(report(kept));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
