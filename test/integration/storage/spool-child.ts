/**
 * Child process for crash.test.ts: writes one tick of points at a time through a writer whose
 * database is down, so every batch goes to the spool, and reports each tick once flush() says
 * it is on disk. The test kills it with SIGKILL at some point.
 *
 * Usage: node --import tsx spool-child.ts SPOOL_DIR INFLUX_URL DATABASE BASE_MS POINTS_PER_TICK
 */
import { point } from '../../../store/schema.ts';
import { openSpool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter } from '../../../collector/storage/writer.ts';

const [dir, url, database, baseText, perTickText] = process.argv.slice(2);
if (!dir || !url || !database || !baseText || !perTickText) throw new Error('usage: spool-child.ts SPOOL_DIR INFLUX_URL DATABASE BASE_MS POINTS_PER_TICK');
const base = Number(baseText);
const perTick = Number(perTickText);

const log = (level: string) => (obj: object, msg: string) => process.stderr.write(`${level} ${msg} ${JSON.stringify(obj)}\n`);
const spool = await openSpool({ dir });
const writer = createInfluxWriter({
  settings: { url, database },
  spool,
  logger: { info: log('info'), warn: log('warn'), error: log('error') },
  batchSize: 10_000,
  maxBatchAgeMs: 10,
  retryMs: 200,
});
process.stdout.write(`pid ${process.pid}\n`);

for (let tick = 0; ; tick++) {
  writer.write(Array.from({ length: perTick }, (_, s) => point('icmp', base + tick * 1000, { site: 'child', link: `l${s}`, target: 't' }, { up: 1, sent: 5, received: 5 })));
  await writer.flush();
  process.stdout.write(`spooled ${tick}\n`);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
