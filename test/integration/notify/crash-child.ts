import { createNotifier } from '../../../collector/notify/notifier.ts';
import { silentLogger } from '../../../collector/logger.ts';
import { alertSettings, sample } from '../../unit/notify/fixtures.ts';

// Publishes one notification and dies by SIGKILL before any tick: what a power cut right after
// the engine's publish() resolved looks like to the next run.
const [dir, url] = process.argv.slice(2);
const created = await createNotifier({
  settings: alertSettings({ channels: { hook: { type: 'webhook', url } }, routes: [{ id: 'ops', channels: ['hook'] }], outbox: { dir } }),
  clock: { now: () => Date.UTC(2026, 10, 27, 7, 30) },
  logger: silentLogger,
});
if (!created.ok) throw new Error(created.message);
await created.notifier.publish(sample('link-down', 'firing'));
process.kill(process.pid, 'SIGKILL');
