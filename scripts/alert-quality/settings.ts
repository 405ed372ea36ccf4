import { stringify } from 'yaml';
import { formatDuration } from '../../config/duration.ts';
import { parseConfig } from '../../config/load.ts';
import { alertsSchema } from '../../config/alerts.ts';
import type { Config } from '../../config/schema.ts';

// The collector and alert settings a harness run uses: the schema's defaults for the bench (only
// the ICMP interval may change), or every time setting scaled down for the short seed in
// `npm test`. YAML-ready sections; the runner adds the inventory, the webhook and the outbox.

export interface HarnessSettings {
  /** The `collector` section as written (empty: every default). */
  collector: Record<string, unknown>;
  /** The `alerts` section without channels, routes and outbox. */
  alerts: Record<string, unknown>;
  /** Fault durations relative to the bench's at the defaults. */
  scale: number;
  /** The collector's scheduler and the engine's evaluation tick. */
  tickMs: number;
}

/** Alerts as the district runs them here: reboots told, utilisation off (traffic is simulated). */
const RULES = { reboot: { enabled: true }, utilisation: { enabled: false } };

/** Every collector and alerts setting at its schema default; `icmpIntervalMs` sets
 * collector.icmp.interval alone. The engine evaluates every second, as in the daemon. */
export function benchSettings(options: { icmpIntervalMs?: number } = {}): HarnessSettings {
  return {
    collector: options.icmpIntervalMs === undefined ? {} : { icmp: { interval: formatDuration(options.icmpIntervalMs) } },
    alerts: { rules: RULES },
    scale: 1,
    tickMs: 1_000,
  };
}

/** How much shorter the short seed's times are than the defaults (ICMP 30 s → 2 s). */
export const SHORT_SEED_FACTOR = 15;

/** A duration divided by the short seed's factor, to 100 ms. */
const shortened = (ms: number) => formatDuration(Math.max(100, Math.round(ms / SHORT_SEED_FACTOR / 100) * 100));

/**
 * The defaults divided by 15: ICMP every 2 s with 5 echoes 100 ms apart and a 500 ms timeout,
 * SNMP every 4 s with a 500 ms timeout and 1 retry, grouping 1 s (rounded up), and every other
 * time setting of the alerts section the schema has (flapping window and settleAfter, each
 * rule's `for`, notifyWithin) divided alike; fault durations too. Counts (echoes, downAfter,
 * upAfter, flapping.changes) stay.
 */
export function shortSeedSettings(): HarnessSettings {
  // Read from the schema, so a time setting added there is shortened too.
  const defaults = alertsSchema.parse({}) as unknown as { flapping: { window: number; settleAfter: number }; rules: Record<string, { for?: number }> } & Record<string, unknown>;
  const rules = Object.fromEntries(Object.entries(defaults.rules).flatMap(([name, rule]) => (rule.for === undefined ? [] : [[name, { for: shortened(rule.for) }]])));
  return {
    collector: { snmp: { interval: '4s', timeout: '500ms', retries: 1 }, icmp: { interval: '2s', count: 5, spacing: '100ms', timeout: '500ms' } },
    alerts: {
      grouping: '1s',
      ...(typeof defaults.notifyWithin === 'number' ? { notifyWithin: shortened(defaults.notifyWithin) } : {}),
      flapping: { window: shortened(defaults.flapping.window), settleAfter: shortened(defaults.flapping.settleAfter) },
      rules: { ...rules, reboot: RULES.reboot, utilisation: { ...rules.utilisation, ...RULES.utilisation } },
    },
    scale: 1 / SHORT_SEED_FACTOR,
    tickMs: 100,
  };
}

/** The settings as linkwatch reads them (schema defaults filled in), to derive the timing. */
export function settingsConfig(settings: HarnessSettings): Config {
  const parsed = parseConfig(stringify({ collector: settings.collector, alerts: settings.alerts }));
  if (!parsed.ok) throw new Error(`harness settings invalid (a harness bug): ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  return parsed.config;
}
