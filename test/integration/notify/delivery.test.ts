import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../model/alerts.ts';
import { createNotifier, type LinkwatchNotifier, type NotifierOptions } from '../../../collector/notify/notifier.ts';
import { alertSettings, sample } from '../../unit/notify/fixtures.ts';
import { collectingLogger, collectingSink, startHttpReceiver, type HttpReceiver } from './receivers.ts';

// The notifier's promises against real loopback receivers and a hand-driven clock: retries until
// a channel returns, order kept, crash survival, repeats until acknowledged, escalation, quiet hours.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** 14:30 on 27/11/2026 in Vietnam. */
const DAY = Date.UTC(2026, 10, 27, 7, 30);
const BACKOFF = { baseMs: 1_000, capMs: 4_000 };

interface Harness {
  notifier: LinkwatchNotifier;
  clock: { now: number };
  dir: string;
  logger: ReturnType<typeof collectingLogger>;
  sink: ReturnType<typeof collectingSink>;
  /** Moves the clock and ticks. */
  at(ms: number): Promise<void>;
}

async function harness(raw: Record<string, unknown>, options: { dir?: string; start?: number } & Partial<NotifierOptions> = {}): Promise<Harness> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'linkwatch-notify-')));
  const clock = { now: options.start ?? DAY };
  const logger = collectingLogger();
  const sink = collectingSink();
  const created = await createNotifier({ settings: alertSettings({ ...raw, outbox: { dir, ...((raw.outbox as object) ?? {}) } }), clock: { now: () => clock.now }, logger, sink, backoff: BACKOFF, random: () => 0.5, sendTimeoutMs: 2_000 });
  if (!created.ok) throw new Error(created.message);
  cleanups.push(() => created.notifier.close());
  const notifier = created.notifier;
  return {
    notifier,
    clock,
    dir,
    logger,
    sink,
    async at(ms) {
      clock.now = ms;
      await notifier.tick(ms);
    },
  };
}

async function receiver(status = 200): Promise<HttpReceiver> {
  const r = await startHttpReceiver({ status, body: '' });
  cleanups.push(r.stop);
  return r;
}

const webhookRoute = (url: string, route: Record<string, unknown> = {}) => ({
  channels: { hook: { type: 'webhook', url } },
  routes: [{ id: 'ops', channels: ['hook'], ...route }],
});

const ids = (r: HttpReceiver) => r.requests.map((request) => (JSON.parse(request.body) as Notification).id);

describe('retries', () => {
  it('a channel answering 503 gets the message once it answers 200 again, after backoff', async () => {
    const hook = await receiver(503);
    const h = await harness(webhookRoute(hook.url));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(DAY);
    expect(hook.requests).toHaveLength(1);
    expect(h.notifier.stats()).toMatchObject({ pending: 1, failed: 1, sent: 0 });
    // Backoff after the first failure: 1 s base, jitter 0.5 → 750 ms.
    await h.at(DAY + 500);
    expect(hook.requests).toHaveLength(1);
    await h.at(DAY + 800);
    expect(hook.requests).toHaveLength(2);
    hook.answer(200);
    await h.at(DAY + 800 + 1_000);
    expect(hook.requests).toHaveLength(2);
    await h.at(DAY + 800 + 1_600);
    expect(hook.requests).toHaveLength(3);
    expect(h.notifier.stats()).toMatchObject({ pending: 0, failed: 2, sent: 1 });
    expect(await readdir(h.dir)).not.toContainEqual(expect.stringMatching(/^d-/));
    expect(h.sink.points.map((p) => p.tags)).toEqual([
      { route: 'ops', channel: 'hook', status: 'retrying' },
      { route: 'ops', channel: 'hook', status: 'retrying' },
      { route: 'ops', channel: 'hook', status: 'sent' },
    ]);
    expect(h.sink.points[2]!.fields).toMatchObject({ notification_id: 'link-down:nam-xe-tslcd:firing', attempts: 3 });
  });

  it('a stopped receiver that comes back gets firing then resolved, in order', async () => {
    const hook = await receiver(200);
    await hook.stop();
    const h = await harness(webhookRoute(hook.url));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(DAY);
    await h.notifier.publish(sample('link-down', 'resolved'));
    await h.at(DAY + 1_000);
    expect(h.notifier.stats()).toMatchObject({ pending: 2, sent: 0 });
    expect(h.logger.lines.some((line) => line.includes('ECONNREFUSED'))).toBe(true);
    await hook.restart();
    await h.at(DAY + 60_000);
    expect(ids(hook)).toEqual(['link-down:nam-xe-tslcd:firing', 'link-down:nam-xe-tslcd:resolved']);
  });

  it('drops a message the receiver refuses for good, and one still failing after maxAge', async () => {
    const refusing = await receiver(400);
    const h = await harness(webhookRoute(refusing.url));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(DAY);
    expect(h.notifier.stats()).toMatchObject({ pending: 0, dropped: 1 });
    expect(h.sink.points.at(-1)!.tags.status).toBe('dropped');
    expect(h.logger.lines.some((line) => line.includes('"level":"error"') && line.includes('not retryable'))).toBe(true);

    const down = await receiver(503);
    const aged = await harness({ ...webhookRoute(down.url), outbox: { maxAge: '10s' } });
    await aged.notifier.publish(sample('link-down', 'firing'));
    await aged.notifier.publish(sample('loss', 'firing'));
    await aged.at(DAY);
    expect(aged.notifier.stats()).toMatchObject({ pending: 2, dropped: 0 });
    await aged.at(DAY + 10_000);
    expect(aged.notifier.stats()).toMatchObject({ pending: 0, dropped: 2 });
  });

  it('tick is a no-op while nothing is due', async () => {
    const hook = await receiver(503);
    const h = await harness(webhookRoute(hook.url));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(DAY);
    for (let t = 1; t < 700; t += 50) await h.at(DAY + t);
    expect(hook.requests).toHaveLength(1);
  });
});

describe('crash survival', () => {
  it('a message published before a SIGKILL is delivered by the next notifier on the same outbox', async () => {
    const hook = await receiver(200);
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-notify-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), dir, hook.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal, stderr).toBe('SIGKILL');
    expect(hook.requests).toHaveLength(0);

    const h = await harness(webhookRoute(hook.url), { dir });
    expect(h.notifier.stats().pending).toBe(1);
    await h.at(DAY);
    expect(ids(hook)).toEqual(['link-down:nam-xe-tslcd:firing']);
    expect(h.notifier.stats().pending).toBe(0);
  });

  it('a closed notifier’s pending and failed messages are resumed, keeping their attempts', async () => {
    const hook = await receiver(503);
    const first = await harness(webhookRoute(hook.url));
    await first.notifier.publish(sample('link-down', 'firing'));
    await first.at(DAY);
    await first.notifier.close();
    hook.answer(200);
    const second = await harness(webhookRoute(hook.url), { dir: first.dir });
    // Still backing off from the failure before the restart.
    await second.at(DAY + 100);
    expect(hook.requests).toHaveLength(1);
    await second.at(DAY + 1_000);
    expect(hook.requests).toHaveLength(2);
    expect(second.sink.points.at(-1)!.fields.attempts).toBe(2);
  });
});

describe('repeats and escalation', () => {
  it('repeats every period until acknowledged', async () => {
    const hook = await receiver(200);
    const h = await harness(webhookRoute(hook.url, { repeat: '10m' }));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(DAY);
    await h.at(DAY + 9 * 60_000);
    await h.at(DAY + 10 * 60_000);
    await h.at(DAY + 20 * 60_000);
    h.notifier.acknowledge('link-down:nam-xe-tslcd', DAY + 21 * 60_000);
    await h.at(DAY + 30 * 60_000);
    await h.at(DAY + 60 * 60_000);
    expect(ids(hook)).toEqual(['link-down:nam-xe-tslcd:firing', 'link-down:nam-xe-tslcd:repeat:1', 'link-down:nam-xe-tslcd:repeat:2']);
    const repeat = JSON.parse(hook.requests[1]!.body) as Notification & { text: string };
    expect(repeat.event).toBe('repeat');
    expect(repeat.text).toContain('NHẮC LẠI');
    expect(repeat.text).toContain('Đã kéo dài');
  });

  it('repeats an alert whose cause was refined with the refined cause, under the same id', async () => {
    const hook = await receiver(200);
    const h = await harness(webhookRoute(hook.url, { repeat: '10m' }));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(DAY);
    const alertId = 'link-down:nam-xe-tslcd';
    await h.notifier.publish({ ...sample('site-dark', 'updated'), alertId, id: `${alertId}:updated`, atMs: DAY + 60_000 });
    await h.at(DAY + 60_000);
    await h.at(DAY + 10 * 60_000);
    expect(ids(hook)).toEqual([`${alertId}:firing`, `${alertId}:updated`, `${alertId}:repeat:1`]);
    const repeat = JSON.parse(hook.requests[2]!.body) as Notification & { text: string };
    expect(repeat).toMatchObject({ event: 'repeat', kind: 'site-dark' });
    expect(repeat.text).toContain('MẤT LIÊN LẠC TOÀN ĐIỂM');
  });

  it('stops repeating when resolved, and the open-alert table survives a restart', async () => {
    const hook = await receiver(200);
    const first = await harness(webhookRoute(hook.url, { repeat: '10m' }));
    await first.notifier.publish(sample('link-down', 'firing'));
    await first.at(DAY);
    await first.notifier.close();
    const second = await harness(webhookRoute(hook.url, { repeat: '10m' }), { dir: first.dir });
    expect(second.notifier.stats().openAlerts).toBe(1);
    await second.at(DAY + 10 * 60_000);
    expect(ids(hook).at(-1)).toBe('link-down:nam-xe-tslcd:repeat:1');
    second.clock.now = DAY + 15 * 60_000;
    await second.notifier.publish(sample('link-down', 'resolved'));
    await second.at(DAY + 15 * 60_000);
    await second.at(DAY + 40 * 60_000);
    expect(ids(hook)).toEqual(['link-down:nam-xe-tslcd:firing', 'link-down:nam-xe-tslcd:repeat:1', 'link-down:nam-xe-tslcd:resolved']);
    expect(second.notifier.stats().openAlerts).toBe(0);
  });

  it('escalates once to the escalation route after the delay unacknowledged; the resolved follows it there', async () => {
    const team = await receiver(200);
    const boss = await receiver(200);
    const h = await harness({
      channels: { team: { type: 'webhook', url: team.url }, boss: { type: 'webhook', url: boss.url } },
      routes: [
        { id: 'team', channels: ['team'], match: { groups: ['cum-bac'] }, escalate: { after: '30m', route: 'boss' } },
        { id: 'boss', channels: ['boss'], match: { sites: ['somewhere-else'] } },
      ],
    });
    await h.notifier.publish(sample('site-dark', 'firing'));
    await h.at(DAY);
    await h.at(DAY + 29 * 60_000);
    expect(boss.requests).toHaveLength(0);
    await h.at(DAY + 30 * 60_000);
    await h.at(DAY + 90 * 60_000);
    expect(ids(boss)).toEqual(['site-dark:nam-xe-tslcd:escalated']);
    expect((JSON.parse(boss.requests[0]!.body) as { text: string }).text).toContain('CHUYỂN CẤP');
    h.clock.now = DAY + 95 * 60_000;
    await h.notifier.publish(sample('site-dark', 'resolved'));
    await h.at(DAY + 95 * 60_000);
    expect(ids(boss)).toEqual(['site-dark:nam-xe-tslcd:escalated', 'site-dark:nam-xe-tslcd:resolved']);
    expect(ids(team)).toEqual(['site-dark:nam-xe-tslcd:firing', 'site-dark:nam-xe-tslcd:resolved']);
  });

  it('an acknowledged alert does not escalate', async () => {
    const team = await receiver(200);
    const boss = await receiver(200);
    const h = await harness({
      channels: { team: { type: 'webhook', url: team.url }, boss: { type: 'webhook', url: boss.url } },
      routes: [
        { id: 'team', channels: ['team'], escalate: { after: '30m', route: 'boss' } },
        { id: 'boss', channels: ['boss'], match: { sites: ['somewhere-else'] } },
      ],
    });
    await h.notifier.publish(sample('site-dark', 'firing'));
    await h.at(DAY);
    h.notifier.acknowledge('site-dark:nam-xe-tslcd', DAY + 60_000);
    await h.at(DAY + 60 * 60_000);
    expect(boss.requests).toHaveLength(0);
  });
});

describe('quiet hours (Asia/Ho_Chi_Minh)', () => {
  /** 23:00 on 27/11/2026 in Vietnam; quiet until 06:00 on the 28th. */
  const NIGHT = Date.UTC(2026, 10, 27, 16, 0);
  const MORNING = Date.UTC(2026, 10, 27, 23, 0);
  const quiet = { quietHours: { from: '22:00', to: '06:00' } };

  it('holds a warning until morning but sends a critical at once', async () => {
    const hook = await receiver(200);
    const h = await harness(webhookRoute(hook.url, quiet), { start: NIGHT });
    await h.notifier.publish(sample('loss', 'firing'));
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.at(NIGHT);
    expect(ids(hook)).toEqual(['link-down:nam-xe-tslcd:firing']);
    expect(h.notifier.stats()).toMatchObject({ pending: 1, held: 1 });
    await h.at(MORNING - 1_000);
    expect(hook.requests).toHaveLength(1);
    await h.at(MORNING);
    expect(ids(hook)).toEqual(['link-down:nam-xe-tslcd:firing', 'loss:nam-xe-tslcd:firing']);
  });

  it('a warning that began and ended in the night is never sent', async () => {
    const hook = await receiver(200);
    const h = await harness(webhookRoute(hook.url, quiet), { start: NIGHT });
    await h.notifier.publish(sample('loss', 'firing'));
    await h.at(NIGHT);
    h.clock.now = NIGHT + 3_600_000;
    await h.notifier.publish(sample('loss', 'resolved'));
    await h.at(MORNING + 60_000);
    expect(hook.requests).toHaveLength(0);
    expect(h.notifier.stats()).toMatchObject({ pending: 0, cancelled: 1 });
  });
});

describe('routing', () => {
  it('sends to every matching route and channel, and nothing for an unmatched alert', async () => {
    const a = await receiver(200);
    const b = await receiver(200);
    const h = await harness({
      channels: { a: { type: 'webhook', url: a.url }, b: { type: 'webhook', url: b.url } },
      routes: [
        { id: 'north', channels: ['a', 'b'], match: { groups: ['cum-bac'] } },
        { id: 'warnings', channels: ['b'], match: { severities: ['warning'] } },
      ],
    });
    await h.notifier.publish(sample('link-down', 'firing'));
    await h.notifier.publish(sample('loss', 'firing', { site: { ...sample('loss', 'firing').site!, groups: ['cum-nam'] } }));
    await h.at(DAY);
    expect(ids(a)).toEqual(['link-down:nam-xe-tslcd:firing']);
    expect(ids(b)).toEqual(['link-down:nam-xe-tslcd:firing', 'loss:nam-xe-tslcd:firing']);
    const { site: _site, ...collectorAlert } = sample('collector-write', 'firing', { severity: 'critical' });
    await h.notifier.publish(collectorAlert);
    await h.at(DAY + 1);
    expect(h.logger.lines.some((line) => line.includes('no route takes this notification'))).toBe(true);
  });
});
