import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { captureIo } from '../../helpers/cli-io.ts';
import { canUseNamespaces, createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';
import { closedTcpPort } from '../../helpers/ports.ts';
import { readSnmprec } from '../../helpers/snmprec.ts';
import { startRecordingAgent, type RecordingAgent } from '../snmp/recording-agent.ts';

// Every --json command's runtime failures, over the network, as JSON on stdout with an `error`
// key and the exit code unchanged: a target that does not answer, an agent that stays silent,
// InfluxDB away or without the database.

const INFLUX_URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';

async function run(args: string[]) {
  const capture = captureIo();
  const code = await main(args, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe.skipIf(!canUseNamespaces())('linkwatch probe icmp --json, on a target that does not answer', () => {
  let ns: TestNamespace;
  beforeAll(async () => {
    ns = await createTestNamespace({ slot: 41, label: 'cli-json' });
    await ns.setUplink('down');
  });
  afterAll(() => ns?.destroy());

  it.each(['ping', 'fping'])('prints received 0, lossPct 100 and the error (--engine %s), exit 1', async (engine) => {
    const { code, stdout, stderr } = await run(['probe', 'icmp', ns.address, '--count', '2', '--timeout', '300', '--engine', engine, '--json']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({
      sent: 2,
      received: 0,
      lossPct: 100,
      rttMinMs: null,
      rttAvgMs: null,
      rttMaxMs: null,
      jitterMs: null,
      error: { reason: 'timeout', message: `${ns.address} did not answer any of 2 echo requests` },
    });
  });

  it('says unreachable when the network says so (the root side of the link down)', async () => {
    const other = await createTestNamespace({ slot: 42, label: 'cli-json-u' });
    try {
      const { execFile } = await import('node:child_process');
      await new Promise((resolve, reject) => execFile('ip', ['link', 'set', other.hostInterface, 'down'], (error) => (error ? reject(error) : resolve(undefined))));
      const { code, stdout } = await run(['probe', 'icmp', other.address, '--count', '2', '--timeout', '300', '--json']);
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({ sent: 2, received: 0, lossPct: 100, error: { reason: 'unreachable', message: expect.stringContaining(other.address) } });
    } finally {
      await other.destroy();
    }
  });
});

describe('linkwatch probe snmp --json, on an agent that does not answer', () => {
  let agent: RecordingAgent;
  beforeAll(async () => {
    agent = await startRecordingAgent(readSnmprec(new URL('../../fixtures/snmp/cisco-c3750-stack.snmprec', import.meta.url)), 'right-community');
  });
  afterAll(() => agent?.close());

  it('a wrong community (silence) → exit 1, {"error": {"reason": "timeout"}} naming the community as the likely cause', async () => {
    const { code, stdout, stderr } = await run(['probe', 'snmp', `127.0.0.1:${agent.port}`, '--community', 'wrong-community', '--timeout', '300', '--retries', '0', '--json']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const json = JSON.parse(stdout) as { error: { reason: string; message: string } };
    expect(Object.keys(json)).toEqual(['error']);
    expect(json.error.reason).toBe('timeout');
    expect(json.error.message).toMatch(/community/i);
    expect(json.error.message).toContain(`127.0.0.1:${agent.port}`);
    expect(stdout).not.toContain('wrong-community');
  });
});

describe('linkwatch alerts list / maintenance list --json, when InfluxDB cannot be used', () => {
  let away: string;
  let missing: string;
  let port: number;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-json-'));
    port = await closedTcpPort();
    away = join(dir, 'away.yaml');
    await writeFile(away, `influx: {url: "http://lw:s3cret-pw@127.0.0.1:${port}", database: lw_json}\n`);
    missing = join(dir, 'missing.yaml');
    await writeFile(missing, `influx: {url: "${INFLUX_URL}", database: lw_json_missing_${process.pid}}\n`);
  });

  it.each(['alerts list', 'maintenance list', 'alerts list --all'])('%s: unreachable → exit 1, the URL without the password', async (command) => {
    const { code, stdout, stderr } = await run([...command.split(' '), '--json', '--config', away]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ error: { reason: 'unreachable', message: expect.stringContaining(`cannot reach InfluxDB at http://127.0.0.1:${port}/`) } });
    expect(stdout).not.toContain('s3cret-pw');
  });

  it.each(['alerts list', 'maintenance list'])('%s: no such database → exit 1, reason database-missing', async (command) => {
    const { code, stdout } = await run([...command.split(' '), '--json', '--config', missing]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ error: { reason: 'database-missing', message: expect.stringContaining(`lw_json_missing_${process.pid}`) } });
  });
});
