/**
 * Login throttling: after `maxFailures` failed logins within `windowMs` for one client address
 * or one user name, further attempts from it are refused until the oldest failure leaves the
 * window. Keyed both ways, so one client cannot guess many users' passwords quickly and many
 * clients cannot guess one user's. Pure over an injected clock; the state is the limiter's own.
 */

export interface LoginLimiterOptions {
  clock: () => number;
  /** Default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Keys remembered at most; the oldest are forgotten first. Default 10,000. */
  maxKeys?: number;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfterS: number };

export interface LoginLimiter {
  check(keys: readonly string[]): LimitDecision;
  fail(keys: readonly string[]): void;
  /** A successful login clears its keys' failures. */
  succeed(keys: readonly string[]): void;
}

export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const { clock } = options;
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const failures = new Map<string, number[]>();

  const recent = (key: string, nowMs: number): number[] => {
    const times = (failures.get(key) ?? []).filter((t) => nowMs - t < windowMs);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };

  return {
    check(keys) {
      const nowMs = clock();
      let waitMs = 0;
      for (const key of keys) {
        const times = recent(key, nowMs);
        if (times.length >= maxFailures) waitMs = Math.max(waitMs, times[times.length - maxFailures]! + windowMs - nowMs);
      }
      return waitMs > 0 ? { ok: false, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) } : { ok: true };
    },
    fail(keys) {
      const nowMs = clock();
      for (const key of keys) {
        const times = recent(key, nowMs);
        times.push(nowMs);
        failures.delete(key);
        failures.set(key, times.slice(-maxFailures));
      }
      // Map iteration is insertion order: the first keys are the least recently failed.
      for (const key of failures.keys()) {
        if (failures.size <= maxKeys) break;
        failures.delete(key);
      }
    },
    succeed(keys) {
      for (const key of keys) failures.delete(key);
    },
  };
}
