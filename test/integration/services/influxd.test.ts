import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startInfluxd, stopInfluxd, type InfluxdOptions } from '../../../scripts/services.ts';

const run = promisify(execFile);

const ping = (port: number) =>
  fetch(`http://127.0.0.1:${port}/ping`).then(
    (response) => response.status,
    () => 0,
  );

describe('the services script', () => {
  // A second, private influxd on its own ports, so this test never touches the shared one.
  let options: InfluxdOptions;
  const log: string[] = [];

  afterAll(async () => {
    if (options) await stopInfluxd(options, (line) => log.push(line));
  });

  it('starts influxd bound to 127.0.0.1 with project-local data, and stops only its own', async () => {
    options = { dir: await mkdtemp(join(tmpdir(), 'linkwatch-influxd-')), httpPort: 18186, rpcPort: 18188 };
    await startInfluxd(options, (line) => log.push(line));
    expect(await ping(options.httpPort)).toBe(204);
    const config = await readFile(join(options.dir, 'influxdb.conf'), 'utf8');
    expect(config).toContain('bind-address = "127.0.0.1:18186"');
    expect(config).toContain(`dir = "${join(options.dir, 'data')}"`);

    // Listening on loopback only.
    const { stdout } = await run('ss', ['-ltnH', 'sport = :18186']);
    expect(stdout).toContain('127.0.0.1:18186');
    expect(stdout).not.toMatch(/(0\.0\.0\.0|\*|\[::\]):18186/);

    // A second start finds it running and starts nothing.
    await startInfluxd(options, (line) => log.push(line));
    expect(log.at(-1)).toContain('already running');

    await stopInfluxd(options, (line) => log.push(line));
    expect(await ping(options.httpPort)).toBe(0);

    // Nothing of ours runs now: stop must not touch anything else (e.g. the shared influxd).
    await stopInfluxd(options, (line) => log.push(line));
    expect(log.at(-1)).toContain('nothing to stop');
  });
});
