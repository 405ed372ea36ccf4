import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { captureIo } from '../../helpers/cli-io.ts';

// Every command that takes --json prints JSON whatever happens: a failure is one document on
// stdout with an `error` key, and the exit code stays what it is without --json. These cases
// fail before any network I/O (the runtime failures over the network are in
// test/integration/cli/json-failures.test.ts).

async function run(args: string[]) {
  const capture = captureIo();
  const code = await main(args, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

/** The one JSON document on stdout. */
function document(stdout: string): Record<string, unknown> {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('--json failures are JSON', () => {
  let config: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-json-'));
    config = join(dir, 'district.yaml');
    // Two problems: an unknown key and a bad duration.
    await writeFile(config, 'influx: {url: "http://127.0.0.1:9", databse: x}\nalerts: {grouping: soon}\n');
  });

  it.each([
    [['probe', 'snmp', '--json'], 'give exactly one HOST[:PORT]'],
    [['probe', 'snmp', 'router:99999', '--json'], 'port must be 1–65535; got "99999"'],
    [['probe', 'snmp', '10.0.0.1', '--community', 'x', '--timeout', 'soon', '--json'], '--timeout must be a whole number ≥ 1; got "soon"'],
    [['probe', 'icmp', '10.0.0.1', '--engine', 'nmap', '--json'], '--engine: expected one of auto, ping, fping; got "nmap"'],
    [['probe', 'icmp', '10.0.0.1', '--frobnicate', '--json'], "Unknown option '--frobnicate'"],
    [['alerts', 'list', '--since', '2 days', '--json'], '--since: expected a duration'],
    [['maintenance', 'list', '--frobnicate', '--json'], "Unknown option '--frobnicate'"],
    [['lnkwatch', '--json'], 'unknown command "lnkwatch"'],
  ])('usage error %j → exit 2, {"error": {"reason": "usage"}} on stdout, help on stderr', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    const json = document(stdout);
    expect(json).toEqual({ error: { reason: 'usage', message: expect.stringContaining(message) } });
    expect(stderr).toContain('Usage');
  });

  it.each(['alerts list', 'maintenance list'])('%s: an unusable config → exit 2, every problem listed', async (command) => {
    const { code, stdout, stderr } = await run([...command.split(' '), '--json', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const { error } = document(stdout) as { error: { reason: string; message: string; problems: string[] } };
    expect(error.reason).toBe('config');
    expect(error.message).toBe(`${config} has 2 problems`);
    expect(error.problems).toHaveLength(2);
    expect(error.problems.join('\n')).toContain('influx.databse');
    expect(error.problems.join('\n')).toContain('alerts.grouping');
  });

  it('alerts list: a config file that cannot be read → exit 2, its one problem as the message', async () => {
    const { code, stdout } = await run(['alerts', 'list', '--json', '--config', '/nonexistent/linkwatch.yaml']);
    expect(code).toBe(2);
    const { error } = document(stdout) as { error: { reason: string; message: string; problems: string[] } };
    expect(error).toMatchObject({ reason: 'config', message: expect.stringContaining('cannot read /nonexistent/linkwatch.yaml') });
    expect(error.problems).toEqual([error.message]);
  });

  it('probe snmp: settings the probe refuses → exit 1, {"error": {"reason": "config"}}', async () => {
    const { code, stdout, stderr } = await run(['probe', 'snmp', '127.0.0.1:1161', '--community', 'x', '--max-repetitions', '5000', '--json']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(document(stdout)).toEqual({ error: { reason: 'config', message: expect.stringContaining('maxRepetitions must be 1–1000; got 5000') } });
  });

  it('probe icmp: a round that cannot start → exit 1, the statistics of nothing sent and the error', async () => {
    const { code, stdout, stderr } = await run(['probe', 'icmp', '127.0.0.1', '--count', '2', '--spacing', '5', '--json']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(document(stdout)).toEqual({
      sent: 0,
      received: 0,
      lossPct: 100,
      rttMinMs: null,
      rttAvgMs: null,
      rttMaxMs: null,
      jitterMs: null,
      error: { reason: 'config', message: expect.stringContaining('intervalMs must be from 10') },
    });
  });

  it('without --json the same failures stay text on stderr', async () => {
    const usage = await run(['probe', 'snmp']);
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toContain('linkwatch probe: give exactly one HOST[:PORT]');
    const failed = await run(['probe', 'icmp', '127.0.0.1', '--spacing', '5']);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed.stderr).toMatch(/^linkwatch probe icmp: config: /);
  });
});
