import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../../scripts/alert-quality/report.ts';
import { runAlertQuality } from '../../../scripts/alert-quality/run.ts';
import { causeKinds } from '../../../scripts/alert-quality/schedule.ts';
import { outageClaims, scoreRun, type Score } from '../../../scripts/alert-quality/score.ts';
import { SHORT_SEED_FACTOR, shortSeedSettings } from '../../../scripts/alert-quality/settings.ts';

// Issue 14 §1f's short seed: the alert-quality harness (npm run bench:alert-quality) with every
// time setting and fault duration 15 times shorter than the defaults, on 16 sites in network
// namespaces (prefix lwaqt, /24s from offset 90): two minutes of seeded faults, every message
// scored against the simulator's ground truth. The report is printed; the counts are asserted.

const SITES = 16;
const SEED = 4;
const FAULT_MS = 2 * 60_000;

describe('alert quality on the short seed', () => {
  let score: Score;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-alert-quality-test-'));
    const result = await runAlertQuality({
      settings: shortSeedSettings(),
      sites: SITES,
      seed: SEED,
      faultMs: FAULT_MS,
      influx: { url: process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086', database: 'lw_alert_quality_test' },
      prefix: 'lwaqt',
      subnetOffset: 90,
      workDir: dir,
      setupMs: 15_000,
      log: () => undefined,
    });
    score = scoreRun({ network: result.network, causes: result.schedule.causes, truth: result.truth, notices: result.notices, timing: result.timing, runEndMs: result.runEndMs, originMs: result.originMs });
    const interval = `${result.timing.icmpIntervalMs / 1000}s (the defaults ÷ ${SHORT_SEED_FACTOR})`;
    console.log(formatReport(score, { label: { interval, seed: SEED, sites: SITES, minutes: FAULT_MS / 60_000 }, timing: result.timing, originMs: result.originMs }));
    expect(result.unreadable.map((item) => item.message)).toEqual([]);
  }, 5 * 60_000);

  it('played the schedule: every root cause applied, every kind, messages received', () => {
    expect(score.unplayed.map((cause) => `${cause.id} ${cause.kind}`)).toEqual([]);
    expect(new Set(score.causes.map((entry) => entry.cause.kind))).toEqual(new Set(causeKinds));
    expect(score.overall.notices).toBeGreaterThan(0);
  });

  it('misses no outage', () => {
    const missedOutages = score.missed.filter((item) => item.kind !== 'agent-silent').map((item) => `${item.causeId} ${item.kind} ${item.subject}: ${item.detail}`);
    expect(missedOutages).toEqual([]);
  });

  it('sends no false outage notice', () => {
    const falseOutageNotices = score.falseNotices.filter((item) => outageClaims.includes(item.claim)).map((item) => `${item.kind}:${item.event} ${item.subject} (${item.causeId ?? 'no fault'}) ${item.reason}: ${item.detail}`);
    expect(falseOutageNotices).toEqual([]);
  });

  it('sends at most 2 messages per root cause outside flapping', () => {
    const noisyCauses = score.causes
      .filter((entry) => entry.cause.kind !== 'flap' && entry.messages.length > 2)
      .map((entry) => `${entry.cause.id} ${entry.cause.kind}: ${entry.messages.map((message) => `${message.notice.body.kind}:${message.notice.body.event}`).join(', ')}`);
    expect(noisyCauses).toEqual([]);
  });
});
