import dgram from 'node:dgram';
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { Secret } from '../../config/secret.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { decodeTrap, type RawNotification, type TrapEvent } from './decode.ts';

// The I/O half of trap reception: a thin adapter over net-snmp's notification receiver. It owns
// the socket, the community check (net-snmp's authorizer), the counters and the logging; what a
// notification means is decode.ts's business.

export interface TrapReceiverOptions {
  /** `HOST:PORT` or `[IPv6]:PORT`, as in `collector.traps.listen` (not `off`: then don't start one). */
  listen: string;
  /** v1/v2c communities accepted; anything else is counted in `rejectedCommunity` and dropped. */
  communities: readonly Secret[];
  clock: Clock;
  logger: Logger;
  /** Called once per accepted trap, synchronously from the socket's message handler. A throw is
   * logged and does not disturb the receiver. */
  onTrap: (event: TrapEvent) => void;
}

/** Counts since start. Every datagram that reaches the receiver adds to `received` and to
 * exactly one of the others (InformRequests too; SNMPv3 discovery, answered by net-snmp itself,
 * to none). */
export interface TrapReceiverStats {
  received: number;
  accepted: number;
  /** v1/v2c traps whose community is not in the list. */
  rejectedCommunity: number;
  /** Well-formed but not acted on: other notifications (vendor traps, authenticationFailure),
   * SNMPv3 (no users can be configured), PDUs that are not notifications. */
  unsupported: number;
  /** Undecodable datagrams, and notifications whose varbinds have the wrong types. */
  malformed: number;
}

export interface TrapReceiver {
  /** Where it listens, as bound: `127.0.0.1:10162`, `[::]:162`. */
  readonly address: string;
  stats(): TrapReceiverStats;
  /** Stops listening. Safe to call more than once. */
  close(): Promise<void>;
}

export type TrapReceiverErrorCode =
  | 'invalid-listen'
  | 'no-communities'
  | 'address-in-use'
  | 'permission-denied'
  | 'address-unavailable'
  | 'unresolved-host'
  | 'bind-failed';

/** Why the receiver could not start; the message names the address and what to do. */
export class TrapReceiverError extends Error {
  override readonly name = 'TrapReceiverError';
  readonly code: TrapReceiverErrorCode;

  constructor(code: TrapReceiverErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Pure parts (table-tested)
// ---------------------------------------------------------------------------------------------

export type TrapEndpoint = { host: string; port: number; transport: 'udp4' | 'udp6' };

/** `collector.traps.listen` → where to bind. Port 0 is refused: net-snmp treats it as "unset" and
 * would quietly listen on 162 instead of on a random port. */
export function parseTrapListen(listen: string): { ok: true; endpoint: TrapEndpoint } | { ok: false; message: string } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  if (!match) return { ok: false, message: `collector.traps.listen must be HOST:PORT or [IPv6]:PORT, e.g. 0.0.0.0:162; got "${listen}"` };
  const [, v6Host, host, portText] = match;
  const port = Number(portText);
  if (port < 1 || port > 65535) return { ok: false, message: `collector.traps.listen: port must be 1–65535; got ${portText}` };
  if (v6Host !== undefined) {
    if (isIP(v6Host) !== 6) return { ok: false, message: `collector.traps.listen: [${v6Host}] is not an IPv6 address` };
    return { ok: true, endpoint: { host: v6Host, port, transport: 'udp6' } };
  }
  // A host name resolves as IPv4: that is what routers in the field send traps over.
  return { ok: true, endpoint: { host: host!, port, transport: 'udp4' } };
}

/** A bind error → a code and a message that names the address, the cause and the way out. */
export function describeBindError(listen: string, endpoint: TrapEndpoint, error: unknown): { code: TrapReceiverErrorCode; message: string } {
  const errno = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const prefix = `cannot receive SNMP traps on ${listen}`;
  const { host, port } = endpoint;
  switch (errno) {
    case 'EADDRINUSE':
      return {
        code: 'address-in-use',
        message:
          `${prefix}: UDP port ${port} is already in use (EADDRINUSE); stop whatever holds it ` +
          `(snmptrapd, another linkwatch collector: see \`ss -ulpn 'sport = :${port}'\`) or set collector.traps.listen to another port`,
      };
    case 'EACCES':
    case 'EPERM':
      if (port < 1024) {
        const high = port === 162 ? 10162 : 10000 + port;
        return {
          code: 'permission-denied',
          message:
            `${prefix}: port ${port} needs root or CAP_NET_BIND_SERVICE (${errno}); set collector.traps.listen to a port above 1024 ` +
            `(e.g. ${endpoint.transport === 'udp6' ? `[${host}]` : host}:${high}) and forward ${port} to it with ` +
            `\`iptables -t nat -A PREROUTING -p udp --dport ${port} -j REDIRECT --to-ports ${high}\``,
        };
      }
      return { code: 'permission-denied', message: `${prefix}: permission denied (${errno}); is a security policy (SELinux, AppArmor) refusing the bind?` };
    case 'EADDRNOTAVAIL':
      return {
        code: 'address-unavailable',
        message: `${prefix}: ${host} is not an address of this machine (EADDRNOTAVAIL); use one of its addresses, or 0.0.0.0 for all`,
      };
    case 'EAFNOSUPPORT':
      return { code: 'address-unavailable', message: `${prefix}: this machine has no IPv6 (EAFNOSUPPORT); use an IPv4 address` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return { code: 'unresolved-host', message: `${prefix}: cannot resolve ${host} (${errno}); use an IP address` };
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return { code: 'bind-failed', message: `${prefix}: ${detail}` };
    }
  }
}

/** What an error handed to net-snmp's receiver callback means for the counters. */
export type ReceiverErrorCategory = 'rejected-community' | 'unsupported' | 'malformed' | 'socket';

/**
 * Sorts net-snmp's receiver errors (node_modules/net-snmp/index.js, Receiver.prototype.onMsg and
 * Listener.processIncoming). Errors about a datagram carry `rinfo`; socket errors do not.
 * net-snmp gives an unknown community and an unknown v3 user the same class, told apart only by
 * the message ("Local community not found…"); the integration test pins that wording.
 */
export function classifyReceiverError(error: unknown): ReceiverErrorCategory {
  if (typeof error !== 'object' || error === null || !('rinfo' in error)) return 'socket';
  const { name, message } = error as { name?: unknown; message?: unknown };
  switch (name) {
    case 'RequestFailedError':
      // The other RequestFailedErrors are SNMPv3 users and security levels: no v3 users exist here.
      return typeof message === 'string' && message.startsWith('Local community not found') ? 'rejected-community' : 'unsupported';
    case 'RequestInvalidError':
      // A PDU that is not a notification (a GetRequest sent to the trap port).
      return 'unsupported';
    default:
      // ProcessingError (undecodable bytes) and ResponseInvalidError (v3 security processing).
      return 'malformed';
  }
}

// ---------------------------------------------------------------------------------------------
// I/O
// ---------------------------------------------------------------------------------------------

/** The part of net-snmp's Receiver used here (@types/net-snmp types createReceiver as `any`). */
interface NetSnmpReceiver {
  getAuthorizer(): { addCommunity(community: string): void };
  close(callback?: (socket: unknown) => void): void;
}

type Counter = Exclude<keyof TrapReceiverStats, 'received'>;

// Per source and outcome, the first drop is a warning and the rest are debug lines, so a router
// with the wrong community sending a trap a second cannot flood the log; the counters keep the
// totals. Bounded so a spoofed-address flood cannot grow it without end.
const WARNED_LIMIT = 1024;

/**
 * Listens for SNMP v1/v2c traps and InformRequests (net-snmp acknowledges informs itself) on
 * `listen`, and calls `onTrap` for each coldStart, warmStart, linkDown and linkUp whose community
 * is in `communities`. Resolves once the socket is bound; rejects with a TrapReceiverError whose
 * message names the address and the cause when it cannot be. Communities are never logged.
 */
export async function startTrapReceiver(options: TrapReceiverOptions): Promise<TrapReceiver> {
  const { listen, communities, clock, logger, onTrap } = options;
  const parsed = parseTrapListen(listen);
  if (!parsed.ok) throw new TrapReceiverError('invalid-listen', parsed.message);
  const endpoint = parsed.endpoint;
  if (communities.length === 0) {
    throw new TrapReceiverError(
      'no-communities',
      `collector.traps.communities is empty, so every trap received on ${listen} would be dropped; add the community the routers send traps with`,
    );
  }

  const counts: TrapReceiverStats = { received: 0, accepted: 0, rejectedCommunity: 0, unsupported: 0, malformed: 0 };
  const warned = new Set<string>();
  let listening = false;

  const drop = (counter: Counter, source: string | undefined, fields: object, message: string) => {
    counts.received++;
    counts[counter]++;
    const key = `${counter} ${source}`;
    const first = !warned.has(key) && warned.size < WARNED_LIMIT;
    if (first) warned.add(key);
    // Unsupported notifications are routine (vendor traps), so they never warn.
    const level = first && counter !== 'unsupported' ? 'warn' : 'debug';
    logger[level]({ listen, source, outcome: counter, ...fields }, message);
  };

  const onError = (error: unknown) => {
    const category = classifyReceiverError(error);
    if (category === 'socket') {
      // During start-up the bind promise reports it; afterwards the socket stays open and usable.
      if (listening) logger.error({ listen, error: describeError(error) }, 'SNMP trap socket error');
      return;
    }
    const source = senderOf(error);
    switch (category) {
      case 'rejected-community':
        // net-snmp's message quotes the community it got; it must not reach the log, so it is not used.
        return drop('rejectedCommunity', source, {}, 'SNMP trap dropped: its community is not one of collector.traps.communities');
      case 'unsupported': {
        const name = (error as { name?: unknown }).name;
        const detail = name === 'RequestFailedError' ? 'SNMPv3 notification; linkwatch accepts v1/v2c communities only' : describeError(error);
        return drop('unsupported', source, { detail }, 'SNMP datagram on the trap port ignored');
      }
      case 'malformed':
        return drop('malformed', source, { detail: describeError(error) }, 'SNMP trap dropped: the datagram cannot be decoded');
    }
  };

  const onNotification = (notification: RawNotification) => {
    const source = typeof notification.rinfo?.address === 'string' ? notification.rinfo.address : undefined;
    // With no v3 users net-snmp still lets through a noAuthNoPriv v3 notification with an empty
    // user name: unauthenticated, so it must not count as a trap.
    if ((notification.pdu as { scoped?: unknown } | undefined)?.scoped === true) {
      return drop('unsupported', source, { detail: 'SNMPv3 notification' }, 'SNMPv3 trap ignored: linkwatch accepts v1/v2c communities only');
    }
    const decoded = decodeTrap(notification, clock.now());
    if (!decoded.ok) {
      const message = decoded.reason === 'unsupported' ? 'SNMP trap ignored' : 'SNMP trap dropped: malformed';
      return drop(decoded.reason, source, { detail: decoded.message }, message);
    }
    counts.received++;
    counts.accepted++;
    const { trap } = decoded;
    logger.debug({ listen, source: trap.source, kind: trap.kind, ifIndex: trap.ifIndex }, 'SNMP trap received');
    try {
      onTrap(trap);
    } catch (error) {
      logger.error({ listen, source: trap.source, kind: trap.kind, error: describeError(error) }, 'trap handler failed');
    }
  };

  // net-snmp calls this from the socket's event handlers: a throw here would be an uncaught
  // exception, so nothing escapes.
  const callback = (error: unknown, notification: unknown) => {
    try {
      if (error) onError(error);
      else if (notification) onNotification(notification as RawNotification);
    } catch (failure) {
      logger.error({ listen, error: describeError(failure) }, 'SNMP trap handling failed');
    }
  };

  // net-snmp binds inside createReceiver and reports a bind failure only to the callback; the
  // socket, caught on its way out of the dgram module it accepts, says when binding is done.
  const sockets: dgram.Socket[] = [];
  const dgramModule = {
    createSocket: (type: dgram.SocketType) => {
      const socket = dgram.createSocket(type);
      sockets.push(socket);
      return socket;
    },
  };

  let receiver: NetSnmpReceiver;
  try {
    receiver = snmp.createReceiver(
      { port: endpoint.port, address: endpoint.host, transport: endpoint.transport, disableAuthorization: false, dgramModule },
      callback,
    ) as NetSnmpReceiver;
  } catch (error) {
    const { code, message } = describeBindError(listen, endpoint, error);
    throw new TrapReceiverError(code, message, { cause: error });
  }
  // Added after createReceiver has started binding, which is safe: no datagram can be handled
  // before this synchronous code ends. reveal(): the authorizer is the only place they go.
  const authorizer = receiver.getAuthorizer();
  for (const community of communities) authorizer.addCommunity(community.reveal());

  const socket = sockets[0];
  if (!socket) throw new TrapReceiverError('bind-failed', `cannot receive SNMP traps on ${listen}: net-snmp opened no socket`);
  try {
    await new Promise<void>((resolve, reject) => {
      const onListening = () => {
        socket.off('error', onBindError);
        resolve();
      };
      const onBindError = (error: Error) => {
        socket.off('listening', onListening);
        reject(error);
      };
      socket.once('listening', onListening);
      socket.once('error', onBindError);
    });
  } catch (error) {
    await closeQuietly(receiver);
    const { code, message } = describeBindError(listen, endpoint, error);
    throw new TrapReceiverError(code, message, { cause: error });
  }
  listening = true;

  const bound = socket.address();
  const address = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  logger.info({ listen, address, communityCount: communities.length }, 'receiving SNMP traps');

  let closing: Promise<void> | undefined;
  return {
    address,
    stats: () => ({ ...counts }),
    close: () => {
      closing ??= closeQuietly(receiver).then(() => {
        listening = false;
      });
      return closing;
    },
  };
}

/** Closes net-snmp's socket; resolves when it is closed (or was never bound). */
function closeQuietly(receiver: NetSnmpReceiver): Promise<void> {
  return new Promise((resolve) => {
    try {
      receiver.close(() => resolve());
    } catch {
      // A socket that never bound throws on close: nothing is left open.
      resolve();
    }
  });
}

function senderOf(error: unknown): string | undefined {
  const rinfo = (error as { rinfo?: { address?: unknown } }).rinfo;
  return typeof rinfo?.address === 'string' ? rinfo.address : undefined;
}

/** An error's message, and for net-snmp's ProcessingError the underlying parse error too. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = (error as { error?: unknown }).error;
  return inner instanceof Error ? `${error.message}: ${inner.message}` : error.message;
}
