import type { NoReplyEvidence } from './stats.ts';

/**
 * The fields of the `ping` package's (0.4.x) result that matter here. Its numbers are
 * strings (`min: "0.033"`, `packetLoss: "50.000"`, or `"unknown"` when iputils ping failed),
 * and `times` holds the received RTTs without saying which echo they belong to — so the
 * per-echo list is rebuilt from the raw `output`, which keeps iputils' `icmp_seq=N` lines.
 */
export interface PingPackageResponse {
  inputHost: string;
  alive: boolean;
  output: string;
  times: number[];
  packetLoss: string;
}

export interface ParsedPingResponse {
  /** One entry per echo sent, in sending order, `null` where no (timely) reply came. */
  rttsMs: (number | null)[];
  evidence: NoReplyEvidence;
}

export interface ParsePingOptions {
  /** Echoes asked for: the list length when ping died before printing its statistics. */
  count: number;
  /**
   * Replies slower than this count as lost. iputils ping keeps listening after its last
   * echo and counts a late reply as received, fping discards it; this makes both engines
   * apply the same per-echo timeout.
   */
  timeoutMs: number;
}

const REPLY = /icmp_seq=(\d+)\b.*\btime[=<]\s*([\d.]+)\s*ms/;
const TRANSMITTED = /(\d+) packets transmitted/;
// iputils: "From 10.250.29.1 icmp_seq=1 Destination Host Unreachable" (IPv4) and
// "From fe80::1%eth0 icmp_seq=1 Destination unreachable: Address unreachable" (IPv6);
// also "Packet filtered" for administratively prohibited.
const ICMP_UNREACHABLE = /^From (\S+)(?: \(\S+\))? icmp_seq=\d+ (Destination .*|Packet filtered)$/i;
// iputils' own errors: "ping: connect: No route to host", "ping: sendmsg: Network is unreachable".
const LOCAL_ERROR = /^ping6?: (?:(connect|sendmsg|sendto|bind): )?(.+)$/;
const NO_ROUTE = /No route to host|Network is unreachable/i;
const NAME_FAILURE = /Name or service not known|No address associated|Temporary failure in name resolution|Name does not resolve/i;

/** `ping` package result → per-echo RTT list and, for a silent target, why it was silent. */
export function parsePingResponse(response: PingPackageResponse, options: ParsePingOptions): ParsedPingResponse {
  const output = typeof response.output === 'string' ? response.output : '';
  const lines = output.split(/\r?\n/).map((line) => line.trim());

  let transmitted: number | undefined;
  const bySeq = new Map<number, number>();
  let unreachable: string | undefined;
  let localError: string | undefined;

  for (const line of lines) {
    if (line === '') continue;
    const sent = TRANSMITTED.exec(line);
    if (sent) {
      transmitted = Number(sent[1]);
      continue;
    }
    const reply = REPLY.exec(line);
    if (reply) {
      const seq = Number(reply[1]);
      // A duplicate ("(DUP!)") is the same echo answered twice: the first answer stands.
      if (!bySeq.has(seq) && !line.includes('(DUP!)')) bySeq.set(seq, Number(reply[2]));
      continue;
    }
    const icmp = ICMP_UNREACHABLE.exec(line);
    if (icmp) {
      unreachable ??= `${icmp[2] as string} from ${icmp[1] as string}`;
      continue;
    }
    const local = LOCAL_ERROR.exec(line);
    // "ping: no-such-host.invalid: Name or service not known": the name is said by the caller.
    if (local) {
      const text = local[2] as string;
      const prefix = `${response.inputHost}: `;
      localError ??= text.startsWith(prefix) ? text.slice(prefix.length) : text;
    }
  }

  let rttsMs: (number | null)[];
  if (bySeq.size > 0) {
    // iputils numbers echoes from 1.
    const length = transmitted ?? Math.max(options.count, ...bySeq.keys());
    rttsMs = Array.from({ length }, (_, index) => bySeq.get(index + 1) ?? null);
  } else if (Array.isArray(response.times) && response.times.length > 0) {
    // Output in a shape we do not know, but the package found replies: keep them, order
    // unknown, and put the losses (from its packetLoss string, else the count) at the end.
    const loss = Number.parseFloat(response.packetLoss);
    const estimated = Number.isFinite(loss) && loss < 100 ? Math.round(response.times.length / (1 - loss / 100)) : options.count;
    const length = Math.max(response.times.length, transmitted ?? estimated);
    rttsMs = Array.from({ length }, (_, index) => response.times[index] ?? null);
  } else {
    rttsMs = Array.from({ length: transmitted ?? 0 }, () => null);
  }
  rttsMs = rttsMs.map((rtt) => (rtt !== null && Number.isFinite(rtt) && rtt >= 0 && rtt <= options.timeoutMs ? rtt : null));

  const evidence: NoReplyEvidence = {};
  if (unreachable !== undefined) {
    evidence.unreachable = unreachable;
  } else if (localError !== undefined && NO_ROUTE.test(localError)) {
    evidence.unreachable = `${localError} (local route lookup)`;
  } else if (localError !== undefined && NAME_FAILURE.test(localError)) {
    evidence.failure = { reason: 'config', detail: `name did not resolve: ${localError}` };
  } else if (localError !== undefined && transmitted === undefined) {
    // ping gave up before sending (bad option, socket permission): our problem, not the target's.
    evidence.failure = { reason: 'internal', detail: `ping failed: ${localError}` };
  } else if (transmitted === undefined && bySeq.size === 0 && output.trim() === '') {
    evidence.failure = { reason: 'internal', detail: 'ping printed nothing' };
  }
  return { rttsMs, evidence };
}
