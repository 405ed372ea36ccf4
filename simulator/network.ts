/**
 * The simulator's network side: where simulated devices answer SNMP and ping, and the ICMP faults.
 *
 * Two modes:
 * - `netns` (root): one network namespace per site, joined to the root namespace by a veth pair
 *   (`${prefix}v${slot}` here, .1; `uplink` there, .2), site k on 10.251.k.0/24. Every device
 *   address and link target is a /32 on the namespace's `lo`, and the root namespace routes the
 *   /24 via .2. Before any namespace gets an address, the root namespace gets
 *   `unreachable 10.251.0.0/16 metric 4000`, so a downed site can never leak traffic to the
 *   default route. SNMP sockets are bound inside the namespace by a short-lived child
 *   (bind-helper.mjs, one per site and batch) and handed to this process over IPC.
 *   Faults: link down and packet loss are an nftables table `inet chaos` in the site's namespace
 *   (echoes then time out, as over a cut fibre); a dark site is its namespace end of the veth set
 *   down (timeouts, like a power cut; the root end down would give instant EHOSTUNREACH instead).
 * - `loopback` (no root, or asked for): every address is a 127.x.y.z of its own (Linux answers all
 *   of 127/8), SNMP sockets are bound in this process. This is the documented degradation:
 *   without namespaces nothing can stop a loopback address answering ping, so link-down,
 *   site-dark, packet loss and latency report `unsupported` ("needs root (network namespaces)");
 *   the SNMP side still plays its own faults (silent agent, slow answers, oper-down, …).
 *
 * Latency is `unsupported` in both modes: this kernel has no netem qdisc and no userspace delay
 * relay is built (see simulator/faults.ts).
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../config/package-root.ts';
import type { Device, Link, Site } from '../config/schema.ts';
import type { FaultOutcome, SimNetwork } from './contracts.ts';
import {
  chaosRuleset,
  NETNS_RANGE,
  ownHostVethPattern,
  ownNamespacePattern,
  planNetwork,
  type LinkChaos,
  type LoopbackSitePlan,
  type NetnsPlan,
  type NetnsSitePlan,
  type NetworkMode,
  type NetworkPlan,
} from './network-plan.ts';

export interface SimNetworkOptions {
  sites: readonly Pick<Site, 'id'>[];
  devices: readonly Pick<Device, 'id' | 'site'>[];
  links: readonly Pick<Link, 'id' | 'site' | 'device' | 'targets'>[];
  /** `auto` (default): netns when running as root, loopback otherwise. */
  mode?: NetworkMode | 'auto';
  /** Starts every namespace and veth name; 1–8 lowercase letters/digits. Default `lwsim`. At
   * start, namespaces and veths left with this prefix by a crashed run are deleted. */
  prefix?: string;
  /** Site k (0-based) gets /24 number `subnetOffset + k + 1`; default 0. */
  subnetOffset?: number;
  /** Every device's SNMP port. Default 161 in netns mode (each device has its own address in
   * its own namespace) and 16161 in loopback mode (ports below 1024 need root). */
  snmpPort?: number;
  /** How long a namespace's bind helper may take to hand over its sockets; default 15 s. */
  bindTimeoutMs?: number;
  /** How long one `ip`/`nft` command may take; default 20 s. */
  commandTimeoutMs?: number;
}

/** A running simulated network: the `SimNetwork` contract plus its address plan. */
export interface ManagedSimNetwork extends SimNetwork {
  readonly plan: NetworkPlan;
}

const NEEDS_ROOT: FaultOutcome = Object.freeze({ status: 'unsupported', note: 'needs root (network namespaces)' });
const NO_NETEM: FaultOutcome = Object.freeze({
  status: 'unsupported',
  note: 'latency needs the netem qdisc, which this kernel lacks (only tbf, htb, pfifo), and no userspace delay relay is built',
});
const BIND_HELPER = join(packageRoot(import.meta.url), 'simulator', 'bind-helper.mjs');
// Work on namespaces is mostly kernel time in short processes (`ip -n`: ~15 ms; a bind helper:
// a Node start, ~100 ms of CPU): a few per core keep the cores busy without starving the rest.
const PER_CORE = 2;
const UP_POLL_MS = 10;
const UP_WAIT_MS = 10_000;
// After `netns del` the kernel frees a namespace (and its veth pair) asynchronously, within tens
// of milliseconds; a pair still there after this is held by an open socket.
const RELEASE_WAIT_MS = 1_000;

/**
 * Builds the simulated network for the given inventory. Rejects, naming the problem, when the
 * inventory does not fit the mode (netns mode: at most 254 sites, 252 addresses per site) or
 * when setting it up fails; whatever was made is removed again first.
 */
export async function createSimNetwork(options: SimNetworkOptions): Promise<ManagedSimNetwork> {
  const requested = options.mode ?? 'auto';
  const mode: NetworkMode = requested === 'auto' ? (process.getuid?.() === 0 ? 'netns' : 'loopback') : requested;
  const planned = planNetwork({
    mode,
    prefix: options.prefix ?? 'lwsim',
    subnetOffset: options.subnetOffset ?? 0,
    snmpPort: options.snmpPort ?? (mode === 'netns' ? 161 : 16161),
    sites: options.sites,
    devices: options.devices,
    links: options.links,
  });
  if (!planned.ok) throw new Error(`simulated network (${mode} mode): ${planned.problems.join('; ')}`);
  const plan = planned.plan;
  const timeouts = { bindMs: options.bindTimeoutMs ?? 15_000, commandMs: options.commandTimeoutMs ?? 20_000 };
  if (plan.mode === 'loopback') return loopbackNetwork(plan);
  if (process.getuid?.() !== 0) throw new Error('simulated network: netns mode needs root (network namespaces); use mode loopback or auto');
  return netnsNetwork(plan, timeouts);
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

function lookups(plan: NetworkPlan) {
  const device = (deviceId: string) => {
    const found = plan.devices.get(deviceId);
    if (!found) throw new Error(`simulated network: unknown device "${deviceId}"`);
    return found;
  };
  const link = (linkId: string) => {
    const found = plan.links.get(linkId);
    if (!found) throw new Error(`simulated network: unknown link "${linkId}"`);
    return found;
  };
  const site = <S>(sites: ReadonlyMap<string, S>, siteId: string): S => {
    const found = sites.get(siteId);
    if (!found) throw new Error(`simulated network: unknown site "${siteId}"`);
    return found;
  };
  return { device, link, site };
}

function checkPercent(linkId: string, percent: number): void {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw new RangeError(`packet loss on link "${linkId}" must be 0–100 %; got ${percent}`);
}

// ---------------------------------------------------------------------------------------------
// Loopback mode
// ---------------------------------------------------------------------------------------------

function loopbackNetwork(plan: Extract<NetworkPlan, { mode: 'loopback' }>): ManagedSimNetwork {
  const find = lookups(plan);
  let destroyed = false;
  const alive = () => {
    if (destroyed) throw new Error('simulated network: already destroyed');
  };
  return {
    mode: 'loopback',
    plan,
    deviceAddress: (deviceId) => ({ host: find.device(deviceId).address, port: plan.snmpPort }),
    linkTargets: (linkId) => [...find.link(linkId).targets],
    bindSnmpSocket: async (deviceId) => {
      alive();
      const { address } = find.device(deviceId);
      return bindHere(deviceId, address, plan.snmpPort);
    },
    // Names are still checked, so a scenario naming a missing link fails the same way in both modes.
    setLinkTargets: async (linkId) => {
      find.link(linkId);
      return NEEDS_ROOT;
    },
    setSiteDark: async (siteId) => {
      find.site<LoopbackSitePlan>(plan.sites, siteId);
      return NEEDS_ROOT;
    },
    setLinkLoss: async (linkId, percent) => {
      find.link(linkId);
      checkPercent(linkId, percent);
      return NEEDS_ROOT;
    },
    setLinkLatency: async (linkId) => {
      find.link(linkId);
      return NEEDS_ROOT;
    },
    destroy: async () => {
      destroyed = true;
    },
  };
}

function bindHere(deviceId: string, address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(new Error(`cannot bind the SNMP socket of device "${deviceId}" to ${address}:${port}: ${error.message}`, { cause: error }));
    });
    socket.bind({ address, port }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Netns mode
// ---------------------------------------------------------------------------------------------

interface Timeouts {
  bindMs: number;
  commandMs: number;
}

interface BindRequest {
  deviceId: string;
  address: string;
  port: number;
  resolve: (socket: dgram.Socket) => void;
  reject: (error: Error) => void;
}

async function netnsNetwork(plan: NetnsPlan, timeouts: Timeouts): Promise<ManagedSimNetwork> {
  const concurrency = Math.max(2, availableParallelism() * PER_CORE);
  // Every command of this network shares these slots: a storm of faults on 254 sites at once
  // queues up instead of starting 254 processes.
  const commandSlots = createLimiter(concurrency);
  const run: Run = (file, args, input) => commandSlots(() => runCommand(file, args, { input, timeoutMs: timeouts.commandMs }));
  const find = lookups(plan);
  const sites = [...plan.sites.values()];

  await removeLeftovers(plan.prefix, run);
  await guardRange(run);
  await checkSubnetsFree(sites, run);
  try {
    await setUp(sites, run, concurrency);
  } catch (error) {
    await tearDown(sites, run);
    throw error;
  }

  // Instance state: what each link suffers, one operation queue per site (so a fault's nft
  // transaction or link change is never overtaken by an older one) and its nft run waiting in
  // it, the bind batches waiting for their helper, and the helpers running.
  const down = new Set<string>();
  const loss = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();
  const waitingChaos = new Map<string, Promise<void>>();
  const pendingBinds = new Map<string, BindRequest[]>();
  const openSockets = new Map<string, Set<dgram.Socket>>();
  const helpers = new Set<ReturnType<typeof spawn>>();
  const helperSlots = createLimiter(concurrency);
  let destroying: Promise<void> | undefined;

  const alive = () => {
    if (destroying) throw new Error('simulated network: already destroyed');
  };
  const enqueue = <T>(siteId: string, task: () => Promise<T>): Promise<T> => {
    const previous = queues.get(siteId) ?? Promise.resolve();
    const next = previous.then(task, task);
    queues.set(siteId, next.catch(() => undefined));
    return next;
  };

  // The ruleset is rendered when the queue reaches it, so it carries every change made
  // meanwhile: changes that arrive while a run waits join it (an upstream failure downing many
  // links of a site costs one nft run).
  const applyChaos = (site: NetnsSitePlan): Promise<void> => {
    const waiting = waitingChaos.get(site.siteId);
    if (waiting) return waiting;
    const next = enqueue(site.siteId, async () => {
      waitingChaos.delete(site.siteId);
      const chaos: LinkChaos[] = [...plan.links.values()]
        .filter((link) => link.siteId === site.siteId)
        .map((link) => ({
          targets: link.targets,
          ...(link.device ? { snmp: { address: link.device.address, port: plan.snmpPort } } : {}),
          down: down.has(link.linkId),
          lossPercent: loss.get(link.linkId) ?? 0,
        }));
      await run('ip', ['netns', 'exec', site.namespace, 'nft', '-f', '-'], chaosRuleset(chaos)).catch((error: Error) => {
        throw new Error(`cannot apply the fault rules of site "${site.siteId}" in namespace ${site.namespace}: ${error.message}`, { cause: error });
      });
    });
    waitingChaos.set(site.siteId, next);
    return next;
  };

  const flushBinds = (site: NetnsSitePlan) => {
    const batch = pendingBinds.get(site.siteId) ?? [];
    pendingBinds.delete(site.siteId);
    if (batch.length === 0) return;
    void helperSlots(async () => {
      if (destroying) {
        for (const request of batch) request.reject(new Error(`simulated network destroyed before device "${request.deviceId}" got its SNMP socket`));
        return;
      }
      const helper = bindInNamespace(site, batch, timeouts.bindMs);
      helpers.add(helper);
      // 'exit', not 'close': after handing over a socket, Node never emits 'close' here.
      await new Promise((resolve) => {
        helper.once('exit', resolve);
        helper.once('error', resolve);
      });
      helpers.delete(helper);
    });
  };

  return {
    mode: 'netns',
    plan,
    deviceAddress: (deviceId) => ({ host: find.device(deviceId).address, port: plan.snmpPort }),
    linkTargets: (linkId) => [...find.link(linkId).targets],

    bindSnmpSocket: (deviceId) =>
      new Promise((resolve, reject) => {
        alive();
        const device = find.device(deviceId);
        const site = find.site(plan.sites, device.siteId);
        // Requests made in the same turn of the event loop (an agent per device, started
        // together) share one helper process per site.
        let batch = pendingBinds.get(site.siteId);
        if (!batch) {
          batch = [];
          pendingBinds.set(site.siteId, batch);
          setImmediate(() => flushBinds(site));
        }
        // Remembered until closed: an open socket keeps its namespace alive, so destroy() knows
        // which veths to delete itself rather than wait for the kernel.
        const handOver = (socket: dgram.Socket) => {
          const open = openSockets.get(site.siteId) ?? new Set();
          openSockets.set(site.siteId, open);
          open.add(socket);
          socket.once('close', () => open.delete(socket));
          resolve(socket);
        };
        batch.push({ deviceId, address: device.address, port: plan.snmpPort, resolve: handOver, reject });
      }),

    setLinkTargets: async (linkId, state) => {
      alive();
      const link = find.link(linkId);
      if (state === 'down') down.add(linkId);
      else down.delete(linkId);
      await applyChaos(find.site(plan.sites, link.siteId));
      return { status: 'applied' };
    },

    setLinkLoss: async (linkId, percent) => {
      alive();
      const link = find.link(linkId);
      checkPercent(linkId, percent);
      if (percent === 0) loss.delete(linkId);
      else loss.set(linkId, percent);
      await applyChaos(find.site(plan.sites, link.siteId));
      return { status: 'applied' };
    },

    setLinkLatency: async (linkId) => {
      find.link(linkId);
      return NO_NETEM;
    },

    setSiteDark: async (siteId, dark) => {
      alive();
      const site = find.site(plan.sites, siteId);
      await enqueue(siteId, async () => {
        await run('ip', ['-n', site.namespace, 'link', 'set', site.nsVeth, dark ? 'down' : 'up']);
        if (!dark) {
          await waitUntilUp(site, run);
          // The dark period left the site's addresses FAILED in the host's neighbour table, and
          // the kernel answers "unreachable" for them until it tries ARP again: the power is
          // back when the ground truth says so only if they are forgotten now.
          await run('ip', ['neigh', 'flush', 'dev', site.hostVeth]);
        }
      }).catch((error: Error) => {
        throw new Error(`cannot ${dark ? 'darken' : 'light'} site "${siteId}" (namespace ${site.namespace}): ${error.message}`, { cause: error });
      });
      return { status: 'applied' };
    },

    destroy: () =>
      (destroying ??= (async () => {
        for (const [, batch] of pendingBinds) for (const request of batch) request.reject(new Error(`simulated network destroyed before device "${request.deviceId}" got its SNMP socket`));
        pendingBinds.clear();
        for (const helper of helpers) helper.kill('SIGKILL');
        await Promise.allSettled(queues.values());
        await tearDown(sites, run, sites.filter((site) => (openSockets.get(site.siteId)?.size ?? 0) > 0));
      })()),
  };
}

type Run = (file: string, args: readonly string[], input?: string) => Promise<string>;

// Idempotent: a downed site's traffic must hit this route, never the default one.
async function guardRange(run: Run): Promise<void> {
  const routes = JSON.parse((await run('ip', ['-j', 'route', 'show', 'type', 'unreachable'])) || '[]') as { dst?: string }[];
  if (routes.some((route) => route.dst === NETNS_RANGE)) return;
  await run('ip', ['route', 'add', 'unreachable', NETNS_RANGE, 'metric', '4000']).catch((error: Error) => {
    if (!/File exists/.test(error.message)) throw error;
  });
}

// A crashed run with the same prefix leaves namespaces and veths behind; `add` would then fail.
async function removeLeftovers(prefix: string, run: Run): Promise<void> {
  const namespaces = (await run('ip', ['netns', 'list']))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => ownNamespacePattern(prefix).test(name));
  const links = (JSON.parse((await run('ip', ['-j', 'link', 'show', 'type', 'veth'])) || '[]') as { ifname: string }[])
    .map((link) => link.ifname)
    .filter((name) => ownHostVethPattern(prefix).test(name));
  await deleteAll(namespaces, links, run);
}

// Another simulation (or anything else) already routing one of our /24s would take its traffic.
async function checkSubnetsFree(sites: readonly NetnsSitePlan[], run: Run): Promise<void> {
  const routes = JSON.parse((await run('ip', ['-j', 'route', 'show'])) || '[]') as { dst?: string; dev?: string }[];
  const taken = new Map(routes.filter((route) => route.dst && route.dev).map((route) => [route.dst!, route.dev!]));
  const clashes = sites
    .filter((site) => taken.has(site.subnet))
    .map((site) => `${site.subnet} (site "${site.siteId}") is already routed via ${taken.get(site.subnet)}`);
  if (clashes.length > 0) throw new Error(`simulated network: ${clashes.join('; ')}; pick another subnetOffset, or stop the other simulation`);
}

async function setUp(sites: readonly NetnsSitePlan[], run: Run, concurrency: number): Promise<void> {
  // One `ip -batch` for the root namespace's side of every site, then one per namespace.
  // `onlink`: the route is added before the namespace's end is up to answer for .2.
  const root = sites.flatMap((site) => [
    `netns add ${site.namespace}`,
    `link add ${site.hostVeth} type veth peer name ${site.nsVeth} netns ${site.namespace}`,
    `addr add ${site.hostAddress} peer ${site.nsAddress} dev ${site.hostVeth}`,
    `link set ${site.hostVeth} up`,
    `route add ${site.subnet} via ${site.nsAddress} dev ${site.hostVeth} onlink src ${site.hostAddress}`,
  ]);
  await run('ip', ['-batch', '-'], `${root.join('\n')}\n`);
  await forEachLimited(sites, concurrency, async (site) => {
    // The site's addresses on `lo` answer for themselves; no default route inside: the namespace
    // only ever answers the root namespace (over the veth's peer route) and sends nothing further.
    const inside = [
      'link set lo up',
      ...site.addresses.map((address) => `addr add ${address}/32 dev lo`),
      `addr add ${site.nsAddress} peer ${site.hostAddress} dev ${site.nsVeth}`,
      `link set ${site.nsVeth} up`,
    ];
    await run('ip', ['-n', site.namespace, '-batch', '-'], `${inside.join('\n')}\n`).catch((error: Error) => {
      throw new Error(`cannot set up site "${site.siteId}" in namespace ${site.namespace}: ${error.message}`, { cause: error });
    });
  });
  // The root ends all at once, one command a poll; then each namespace's end, which the kernel
  // has normally brought up by then.
  await poll(`the root ends of the sites' veths`, async () => {
    const states = await operstates(run, []);
    return sites.every((site) => states.get(site.hostVeth) === 'UP');
  });
  await forEachLimited(sites, concurrency, (site) => waitUntilUp(site, run));
}

async function tearDown(sites: readonly NetnsSitePlan[], run: Run, holding: readonly NetnsSitePlan[] = []): Promise<void> {
  await deleteAll(
    sites.map((site) => site.namespace),
    sites.map((site) => site.hostVeth),
    run,
    holding.map((site) => site.hostVeth),
  );
}

// `netns del` is quick, and the kernel then frees the namespace with its nft table and veth pair
// on its own, while each `link del` waits for the network to settle (~25 ms a veth). So:
// namespaces first, then only the veths still there, which an open socket handed out by
// `bindSnmpSocket` keeps alive with its namespace (`held`: known to be); deleting the root end
// removes the pair.
async function deleteAll(namespaces: readonly string[], links: readonly string[], run: Run, held: readonly string[] = []): Promise<void> {
  const batch = (lines: string[]) => (lines.length === 0 ? Promise.resolve() : run('ip', ['-force', '-batch', '-'], `${lines.join('\n')}\n`).catch(() => undefined));
  const remaining = async () => {
    const present = await operstates(run, []);
    return links.filter((name) => present.has(name));
  };
  await batch([...namespaces.map((name) => `netns del ${name}`), ...held.map((name) => `link del ${name}`)]);
  const deadline = performance.now() + RELEASE_WAIT_MS;
  let left = await remaining();
  while (left.length > 0 && performance.now() < deadline) {
    await sleep(50);
    left = await remaining();
  }
  await batch(left.map((name) => `link del ${name}`));
  // Check what is really left, rather than trusting -force's exit status.
  const leftNamespaces = new Set((await run('ip', ['netns', 'list'])).split('\n').map((line) => line.split(' ')[0]));
  const stuck = [...namespaces.filter((name) => leftNamespaces.has(name)), ...(await remaining())];
  if (stuck.length > 0) throw new Error(`simulated network: could not delete ${stuck.join(', ')}`);
}

// Interface name → operstate, in the root namespace or (`['-n', NS]`) another; `dev` narrows it
// to one interface (cheap) instead of all (one command for every site).
async function operstates(run: Run, where: string[], dev?: string): Promise<Map<string, string | undefined>> {
  const links = JSON.parse((await run('ip', [...where, '-j', 'link', 'show', ...(dev ? ['dev', dev] : [])])) || '[]') as { ifname: string; operstate?: string }[];
  return new Map(links.map((link) => [link.ifname, link.operstate]));
}

// The kernel turns a veth's carrier on a moment after `up` (its link watcher runs at most once a
// second); until then echoes are still lost, so wait until both ends say UP.
async function waitUntilUp(site: NetnsSitePlan, run: Run): Promise<void> {
  await poll(`the veth of site "${site.siteId}" (${site.hostVeth} ↔ ${site.namespace}/${site.nsVeth})`, async () => {
    const [host, inside] = await Promise.all([operstates(run, [], site.hostVeth), operstates(run, ['-n', site.namespace], site.nsVeth)]);
    return host.get(site.hostVeth) === 'UP' && inside.get(site.nsVeth) === 'UP';
  });
}

async function poll(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + UP_WAIT_MS;
  while (!(await ready())) {
    if (performance.now() > deadline) throw new Error(`${what} did not come up within ${UP_WAIT_MS} ms`);
    await sleep(UP_POLL_MS);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Spawns bind-helper.mjs inside the site's namespace to bind every requested socket there and
// hand them over; settles each request. The helper exits when we disconnect from it.
function bindInNamespace(site: NetnsSitePlan, batch: readonly BindRequest[], timeoutMs: number): ReturnType<typeof spawn> {
  const open = new Map(batch.map((request) => [request.deviceId, request]));
  const where = (request: BindRequest) => `device "${request.deviceId}" at ${request.address}:${request.port} in namespace ${site.namespace}`;
  // A loader from NODE_OPTIONS (tsx, a test runner) would only slow the helper down.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_OPTIONS'));
  const payload = JSON.stringify(batch.map(({ deviceId, address, port }) => ({ deviceId, address, port })));
  const child = spawn('ip', ['netns', 'exec', site.namespace, process.execPath, BIND_HELPER, payload], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });

  const finish = () => {
    clearTimeout(timer);
    if (child.connected) child.disconnect();
  };
  const failRest = (why: string) => {
    for (const request of open.values()) request.reject(new Error(`cannot bind the SNMP socket of ${where(request)}: ${why}`));
    open.clear();
    finish();
  };
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
    failRest(`the bind helper gave no socket within ${timeoutMs} ms${stderr ? ` (${stderr.trim()})` : ''}`);
  }, timeoutMs);

  child.on('message', (message: unknown, handle: unknown) => {
    const m = message as { type?: string; deviceId?: string; code?: string; message?: string };
    const request = m.deviceId === undefined ? undefined : open.get(m.deviceId);
    if (!request) return;
    open.delete(request.deviceId);
    if (m.type === 'bound' && handle instanceof dgram.Socket) request.resolve(handle);
    else request.reject(new Error(`cannot bind the SNMP socket of ${where(request)}: ${m.message ?? 'the helper sent no socket'}${m.code ? ` (${m.code})` : ''}`));
    if (open.size === 0) finish();
  });
  child.once('error', (error) => failRest(`cannot start the bind helper: ${error.message}`));
  child.once('exit', (code, signal) => {
    if (open.size > 0) failRest(`the bind helper exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`);
  });
  return child;
}

function runCommand(file: string, args: readonly string[], options: { input?: string | undefined; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const command = `${file} ${args.join(' ')}`;
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || stdout.trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

// At most `limit` tasks at once, in call order, for work that arrives over time.
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiting one.
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
