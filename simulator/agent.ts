import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import snmp from 'net-snmp';
import type { AuthProtocol, PrivProtocol, SecurityLevel, SnmpCredentials } from '../config/schema.ts';
import type { SimAgent, SimClock, SimDeviceSpec } from './contracts.ts';
import { createSimDevice, MASK32, nonUnicast, type EntityRow, type SimDevice, type SimInterface } from './device.ts';
import type { MalformedVariant } from './faults.ts';
import { malformedPlans, wrongTypeCell } from './malformed.ts';
import { hash32 } from './traffic.ts';
import { seededRandom } from './random.ts';

/**
 * One simulated device's SNMP agent: net-snmp's agent side with providers for the system group,
 * ifTable, ifXTable and entPhysicalTable, whose cells are filled from device.ts when a request
 * reads them. In front of net-snmp sits a thin socket facade, which is where the SNMP-side faults
 * are played: silence, delay, request loss and malformed replies.
 *
 * net-snmp's agent has no types (@types/net-snmp declares `createAgent(): any`); the few parts
 * used here are typed below from node_modules/net-snmp/index.js (3.29).
 */

export interface SimAgentOptions {
  spec: SimDeviceSpec;
  clock: SimClock;
  /**
   * An already-bound UDP socket to serve on (the network side binds it inside a namespace). The
   * agent takes it over: it listens for requests on it and closes it on stop().
   */
  socket?: dgram.Socket;
  /** Where to bind when no socket is given; port 0 picks a free port. Default 127.0.0.1:0. */
  address?: { host: string; port: number };
  /** The device's state, if the caller built it (tests); by default one is made from `spec`. */
  device?: SimDevice;
  /** Shares MIB trees with the other agents started with it; by default the agent has its own. */
  mibs?: SimMibCache;
}

/** A started agent: the SimAgent seam plus what tests and the orchestrator want to see. */
export interface RunningSimAgent extends SimAgent {
  /** Where it answers (the bound address of its socket). */
  readonly address: { host: string; port: number };
  readonly device: SimDevice;
}

// ---------------------------------------------------------------------------------------------
// net-snmp internals used here
// ---------------------------------------------------------------------------------------------

interface MibNode {
  address: number[];
  oid: string;
  value: unknown;
  valueType: number;
}

interface MibRequest {
  instanceNode: MibNode;
  done(result?: { errorStatus: number; type?: number; value?: unknown }): void;
}

interface Mib {
  getTableRowCells(table: string, rowIndex: unknown): unknown[] | null;
  registerProvider(provider: object): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(table: string, row: unknown[]): void;
}

interface NetSnmpAgent {
  engine: { engineID: Buffer; engineBoots: number; engineTime: number };
  getAuthorizer(): { addCommunity(community: string): void; addUser(user: snmp.User): void };
  setMib(mib: Mib): void;
  addGetNextVarbind(targets: unknown[], startOid: string): MibNode | null | undefined;
  close(callback?: () => void): void;
}

/** The part of a dgram socket net-snmp's Listener uses. */
interface ListenerSocket {
  on(event: string, listener: (...args: never[]) => void): ListenerSocket;
  bind(port?: number, address?: string): ListenerSocket;
  send(buffer: Buffer, offset: number, length: number, port: number, address: string, callback?: (error: Error | null) => void): void;
  close(callback?: () => void): void;
  address(): ReturnType<dgram.Socket['address']>;
}

// ---------------------------------------------------------------------------------------------
// Credentials → net-snmp (kept apart from the collector's mapping so a bug there is not shared)
// ---------------------------------------------------------------------------------------------

const authProtocols: Readonly<Record<AuthProtocol, snmp.AuthProtocols>> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};

const privProtocols: Readonly<Record<PrivProtocol, snmp.PrivProtocols>> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

const securityLevels: Readonly<Record<SecurityLevel, snmp.SecurityLevel>> = {
  noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv,
  authNoPriv: snmp.SecurityLevel.authNoPriv,
  authPriv: snmp.SecurityLevel.authPriv,
};

function authorize(agent: NetSnmpAgent, credentials: SnmpCredentials): void {
  const authorizer = agent.getAuthorizer();
  // net-snmp's agent answers each request in the version it came in, so one community serves
  // both v1 and v2c, as on the real routers.
  if (credentials.version !== '3') return authorizer.addCommunity(credentials.community.reveal());
  const user: snmp.User = { name: credentials.user, level: securityLevels[credentials.level] };
  if (credentials.level !== 'noAuthNoPriv') {
    user.authProtocol = authProtocols[credentials.authProtocol];
    user.authKey = credentials.authKey.reveal();
  }
  if (credentials.level === 'authPriv') {
    user.privProtocol = privProtocols[credentials.privProtocol];
    user.privKey = credentials.privKey.reveal();
  }
  authorizer.addUser(user);
}

// ---------------------------------------------------------------------------------------------
// The MIB: columns and how each is read from the device
// ---------------------------------------------------------------------------------------------

const T = snmp.ObjectType;
const READ_ONLY = snmp.MaxAccess['read-only'];
const NOT_ACCESSIBLE = snmp.MaxAccess['not-accessible'];
const MAX_GAUGE = 4294967295;

interface Column {
  number: number;
  name: string;
  type: number;
  read(iface: SimInterface, context: { device: SimDevice; nowMs: number }): unknown;
}

const u32 = (value: bigint) => Number(value & MASK32);
const counter64 = (value: bigint): Buffer => {
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeBigUInt64BE(value);
  return buffer;
};
const ticksSinceBoot = (atMs: number, device: SimDevice) => Number(BigInt(Math.max(0, Math.floor((atMs - device.bootMs()) / 10))) & MASK32);
const status = (up: boolean) => (up ? 1 : 2);
const truth = (yes: boolean) => (yes ? 1 : 2);
const physical = (iface: SimInterface) => iface.physAddress.length > 0;
const nonUnicastTotal = (iface: SimInterface) => {
  const packets = nonUnicast(iface.counters);
  return { in: packets.inMulticast + packets.inBroadcast, out: packets.outMulticast + packets.outBroadcast };
};

/** IF-MIB ifEntry (RFC 2863), every column. */
const ifEntryColumns: readonly Column[] = [
  { number: 1, name: 'ifIndex', type: T.Integer, read: (i) => i.ifIndex },
  { number: 2, name: 'ifDescr', type: T.OctetString, read: (i) => i.descr },
  { number: 3, name: 'ifType', type: T.Integer, read: (i) => i.type },
  { number: 4, name: 'ifMtu', type: T.Integer, read: (i) => i.mtu },
  { number: 5, name: 'ifSpeed', type: T.Gauge, read: (i) => Math.min(i.speedBps, MAX_GAUGE) },
  { number: 6, name: 'ifPhysAddress', type: T.OctetString, read: (i) => i.physAddress },
  { number: 7, name: 'ifAdminStatus', type: T.Integer, read: (i) => status(i.adminUp) },
  { number: 8, name: 'ifOperStatus', type: T.Integer, read: (i) => status(i.operUp) },
  { number: 9, name: 'ifLastChange', type: T.TimeTicks, read: (i, c) => ticksSinceBoot(i.lastChangeMs, c.device) },
  { number: 10, name: 'ifInOctets', type: T.Counter, read: (i, c) => c.device.octets32(i).in },
  { number: 11, name: 'ifInUcastPkts', type: T.Counter, read: (i) => u32(i.counters.inUcastPkts) },
  { number: 12, name: 'ifInNUcastPkts', type: T.Counter, read: (i) => u32(nonUnicastTotal(i).in) },
  { number: 13, name: 'ifInDiscards', type: T.Counter, read: (i) => u32(i.counters.inDiscards) },
  { number: 14, name: 'ifInErrors', type: T.Counter, read: (i) => u32(i.counters.inErrors) },
  { number: 15, name: 'ifInUnknownProtos', type: T.Counter, read: () => 0 },
  { number: 16, name: 'ifOutOctets', type: T.Counter, read: (i, c) => c.device.octets32(i).out },
  { number: 17, name: 'ifOutUcastPkts', type: T.Counter, read: (i) => u32(i.counters.outUcastPkts) },
  { number: 18, name: 'ifOutNUcastPkts', type: T.Counter, read: (i) => u32(nonUnicastTotal(i).out) },
  { number: 19, name: 'ifOutDiscards', type: T.Counter, read: (i) => u32(i.counters.outDiscards) },
  { number: 20, name: 'ifOutErrors', type: T.Counter, read: (i) => u32(i.counters.outErrors) },
  { number: 21, name: 'ifOutQLen', type: T.Gauge, read: () => 0 },
  { number: 22, name: 'ifSpecific', type: T.OID, read: () => '0.0' },
];

const hcColumnNumbers = new Set([6, 7, 8, 9, 10, 11, 12, 13]);

/** IF-MIB ifXEntry, every column; the ifHC* ones (6–13) only on profiles with 64-bit counters. */
const ifXEntryColumns: readonly Column[] = [
  { number: 1, name: 'ifName', type: T.OctetString, read: (i) => i.name },
  { number: 2, name: 'ifInMulticastPkts', type: T.Counter, read: (i) => u32(nonUnicast(i.counters).inMulticast) },
  { number: 3, name: 'ifInBroadcastPkts', type: T.Counter, read: (i) => u32(nonUnicast(i.counters).inBroadcast) },
  { number: 4, name: 'ifOutMulticastPkts', type: T.Counter, read: (i) => u32(nonUnicast(i.counters).outMulticast) },
  { number: 5, name: 'ifOutBroadcastPkts', type: T.Counter, read: (i) => u32(nonUnicast(i.counters).outBroadcast) },
  { number: 6, name: 'ifHCInOctets', type: T.Counter64, read: (i) => counter64(i.counters.inOctets) },
  { number: 7, name: 'ifHCInUcastPkts', type: T.Counter64, read: (i) => counter64(i.counters.inUcastPkts) },
  { number: 8, name: 'ifHCInMulticastPkts', type: T.Counter64, read: (i) => counter64(nonUnicast(i.counters).inMulticast) },
  { number: 9, name: 'ifHCInBroadcastPkts', type: T.Counter64, read: (i) => counter64(nonUnicast(i.counters).inBroadcast) },
  { number: 10, name: 'ifHCOutOctets', type: T.Counter64, read: (i) => counter64(i.counters.outOctets) },
  { number: 11, name: 'ifHCOutUcastPkts', type: T.Counter64, read: (i) => counter64(i.counters.outUcastPkts) },
  { number: 12, name: 'ifHCOutMulticastPkts', type: T.Counter64, read: (i) => counter64(nonUnicast(i.counters).outMulticast) },
  { number: 13, name: 'ifHCOutBroadcastPkts', type: T.Counter64, read: (i) => counter64(nonUnicast(i.counters).outBroadcast) },
  { number: 14, name: 'ifLinkUpDownTrapEnable', type: T.Integer, read: (i) => truth(physical(i)) },
  { number: 15, name: 'ifHighSpeed', type: T.Gauge, read: (i) => Math.round(i.speedBps / 1_000_000) },
  { number: 16, name: 'ifPromiscuousMode', type: T.Integer, read: () => truth(false) },
  { number: 17, name: 'ifConnectorPresent', type: T.Integer, read: (i) => truth(physical(i)) },
  { number: 18, name: 'ifAlias', type: T.OctetString, read: (i) => i.alias },
  // sysUpTime at the last discontinuity other than a boot: a counter-wrap fault's jump.
  { number: 19, name: 'ifCounterDiscontinuityTime', type: T.TimeTicks, read: (i, c) => (i.discontinuityMs === undefined ? 0 : ticksSinceBoot(i.discontinuityMs, c.device)) },
];

const OIDS = {
  system: '1.3.6.1.2.1.1',
  ifEntry: '1.3.6.1.2.1.2.2.1',
  ifXEntry: '1.3.6.1.2.1.31.1.1.1',
  entPhysicalEntry: '1.3.6.1.2.1.47.1.1.1.1',
} as const;

const tableColumn = (column: { number: number; name: string; type: number }, maxAccess = READ_ONLY) => ({
  number: column.number,
  name: column.name,
  type: column.type,
  maxAccess,
});

/** The device a request is answered for, at the request's time. Owned by the agent. */
interface RequestTarget {
  device: SimDevice;
  nowMs: number;
  /** The `wrong-type` malformed variant is on: counter cells answer with the wrong SMI type. */
  wrongTypes: boolean;
  /** The request is SNMPv1, which cannot carry Counter64. */
  version1: boolean;
}

/**
 * A net-snmp MIB and the target its handlers read from. The MIB holds only the tree's shape
 * (which OIDs exist) and placeholder values; every cell is filled by a handler from `target`.
 * net-snmp answers a request synchronously from the datagram's arrival to the response's
 * encoding, so agents whose tables have the same shape can share one MIB: each sets `target`
 * before handing a datagram to net-snmp and clears it afterwards.
 */
interface BoundMib {
  mib: Mib;
  target: RequestTarget | undefined;
}

/**
 * MIBs shared between agents, one per table shape (profile's ifXTable support, ifIndex set,
 * ENTITY-MIB rows). A net-snmp MIB tree costs about 200 KiB for a 10-interface device; with a
 * shared cache a thousand agents of a few profiles hold a handful of trees. Make one with
 * `createSimMibCache()` and pass it to every `startSimAgent` of one simulator.
 */
export interface SimMibCache {
  /** Distinct MIB trees built so far. */
  readonly size: number;
}

interface MibCacheEntries extends SimMibCache {
  get(device: SimDevice): BoundMib;
}

/** An empty cache; agents started with it build each shape's tree once and share it. */
export function createSimMibCache(): SimMibCache {
  const entries = new Map<string, BoundMib>();
  const cache: MibCacheEntries = {
    get size() {
      return entries.size;
    },
    get(device) {
      const key = mibShape(device);
      let entry = entries.get(key);
      if (!entry) entries.set(key, (entry = buildMib(device)));
      return entry;
    },
  };
  return cache;
}

/** What decides the MIB tree's shape: everything else is read per request. */
function mibShape(device: SimDevice): string {
  return [device.profile.ifX, device.entities.length, device.interfaces().map((iface) => iface.ifIndex).join(',')].join('|');
}

/** Values that pass net-snmp's row validation until a handler puts the real one in. */
const placeholders: Record<number, unknown> = {
  [T.Integer]: 0,
  [T.OctetString]: '',
  [T.OID]: '0.0',
  [T.Counter]: 0,
  [T.Gauge]: 0,
  [T.TimeTicks]: 0,
  [T.Counter64]: 0,
};

interface EntityColumn {
  number: number;
  name: string;
  type: number;
  read(row: EntityRow): unknown;
}

/** ENTITY-MIB entPhysicalEntry (RFC 6933), columns 2–16. */
const entPhysicalColumns: readonly EntityColumn[] = [
  { number: 2, name: 'entPhysicalDescr', type: T.OctetString, read: (r) => r.descr },
  { number: 3, name: 'entPhysicalVendorType', type: T.OID, read: (r) => r.vendorType },
  { number: 4, name: 'entPhysicalContainedIn', type: T.Integer, read: (r) => r.containedIn },
  { number: 5, name: 'entPhysicalClass', type: T.Integer, read: (r) => r.class },
  { number: 6, name: 'entPhysicalParentRelPos', type: T.Integer, read: (r) => r.parentRelPos },
  { number: 7, name: 'entPhysicalName', type: T.OctetString, read: (r) => r.name },
  { number: 8, name: 'entPhysicalHardwareRev', type: T.OctetString, read: (r) => r.hardwareRev },
  { number: 9, name: 'entPhysicalFirmwareRev', type: T.OctetString, read: (r) => r.firmwareRev },
  { number: 10, name: 'entPhysicalSoftwareRev', type: T.OctetString, read: (r) => r.softwareRev },
  { number: 11, name: 'entPhysicalSerialNum', type: T.OctetString, read: (r) => r.serial },
  { number: 12, name: 'entPhysicalMfgName', type: T.OctetString, read: (r) => r.manufacturer },
  { number: 13, name: 'entPhysicalModelName', type: T.OctetString, read: (r) => r.model },
  { number: 14, name: 'entPhysicalAlias', type: T.OctetString, read: () => '' },
  { number: 15, name: 'entPhysicalAssetID', type: T.OctetString, read: () => '' },
  { number: 16, name: 'entPhysicalIsFRU', type: T.Integer, read: (r) => truth(r.fru) },
];

const systemScalars: readonly { number: number; name: string; type: number; read(device: SimDevice, nowMs: number): unknown }[] = [
  { number: 1, name: 'sysDescr', type: T.OctetString, read: (d) => d.system.descr },
  { number: 2, name: 'sysObjectID', type: T.OID, read: (d) => d.system.objectId },
  { number: 3, name: 'sysUpTime', type: T.TimeTicks, read: (d, nowMs) => d.uptimeTicks(nowMs) },
  { number: 4, name: 'sysContact', type: T.OctetString, read: (d) => d.system.contact },
  { number: 5, name: 'sysName', type: T.OctetString, read: (d) => d.system.name },
  { number: 6, name: 'sysLocation', type: T.OctetString, read: (d) => d.system.location },
  { number: 7, name: 'sysServices', type: T.Integer, read: (d) => d.system.services },
];

/** A MIB tree shaped for `device` (and every device of the same shape). */
function buildMib(device: SimDevice): BoundMib {
  const mib = snmp.createMib() as Mib;
  // net-snmp looks up every column of a cell's row, twice per varbind, only to attach the row to
  // the data it hands the agent's callback, which ignores it. That lookup was two thirds of the
  // agent's CPU per request: skip it for this MIB.
  mib.getTableRowCells = () => null;
  const bound: BoundMib = { mib, target: undefined };

  for (const scalar of systemScalars) {
    mib.registerProvider({
      name: scalar.name,
      type: snmp.MibProviderType.Scalar,
      oid: `${OIDS.system}.${scalar.number}`,
      scalarType: scalar.type,
      maxAccess: READ_ONLY,
      handler: (request: MibRequest) => {
        const target = bound.target;
        if (target) request.instanceNode.value = scalar.read(target.device, target.nowMs);
        request.done();
      },
    });
    mib.setScalarValue(scalar.name, placeholders[scalar.type]);
  }

  // The cell's address ends in COLUMN.INDEX.
  const interfaceCells = (columns: readonly Column[]) => {
    const byNumber = new Map(columns.map((column) => [column.number, column]));
    return (request: MibRequest) => {
      const target = bound.target;
      const address = request.instanceNode.address;
      const column = byNumber.get(address[address.length - 2]!);
      const iface = target?.device.interfaceAt(address[address.length - 1]!, target.nowMs);
      if (!target || !column || !iface) return request.done();
      // A v1 GET of a Counter64 object: noSuchName, as RFC 3584 §4.2.2.1 has it (GETNEXT skips them).
      if (target.version1 && column.type === T.Counter64) return request.done({ errorStatus: snmp.ErrorStatus.NoSuchName });
      if (target.wrongTypes) {
        const wrong = wrongTypeCell(column.type);
        // An error-shaped result with noError is net-snmp's way to answer one cell with any type
        // and value while leaving the MIB node, shared and correctly typed, alone.
        if (wrong) return request.done({ errorStatus: snmp.ErrorStatus.NoError, ...wrong });
      }
      request.instanceNode.value = column.read(iface, target);
      request.done();
    };
  };

  const indexes = device.interfaces().map((iface) => iface.ifIndex);
  mib.registerProvider({
    name: 'ifTable',
    type: snmp.MibProviderType.Table,
    oid: OIDS.ifEntry,
    maxAccess: NOT_ACCESSIBLE,
    tableColumns: ifEntryColumns.map((column) => tableColumn(column)),
    tableIndex: [{ columnName: 'ifIndex' }],
    handler: interfaceCells(ifEntryColumns),
  });
  for (const index of indexes) mib.addTableRow('ifTable', [index, ...ifEntryColumns.slice(1).map((column) => placeholders[column.type])]);

  if (device.profile.ifX !== 'none') {
    const columns = ifXEntryColumns.filter((column) => device.profile.ifX === 'hc' || !hcColumnNumbers.has(column.number));
    mib.registerProvider({
      name: 'ifXTable',
      type: snmp.MibProviderType.Table,
      oid: OIDS.ifXEntry,
      maxAccess: NOT_ACCESSIBLE,
      tableColumns: columns.map((column) => tableColumn(column)),
      tableAugments: 'ifTable',
      handler: interfaceCells(columns),
    });
    for (const index of indexes) mib.addTableRow('ifXTable', [index, ...columns.map((column) => placeholders[column.type])]);
  }

  if (device.entities.length > 0) {
    const byNumber = new Map(entPhysicalColumns.map((column) => [column.number, column]));
    mib.registerProvider({
      name: 'entPhysicalTable',
      type: snmp.MibProviderType.Table,
      oid: OIDS.entPhysicalEntry,
      maxAccess: NOT_ACCESSIBLE,
      tableColumns: [tableColumn({ number: 1, name: 'entPhysicalIndex', type: T.Integer }, NOT_ACCESSIBLE), ...entPhysicalColumns.map((column) => tableColumn(column))],
      tableIndex: [{ columnName: 'entPhysicalIndex' }],
      handler: (request: MibRequest) => {
        const address = request.instanceNode.address;
        const column = byNumber.get(address[address.length - 2]!);
        const row = bound.target?.device.entities[address[address.length - 1]! - 1];
        if (column && row) request.instanceNode.value = column.read(row);
        request.done();
      },
    });
    for (const row of device.entities) mib.addTableRow('entPhysicalTable', [row.index, ...entPhysicalColumns.map((column) => placeholders[column.type])]);
  }
  return bound;
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

/**
 * The SNMP version field of a datagram (0 = v1, 1 = v2c, 3 = v3), read from its first bytes
 * without decoding the rest; undefined when the bytes are not an SNMP message.
 */
export function peekSnmpVersion(datagram: Buffer): number | undefined {
  if (datagram[0] !== 0x30 || datagram.length < 5) return undefined;
  const lengthByte = datagram[1]!;
  const offset = lengthByte & 0x80 ? 2 + (lengthByte & 0x7f) : 2;
  if (datagram[offset] !== 0x02 || datagram[offset + 1] !== 1) return undefined;
  return datagram[offset + 2];
}

function bindSocket(address: { host: string; port: number }): Promise<dgram.Socket> {
  const socket = dgram.createSocket(isIP(address.host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(address.port, address.host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The agent
// ---------------------------------------------------------------------------------------------

/**
 * Starts an SNMP agent for one simulated device, on `socket` if given (already bound, possibly
 * inside a network namespace) or else bound to `address`. Rejects if the address cannot be bound.
 */
export async function startSimAgent(options: SimAgentOptions): Promise<RunningSimAgent> {
  const { spec, clock } = options;
  const device = options.device ?? createSimDevice({ spec, nowMs: clock.now() });
  const socket = options.socket ?? (await bindSocket(options.address ?? { host: '127.0.0.1', port: 0 }));
  const bound = socket.address();

  const stats = { requests: 0, answered: 0, dropped: 0 };
  const target: RequestTarget = { device, nowMs: clock.now(), wrongTypes: false, version1: false };
  const mibs = (options.mibs ?? createSimMibCache()) as MibCacheEntries;
  let current = mibs.get(device);
  const random = seededRandom(hash32(spec.seed, 0x6c6f7373));
  const timers = new Set<NodeJS.Timeout>();
  let silent = false;
  let delayMs = 0;
  let lossPercent = 0;
  let malformed: MalformedVariant | undefined;
  let garbageSequence = 0;
  let stopped = false;
  // SNMPv3 snmpEngineTime counts real seconds: managers advance their notion of it with their own
  // clock and reject answers more than 150 s off (RFC 3414 §3.2), whatever the simulated speed.
  let engineEpoch = performance.now();

  let deliver: ((message: Buffer, remote: dgram.RemoteInfo) => void) | undefined;
  const sendTo = (bytes: Buffer, port: number, host: string) => {
    stats.answered++;
    // Without a callback a send error goes to the socket's 'error' listener below, which drops it
    // like a router would: a manager gone away is not the agent's problem.
    socket.send(bytes, port, host);
  };
  const facade: ListenerSocket = {
    on(event, listener) {
      if (event === 'message') deliver = listener as unknown as typeof deliver;
      // 'error' stays with the real socket's own listener below.
      return facade;
    },
    bind() {
      // Already bound by the caller or above.
      return facade;
    },
    send(buffer, offset, length, port, host) {
      let bytes = buffer.subarray(offset, offset + length);
      const plan = malformed && malformedPlans[malformed];
      if (plan?.stage === 'encoded') bytes = plan.damage(bytes);
      sendTo(bytes, port, host);
    },
    close(callback) {
      try {
        socket.close(callback);
      } catch {
        // Already closed by its owner.
        callback?.();
      }
    },
    address() {
      try {
        return socket.address();
      } catch {
        // net-snmp asks for the address while closing; a socket its owner already closed has none.
        return bound;
      }
    },
  };

  const agent = snmp.createAgent(
    {
      dgramModule: { createSocket: () => facade },
      transport: bound.family === 'IPv6' ? 'udp6' : 'udp4',
      address: bound.address,
      port: bound.port,
      engineID: device.engineId,
    },
    // Failed authentication and undecodable requests arrive here; a router ignores them too.
    () => undefined,
    current.mib,
  ) as NetSnmpAgent;
  authorize(agent, spec.credentials);

  const nextVarbind = agent.addGetNextVarbind.bind(agent);
  agent.addGetNextVarbind = (targets, startOid) => {
    let node = nextVarbind(targets, startOid);
    // SNMPv1 cannot carry Counter64, so a v1 GETNEXT skips those objects (RFC 3584 §4.2.2.1).
    while (target.version1 && node && node.valueType === T.Counter64) {
      targets.pop();
      node = nextVarbind(targets, node.oid);
    }
    return node;
  };

  const handle = (message: Buffer, remote: dgram.RemoteInfo) => {
    if (stopped) return;
    if (silent) {
      stats.dropped++;
      return;
    }
    const plan = malformed && malformedPlans[malformed];
    if (plan?.stage === 'raw') {
      sendTo(plan.reply(message, garbageSequence++, spec.seed), remote.port, remote.address);
      return;
    }
    target.nowMs = clock.now();
    target.wrongTypes = plan?.stage === 'values';
    target.version1 = peekSnmpVersion(message) === snmp.Version1;
    agent.engine.engineBoots = device.reboots + 1;
    agent.engine.engineTime = Math.floor((performance.now() - engineEpoch) / 1000);
    current.target = target;
    try {
      deliver?.(message, remote);
    } catch {
      // net-snmp throws from a few paths it does not guard (a value it cannot encode); one bad
      // request must not take the whole simulator down.
      stats.dropped++;
    } finally {
      current.target = undefined;
    }
  };

  socket.on('message', (message, remote) => {
    stats.requests++;
    if (silent || (lossPercent > 0 && random() * 100 < lossPercent)) {
      stats.dropped++;
      return;
    }
    if (delayMs <= 0) return handle(message, remote);
    const timer = setTimeout(() => {
      timers.delete(timer);
      handle(message, remote);
    }, delayMs);
    timers.add(timer);
  });
  socket.on('error', () => undefined);

  const now = () => clock.now();
  return {
    deviceId: spec.device.id,
    device,
    address: { host: bound.address, port: bound.port },
    reboot() {
      device.reboot(now());
      engineEpoch = performance.now();
    },
    wrapCounters: () => device.wrapCounters(now()),
    reindex() {
      device.reindex(now());
      current = mibs.get(device);
      agent.setMib(current.mib);
    },
    setLinkInterface: (linkId, state) => device.setLinkInterface(linkId, state, now()),
    setSilent(value) {
      silent = value;
    },
    setDelay(value) {
      delayMs = Math.max(0, value);
    },
    setRequestLoss(percent) {
      lossPercent = Math.min(100, Math.max(0, percent));
    },
    setSaturation: (linkId, percent) => device.setSaturation(linkId, percent, now()),
    setMalformed(variant) {
      malformed = variant;
    },
    stats: () => ({ ...stats }),
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => agent.close(() => resolve()));
    },
  };
}
