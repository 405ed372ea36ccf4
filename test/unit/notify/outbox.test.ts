import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../collector/logger.ts';
import { deliveryKey, openOutbox, type Delivery } from '../../../collector/notify/outbox.ts';
import { sample } from './fixtures.ts';

const delivery = (id: string, createdMs: number, seq = 0): Delivery => {
  const notification = sample('link-down', 'firing', { id });
  return { key: deliveryKey(id, 'r', 'c'), notification, routeId: 'r', channelId: 'c', language: 'vi', createdMs, readyMs: createdMs, attempts: 0, nextAttemptMs: createdMs, seq };
};

const open = async (dir: string) => {
  const opened = await openOutbox({ dir, logger: silentLogger });
  if (!opened.ok) throw new Error(opened.message);
  return opened;
};

describe('outbox', () => {
  it('keeps deliveries across a reopen, oldest first, and forgets removed ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-outbox-'));
    const first = await open(dir);
    await first.outbox.put([delivery('b', 2000), delivery('a', 1000), delivery('c', 2000, 1)]);
    await first.outbox.remove(deliveryKey('c', 'r', 'c'));
    const again = await open(dir);
    expect(again.resumed).toBe(2);
    expect(again.outbox.list().map((d) => d.notification.id)).toEqual(['a', 'b']);
    expect(again.outbox.get(deliveryKey('a', 'r', 'c'))?.notification.site?.name).toBe('UBND xã Nậm Xé');
  });

  it('a second put of the same key replaces the first (publishing twice sends once)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-outbox-'));
    const { outbox } = await open(dir);
    await outbox.put([delivery('a', 1000)]);
    await outbox.put([{ ...delivery('a', 1000), attempts: 3 }]);
    expect(outbox.size()).toBe(1);
    expect((await open(dir)).outbox.list()[0]!.attempts).toBe(3);
    expect((await readdir(dir)).filter((name) => name.endsWith('.json'))).toHaveLength(1);
  });

  it('deletes the temporary file of an interrupted write and sets a corrupt file aside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-outbox-'));
    await writeFile(join(dir, '.d-x.json.1.1.tmp'), '{"key":"half');
    await writeFile(join(dir, 'd-broken.json'), 'not json');
    const { outbox, resumed } = await open(dir);
    expect(resumed).toBe(0);
    expect(outbox.size()).toBe(0);
    const names = await readdir(dir);
    expect(names).not.toContain('.d-x.json.1.1.tmp');
    expect(names).toContain('d-broken.json.corrupt');
  });

  it('writes state files whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-outbox-'));
    const { outbox } = await open(dir);
    await outbox.writeState('state.json', { a: 1 });
    await outbox.writeState('state.json', { a: 2 });
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))).toEqual({ a: 2 });
    expect(await outbox.readState('missing.json')).toBeUndefined();
  });

  it('reports a directory it cannot use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-outbox-'));
    await writeFile(join(dir, 'file'), '');
    const opened = await openOutbox({ dir: join(dir, 'file', 'sub'), logger: silentLogger });
    expect(opened).toMatchObject({ ok: false, reason: 'unusable' });
  });
});
