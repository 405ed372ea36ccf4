/**
 * The faults the simulator can play: one source of truth for their kinds, shared by the
 * scenario schema, the timeline, the ground-truth log, the SNMP side and the network side.
 * Registries are typed `{[K in FaultKind]: …}` so a kind added here fails to compile until
 * every side handles it.
 */

/** Faults with a start and an end (the simulator restores the normal state at the end). */
export interface DurableFaults {
  /** The link's ICMP targets stop answering and its carrying interface goes oper-down. */
  'link-down': { link: string };
  /** The device's SNMP agent stops answering; its management address still answers ping. */
  'agent-silent': { device: string };
  /** Power cut: every device, agent and link target at the site is silent. */
  'site-dark': { site: string };
  /** An upstream link fails: it and every link behind it (by `upstream`) stop answering. */
  'upstream-failure': { link: string };
  /** The agent answers, but only after `delayMs`. */
  'slow-answers': { device: string; delayMs: number };
  /** A share of ICMP echoes to the link's targets (and SNMP requests to its device) is lost. */
  'packet-loss': { link: string; percent: number };
  /** Extra round-trip time on the link's targets. Not playable on this kernel (no netem): the
   * network side reports it as unsupported and the ground-truth log says so. */
  latency: { link: string; delayMs: number };
  /** Traffic on the link's interface runs at `percent` of the contracted capacity. */
  saturation: { link: string; percent: number };
  /** The agent answers with broken packets instead of SNMP. */
  'malformed-replies': { device: string; variant: MalformedVariant };
}

/** Faults that happen at an instant. */
export interface InstantFaults {
  /** sysUpTime and every counter start again from 0. */
  reboot: { device: string };
  /** Counter32 octet counters jump to just below 2^32 at their next read, so the interval after
   * that holds a clean wrap. The jump itself is a discontinuity (ifCounterDiscontinuityTime marks
   * it); the collector discards it as an impossible rate on any interface slower than ~500 Mbit/s. */
  'counter-wrap': { device: string };
  /** ifIndex values are reassigned (ifName stays), as after a line-card insertion. */
  reindex: { device: string };
}

export type MalformedVariant = 'garbage' | 'truncated' | 'wrong-type';
export const malformedVariants = ['garbage', 'truncated', 'wrong-type'] as const satisfies readonly MalformedVariant[];

export type DurableFaultKind = keyof DurableFaults;
export type InstantFaultKind = keyof InstantFaults;
export type FaultKind = DurableFaultKind | InstantFaultKind;

export const durableFaultKinds = ['link-down', 'agent-silent', 'site-dark', 'upstream-failure', 'slow-answers', 'packet-loss', 'latency', 'saturation', 'malformed-replies'] as const satisfies readonly DurableFaultKind[];
export const instantFaultKinds = ['reboot', 'counter-wrap', 'reindex'] as const satisfies readonly InstantFaultKind[];

export type Fault = { [K in DurableFaultKind]: { kind: K } & DurableFaults[K] }[DurableFaultKind] | { [K in InstantFaultKind]: { kind: K } & InstantFaults[K] }[InstantFaultKind];
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

/** A fault placed in time (epoch ms, simulated clock). Instant faults have no `endMs`. */
export type ScheduledFault = Fault & { id: string; startMs: number; endMs?: number };

/** One line of the ground-truth log: what the simulator really did, when. `startMs`/`endMs`
 * are wall-clock epoch ms (what linkwatch's own clock saw); `simulated` gives the scenario's
 * times when the clock is compressed. */
export interface TruthRecord {
  id: string;
  kind: FaultKind;
  /** The site, link or device the fault hit (as named in the inventory). */
  site?: string;
  link?: string;
  device?: string;
  /** Links, devices and sites that became unreachable as a consequence (upstream failure, dark site). */
  affected?: { sites: string[]; links: string[]; devices: string[] };
  startMs: number;
  endMs?: number;
  simulated?: { startMs: number; endMs?: number };
  /** `applied`, or `unsupported` with the reason (latency without netem, ICMP faults without root). */
  status: 'applied' | 'unsupported';
  note?: string;
}
