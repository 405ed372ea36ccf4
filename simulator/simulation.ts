import type { Config, Link } from '../config/schema.ts';
import { createSimClock } from './clock.ts';
import type { FaultOutcome, SimAgent, SimDeviceSpec } from './contracts.ts';
import type { Fault, FaultKind, FaultOf, ScheduledFault, TruthRecord } from './faults.ts';
import { simulatedInventory, profileFor } from './inventory.ts';
import { createSimNetwork, type ManagedSimNetwork } from './network.ts';
import { NETNS_MAX_SITES } from './network-plan.ts';
import { linksBehind } from '../config/dependencies.ts';
import { createSimMibCache, startSimAgent } from './agent.ts';
import { createTruthLog } from './truth.ts';

// Plays a scenario: builds the network and one agent per device, writes the inventory that points
// at them, applies each fault at its time (scaled by the clock's speed) and records the truth.

export interface SimulationOptions {
  /** The network to simulate (validated). Its addresses and credentials are replaced. */
  config: Config;
  /** Sorted scheduled faults in simulated time (from expandTimeline). */
  timeline: readonly ScheduledFault[];
  startMs: number;
  durationMs: number;
  speed: number;
  seed: number;
  mode: 'netns' | 'loopback' | 'auto';
  /** Names namespaces and veths; distinct per simulation running at once. */
  prefix?: string;
  subnetOffset?: number;
  truthFile?: string;
  log?: (message: string) => void;
}

export interface Simulation {
  /** The inventory that points at the simulated network, validated, and as YAML. */
  readonly inventory: Config;
  readonly inventoryYaml: string;
  readonly mode: 'netns' | 'loopback';
  readonly clock: ReturnType<typeof createSimClock>;
  /** Plays a fault now, on command; `durationMs` (simulated) ends it by itself. */
  inject(fault: Fault, durationMs?: number): Promise<TruthRecord>;
  /** Ends a durable fault early. */
  end(id: string): Promise<void>;
  /** Faults playing now. */
  active(): TruthRecord[];
  agent(deviceId: string): SimAgent | undefined;
  /** What each agent was started from (profile, seed, links): a week of history written from
   * the same specs (simulator/history.ts) carries the same traffic on into the live data. */
  readonly deviceSpecs: readonly SimDeviceSpec[];
  /** Resolves when the scenario's duration has passed. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

interface Context {
  config: Config;
  network: ManagedSimNetwork;
  agents: Map<string, SimAgent>;
  links: Map<string, Link>;
  /** Overlapping faults on one target: each state is restored only when the last fault lifts. */
  holds: Map<string, number>;
}

interface Played {
  outcome: FaultOutcome;
  affected?: TruthRecord['affected'];
}

interface Applier<K extends FaultKind> {
  start(fault: FaultOf<K>, ctx: Context): Promise<Played>;
  /** Only for durable faults. */
  end?(fault: FaultOf<K>, ctx: Context): Promise<void>;
}

const APPLIED: FaultOutcome = { status: 'applied' };

/** Counts holds on a key; runs `first` when it goes 0 → 1 and `last` when it comes back to 0. */
async function hold(ctx: Context, key: string, first: () => Promise<unknown> | unknown): Promise<void> {
  const count = ctx.holds.get(key) ?? 0;
  ctx.holds.set(key, count + 1);
  if (count === 0) await first();
}
async function release(ctx: Context, key: string, last: () => Promise<unknown> | unknown): Promise<void> {
  const count = (ctx.holds.get(key) ?? 0) - 1;
  if (count > 0) ctx.holds.set(key, count);
  else {
    ctx.holds.delete(key);
    await last();
  }
}

const linkDown = async (ctx: Context, linkId: string): Promise<FaultOutcome> => {
  let outcome = APPLIED as FaultOutcome;
  await hold(ctx, `link:${linkId}`, async () => {
    outcome = await ctx.network.setLinkTargets(linkId, 'down');
    const link = ctx.links.get(linkId);
    if (link?.device) ctx.agents.get(link.device)?.setLinkInterface(linkId, 'down');
  });
  return outcome;
};
const linkUp = (ctx: Context, linkId: string) =>
  release(ctx, `link:${linkId}`, async () => {
    await ctx.network.setLinkTargets(linkId, 'up');
    const link = ctx.links.get(linkId);
    if (link?.device) ctx.agents.get(link.device)?.setLinkInterface(linkId, 'up');
  });
const silence = (ctx: Context, deviceId: string) => hold(ctx, `silent:${deviceId}`, () => ctx.agents.get(deviceId)?.setSilent(true));
const unsilence = (ctx: Context, deviceId: string) => release(ctx, `silent:${deviceId}`, () => ctx.agents.get(deviceId)?.setSilent(false));
const agentOf = (ctx: Context, deviceId: string) => {
  const agent = ctx.agents.get(deviceId);
  if (!agent) throw new Error(`no simulated agent for device "${deviceId}" (it has no snmp settings?)`);
  return agent;
};

const appliers: { [K in FaultKind]: Applier<K> } = {
  'link-down': {
    start: async (fault, ctx) => ({ outcome: await linkDown(ctx, fault.link) }),
    end: (fault, ctx) => linkUp(ctx, fault.link),
  },
  'upstream-failure': {
    start: async (fault, ctx) => {
      const behind = linksBehind(fault.link, ctx.config.links);
      const outcomes = await Promise.all([fault.link, ...behind].map((link) => linkDown(ctx, link)));
      const sites = [...new Set(behind.map((link) => ctx.links.get(link)!.site))];
      return { outcome: outcomes.find((o) => o.status === 'unsupported') ?? APPLIED, affected: { sites, links: behind, devices: [] } };
    },
    end: async (fault, ctx) => {
      await Promise.all([fault.link, ...linksBehind(fault.link, ctx.config.links)].map((link) => linkUp(ctx, link)));
    },
  },
  'site-dark': {
    start: async (fault, ctx) => {
      const devices = ctx.config.devices.filter((device) => device.site === fault.site).map((device) => device.id);
      const links = ctx.config.links.filter((link) => link.site === fault.site).map((link) => link.id);
      let outcome = APPLIED as FaultOutcome;
      await hold(ctx, `dark:${fault.site}`, async () => {
        outcome = await ctx.network.setSiteDark(fault.site, true);
      });
      // Without namespaces the agents must fall silent themselves; with them it is harmless.
      await Promise.all(devices.map((device) => silence(ctx, device)));
      return { outcome: outcome.status === 'applied' ? outcome : { status: 'unsupported', note: `ICMP side: ${outcome.note}; SNMP agents silenced` }, affected: { sites: [fault.site], links, devices } };
    },
    end: async (fault, ctx) => {
      const devices = ctx.config.devices.filter((device) => device.site === fault.site).map((device) => device.id);
      await Promise.all(devices.map((device) => unsilence(ctx, device)));
      await release(ctx, `dark:${fault.site}`, () => ctx.network.setSiteDark(fault.site, false));
    },
  },
  'agent-silent': {
    start: async (fault, ctx) => {
      agentOf(ctx, fault.device);
      await silence(ctx, fault.device);
      return { outcome: APPLIED };
    },
    end: (fault, ctx) => unsilence(ctx, fault.device),
  },
  'slow-answers': {
    start: async (fault, ctx) => {
      agentOf(ctx, fault.device).setDelay(fault.delayMs);
      return { outcome: APPLIED };
    },
    end: async (fault, ctx) => agentOf(ctx, fault.device).setDelay(0),
  },
  'packet-loss': {
    start: async (fault, ctx) => {
      const outcome = await ctx.network.setLinkLoss(fault.link, fault.percent);
      const device = ctx.links.get(fault.link)?.device;
      // SNMP suffers the loss too; in loopback mode the agent plays it alone.
      if (device) ctx.agents.get(device)?.setRequestLoss(fault.percent);
      return { outcome };
    },
    end: async (fault, ctx) => {
      await ctx.network.setLinkLoss(fault.link, 0);
      const device = ctx.links.get(fault.link)?.device;
      if (device) ctx.agents.get(device)?.setRequestLoss(0);
    },
  },
  latency: {
    start: async (fault, ctx) => ({ outcome: await ctx.network.setLinkLatency(fault.link, fault.delayMs) }),
    end: async (fault, ctx) => {
      await ctx.network.setLinkLatency(fault.link, 0);
    },
  },
  saturation: {
    start: async (fault, ctx) => {
      const device = ctx.links.get(fault.link)?.device;
      if (!device) return { outcome: { status: 'unsupported', note: `link ${fault.link} has no device: no traffic to saturate` } };
      agentOf(ctx, device).setSaturation(fault.link, fault.percent);
      return { outcome: APPLIED };
    },
    end: async (fault, ctx) => {
      const device = ctx.links.get(fault.link)?.device;
      if (device) agentOf(ctx, device).setSaturation(fault.link, undefined);
    },
  },
  'malformed-replies': {
    start: async (fault, ctx) => {
      agentOf(ctx, fault.device).setMalformed(fault.variant);
      return { outcome: APPLIED };
    },
    end: async (fault, ctx) => agentOf(ctx, fault.device).setMalformed(undefined),
  },
  reboot: {
    start: async (fault, ctx) => {
      agentOf(ctx, fault.device).reboot();
      return { outcome: APPLIED };
    },
  },
  'counter-wrap': {
    start: async (fault, ctx) => {
      agentOf(ctx, fault.device).wrapCounters();
      return { outcome: APPLIED };
    },
  },
  reindex: {
    start: async (fault, ctx) => {
      agentOf(ctx, fault.device).reindex();
      return { outcome: APPLIED };
    },
  },
};

const subjectOf = (fault: Fault): Pick<TruthRecord, 'site' | 'link' | 'device'> =>
  'site' in fault ? { site: fault.site } : 'link' in fault ? { link: fault.link } : { device: fault.device };

/**
 * The spec of every simulated SNMP agent: the simulated inventory's device (address and
 * credentials), its site and links, a vendor profile and a seed. Pure, so that anything that
 * must behave like the running agents (the history of simulator/history.ts) builds the same
 * devices. Devices without SNMP get no agent: they answer only ping.
 */
export function simDeviceSpecs(input: { config: Config; inventory: Config; seed: number }): SimDeviceSpec[] {
  const { config, inventory } = input;
  const sites = new Map(config.sites.map((site) => [site.id, site]));
  const simulatedDevices = new Map(inventory.devices.map((device) => [device.id, device]));
  const specs: SimDeviceSpec[] = [];
  let index = 0;
  for (const device of config.devices) {
    const simulated = simulatedDevices.get(device.id)!;
    if (!simulated.snmp) continue;
    const site = sites.get(device.site)!;
    specs.push({
      device: simulated,
      site,
      links: inventory.links.filter((link) => link.device === device.id),
      profile: profileFor(device, index++, site.kind),
      credentials: simulated.snmp.credentials,
      // After the increment, as the agents were always seeded: the same seed, the same traffic.
      seed: input.seed * 100_003 + index,
    });
  }
  return specs;
}

export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const log = options.log ?? (() => undefined);
  const { config } = options;
  const clock = createSimClock({ startMs: options.startMs, speed: options.speed });
  // Namespaces give each site a /24 of 10.251.0.0/16: beyond 254 sites (benchmarks) loopback it is.
  const mode = options.mode === 'auto' && config.sites.length > NETNS_MAX_SITES ? 'loopback' : options.mode;
  if (mode !== options.mode) log(`${config.sites.length} sites are more than netns mode's ${NETNS_MAX_SITES}: using loopback mode`);
  const network = await createSimNetwork({
    sites: config.sites,
    devices: config.devices,
    links: config.links,
    mode,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.subnetOffset !== undefined ? { subnetOffset: options.subnetOffset } : {}),
  });
  const agents = new Map<string, SimAgent>();
  const truth = createTruthLog(options.truthFile);
  const timers = new Set<NodeJS.Timeout>();
  const active = new Map<string, { fault: ScheduledFault; record: TruthRecord }>();
  let stopped = false;

  try {
    const mibs = createSimMibCache();
    const inventory = simulatedInventory(config, network, { speed: options.speed });
    const deviceSpecs = simDeviceSpecs({ config, inventory: inventory.config, seed: options.seed });
    // All at once: the network side binds a site's sockets with one helper process per site.
    const sockets = await Promise.all(deviceSpecs.map((spec) => network.bindSnmpSocket(spec.device.id)));
    for (const [position, spec] of deviceSpecs.entries()) {
      const agent = await startSimAgent({ spec, clock, socket: sockets[position]!, mibs });
      agents.set(spec.device.id, agent);
    }
    const ctx: Context = { config, network, agents, links: new Map(config.links.map((link) => [link.id, link])), holds: new Map() };
    log(`simulating ${config.sites.length} sites, ${agents.size} SNMP agents, ${config.links.length} links (${network.mode} mode, speed ×${options.speed})`);

    const at = (simulatedMs: number, action: () => void) => {
      // setTimeout holds at most ~24.8 days; longer waits are chained.
      const wait = Math.max(0, clock.toWall(simulatedMs) - Date.now());
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopped) return;
        if (wait > 2 ** 31 - 1 - 1_000) at(simulatedMs, action);
        else action();
      }, Math.min(wait, 2 ** 31 - 1 - 1_000));
      timers.add(timer);
    };

    const startFault = async (fault: ScheduledFault): Promise<TruthRecord> => {
      const applier = appliers[fault.kind] as Applier<FaultKind>;
      let played: Played;
      try {
        played = await applier.start(fault as never, ctx);
      } catch (error) {
        played = { outcome: { status: 'unsupported', note: (error as Error).message } };
      }
      const record: TruthRecord = {
        id: fault.id,
        kind: fault.kind,
        ...subjectOf(fault),
        ...(played.affected ? { affected: played.affected } : {}),
        startMs: Date.now(),
        simulated: { startMs: Math.round(clock.now()) },
        status: played.outcome.status,
        ...(played.outcome.status === 'unsupported' ? { note: played.outcome.note } : {}),
      };
      truth.record(record);
      log(`${fault.id} ${fault.kind} ${JSON.stringify(subjectOf(fault))} ${record.status}${record.note ? ` (${record.note})` : ''}`);
      if (applier.end && fault.endMs !== undefined) {
        active.set(fault.id, { fault, record });
        at(fault.endMs, () => void endFault(fault.id));
      }
      return record;
    };

    const endFault = async (id: string) => {
      const entry = active.get(id);
      if (!entry) return;
      active.delete(id);
      const applier = appliers[entry.fault.kind] as Applier<FaultKind>;
      await applier.end?.(entry.fault as never, ctx).catch((error: Error) => log(`${id}: ending failed: ${error.message}`));
      const record = { ...entry.record, endMs: Date.now(), simulated: { startMs: entry.record.simulated!.startMs, endMs: Math.round(clock.now()) } };
      truth.record(record);
      log(`${id} ${entry.fault.kind} ended`);
    };

    for (const fault of options.timeline) at(fault.startMs, () => void startFault(fault));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    at(options.startMs + options.durationMs, finish);
    let injected = 0;

    return {
      inventory: inventory.config,
      inventoryYaml: inventory.yaml,
      mode: network.mode,
      clock,
      inject: (fault, durationMs) => {
        const now = clock.now();
        const id = `c${++injected}`;
        return startFault({ ...fault, id, startMs: now, ...(durationMs !== undefined ? { endMs: now + durationMs } : { endMs: Number.MAX_SAFE_INTEGER }) } as ScheduledFault);
      },
      end: (id) => endFault(id),
      active: () => [...active.values()].map((entry) => entry.record),
      agent: (deviceId) => agents.get(deviceId),
      deviceSpecs,
      finished,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        for (const timer of timers) clearTimeout(timer);
        for (const id of [...active.keys()]) await endFault(id);
        await Promise.all([...agents.values()].map((agent) => agent.stop()));
        await network.destroy();
      },
    };
  } catch (error) {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all([...agents.values()].map((agent) => agent.stop().catch(() => undefined)));
    await network.destroy();
    throw error;
  }
}
