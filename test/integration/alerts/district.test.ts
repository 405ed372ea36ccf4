import { createServer, type Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createControlStore, type ControlStore } from '../../../store/control.ts';
import { engineControl } from '../../../collector/alerts/engine-control.ts';
import { cleanCutNoticeMs, lostRoundMs } from '../../../collector/alerts/deadline.ts';
import { createIcmpProber } from '../../../collector/probes/icmp/probe.ts';
import { sendTestMessage } from '../../../collector/notify/notifier.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config, InfluxSettings } from '../../../config/schema.ts';
import { generateDistrict } from '../../../simulator/inventory.ts';
import { startSimulation, type Simulation } from '../../../simulator/simulation.ts';
import { readTruth } from '../../../simulator/truth.ts';
import { selectRows } from '../../helpers/influx.ts';
import { startPipeline, type Pipeline } from '../../helpers/pipeline.ts';
import { mailHeader, startSmtpReceiver } from '../notify/receivers.ts';

// Section 4 of the alerts issue, end to end: a simulated district (network namespaces, SNMP
// agents), the collector polling every second, the alert engine, the notifier with a real SMTP
// server and a webhook receiver on loopback, and the control store in InfluxDB. Faults are played
// by the simulator, which keeps the ground truth. Durations are counted in intervals (1 s).

const INTERVAL = 1_000;
const N = 3;
/** The engine's evaluation period here, and the collector scheduler's tick: a round's start may
 * lag its slot by one tick (the daemon's slots fall on its 1 s ticks; these do not). */
const EVALUATION = 100;
const COLLECTOR_TICK = 100;
/** The simulation runs at 60×: a simulated minute per real second, so fault durations are given
 * in simulated ms. */
const SPEED = 60;
const simulated = (wallMs: number) => wallMs * SPEED;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface HookMessage {
  id: string;
  alertId: string;
  event: string;
  kind: string;
  atMs: number;
  startedMs: number;
  endedMs?: number;
  receivedMs: number;
  site?: { id: string };
  link?: { id: string };
  affectedSites?: { id: string }[];
  settledState?: string;
}

/** A webhook receiver that can be switched off (answering 503) like a channel that is down. */
async function startHook() {
  const accepted: HookMessage[] = [];
  let refused = 0;
  let up = true;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!up) {
        refused += 1;
        response.writeHead(503).end();
        return;
      }
      accepted.push({ ...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookMessage), receivedMs: Date.now() });
      response.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    accepted,
    refused: () => refused,
    setUp(value: boolean) {
      up = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** How long `rounds` rounds of the collector's ICMP batch (every link's targets) take on this
 * machine now, while `lostLink` is cut: each must lose that link's echoes, or it timed the
 * wrong thing. */
async function timeLostRounds(config: Config, lostLink: string, rounds: number): Promise<number[]> {
  const icmp = config.collector.icmp;
  const prober = createIcmpProber({ engine: icmp.engine });
  const addresses = [...new Set(config.links.flatMap((link) => link.targets.map((target) => target.address)))];
  const lost = config.links.find((link) => link.id === lostLink)!.targets.map((target) => target.address);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const startedMs = Date.now();
    const results = await prober.probe(addresses, { count: icmp.count, timeoutMs: icmp.timeout, intervalMs: icmp.spacing });
    times.push(Date.now() - startedMs);
    for (const address of lost) expect(results.get(address), `${address} while ${lostLink} is cut`).toMatchObject({ ok: false });
  }
  return times;
}

describe('alerts on a simulated district', () => {
  const influx: InfluxSettings = { url: process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086', database: 'lw_alerts_district' };
  let simulation: Simulation;
  let config: Config;
  let dir: string;
  let truthFile: string;
  let hook: Awaited<ReturnType<typeof startHook>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let store: ControlStore;
  let running: Pipeline | undefined;

  const base = generateDistrict({ sites: 7 });
  const sites = (base.sites as { id: string }[]).map((site) => site.id);
  // Communes 1, 2, 4, 5 have a TSLCD link behind the district's; 3 and 6 only an internet line.
  const [cut, blips, dark, flaps, maintained, internetOnly] = [sites[1]!, sites[2]!, sites[3]!, sites[4]!, sites[5]!, sites[6]!];

  const start = async () => {
    running = await startPipeline({ config, influx, spoolDir: join(dir, 'spool'), backoff: { baseMs: 300, capMs: 1_000 }, control: engineControl(store), controlEveryMs: 300, collectorTickMs: COLLECTOR_TICK, evaluationMs: EVALUATION });
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };

  /** Messages by route, as `kind:event`, for one subject. */
  const hookFor = (subject: string, event?: string) => hook.accepted.filter((m) => (m.link?.id === subject || m.site?.id === subject) && (event === undefined || m.event === event));
  const distinct = (ids: string[]) => [...new Set(ids)];
  /** Alert ids of the mails of one event; the e-mail route must carry the same alerts as the hook. */
  const mailIds = (event: string) =>
    distinct(smtp.mails.filter((mail) => (mailHeader(mail.raw, 'X-Linkwatch-Id') ?? '').endsWith(`:${event}`)).map((mail) => mailHeader(mail.raw, 'X-Linkwatch-Alert-Id')!));
  const mailCount = (alertId: string, event: string) => smtp.mails.filter((mail) => mailHeader(mail.raw, 'X-Linkwatch-Id') === `${alertId}:${event}`).length;
  const waitFor = async (what: string, condition: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-alerts-'));
    truthFile = join(dir, 'truth.jsonl');
    hook = await startHook();
    smtp = await startSmtpReceiver();
    // A fresh database: windows and alerts of an earlier run must not count.
    await influxQuery(influx, `DROP DATABASE "${influx.database}"`);
    await ensureRetention({ settings: influx });
    const parsed = parseConfig(stringify(base));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const startMs = Date.now();
    simulation = await startSimulation({ config: parsed.config, timeline: [], startMs, durationMs: simulated(15 * 60_000), speed: SPEED, seed: 5, mode: 'netns', prefix: 'lwtalr', subnetOffset: 220, truthFile });
    // The simulator's inventory, with SNMP that gives up within the interval, and the alerts.
    const inventory = simulation.inventoryYaml.replace(/timeout: 2s\n(\s+)retries: 1/, 'timeout: 500ms\n$1retries: 0');
    const alerts = `
alerts:
  downAfter: ${N}
  upAfter: 2
  grouping: 500ms
  flapping: {window: 30s, changes: 3, settleAfter: 8s}
  rules:
    reboot: {enabled: false}
    utilisation: {enabled: false}
  channels:
    mail: {type: email, host: 127.0.0.1, port: ${smtp.port}, secure: false, from: linkwatch@vanban.laocai.gov.vn, to: [it@vanban.laocai.gov.vn]}
    hook: {type: webhook, url: "${hook.url}", secret: district-hook-secret}
  routes:
    - {id: it-mail, channels: [mail]}
    - {id: it-hook, channels: [hook], repeat: 2s}
  outbox: {dir: ${join(dir, 'outbox')}}
`;
    const withAlerts = parseConfig(`${inventory}\n${alerts}`);
    if (!withAlerts.ok) throw new Error(JSON.stringify(withAlerts.errors));
    config = withAlerts.config;
    expect(config.collector.snmp.timeout).toBe(500);
    store = createControlStore({ settings: influx, timeZone: config.alerts.timezone });
    await start();
    // Everything up before the first fault.
    await waitFor('every link up', () => config.links.every((link) => running!.engine.states().links.get(link.id)?.state === 'up'), 20_000);
  }, 60_000);

  afterAll(async () => {
    await stop();
    await simulation?.stop();
    await hook?.stop();
    await smtp?.stop();
  });

  it('plays a cut, blips, a dark site, a flapping link and an outage under maintenance at once', async () => {
    const added = await store.addMaintenance({ id: 'fibre-works', match: { links: [`${maintained}-internet`] }, startMs: Date.now(), endMs: Date.now() + 60_000, comment: 'VNPT splices the fibre', by: 'test' });
    expect(added.ok).toBe(true);
    // The simulator, the collector, the engine and the receivers share this process's event
    // loop: its stalls (a loaded machine starves it) delay the notice without any fault of the
    // engine's, and are measured to be allowed for below.
    // So does a loaded machine's slowness to spawn ping and read its answers: two rounds of the
    // collector's batch (every target, the cut one lost) are timed on this machine, now.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const cutAt = Date.now();
    let cutAppliedAt = Infinity;
    const lostRoundsMs: number[] = [];
    await Promise.all([
      simulation.inject({ kind: 'link-down', link: `${cut}-internet` }, simulated(20 * INTERVAL)).then(async () => {
        cutAppliedAt = Date.now();
        lostRoundsMs.push(...(await timeLostRounds(config, `${cut}-internet`, 2)));
      }),
      simulation.inject({ kind: 'site-dark', site: dark }, simulated(15 * INTERVAL)),
      (async () => {
        await sleep(1_500); // the window is read by the engine within its control period
        await simulation.inject({ kind: 'link-down', link: `${maintained}-internet` }, simulated(10 * INTERVAL));
      })(),
      (async () => {
        // Two seconds of silence: one or two failed rounds (never N), whatever the phase of the
        // rounds and however long the simulator takes to apply the cut.
        for (let i = 0; i < 3; i++) {
          await simulation.inject({ kind: 'link-down', link: `${blips}-internet` }, simulated(2_000));
          await sleep(6_000);
        }
      })(),
      (async () => {
        // Outages long enough to be decided (N rounds), back long enough to be decided up: the
        // third change of state (down, up, down) is flapping.
        for (let i = 0; i < 4; i++) {
          await simulation.inject({ kind: 'link-down', link: `${flaps}-internet` }, simulated(5_000));
          await sleep(10_000);
        }
      })(),
    ]);
    await sleep(12_000);

    stalls.disable();

    // The cut: one down message per route, within the README's bound counted from when the cut
    // may have been applied, plus what this machine measurably adds to it: a scheduler tick, the
    // two lost rounds on the way (the third and the confirming ping) as long as they took here
    // rather than `lostRoundMs`, the longest stall of this process's event loop, and 600 ms for
    // the rest: the scheduler's and the engine's ticks late on a loaded machine, the webhook's
    // delivery. With two busy processes competing for this machine's two cores the rest came to
    // 330 ms; CI runs under a fixed 500 ms for all of it measured 5.25–5.86 s against 5.1 s. That
    // the message leaves on the right round is held by the engine's unit test on an injected
    // clock (test/unit/alerts/engine.test.ts); this one holds the real pipeline to the bound to
    // within about a round. Then one recovery with its duration.
    const down = hookFor(`${cut}-internet`, 'firing');
    expect(distinct(down.map((m) => m.alertId))).toHaveLength(1);
    expect(down[0]!.kind).toBe('link-down');
    const bound = cleanCutNoticeMs({ icmp: config.collector.icmp, alerts: config.alerts, evaluationMs: EVALUATION });
    const longestStallMs = Math.max(0, Math.round(stalls.max / 1e6) - 10); // past the 10 ms sampling
    const slowerRoundsMs = lostRoundsMs.reduce((sum, ms) => sum + Math.max(0, ms - lostRoundMs(config.collector.icmp)), 0);
    const allowed = bound + (cutAppliedAt - cutAt) + COLLECTOR_TICK + slowerRoundsMs + longestStallMs + 600;
    console.log(
      `clean cut: outage from +${down[0]!.startedMs - cutAt} ms, message made at +${down[0]!.atMs - cutAt}, received at +${down[0]!.receivedMs - cutAt}; ` +
        `allowed ${allowed} ms (bound ${bound}, cut applied after ${cutAppliedAt - cutAt}, lost rounds here ${lostRoundsMs.join(' and ')} against ${lostRoundMs(config.collector.icmp)}, longest event-loop stall ${longestStallMs})`,
    );
    expect(down[0]!.receivedMs - cutAt).toBeLessThanOrEqual(allowed);
    expect(mailIds('firing')).toContain(down[0]!.alertId);
    const up = hookFor(`${cut}-internet`, 'resolved');
    expect(distinct(up.map((m) => m.alertId))).toEqual([down[0]!.alertId]);
    expect(mailIds('resolved')).toContain(down[0]!.alertId);
    expect(Math.abs(up[0]!.endedMs! - up[0]!.startedMs - 20 * INTERVAL)).toBeLessThanOrEqual(INTERVAL);

    // Failures shorter than N rounds: nothing sent, blips recorded.
    expect(hookFor(`${blips}-internet`)).toEqual([]);
    await running!.writer.flush();
    const blipRows = await selectRows(influx, `SELECT * FROM "events"."outage" WHERE "entity" = '${blips}-internet' AND "kind" = 'blip' AND time >= ${cutAt - 5_000}ms`);
    expect(blipRows.length).toBeGreaterThanOrEqual(3);

    // The dark site: one message about the site, none about its link or router.
    const darkMessages = hook.accepted.filter((m) => m.site?.id === dark && m.event === 'firing');
    expect(darkMessages.map((m) => m.kind)).toEqual(['site-dark']);
    expect(hookFor(dark, 'resolved').map((m) => m.kind)).toEqual(['site-dark']);
    expect(mailIds('firing')).toContain(darkMessages[0]!.alertId);
    // Both routes carried the same alerts, each once.
    expect(mailIds('firing').sort()).toEqual(distinct(hook.accepted.filter((m) => m.event === 'firing').map((m) => m.alertId)).sort());

    // Flapping: the first outage on its own (one message when it was over before its message
    // left), then one flapping notice and one settled notice, nothing else (repeats aside).
    const flapping = hook.accepted.filter((m) => m.site?.id === flaps && m.event !== 'repeat');
    const told = flapping.map((m) => `${m.kind}:${m.event}`);
    const from = told.indexOf('flapping:firing');
    expect(told.slice(from), `told about ${flaps}: ${told.join(', ')}`).toEqual(['flapping:firing', 'flapping:resolved']);
    expect([['link-down:brief'], ['link-down:firing', 'link-down:resolved']]).toContainEqual(told.slice(0, from));
    expect(flapping.at(-1)!.settledState).toBe('up');

    // Under maintenance: nothing sent, the outage still recorded and marked.
    expect(hookFor(`${maintained}-internet`)).toEqual([]);
    const maintainedRows = await selectRows(influx, `SELECT * FROM "events"."outage" WHERE "entity" = '${maintained}-internet' AND "kind" = 'outage' AND time >= ${cutAt - 5_000}ms`);
    expect(maintainedRows).toHaveLength(1);
    expect(maintainedRows[0]).toMatchObject({ maintenance: 1, open: 0 });
  }, 120_000);

  it('sends one root-cause message when the district uplink fails, listing the communes cut off', async () => {
    const before = hook.accepted.length;
    await simulation.inject({ kind: 'upstream-failure', link: 'dc-tslcd' }, simulated(12 * INTERVAL));
    await sleep(12 * INTERVAL + 6_000);
    const messages = hook.accepted.slice(before).filter((m) => m.event === 'firing');
    expect(messages.map((m) => `${m.kind}:${m.link?.id}`)).toEqual(['upstream-down:dc-tslcd']);
    const communesWithTslcd = config.links.filter((link) => link.upstream === 'dc-tslcd').map((link) => link.site).sort();
    expect(messages[0]!.affectedSites!.map((site) => site.id).sort()).toEqual(communesWithTslcd);
    expect(communesWithTslcd).not.toContain(internetOnly);
    expect(hook.accepted.slice(before).filter((m) => m.event === 'resolved').map((m) => m.kind)).toEqual(['upstream-down']);
  }, 60_000);

  it('neither repeats nor forgets an outage across a restart of the collector', async () => {
    const link = `${cut}-internet`;
    const firingBefore = hookFor(link, 'firing').length;
    await simulation.inject({ kind: 'link-down', link }, simulated(15 * INTERVAL));
    await waitFor('the down message', () => hookFor(link, 'firing').length > firingBefore, 10_000);
    const alertId = hookFor(link, 'firing').at(-1)!.alertId;
    await stop();
    await sleep(2_000);
    await start();
    await sleep(15 * INTERVAL);
    expect(distinct(hookFor(link, 'firing').slice(firingBefore).map((m) => m.alertId))).toEqual([alertId]);
    expect(mailCount(alertId, 'firing')).toBeGreaterThanOrEqual(1);
    expect(mailIds('firing').filter((id) => id === alertId)).toHaveLength(1);
    await waitFor('the recovery', () => hookFor(link, 'resolved').some((m) => m.alertId === alertId), 10_000);
    expect(Math.abs(hookFor(link, 'resolved').find((m) => m.alertId === alertId)!.endedMs! - hookFor(link, 'firing').at(-1)!.startedMs - 15 * INTERVAL)).toBeLessThanOrEqual(INTERVAL);
  }, 60_000);

  it('delivers a message when a channel comes back, and stops repeats once acknowledged', async () => {
    const link = `${blips}-internet`;
    hook.setUp(false);
    await simulation.inject({ kind: 'link-down', link }, simulated(25 * INTERVAL));
    await waitFor('an attempt on the down channel', () => hook.refused() > 0, 10_000);
    expect(hookFor(link)).toEqual([]);
    // E-mail is another channel: it is not held up by the webhook's trouble.
    const mailedBefore = mailIds('firing').length;
    await waitFor('the e-mail', () => mailIds('firing').length === mailedBefore + 1, 8_000);
    hook.setUp(true);
    await waitFor('the delivery after the channel returned', () => hookFor(link, 'firing').length === 1, 10_000);
    const alertId = hookFor(link, 'firing')[0]!.alertId;
    await waitFor('a repeat', () => hookFor(link, 'repeat').length > 0, 10_000);
    const ack = await store.acknowledge({ alertId, by: 'kỹ thuật viên', comment: 'đã gọi VNPT', atMs: Date.now() });
    expect(ack.ok).toBe(true);
    await sleep(1_500); // the engine reads acknowledgements within its control period
    const repeatsAtAck = hookFor(link, 'repeat').length;
    await sleep(6_000);
    expect(hookFor(link, 'repeat').length).toBe(repeatsAtAck);
    await waitFor('the recovery', () => hookFor(link, 'resolved').length === 1, 30_000);
  }, 60_000);

  it('sends a test message through every route', async () => {
    for (const route of ['it-mail', 'it-hook']) {
      const result = await sendTestMessage({ settings: config.alerts, routeId: route, atMs: Date.now() });
      expect(result.ok && result.results.every((channel) => channel.result.ok)).toBe(true);
    }
    expect(hook.accepted.some((m) => m.event === 'test')).toBe(true);
    expect(smtp.mails.some((mail) => (mailHeader(mail.raw, 'X-Linkwatch-Id') ?? '').startsWith('test:'))).toBe(true);
  });

  it('agrees with the ground truth on the start and end of every outage longer than N rounds', async () => {
    await running!.writer.flush();
    const truth = (await readTruth(truthFile)).filter((record) => record.endMs !== undefined && record.endMs - record.startMs > N * INTERVAL && record.status === 'applied');
    const subjects = truth.filter((record) => record.kind === 'link-down' || record.kind === 'site-dark' || record.kind === 'upstream-failure');
    expect(subjects.length).toBeGreaterThanOrEqual(6);
    const outages = await selectRows(influx, `SELECT * FROM "events"."outage" WHERE "kind" = 'outage'`);
    /** The polling interval around an instant as it really was: the gap between the rounds of the
     * subject's links on either side of it (one interval, or more when a loaded machine made the
     * scheduler skip a round). */
    const intervalAround = async (links: string[], atMs: number) => {
      const rows = await selectRows(influx, `SELECT "up" FROM "raw"."icmp" WHERE "link" =~ /^(${links.join('|')})$/ AND time >= ${atMs - 10_000}ms AND time <= ${atMs + 10_000}ms`);
      const slots = [...new Set(rows.map((row) => row.time as number))].sort((a, b) => a - b);
      const before = slots.filter((slot) => slot <= atMs).at(-1) ?? atMs - INTERVAL;
      const after = slots.find((slot) => slot > atMs) ?? atMs + INTERVAL;
      return Math.max(INTERVAL, after - before);
    };
    const errors: number[] = [];
    for (const record of subjects) {
      const entity = record.kind === 'site-dark' ? record.site! : record.link!;
      const links = record.kind === 'site-dark' ? config.links.filter((link) => link.site === entity).map((link) => link.id) : [entity];
      const startTolerance = (await intervalAround(links, record.startMs)) + 100;
      const endTolerance = (await intervalAround(links, record.endMs!)) + 100;
      const match = outages.find((row) => row.entity === entity && Math.abs((row.time as number) - record.startMs) <= startTolerance);
      expect(match, `${record.kind} ${entity} at ${new Date(record.startMs).toISOString()}`).toBeDefined();
      const endError = (match!.end_ms as number) - record.endMs!;
      errors.push((match!.time as number) - record.startMs, endError);
      expect(Math.abs(endError), `${record.kind} ${entity} end off by ${endError} ms; start off by ${(match!.time as number) - record.startMs} ms`).toBeLessThanOrEqual(endTolerance);
    }
    console.log(`ground truth vs outage records: ${subjects.length} outages, start/end errors from ${Math.min(...errors)} to ${Math.max(...errors)} ms (interval ${INTERVAL} ms)`);
  });
});
