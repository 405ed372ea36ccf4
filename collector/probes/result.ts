/**
 * Why a probe got no usable answer. A failed target is data: the reason travels with the
 * result so the collector can store it and the alert engine can tell an outage from a typo.
 */
export const failureReasons = [
  'timeout', // no answer within the deadline (also what a wrong v1/v2c community looks like)
  'unreachable', // the network said so: EHOSTUNREACH, ENETUNREACH, ICMP port unreachable
  'auth', // SNMPv3 authentication or privacy failure, unknown user
  'malformed', // an answer arrived but could not be decoded
  'missing', // the agent answered, but without the objects asked for
  'refused', // the agent refused the request (an SNMP error status)
  'config', // the request could not even be built from the given settings
  'internal', // a bug or a local resource problem (spawn failed, out of sockets)
] as const;

export type FailureReason = (typeof failureReasons)[number];

export interface ProbeFailure {
  ok: false;
  reason: FailureReason;
  /** Human-readable, names the target. */
  message: string;
}

export type ProbeResult<T extends object> = ({ ok: true } & T) | ProbeFailure;

export const probeFailure = (reason: FailureReason, message: string): ProbeFailure => ({
  ok: false,
  reason,
  message,
});

export interface ProbeContext {
  signal?: AbortSignal;
}
