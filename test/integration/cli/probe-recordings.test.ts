import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { deviceFacts, type InterfaceFact } from '../../../collector/facts.ts';
import { createSnmpPoller } from '../../../collector/probes/snmp/probe.ts';
import type { SnmpProbeJson } from '../../../collector/probes/snmp/format.ts';
import { Secret } from '../../../config/secret.ts';
import { captureIo } from '../../helpers/cli-io.ts';
import { readSnmprec } from '../../helpers/snmprec.ts';
import { startRecordingAgent, type RecordingAgent } from '../snmp/recording-agent.ts';

// `linkwatch probe snmp` and the collector's poller against real agents' recorded tables,
// replayed over UDP (test/fixtures/snmp/README.md): every interface the agent lists appears,
// those without traffic counters included.

const cases = [
  { file: 'cisco-c3750-stack.snmprec', rows: 59, sysName: 'Profiler3750', uncounted: [5186, 5187], names: ['StackSub-St3-1', 'StackSub-St3-2'] },
  { file: 'zte-zxr10-9908.snmprec', rows: 221, sysName: 'DUMSYS-89', uncounted: [1, 2, 4314, 4315, 4318], names: ['null1', 'mgmt_eth', 'vlan2003', 'vlan113', 'vlan99'] },
];

describe.each(cases)('a replayed $file', ({ file, rows, sysName, uncounted, names }) => {
  let agent: RecordingAgent;
  beforeAll(async () => {
    agent = await startRecordingAgent(readSnmprec(new URL(`../../fixtures/snmp/${file}`, import.meta.url)), 'rec-community');
  });
  afterAll(() => agent?.close());

  it(`prints all ${rows} interfaces with --json, counters null where the agent has none`, async () => {
    const { io, stdout, stderr } = captureIo();
    expect(await main(['probe', 'snmp', `127.0.0.1:${agent.port}`, '--community', agent.community, '--json'], io)).toBe(0);
    expect(stderr()).toBe('');
    const json = JSON.parse(stdout()) as SnmpProbeJson;
    expect(json.system.name).toBe(sysName);
    expect(json.interfaces).toHaveLength(rows);
    const bare = json.interfaces.filter((iface) => iface.inOctets === null);
    expect(bare.map((iface) => iface.index)).toEqual(uncounted);
    expect(bare.map((iface) => iface.name)).toEqual(names);
    for (const iface of bare) expect(iface).toMatchObject({ outOctets: null, type: expect.any(Number), operStatus: expect.stringMatching(/^(up|down)$/) });
  });

  it('lists them in the table, with "-" for the counters they lack', async () => {
    const { io, stdout } = captureIo();
    expect(await main(['probe', 'snmp', `127.0.0.1:${agent.port}`, '--community', agent.community], io)).toBe(0);
    const lines = stdout().split('\n');
    // Columns are two or more spaces apart: INDEX NAME OPER/ADMIN SPEED IN OUT [ALIAS].
    const row = (index: number) => lines.find((line) => line.startsWith(`${index} `))?.split(/\s{2,}/);
    for (const [i, index] of uncounted.entries()) expect(row(index)).toEqual([String(index), names[i], expect.any(String), expect.any(String), '-', '-']);
    expect(lines.filter((line) => /^\d+\s/.test(line))).toHaveLength(rows);
  });

  it('gives the collector every interface for its facts', async () => {
    const poller = createSnmpPoller(
      { device: 'core', host: '127.0.0.1', port: agent.port, credentials: { version: '2c', community: new Secret(agent.community) } },
      { timeoutMs: 1000, retries: 0, maxRepetitions: 20 },
    );
    try {
      const result = await poller.poll({}, { entities: true });
      if (!result.ok) throw new Error(result.message);
      const facts = deviceFacts(result.system, result.interfaces, result.entities ?? []);
      expect(facts.interface_count).toBe(rows);
      const list = JSON.parse(facts.interfaces) as InterfaceFact[];
      expect(list.filter((fact) => uncounted.includes(fact.index)).map((fact) => fact.name)).toEqual(names);
    } finally {
      poller.close();
    }
  });
});
