import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { collectorDefaults, type SnmpCredentials } from '../../../config/schema.ts';
import { probeFailure, type FailureReason, type ProbeContext, type ProbeFailure, type ProbeResult } from '../result.ts';
import { decodeEntities, entPhysicalEntry, type PhysicalEntity } from './entity.ts';
import {
  assembleInterfaces,
  decodeSystem,
  ifTableColumnsRead,
  ifXTableColumnsRead,
  systemRequestOids,
  type Malformed,
  type Missing,
  type SnmpInterface,
  type SnmpSystem,
} from './decode.ts';
import { ifEntry, ifTableColumns, ifXEntry, ifXTableColumns, systemOids } from './oids.ts';
import { openSnmpSession, unsupportedCrypto, type SessionFailure, type SnmpSession } from './session.ts';

export type { InterfaceStatus, SnmpInterface, SnmpSystem } from './decode.ts';

/** One device to poll. `device` (its id, or the host) is what messages call it. */
export interface SnmpTarget {
  device: string;
  host: string;
  port: number;
  credentials: SnmpCredentials;
}

export interface SnmpProbeOptions {
  /** Wait this long for each answer before resending. */
  timeoutMs: number;
  /** Resends after the first attempt of each request. */
  retries: number;
  /** GETBULK max-repetitions for the table walks (v2c, v3). */
  maxRepetitions: number;
  /** Time allowed for walking ifTable and ifXTable together, on top of the first exchange. */
  walkTimeoutMs?: number;
}

/**
 * The collector's defaults (`collector.snmp` in config/schema.ts), so a one-off probe asks the
 * way the collector polls. The walk budget is the probe's own: it keeps a whole poll (v3
 * discovery included) well inside the collector's 60 s cycle.
 */
export const DEFAULT_SNMP_OPTIONS: Readonly<Required<SnmpProbeOptions>> = Object.freeze({
  timeoutMs: collectorDefaults.snmp.timeout,
  retries: collectorDefaults.snmp.retries,
  maxRepetitions: collectorDefaults.snmp.maxRepetitions,
  walkTimeoutMs: 20_000,
});

export interface SnmpProbeData {
  system: SnmpSystem;
  interfaces: SnmpInterface[];
  /** ENTITY-MIB physical entities, when the poll asked for them (empty when the agent has none). */
  entities?: PhysicalEntity[];
  durationMs: number;
  /** Request PDUs this poll sent (net-snmp's resends and v3 discovery not counted). */
  requests?: number;
}

export type SnmpProbeResult = ProbeResult<SnmpProbeData>;

/**
 * Polls one device repeatedly over one kept-open session, so SNMPv3 engine discovery happens on
 * the first poll only. A poll that fails on the network or on security drops the session and the
 * next poll starts afresh (new socket, new discovery): the agent may have rebooted. Polls of one
 * poller must not overlap; an overlapping call returns `internal` without touching the network.
 */
export interface SnmpPoller {
  /** `entities`: also walk ENTITY-MIB's entPhysicalTable (for the hardware inventory, every few hours). */
  poll(ctx?: ProbeContext, request?: { entities?: boolean }): Promise<SnmpProbeResult>;
  close(): void;
}

const OUTSIDE_VIEW = 'is the system group outside its view?';

const systemObjectName = (detail: string): string => {
  const entry = Object.entries(systemOids).find(([, oid]) => detail.includes(oid));
  return entry ? `${entry[0]}.0` : 'a system object';
};

/** `router nam-xe (10.0.0.1:161)`, or `router 10.0.0.1:161` when the device is named by its address. */
export function describeTarget(target: Pick<SnmpTarget, 'device' | 'host' | 'port'>): string {
  const address = `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;
  return target.device === target.host || target.device === address ? `router ${address}` : `router ${target.device} (${address})`;
}

/** Why `options` or `target` cannot be polled, or undefined when they can. */
export function checkSnmpSettings(target: SnmpTarget, options: SnmpProbeOptions): string | undefined {
  const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!target.host) return 'host must not be empty';
  if (!whole(target.port, 1, 65535)) return `port must be 1–65535; got ${target.port}`;
  if (!whole(options.timeoutMs, 1, 600_000)) return `timeoutMs must be a whole number of milliseconds ≥ 1; got ${options.timeoutMs}`;
  if (!whole(options.retries, 0, 10)) return `retries must be 0–10; got ${options.retries}`;
  if (!whole(options.maxRepetitions, 1, 1000)) return `maxRepetitions must be 1–1000; got ${options.maxRepetitions}`;
  if (options.walkTimeoutMs !== undefined && !whole(options.walkTimeoutMs, 1, 3_600_000)) {
    return `walkTimeoutMs must be a whole number of milliseconds ≥ 1; got ${options.walkTimeoutMs}`;
  }
  return undefined;
}

// Failures after which the session is not worth keeping: the agent may have restarted (new
// engine boots), the path may have changed, or the socket may hold stale state.
const dropSessionAfter = new Set<FailureReason>(['timeout', 'unreachable', 'auth', 'malformed', 'internal']);

/** Creates a poller for `target`; nothing touches the network until the first poll. */
export function createSnmpPoller(target: SnmpTarget, options: SnmpProbeOptions): SnmpPoller {
  const settings = { ...options, walkTimeoutMs: options.walkTimeoutMs ?? DEFAULT_SNMP_OPTIONS.walkTimeoutMs };
  const label = describeTarget(target);
  const problem = checkSnmpSettings(target, settings) ?? unsupportedCrypto(target.credentials);
  let session: SnmpSession | undefined;
  let running = false;
  let closed = false;

  const drop = () => {
    session?.close();
    session = undefined;
  };

  const pollOnce = async (ctx: ProbeContext, started: number, wantEntities: boolean): Promise<SnmpProbeResult> => {
    if (problem) return probeFailure('config', `${label}: ${problem}`);
    if (!session || session.closed) {
      const opened = openSnmpSession(target, settings);
      if (!opened.ok) return probeFailure('internal', `${label}: ${opened.detail}`);
      session = opened.value;
    }
    const current = session;
    const requestsBefore = current.requests;

    // net-snmp bounds each exchange by timeout × (retries + 1); v3 engine discovery is a second
    // exchange before the first GET. This deadline bounds the rest: a slow agent answering just
    // in time to every one of a long walk's requests.
    const exchangeMs = settings.timeoutMs * (settings.retries + 1);
    const discoveryMs = target.credentials.version === '3' && !current.answered ? exchangeMs : 0;
    const deadlineMs = discoveryMs + exchangeMs + settings.walkTimeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(`deadline of ${deadlineMs} ms passed`)), deadlineMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, deadline.signal]) : deadline.signal;

    const fail = (failure: SessionFailure): ProbeFailure => {
      if (failure.reason !== 'aborted') return probeFailure(failure.reason, `${label}: ${failure.detail}`);
      if (deadline.signal.aborted) {
        const discovery = discoveryMs ? `${discoveryMs} ms engine discovery + ` : '';
        const budget = `${discovery}${exchangeMs} ms first exchange + ${settings.walkTimeoutMs} ms walk`;
        return probeFailure(
          'timeout',
          `${label}: the poll did not finish within ${deadlineMs} ms (${budget}): the agent answers, ` +
            'but too slowly for its table size; raise walkTimeoutMs or maxRepetitions',
        );
      }
      return probeFailure('timeout', `${label}: aborted by the caller before the poll finished (${failure.detail})`);
    };
    const undecodable = (failure: Malformed | Missing): ProbeFailure =>
      failure.kind === 'missing'
        ? probeFailure('missing', `${label}: the agent answered without ${failure.objects.join(', ')}; ${OUTSIDE_VIEW}`)
        : probeFailure('malformed', `${label}: ${failure.problem} (OID ${failure.oid})`);

    try {
      const answer = await current.get(systemRequestOids, signal);
      if (!answer.ok && answer.reason === 'missing') {
        // SNMPv1 has no noSuchObject: the whole GET fails with noSuchName on the first absent object.
        return probeFailure('missing', `${label}: ${answer.detail} (${systemObjectName(answer.detail)}); ${OUTSIDE_VIEW}`);
      }
      if (!answer.ok) return fail(answer);
      const system = decodeSystem(answer.value);
      if (!system.ok) return undecodable(system);

      // The two tables are independent walks; running them side by side halves the wall time
      // on high-latency commune links.
      const [ifTable, ifXTable, entTable] = await Promise.all([
        current.walkColumns(ifEntry, ifTableColumnsRead.map((name) => ifTableColumns[name]), signal),
        current.walkColumns(ifXEntry, ifXTableColumnsRead.map((name) => ifXTableColumns[name]), signal),
        wantEntities ? current.walk(entPhysicalEntry, signal) : undefined,
      ]);
      if (!ifTable.ok) return fail(ifTable);
      if (!ifXTable.ok) return fail(ifXTable);
      const interfaces = assembleInterfaces(ifTable.value, ifXTable.value);
      if (!interfaces.ok) return undecodable(interfaces);
      let entities: PhysicalEntity[] | undefined;
      if (entTable) {
        if (!entTable.ok) return fail(entTable);
        const decoded = decodeEntities(entTable.value);
        if (!decoded.ok) return undecodable(decoded);
        entities = decoded.value;
      }

      return {
        ok: true,
        system: system.value,
        interfaces: interfaces.value,
        ...(entities ? { entities } : {}),
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        requests: current.requests - requestsBefore,
      };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async poll(ctx = {}, request = {}) {
      const started = performance.now();
      if (closed) return probeFailure('internal', `${label}: the poller is closed`);
      if (running) return probeFailure('internal', `${label}: the previous poll is still running`);
      running = true;
      try {
        const result = await pollOnce(ctx, started, request.entities ?? false);
        if (!result.ok && (dropSessionAfter.has(result.reason) || session?.closed)) drop();
        return result;
      } catch (error) {
        // Nothing above should throw; if it does, it is a bug, and it stays a result.
        drop();
        return probeFailure('internal', `${label}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        running = false;
      }
    },
    close() {
      closed = true;
      drop();
    },
  };
}

/**
 * Polls `target` once: the system group, then the ifTable and ifXTable columns it reads. Never throws; every failure
 * is a result whose message names the device. Opens and closes its own session; to keep one
 * open across polls, use `createSnmpPoller`.
 */
export async function probeSnmp(
  target: SnmpTarget,
  options: SnmpProbeOptions = DEFAULT_SNMP_OPTIONS,
  ctx: ProbeContext = {},
): Promise<SnmpProbeResult> {
  let poller: SnmpPoller | undefined;
  try {
    poller = createSnmpPoller(target, options);
    return await poller.poll(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return probeFailure('internal', `SNMP probe of ${String(target?.device)}: unexpected error: ${message}`);
  } finally {
    poller?.close();
  }
}
