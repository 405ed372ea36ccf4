import { parse, stringify } from 'yaml';
import type { Fault, ScheduledFault } from '../simulator/faults.ts';

// The pure parts of `linkwatch demo`: the config it runs linkwatch with, and what it tells the
// user is coming. The orchestration (processes, signals) is in demo.ts.

export const DEMO_USER = 'demo';
/** Printed at start and in the README: a demo's login is not a secret. */
export const DEMO_PASSWORD = 'linkwatch';
export const DEMO_DATABASE = 'linkwatch-demo';

export interface DemoConfigInput {
  /** The inventory `linkwatch sim` writes: the sample district pointed at the simulated network. */
  inventoryYaml: string;
  influxUrl: string;
  listen: string;
  /** The collector's /metrics and /healthz. */
  collectorListen: string;
  /** Spool and outbox go below it. */
  dataDir: string;
  /** `scrypt$…` of DEMO_PASSWORD. */
  passwordHash: string;
}

/**
 * The simulated inventory with what a running linkwatch needs beside it: its own database (so
 * a demo on a real server never touches the `linkwatch` database), the API with one demo user,
 * and the collector's files under the demo's folder. No alert channels or routes: the demo's
 * outages must never reach a real Zalo group or mailbox, so its alerts are recorded and shown,
 * not sent.
 */
export function demoConfigYaml(input: DemoConfigInput): string {
  const document = parse(input.inventoryYaml) as Record<string, unknown> & { collector?: Record<string, unknown> };
  const config = {
    ...document,
    collector: { ...document.collector, spool: { dir: `${input.dataDir}/spool` }, http: { listen: input.collectorListen } },
    influx: { url: input.influxUrl, database: DEMO_DATABASE },
    api: {
      listen: input.listen,
      users: [{ name: DEMO_USER, role: 'admin', displayName: 'Demo', passwordHash: input.passwordHash }],
      statusRefresh: '5s',
    },
    alerts: { language: 'vi', timezone: 'Asia/Ho_Chi_Minh', outbox: { dir: `${input.dataDir}/outbox` } },
  };
  return `# Written by \`linkwatch demo\` at each start: the sample district, simulated. Alerts are\n# recorded and shown but sent nowhere (no channels).\n${stringify(config, { lineWidth: 0 })}`;
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** One line per fault coming up, for the start banner: `+1 min   10:42  link-down nam-xe-internet for 8 min`.
 * A flap is expanded by the timeline into link-downs with ids `fN.1`, `fN.2`, …: shown once. */
export function describeComing(faults: readonly ScheduledFault[], startMs: number): string[] {
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  const runs = new Map<string, ScheduledFault[]>();
  for (const fault of faults) {
    const run = fault.id.split('.')[0]!;
    runs.set(run, [...(runs.get(run) ?? []), fault]);
  }
  return [...runs.values()].map((run) => {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const what = run.length > 1 ? `flapping ${subjectOf(first)} (${run.length} cuts)` : `${first.kind} ${subjectOf(first)}${'percent' in first ? ` ${first.percent} %` : ''}`;
    const length = last.endMs !== undefined ? ` for ${minutes(last.endMs - first.startMs)}` : '';
    const at = new Date(first.startMs + VIETNAM_OFFSET_MS).toISOString().slice(11, 16);
    return `+${minutes(first.startMs - startMs).padEnd(7)} ${at}  ${what}${length}`;
  });
}

function subjectOf(fault: Fault): string {
  if ('link' in fault) return fault.link;
  if ('site' in fault) return fault.site;
  return fault.device;
}
