import { getCiphers, getHashes } from 'node:crypto';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { AuthProtocol, PrivProtocol, SecurityLevel, SnmpCredentials, SnmpVersion, UsmCredentials } from '../../../config/schema.ts';
import type { FailureReason } from '../result.ts';
import { compareOids, isInSubtree, smiTags, type RawVarbind } from './decode.ts';

// The I/O half of the SNMP probe: a thin adapter over net-snmp that turns its callbacks, thrown
// errors and 'error' events into tagged results. It decodes nothing; decode.ts does.

/** Where to send requests and as whom. */
export interface SnmpEndpoint {
  host: string;
  port: number;
  credentials: SnmpCredentials;
}

/** Per-request behaviour, fixed for the life of a session. */
export interface SnmpSessionOptions {
  /** Wait for one answer this long before resending. */
  timeoutMs: number;
  /** Resends after the first attempt. */
  retries: number;
  /** GETBULK max-repetitions while walking (v2c and v3). */
  maxRepetitions: number;
}

/** Why an exchange gave nothing. `aborted`: the caller's signal fired; the session is closed. */
export interface SessionFailure {
  ok: false;
  reason: FailureReason | 'aborted';
  /** What happened, without the device name (the probe adds it). */
  detail: string;
  /** The SNMP error-status when the agent answered with one. */
  status?: number;
}

export type Exchange<T> = { ok: true; value: T } | SessionFailure;

/**
 * One net-snmp session. It stays open across polls so SNMPv3 engine discovery happens once;
 * close it when the device leaves the configuration (or after a one-shot probe, in `finally`).
 * Methods never reject and never throw.
 */
export interface SnmpSession {
  readonly version: SnmpVersion;
  /** Whether the agent has answered anything yet: for v3, whether engine discovery is done. */
  readonly answered: boolean;
  /** Request PDUs sent so far (not counting net-snmp's retries and v3 discovery). */
  readonly requests: number;
  readonly closed: boolean;
  get(oids: readonly string[], signal?: AbortSignal): Promise<Exchange<RawVarbind[]>>;
  /** All varbinds strictly below `root`, in agent order: GETBULK for v2c/v3, GETNEXT for v1. */
  walk(root: string, signal?: AbortSignal): Promise<Exchange<RawVarbind[]>>;
  /**
   * Every cell of the given columns of a table (`entry.COLUMN.INDEX`), and no other column: one
   * GETBULK asks for all the columns still open side by side, so a row of N columns costs one
   * request's share instead of N. Each request asks for about `maxRepetitions` values in all
   * (⌈maxRepetitions / open columns⌉ rows), the size a subtree walk's answers have. A column the
   * agent lacks ends at once. SNMPv1 walks the columns one by one with GETNEXT.
   */
  walkColumns(entry: string, columns: readonly number[], signal?: AbortSignal): Promise<Exchange<RawVarbind[]>>;
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// Credentials → net-snmp. The Records make a protocol added to the config schema fail to compile
// here until it is mapped.
// ---------------------------------------------------------------------------------------------

const authProtocolConstants: Readonly<Record<AuthProtocol, snmp.AuthProtocols>> = Object.freeze({
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
});

const privProtocolConstants: Readonly<Record<PrivProtocol, snmp.PrivProtocols>> = Object.freeze({
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
});

const securityLevelConstants: Readonly<Record<SecurityLevel, snmp.SecurityLevel>> = Object.freeze({
  noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv,
  authNoPriv: snmp.SecurityLevel.authNoPriv,
  authPriv: snmp.SecurityLevel.authPriv,
});

const versionConstants = { '1': snmp.Version1, '2c': snmp.Version2c } as const;

/** The net-snmp user for SNMPv3 credentials. Reveals the keys: hand it only to net-snmp. */
export function toNetSnmpUser(credentials: UsmCredentials): snmp.User {
  const user: snmp.User = { name: credentials.user, level: securityLevelConstants[credentials.level] };
  if (credentials.level === 'noAuthNoPriv') return user;
  user.authProtocol = authProtocolConstants[credentials.authProtocol];
  user.authKey = credentials.authKey.reveal();
  if (credentials.level === 'authNoPriv') return user;
  user.privProtocol = privProtocolConstants[credentials.privProtocol];
  user.privKey = credentials.privKey.reveal();
  return user;
}

// What net-snmp asks OpenSSL for, per protocol (node_modules/net-snmp/index.js, Authentication
// and Encryption.algorithms).
const authHashes: Readonly<Record<AuthProtocol, string>> = Object.freeze({
  md5: 'md5',
  sha: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
});

const privCiphers: Readonly<Record<PrivProtocol, string>> = Object.freeze({
  des: 'des-cbc',
  aes: 'aes-128-cfb',
  aes256b: 'aes-256-cfb',
  aes256r: 'aes-256-cfb',
});

/**
 * Why this Node.js cannot use `credentials`, or undefined when it can. OpenSSL 3 (Node 18+)
 * moved DES to its legacy provider, so without `--openssl-legacy-provider` net-snmp cannot
 * encrypt DES at all; a FIPS build lacks MD5. Asked before any packet is sent.
 */
export function unsupportedCrypto(
  credentials: SnmpCredentials,
  available: { ciphers: readonly string[]; hashes: readonly string[] } = { ciphers: getCiphers(), hashes: getHashes() },
): string | undefined {
  if (credentials.version !== '3' || credentials.level === 'noAuthNoPriv') return undefined;
  const hash = authHashes[credentials.authProtocol];
  if (!available.hashes.includes(hash)) {
    return `authProtocol ${credentials.authProtocol} needs the ${hash} hash, which this Node.js's OpenSSL does not offer`;
  }
  if (credentials.level !== 'authPriv') return undefined;
  const cipher = privCiphers[credentials.privProtocol];
  if (available.ciphers.includes(cipher)) return undefined;
  const hint =
    credentials.privProtocol === 'des'
      ? ': OpenSSL 3 keeps DES in its legacy provider, so start node with --openssl-legacy-provider or switch the device to AES'
      : '';
  return `privProtocol ${credentials.privProtocol} needs the ${cipher} cipher, which this Node.js's OpenSSL does not offer${hint}`;
}

// ---------------------------------------------------------------------------------------------
// Error classification (pure; table-tested)
// ---------------------------------------------------------------------------------------------

/** What the session saw during one exchange, beyond the error itself. */
export interface ExchangeEvidence {
  credentials: SnmpCredentials;
  timeoutMs: number;
  retries: number;
  /** A datagram from the agent arrived during the exchange (for v3: at least the discovery report). */
  answered: boolean;
  /** A datagram arrived that net-snmp could not decode: what was wrong with it. */
  undecodable?: string;
}

export interface Classified {
  reason: FailureReason;
  detail: string;
  status?: number;
}

// Socket errors that mean the network itself said no (EACCES/EPERM: a local firewall reject).
const unreachableCodes = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL', 'EACCES', 'EPERM']);
const resolveCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

const property = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function responseInvalidCodeName(code: unknown): string | undefined {
  // net-snmp's ResponseInvalidCode maps both ways at runtime; @types lacks the newer codes.
  return typeof code === 'number' ? (snmp.ResponseInvalidCode as unknown as Record<number, string>)[code] : undefined;
}

// RFC 3416 §3 error-status names, as technicians see them in snmpget output and agent logs.
const errorStatusNames = [
  'noError',
  'tooBig',
  'noSuchName',
  'badValue',
  'readOnly',
  'genErr',
  'noAccess',
  'wrongType',
  'wrongLength',
  'wrongEncoding',
  'wrongValue',
  'noCreation',
  'inconsistentValue',
  'resourceUnavailable',
  'commitFailed',
  'undoFailed',
  'authorizationError',
  'notWritable',
  'inconsistentName',
] as const;

const errorStatusName = (status: number): string => errorStatusNames[status] ?? `error-status ${status}`;

// net-snmp raises a USM report PDU as ResponseInvalidError(EAuthFailure) whose message is its
// UsmStats text; a response whose own digest fails gets "Authentication digest …".
const usmReports: readonly [prefix: string, describe: (user: string, level: string) => string][] = [
  ['Unknown User Name', (user) => `the agent has no SNMPv3 user ${user} (usmStatsUnknownUserNames)`],
  ['Wrong Digest', (user) => `wrong authKey or authProtocol for SNMPv3 user ${user} (usmStatsWrongDigests)`],
  ['Unsupported Security Level', (user, level) => `SNMPv3 user ${user} is not set up for ${level} on the agent (usmStatsUnsupportedSecLevels)`],
  ['Decryption Error', () => 'the agent could not decrypt the request: wrong privKey or privProtocol (usmStatsDecryptionErrors)'],
  ['Not In Time Window', () => 'the agent rejected the request as outside its time window (usmStatsNotInTimeWindows)'],
  ['Unknown Engine ID', () => 'the agent rejected the engine ID (usmStatsUnknownEngineIDs)'],
  ['Authentication digest', (user) => `the agent's response failed authentication: wrong authKey or authProtocol for ${user}`],
];

function describeUsmReport(message: string, credentials: UsmCredentials): string {
  const report = usmReports.find(([prefix]) => message.startsWith(prefix));
  return report ? report[1](`"${credentials.user}"`, credentials.level) : `SNMPv3 authentication failed: ${message}`;
}

function describeTimeout(evidence: ExchangeEvidence): Classified {
  const { credentials, timeoutMs, retries } = evidence;
  const waited = `${timeoutMs * (retries + 1)} ms (${retries + 1} × ${timeoutMs} ms)`;
  if (evidence.undecodable !== undefined) {
    // net-snmp drops a datagram it cannot parse and keeps waiting, so a garbled answer ends as a
    // timeout; the 'error' event it raises is what tells the two apart.
    const detail = `the agent answered with a packet that cannot be decoded (${evidence.undecodable}); no valid answer in ${waited}`;
    return { reason: 'malformed', detail };
  }
  if (credentials.version !== '3') {
    // RFC 3584 agents discard a request with an unknown community without a word.
    const detail =
      `no answer in ${waited}; agents stay silent on a wrong community, ` +
      `so check the SNMPv${credentials.version} community as well as the address, port and ACLs`;
    return { reason: 'timeout', detail };
  }
  if (evidence.answered && credentials.level === 'authPriv') {
    // USM silently drops what it cannot decrypt (snmpd logs "error parsing ScopedPDU"), so
    // discovery answered + silence afterwards is the signature of a privacy mismatch.
    const detail =
      `the agent answered SNMPv3 engine discovery but not the ${credentials.privProtocol}-encrypted request in ${waited}: ` +
      'agents drop requests they cannot decrypt, so the privKey or privProtocol is likely wrong ' +
      '(aes256b and aes256r are not interchangeable)';
    return { reason: 'auth', detail };
  }
  if (evidence.answered) return { reason: 'timeout', detail: `the agent answered SNMPv3 engine discovery but not the request in ${waited}` };
  return { reason: 'timeout', detail: `no answer in ${waited}` };
}

function describeErrorStatus(error: unknown): Classified {
  const status = property(error, 'status');
  const message = errorMessage(error);
  if (typeof status !== 'number') return { reason: 'refused', detail: `the agent answered with an error: ${message}` };
  // net-snmp's message is "Status: OID" when the agent pointed at a varbind.
  const subject = message.includes(': ') ? ` for ${message.slice(message.indexOf(': ') + 2)}` : '';
  switch (status) {
    case snmp.ErrorStatus.NoSuchName:
      return { reason: 'missing', status, detail: `the agent answered noSuchName${subject}` };
    case snmp.ErrorStatus.AuthorizationError:
      // VACM said no: the credentials work but may not read this. For whoever reads the alert
      // that is a credentials problem, not an agent fault.
      return {
        reason: 'auth',
        status,
        detail:
          `the agent refused access (authorizationError)${subject}: ` +
          'the community or user may not read these objects at this security level',
      };
    case snmp.ErrorStatus.TooBig:
      return { reason: 'refused', status, detail: `the agent answered tooBig${subject}: lower maxRepetitions` };
    default:
      return { reason: 'refused', status, detail: `the agent answered ${errorStatusName(status)}${subject}` };
  }
}

function describeInvalidResponse(error: unknown, credentials: SnmpCredentials): Classified {
  const code = responseInvalidCodeName(property(error, 'code'));
  const message = errorMessage(error);
  if (credentials.version === '3') {
    switch (code) {
      case 'EAuthFailure':
        return { reason: 'auth', detail: describeUsmReport(message, credentials) };
      case 'ECouldNotDecrypt':
        return { reason: 'auth', detail: `could not decrypt the agent's response: wrong privKey or privProtocol (${message})` };
      case 'ENotInTimeWindow':
        return { reason: 'auth', detail: `the agent's response is outside the SNMPv3 time window: ${message}` };
      case 'EUnexpectedReport': {
        const context = credentials.context ? ` (is context "${credentials.context}" configured on the agent?)` : '';
        return { reason: 'refused', detail: `the agent answered with a report PDU that is not a USM error${context}` };
      }
    }
  }
  return { reason: 'malformed', detail: `the agent's answer does not fit the request (${code ?? 'ResponseInvalidError'}: ${message})` };
}

/** Maps whatever net-snmp or the socket reported to a failure reason and a message. */
export function classifySnmpError(error: unknown, evidence: ExchangeEvidence): Classified {
  const name = property(error, 'name');
  const code = property(error, 'code');
  const message = errorMessage(error);
  if (name === 'RequestTimedOutError') return describeTimeout(evidence);
  if (name === 'RequestFailedError') return describeErrorStatus(error);
  if (name === 'ResponseInvalidError') return describeInvalidResponse(error, evidence.credentials);
  if (name === 'RequestInvalidError') return { reason: 'config', detail: `the request cannot be built: ${message}` };
  if (code === 'ERR_OSSL_EVP_UNSUPPORTED') {
    return { reason: 'config', detail: `this Node.js's OpenSSL cannot do the hash or cipher these credentials need (${message})` };
  }
  if (typeof code === 'string' && unreachableCodes.has(code)) {
    return { reason: 'unreachable', detail: `the network refused the packet (${code})` };
  }
  if (typeof code === 'string' && resolveCodes.has(code)) return { reason: 'unreachable', detail: `cannot resolve the host name (${code})` };
  return { reason: 'internal', detail: `unexpected error from net-snmp: ${message}` };
}

// ---------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------

interface Datagrams {
  received: number;
  /** Datagrams net-snmp failed on, and what was wrong with the last one. */
  undecodable: number;
  lastUndecodable?: string;
  lastSender?: string;
}

/**
 * net-snmp handles datagrams inside the socket's 'message' listener, partly outside its own
 * try/catch: a v3-shaped reply with the auth flag to a community or noAuth request reaches
 * `user.authProtocol` of undefined. A throw there is an uncaught exception that would take the
 * whole collector down, so the listener is wrapped; `dgramModule` is net-snmp's documented hook
 * for supplying the socket. The wrapper also counts datagrams and notes their sender.
 */
function guardedDgram(datagrams: Datagrams, onThrow: (error: unknown) => void) {
  return {
    createSocket(type: dgram.SocketType): dgram.Socket {
      const socket = dgram.createSocket(type);
      const listen = socket.on.bind(socket) as (event: string, listener: (...args: never[]) => void) => dgram.Socket;
      const guard =
        (listener: (message: Buffer, remote: dgram.RemoteInfo) => void) =>
        (message: Buffer, remote: dgram.RemoteInfo): void => {
          datagrams.received++;
          datagrams.lastSender = `${remote.address}:${remote.port}`;
          try {
            listener(message, remote);
          } catch (error) {
            noteUndecodable(datagrams, error);
            onThrow(error);
          }
        };
      Object.defineProperty(socket, 'on', {
        value: (event: string, listener: (...args: never[]) => void) =>
          listen(event, event === 'message' ? (guard(listener as never) as never) : listener),
      });
      return socket;
    },
  };
}

function noteUndecodable(datagrams: Datagrams, error: unknown): void {
  datagrams.undecodable++;
  datagrams.lastUndecodable = `${errorMessage(error)}${datagrams.lastSender ? ` from ${datagrams.lastSender}` : ''}`;
}

const describeAbort = (signal: AbortSignal): string => {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
};

const isException = (varbind: RawVarbind): boolean =>
  varbind.type === smiTags.noSuchObject || varbind.type === smiTags.noSuchInstance || varbind.type === smiTags.endOfMibView;

class NetSnmpSession implements SnmpSession {
  readonly version: SnmpVersion;
  readonly #endpoint: SnmpEndpoint;
  readonly #options: SnmpSessionOptions;
  readonly #session: snmp.Session;
  readonly #datagrams: Datagrams = { received: 0, undecodable: 0 };
  /** Settlers of the exchanges in flight, for failing them all at once. */
  readonly #pending = new Set<(failure: SessionFailure) => void>();
  #requests = 0;
  #closed = false;

  constructor(endpoint: SnmpEndpoint, options: SnmpSessionOptions) {
    this.version = endpoint.credentials.version;
    this.#endpoint = endpoint;
    this.#options = options;
    const common = {
      port: endpoint.port,
      timeout: options.timeoutMs,
      retries: options.retries,
      transport: isIP(endpoint.host) === 6 ? ('udp6' as const) : ('udp4' as const),
      dgramModule: guardedDgram(this.#datagrams, (error) => this.#failPending(error)),
    };
    const { credentials } = endpoint;
    this.#session =
      credentials.version === '3'
        ? snmp.createV3Session(endpoint.host, toNetSnmpUser(credentials), {
            ...common,
            version: snmp.Version3,
            context: credentials.context,
          })
        : snmp.createSession(endpoint.host, credentials.community.reveal(), { ...common, version: versionConstants[credentials.version] });
    // net-snmp emits 'error' for a datagram it cannot parse; with no listener that emit would
    // throw out of the socket callback and crash the process.
    this.#session.on('error', (error) => noteUndecodable(this.#datagrams, error));
  }

  get answered(): boolean {
    return this.#datagrams.received > this.#datagrams.undecodable;
  }

  get requests(): number {
    return this.#requests;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get(oids: readonly string[], signal?: AbortSignal): Promise<Exchange<RawVarbind[]>> {
    return this.#exchange<RawVarbind[]>(signal, (done) => this.#session.get([...oids], (error, varbinds) => done(error, varbinds ?? [])));
  }

  async walk(root: string, signal?: AbortSignal): Promise<Exchange<RawVarbind[]>> {
    const found: RawVarbind[] = [];
    let cursor = root;
    for (;;) {
      const from = cursor;
      const page = await this.#exchange<RawVarbind[]>(signal, (done) =>
        this.version === '1'
          ? this.#session.getNext([from], (error, varbinds) => done(error, varbinds ?? []))
          : this.#session.getBulk([from], 0, this.#options.maxRepetitions, (error, varbinds) => {
              // One repeated OID: net-snmp returns its column as the first element.
              const column = varbinds?.[0];
              done(error, Array.isArray(column) ? column : column ? [column] : []);
            }),
      );
      if (!page.ok) {
        // SNMPv1 has no endOfMibView: GETNEXT past the last object answers noSuchName.
        if (this.version === '1' && page.status === snmp.ErrorStatus.NoSuchName) break;
        return page;
      }
      if (page.value.length === 0) break;
      let finished = false;
      for (const varbind of page.value) {
        // noSuchObject/noSuchInstance are not valid in GETNEXT/GETBULK answers (RFC 3416 §4.2.2);
        // agents that send them anyway mean "nothing more", like endOfMibView.
        if (isException(varbind) || !isInSubtree(root, varbind.oid)) {
          finished = true;
          break;
        }
        if (compareOids(varbind.oid, cursor) <= 0) {
          return {
            ok: false,
            reason: 'malformed',
            detail: `walking ${root}, the agent answered ${varbind.oid} after ${cursor}; OIDs must increase or the walk never ends`,
          };
        }
        found.push(varbind);
        cursor = varbind.oid;
      }
      if (finished) break;
    }
    return { ok: true, value: found };
  }

  async walkColumns(entry: string, columns: readonly number[], signal?: AbortSignal): Promise<Exchange<RawVarbind[]>> {
    const found: RawVarbind[] = [];
    if (this.version === '1') {
      // A v1 GETNEXT of several columns fails whole on the first noSuchName (a Counter64 column,
      // which v1 cannot carry): one column at a time keeps the others.
      for (const column of columns) {
        const cells = await this.walk(`${entry}.${column}`, signal);
        if (!cells.ok) return cells;
        for (const varbind of cells.value) found.push(varbind);
      }
      return { ok: true, value: found };
    }
    let open = columns.map((column) => ({ root: `${entry}.${column}`, cursor: `${entry}.${column}` }));
    while (open.length > 0) {
      const asked = open;
      const repetitions = Math.max(1, Math.ceil(this.#options.maxRepetitions / asked.length));
      const page = await this.#exchange<RawVarbind[][]>(signal, (done) =>
        this.#session.getBulk(
          asked.map((column) => column.cursor),
          0,
          repetitions,
          // net-snmp groups a multi-OID GETBULK answer by requested OID: one list per column.
          (error, varbinds) => done(error, (varbinds ?? []).map((cells) => (Array.isArray(cells) ? cells : [cells]))),
        ),
      );
      if (!page.ok) return page;
      let answered = 0;
      open = [];
      for (const [i, column] of asked.entries()) {
        let ended = false;
        for (const varbind of page.value[i] ?? []) {
          answered++;
          // Past the column (into the next one, or out of the table), or an exception: done.
          if (isException(varbind) || !isInSubtree(column.root, varbind.oid)) {
            ended = true;
            break;
          }
          if (compareOids(varbind.oid, column.cursor) <= 0) {
            return {
              ok: false,
              reason: 'malformed',
              detail: `walking ${column.root}, the agent answered ${varbind.oid} after ${column.cursor}; OIDs must increase or the walk never ends`,
            };
          }
          found.push(varbind);
          column.cursor = varbind.oid;
        }
        // An agent that trims a big answer may leave the last columns out: they are asked again.
        if (!ended) open.push(column);
      }
      // An empty answer to a non-empty request means nothing more, as in walk().
      if (answered === 0) break;
    }
    return { ok: true, value: found };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#session.close();
    } catch {
      // The socket was never bound or is already gone: nothing left to release.
    }
  }

  /**
   * net-snmp threw while handling a datagram. It unregisters a request before processing the
   * answer's security, so the request that datagram answered will never call back: fail what is
   * in flight instead of leaving it to the deadline.
   */
  #failPending(error: unknown): void {
    const from = this.#datagrams.lastSender ? ` from ${this.#datagrams.lastSender}` : '';
    const detail = `net-snmp failed on an answer${from}: ${errorMessage(error)}`;
    for (const settle of [...this.#pending]) settle({ ok: false, reason: 'malformed', detail });
  }

  /** Runs one net-snmp request and settles exactly once, whatever net-snmp does. */
  #exchange<T>(signal: AbortSignal | undefined, start: (done: (error: unknown, value: T) => void) => void): Promise<Exchange<T>> {
    if (this.#closed) return Promise.resolve({ ok: false, reason: 'internal', detail: 'the SNMP session is already closed' });
    if (signal?.aborted) {
      this.close();
      return Promise.resolve({ ok: false, reason: 'aborted', detail: describeAbort(signal) });
    }
    const before = { ...this.#datagrams };
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Exchange<T>) => {
        if (settled) return;
        settled = true;
        this.#pending.delete(finish);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      this.#pending.add(finish);
      const onAbort = () => {
        // net-snmp has no per-request cancel; closing fails everything pending on this session.
        this.close();
        finish({ ok: false, reason: 'aborted', detail: describeAbort(signal!) });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#requests++;
      const fail = (error: unknown) => {
        const evidence: ExchangeEvidence = {
          credentials: this.#endpoint.credentials,
          timeoutMs: this.#options.timeoutMs,
          retries: this.#options.retries,
          answered: this.#datagrams.received - this.#datagrams.undecodable > before.received - before.undecodable,
          ...(this.#datagrams.undecodable > before.undecodable
            ? { undecodable: this.#datagrams.lastUndecodable ?? 'unknown problem' }
            : {}),
        };
        finish({ ok: false, ...classifySnmpError(error, evidence) });
      };
      try {
        start((error, value) => (error ? fail(error) : finish({ ok: true, value })));
      } catch (error) {
        // net-snmp throws synchronously when it cannot encode the request.
        fail(error);
      }
    });
  }
}

/** Opens a session; net-snmp creates the socket here, so this can fail only on local resources. */
export function openSnmpSession(endpoint: SnmpEndpoint, options: SnmpSessionOptions): Exchange<SnmpSession> {
  try {
    return { ok: true, value: new NetSnmpSession(endpoint, options) };
  } catch (error) {
    return { ok: false, reason: 'internal', detail: `cannot open an SNMP session: ${errorMessage(error)}` };
  }
}
