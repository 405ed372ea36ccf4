import type dgram from 'node:dgram';
import type { Device, Link, Site, SnmpCredentials } from '../config/schema.ts';
import type { FaultOf } from './faults.ts';

// The seams between the simulator's parts: the network (addresses, namespaces, ICMP faults),
// the SNMP side (devices and their agents) and the orchestrator (scenarios, timeline, truth).

/** Simulated time: the scenario's clock, possibly compressed (a day in ten minutes). */
export interface SimClock {
  /** Simulated epoch ms. */
  now(): number;
  /** Simulated milliseconds per real millisecond (1 = real time, 144 = a day in ten minutes). */
  readonly speed: number;
}

/** Where a simulated device answers SNMP and where a link's targets answer ICMP. */
export interface SimNetwork {
  readonly mode: 'netns' | 'loopback';
  /** The device's management address: SNMP (port `snmpPort`) and ping both go here. */
  deviceAddress(deviceId: string): { host: string; port: number };
  /** The addresses to put in the link's `targets` (gateway first). */
  linkTargets(linkId: string): string[];
  /**
   * A UDP socket already bound to the device's SNMP address. In `netns` mode the socket is
   * created inside the site's namespace (by a short-lived child process that hands it over), so
   * when the site goes dark the agent really becomes unreachable.
   */
  bindSnmpSocket(deviceId: string): Promise<dgram.Socket>;
  /** ICMP-side faults. Each returns `applied` or why it cannot be played here. */
  setLinkTargets(linkId: string, state: 'up' | 'down'): Promise<FaultOutcome>;
  setSiteDark(siteId: string, dark: boolean): Promise<FaultOutcome>;
  setLinkLoss(linkId: string, percent: number): Promise<FaultOutcome>;
  setLinkLatency(linkId: string, delayMs: number): Promise<FaultOutcome>;
  destroy(): Promise<void>;
}

export type FaultOutcome = { status: 'applied' } | { status: 'unsupported'; note: string };

/** What the SNMP side needs to know about one device. */
export interface SimDeviceSpec {
  device: Device;
  site: Site;
  /** Links this device carries (`link.device === device.id`), for interface names, capacities and traffic. */
  links: readonly Link[];
  /** A vendor profile id from simulator/profiles.ts, e.g. `draytek-vigor2927`. */
  profile: string;
  credentials: SnmpCredentials;
  /** Seeds noise and per-device variation; the same seed gives the same traffic. */
  seed: number;
}

/** A running simulated device: its agent, and the SNMP-side faults it can play. */
export interface SimAgent {
  readonly deviceId: string;
  reboot(): void;
  wrapCounters(): void;
  reindex(): void;
  /** Carrying interface oper-down/up for a link (link-down, upstream failure, dark site). */
  setLinkInterface(linkId: string, state: 'up' | 'down'): void;
  setSilent(silent: boolean): void;
  setDelay(delayMs: number): void;
  setRequestLoss(percent: number): void;
  setSaturation(linkId: string, percent: number | undefined): void;
  setMalformed(variant: FaultOf<'malformed-replies'>['variant'] | undefined): void;
  /** Requests answered and dropped, for tests and the scale benchmark. */
  stats(): { requests: number; answered: number; dropped: number };
  stop(): Promise<void>;
}
