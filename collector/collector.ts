import { createHash } from 'node:crypto';
import type { Config, Device, Link } from '../config/schema.ts';
import { Secret } from '../config/secret.ts';
import type { Clock, TickSource } from './clock.ts';
import { deviceFacts, diffFacts, type DeviceFacts } from './facts.ts';
import type { Logger } from './logger.ts';
import type { CollectorMetrics } from './metrics.ts';
import { deviceIcmpPoints, icmpRoundPoints, missingLinkInterfaces, snmpPollPoints, toDeviceSample } from './points.ts';
import { createIcmpProber, type IcmpProber, type IcmpResult } from './probes/icmp/probe.ts';
import { createSnmpPoller, type SnmpPoller, type SnmpProbeResult } from './probes/snmp/probe.ts';
import { computeDeviceRates, type DeviceRates, type DeviceSample } from './rates.ts';
import { createScheduler, type DueJob, type Scheduler } from './scheduler.ts';
import { point, type Point } from '../store/schema.ts';
import { icmpAddresses, jobsFor, type CollectorJob, type IcmpJob, type Shard, type SnmpJob } from './targets.ts';

/** Where points go. The collector never waits on it: a slow database must not delay polling. */
export interface PointSink {
  write(points: Point[]): void;
}

/** What a poll found, handed to whoever judges it (the alert engine) next to the points. */
export type Observation =
  | { kind: 'icmp-round'; link: Link; slotMs: number; results: ReadonlyMap<string, IcmpResult> }
  | { kind: 'device-ping'; device: Device; slotMs: number; result: IcmpResult }
  | {
      kind: 'snmp-poll';
      device: Device;
      /** Links this device carries. */
      links: readonly Link[];
      slotMs: number;
      result: SnmpProbeResult;
      /** The management address pinged because the agent did not answer. */
      address?: IcmpResult;
      rates?: DeviceRates;
    };

export interface ObservationSink {
  observe(observation: Observation): void;
}

import type { FactsHistory } from '../store/facts-history.ts';

export type { FactsHistory };

export interface CollectorOptions {
  config: Config;
  shard?: Shard;
  clock: Clock;
  ticks: TickSource;
  sink: PointSink;
  logger: Logger;
  metrics: CollectorMetrics;
  factsHistory?: FactsHistory;
  observer?: ObservationSink;
  /** Replaces the ICMP prober built from the config (tests). */
  icmpProber?: IcmpProber;
}

export interface Collector {
  start(): Promise<void>;
  /** Swaps in a new, already validated config: targets added, removed and changed. */
  reload(config: Config): void;
  stop(graceMs?: number): Promise<void>;
  scheduler(): Scheduler<CollectorJob>;
  /** Polls a device now, outside its schedule (the alert engine asks when its site may be going
   * dark and it has not been polled since); false when it is not this collector's or is busy. */
  pollNow(deviceId: string): boolean;
  /** Pings a link's targets now, outside its schedule (the alert engine asks before a down
   * message leaves); false when it is not this collector's or is busy. */
  pingNow(linkId: string): boolean;
  /** When each kind last completed a poll, for /healthz. */
  health(): { startedAt: number; lastPollAt: Partial<Record<CollectorJob['kind'], number>>; targets: number };
}

interface DeviceState {
  poller: SnmpPoller;
  fingerprint: string;
  address: string;
  previous?: DeviceSample;
  facts?: DeviceFacts;
  factsDueAt: number;
  /** Links already reported as pointing at an interface the device does not have. */
  reportedMissing: Set<string>;
}

/** Identifies a device's SNMP settings, secrets included (hashed), to know when to reconnect. */
function snmpFingerprint(device: Device): string {
  const replacer = (_key: string, value: unknown) => (value instanceof Secret ? `secret:${createHash('sha256').update(value.reveal()).digest('hex')}` : value);
  return JSON.stringify({ address: device.address, snmp: device.snmp }, replacer);
}

export function createCollector(options: CollectorOptions): Collector {
  const { clock, sink, logger, metrics } = options;
  const observe = (observation: Observation) => {
    try {
      options.observer?.observe(observation);
    } catch (error) {
      logger.error({ err: error, kind: observation.kind }, 'the alert engine failed on a poll result');
    }
  };
  let config = options.config;
  let linksByDevice = groupLinks(config.links);
  let icmpProber = options.icmpProber ?? createIcmpProber({ engine: config.collector.icmp.engine });
  const devices = new Map<string, DeviceState>();
  const startedAt = clock.now();
  const lastPollAt: Partial<Record<CollectorJob['kind'], number>> = {};
  let knownFacts = new Map<string, DeviceFacts>();

  const deviceState = (device: Device): DeviceState => {
    const fingerprint = snmpFingerprint(device);
    const existing = devices.get(device.id);
    if (existing && existing.fingerprint === fingerprint) return existing;
    existing?.poller.close();
    const snmp = device.snmp!;
    const state: DeviceState = {
      poller: createSnmpPoller(
        { device: device.id, host: device.address, port: snmp.port, credentials: snmp.credentials },
        { timeoutMs: snmp.timeout, retries: snmp.retries, maxRepetitions: config.collector.snmp.maxRepetitions },
      ),
      fingerprint,
      address: device.address,
      // A new address may be a different box: its counters are not a continuation.
      previous: existing?.address === device.address ? existing.previous : undefined,
      facts: existing?.facts ?? knownFacts.get(device.id),
      factsDueAt: existing?.factsDueAt ?? 0,
      reportedMissing: new Set(),
    };
    devices.set(device.id, state);
    return state;
  };

  const runSnmp = async ({ job, slotMs }: DueJob<SnmpJob>, signal: AbortSignal): Promise<void> => {
    const { device } = job;
    const state = deviceState(device);
    const wantFacts = clock.now() >= state.factsDueAt;
    const timer = metrics.pollDuration.startTimer({ kind: 'snmp' });
    const result = await state.poller.poll({ signal }, { entities: wantFacts });
    timer();
    metrics.polls.inc({ kind: 'snmp' });
    lastPollAt.snmp = clock.now();
    const links = linksByDevice.get(device.id) ?? [];
    if (!result.ok) {
      metrics.pollFailures.inc({ kind: 'snmp', reason: result.reason });
      logger.debug({ device: device.id, reason: result.reason }, result.message);
      // A silent agent on a live box is not a dead box: the address tells them apart.
      const address = signal.aborted ? undefined : await pingAddress(device.address, signal);
      sink.write(snmpPollPoints({ device, links, slotMs, result, address }));
      observe({ kind: 'snmp-poll', device, links, slotMs, result, address });
      return;
    }
    const sample = toDeviceSample(clock.now(), result.system.uptimeTicks, result.interfaces);
    const rates = state.previous ? computeDeviceRates(state.previous, sample) : undefined;
    state.previous = sample;
    const points = snmpPollPoints({ device, links, slotMs, result, rates });
    for (const rate of rates?.interfaces ?? []) if (!rate.ok && rate.reason !== 'first-sample') metrics.rateDiscards.inc({ reason: rate.reason });
    if (rates?.continuity.kind === 'rebooted') {
      metrics.reboots.inc();
      logger.warn({ device: device.id, previousUptimeS: rates.continuity.previousUptimeTicks / 100 }, `${device.id} rebooted`);
    }

    for (const link of missingLinkInterfaces(links, result.interfaces)) {
      if (state.reportedMissing.has(link.id)) continue;
      state.reportedMissing.add(link.id);
      metrics.configProblems.inc();
      const message = `link ${link.id}: device ${device.id} has no interface named "${link.interface}" (it has ${result.interfaces.map((iface) => iface.name).join(', ')}): a configuration problem, not an outage`;
      logger.warn({ device: device.id, link: link.id }, message);
      points.push(point('collector_event', slotMs, { site: device.site, device: device.id, kind: 'interface-missing' }, { interface: link.interface!, message }));
    }

    if (wantFacts) {
      state.factsDueAt = clock.now() + config.collector.facts.interval;
      const facts = deviceFacts(result.system, result.interfaces, result.entities ?? []);
      points.push(point('device_facts', slotMs, { site: device.site, device: device.id }, facts));
      if (state.facts) {
        for (const change of diffFacts(state.facts, facts)) {
          points.push(point('fact_change', slotMs, { site: device.site, device: device.id, fact: change.fact }, { before: change.before, after: change.after }));
          logger.info({ device: device.id, fact: change.fact, before: change.before, after: change.after }, `${device.id}: ${change.fact} changed`);
        }
      }
      state.facts = facts;
    }
    sink.write(points);
    observe({ kind: 'snmp-poll', device, links, slotMs, result, rates });
  };

  const pingAddress = async (address: string, signal: AbortSignal): Promise<IcmpResult | undefined> => {
    const settings = config.collector.icmp;
    const results = await icmpProber.probe([address], { count: Math.min(settings.count, 3), timeoutMs: settings.timeout, intervalMs: settings.spacing }, { signal });
    return results.get(address);
  };

  const runIcmp = async (due: DueJob<IcmpJob>[], signal: AbortSignal): Promise<void> => {
    const settings = config.collector.icmp;
    // One probe round per echo count: targets sharing a count go to one fping process.
    const byCount = new Map<number, DueJob<IcmpJob>[]>();
    for (const item of due) {
      const group = byCount.get(item.job.count);
      if (group) group.push(item);
      else byCount.set(item.job.count, [item]);
    }
    await Promise.all(
      [...byCount.entries()].map(async ([count, items]) => {
        const addresses = [...new Set(items.flatMap((item) => icmpAddresses(item.job)))];
        const timer = metrics.pollDuration.startTimer({ kind: 'icmp' });
        const results = await icmpProber.probe(addresses, { count, timeoutMs: settings.timeout, intervalMs: settings.spacing }, { signal });
        timer();
        metrics.polls.inc({ kind: 'icmp' }, addresses.length);
        for (const result of results.values()) if (!result.ok) metrics.pollFailures.inc({ kind: 'icmp', reason: result.reason });
        sink.write(items.flatMap(({ job, slotMs }) => (job.subject === 'link' ? icmpRoundPoints(job.link, slotMs, results, count) : deviceIcmpPoints(job.device, slotMs, results, count))));
        for (const { job, slotMs } of items) {
          if (job.subject === 'link') observe({ kind: 'icmp-round', link: job.link, slotMs, results });
          else {
            const result = results.get(job.device.address);
            if (result) observe({ kind: 'device-ping', device: job.device, slotMs, result });
          }
        }
      }),
    );
    lastPollAt.icmp = clock.now();
  };

  const scheduler = createScheduler<CollectorJob>({
    clock,
    ticks: options.ticks,
    concurrency: config.collector.concurrency,
    execute: async (due, signal) => {
      const first = due[0]!;
      if (first.job.kind === 'snmp') await runSnmp(first as DueJob<SnmpJob>, signal);
      else await runIcmp(due as DueJob<IcmpJob>[], signal);
    },
    onError: (error, due) => logger.error({ err: error, targets: due.map((item) => item.job.key) }, 'a poll failed unexpectedly'),
  });

  metrics.observe({ scheduler: () => scheduler.metrics() });

  const applyJobs = () => {
    const jobs = jobsFor(config, options.shard);
    scheduler.setJobs(jobs);
    const wanted = new Set(jobs.filter((job) => job.kind === 'snmp').map((job) => (job as SnmpJob).device.id));
    for (const [id, state] of devices) {
      if (wanted.has(id)) continue;
      state.poller.close();
      devices.delete(id);
    }
    metrics.targets.set({ kind: 'snmp' }, wanted.size);
    metrics.targets.set({ kind: 'icmp' }, jobs.length - wanted.size);
    return jobs.length;
  };

  let targetCount = 0;
  return {
    async start() {
      if (options.factsHistory) {
        try {
          knownFacts = await options.factsHistory.lastFacts(config.devices.map((device) => device.id));
        } catch (error) {
          logger.warn({ err: error }, 'could not read the last recorded device facts; changes since the last run will not be reported');
        }
      }
      targetCount = applyJobs();
      scheduler.start();
      logger.info({ targets: targetCount, shard: options.shard }, 'collector started');
    },
    reload(next) {
      const engineChanged = next.collector.icmp.engine !== config.collector.icmp.engine;
      config = next;
      linksByDevice = groupLinks(next.links);
      if (engineChanged && !options.icmpProber) icmpProber = createIcmpProber({ engine: next.collector.icmp.engine });
      targetCount = applyJobs();
      logger.info({ targets: targetCount }, 'configuration reloaded');
    },
    async stop(graceMs) {
      await scheduler.stop(graceMs);
      for (const state of devices.values()) state.poller.close();
      devices.clear();
    },
    scheduler: () => scheduler,
    pollNow: (deviceId) => scheduler.runNow(`snmp:${deviceId}`) || scheduler.runNow(`icmp-device:${deviceId}`),
    pingNow: (linkId) => scheduler.runNow(`icmp:${linkId}`),
    health: () => ({ startedAt, lastPollAt: { ...lastPollAt }, targets: targetCount }),
  };
}

function groupLinks(links: readonly Link[]): Map<string, Link[]> {
  const byDevice = new Map<string, Link[]>();
  for (const link of links) {
    if (!link.device) continue;
    const carried = byDevice.get(link.device);
    if (carried) carried.push(link);
    else byDevice.set(link.device, [link]);
  }
  return byDevice;
}
