/**
 * `npm run bench:sim [-- SITES]`: how far one simulator process goes. Starts a generated district
 * of SITES sites (default 5,000: one router each, v2c; the district centre's router v3) in a child
 * process in loopback mode, polls every device twice with the collector's own SNMP probe, and
 * prints the simulator's start-up time, memory, and CPU per answered request, with the request
 * rate one core would sustain.
 */
import { fork } from 'node:child_process';
import { probeSnmp } from '../collector/probes/snmp/probe.ts';
import { SIM_AUTH_KEY, SIM_COMMUNITY, SIM_PRIV_KEY } from '../simulator/inventory.ts';
import { snmpCredentialsSchema } from '../config/schema.ts';

const sites = Number(process.argv[2] ?? 5000);
const CONCURRENCY = 40;
interface Stats { cpuMs: number; answered: number; rssMb: number }
const child = fork(new URL('./bench-sim-child.ts', import.meta.url).pathname, [String(sites)], { execArgv: ['--import', 'tsx'] });
const next = () => new Promise<Record<string, unknown>>((resolve) => child.once('message', (message) => resolve(message as Record<string, unknown>)));
try {
  const ready = (await next()) as unknown as Stats & { devices: { id: string; host: string; port: number; credentials: string }[]; startupMs: number; startupCpuMs: number };
  console.log(`${ready.devices.length} simulated devices up in ${(ready.startupMs / 1000).toFixed(1)} s (${ready.startupCpuMs.toFixed(0)} ms CPU), RSS ${ready.rssMb.toFixed(0)} MB`);
  const v2c = snmpCredentialsSchema.parse({ version: '2c', community: SIM_COMMUNITY });
  const v3 = snmpCredentialsSchema.parse({ version: '3', user: 'linkwatch', authProtocol: 'sha256', authKey: SIM_AUTH_KEY, privProtocol: 'aes', privKey: SIM_PRIV_KEY });
  const poll = (device: (typeof ready.devices)[number]) =>
    probeSnmp({ device: device.id, host: device.host, port: device.port, credentials: device.credentials === '3' ? v3 : v2c }, { timeoutMs: 5_000, retries: 1, maxRepetitions: 20 });
  const round = async () => {
    let cursor = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < ready.devices.length) {
          const result = await poll(ready.devices[cursor++]!);
          if (!result.ok) failed++;
        }
      }),
    );
    return failed;
  };
  await round(); // warm-up: JIT, v3 key localisation
  child.send('stats');
  const before = (await next()) as unknown as Stats;
  const started = performance.now();
  const failed = (await round()) + (await round());
  const wallMs = performance.now() - started;
  child.send('stats');
  const after = (await next()) as unknown as Stats;
  const answered = after.answered - before.answered;
  const cpuMs = after.cpuMs - before.cpuMs;
  const perRequestUs = (cpuMs / answered) * 1000;
  const result = {
    devices: ready.devices.length,
    polls: ready.devices.length * 2,
    failedPolls: failed,
    answeredRequests: answered,
    simulatorCpuUsPerRequest: Math.round(perRequestUs),
    simulatorCpuShare: Number((cpuMs / wallMs).toFixed(2)),
    requestsPerSecPerCore: Math.round(1_000_000 / perRequestUs),
    startupSeconds: Number((ready.startupMs / 1000).toFixed(1)),
    rssMb: Math.round(after.rssMb),
  };
  console.log(`polled ${result.polls} times (${failed} failed) in ${(wallMs / 1000).toFixed(1)} s; ${answered} requests answered`);
  console.log(`simulator CPU ${cpuMs.toFixed(0)} ms → ${result.simulatorCpuUsPerRequest} µs per answered request; one core tops out near ${result.requestsPerSecPerCore} requests/s`);
  console.log(`(the poller, in this process, shares the 2 cores: the simulator used ${(result.simulatorCpuShare * 100).toFixed(0)}% of one)`);
  console.log(JSON.stringify(result));
} finally {
  child.send('stop');
}
