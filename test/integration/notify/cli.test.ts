import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { startHttpReceiver } from './receivers.ts';
import { captureIo } from '../../helpers/cli-io.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function configWith(alerts: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'linkwatch-cli-notify-'));
  const file = join(dir, 'district.yaml');
  await writeFile(file, `sites:\n  - {id: dc, name: Trung tâm huyện, kind: district-centre}\nalerts:\n  outbox: {dir: ${join(dir, 'outbox')}}\n${alerts}`);
  return file;
}

describe('linkwatch notify test', () => {
  it('sends a test message through every channel and exits 0 when all took it', async () => {
    const hook = await startHttpReceiver({ status: 200, body: '' });
    const bot = await startHttpReceiver({ status: 200, body: { ok: true, result: {} } });
    cleanups.push(hook.stop, bot.stop);
    const file = await configWith(
      `  channels:\n    hook: {type: webhook, url: "${hook.url}/x", secret: "\${HOOK_SECRET}"}\n    tg: {type: telegram, token: "\${TG_TOKEN}", chatId: "-1", baseUrl: "${bot.url}"}\n  routes:\n    - {id: oncall, channels: [hook, tg]}\n`,
    );
    const { io, stdout } = captureIo({ HOOK_SECRET: 's3cret', TG_TOKEN: 'tg-tok' });
    expect(await main(['notify', 'test', 'oncall', '--config', file], io)).toBe(0);
    expect(stdout()).toMatch(/^hook \(webhook\)\s+ok$/m);
    expect(stdout()).toMatch(/^tg \(telegram\)\s+ok$/m);
    const payload = JSON.parse(hook.requests[0]!.body) as { event: string; kind: string; text: string };
    expect(payload).toMatchObject({ event: 'test', kind: 'test' });
    expect(payload.text).toContain('TIN NHẮN THỬ');
    expect(bot.requests[0]!.path).toBe('/bottg-tok/sendMessage');
  });

  it('exits 1 and says why a channel failed, without its token', async () => {
    const bot = await startHttpReceiver({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    cleanups.push(bot.stop);
    const file = await configWith(`  channels:\n    zl: {type: zalo, token: "zalo-tok-secret", chatId: "7", baseUrl: "${bot.url}"}\n  routes:\n    - {id: oncall, channels: [zl]}\n`);
    const { io, stdout } = captureIo();
    expect(await main(['notify', 'test', 'oncall', '--config', file], io)).toBe(1);
    expect(stdout()).toContain('zl (zalo)  failed: auth — HTTP 401: Unauthorized');
    expect(stdout()).not.toContain('zalo-tok-secret');
  });

  it('exits 2 for an unknown route, listing the routes', async () => {
    const file = await configWith(`  channels:\n    hook: {type: webhook, url: "http://127.0.0.1:9/"}\n  routes:\n    - {id: oncall, channels: [hook]}\n    - {id: daytime, channels: [hook]}\n`);
    const { io, stderr } = captureIo();
    expect(await main(['notify', 'test', 'nightly', '--config', file], io)).toBe(2);
    expect(stderr()).toContain('no route "nightly" in alerts.routes (routes: oncall, daytime)');
  });

  it('exits 2 for a missing route or action, with the help', async () => {
    const { io, stderr } = captureIo();
    expect(await main(['notify', 'test'], io)).toBe(2);
    expect(stderr()).toContain('missing ROUTE');
    expect(stderr()).toContain('Usage: linkwatch notify test ROUTE');
    expect(await main(['notify', 'send', 'x'], captureIo().io)).toBe(2);
  });
});
