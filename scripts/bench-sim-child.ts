/** The simulator side of `npm run bench:sim`: a generated district in loopback mode, reporting
 * its own CPU and memory over IPC so the parent measures only the simulator. */
import { stringify } from 'yaml';
import { parseConfig } from '../config/load.ts';
import { generateDistrict } from '../simulator/inventory.ts';
import { startSimulation } from '../simulator/simulation.ts';

const sites = Number(process.argv[2] ?? 5000);
const startedCpu = process.cpuUsage();
const started = performance.now();
const parsed = parseConfig(stringify(generateDistrict({ sites })));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const simulation = await startSimulation({
  config: parsed.config,
  timeline: [],
  startMs: Date.now(),
  durationMs: 24 * 3_600_000,
  speed: 1,
  seed: 1,
  mode: 'loopback',
  prefix: 'lwbench',
  subnetOffset: 0,
});
const startup = process.cpuUsage(startedCpu);
const devices = simulation.inventory.devices.map((device) => ({ id: device.id, host: device.address, port: device.snmp!.port, credentials: device.snmp!.credentials.version }));
const send = (message: unknown) => process.send!(message);
const stats = () => {
  let answered = 0;
  for (const device of devices) answered += simulation.agent(device.id)?.stats().answered ?? 0;
  const cpu = process.cpuUsage();
  return { cpuMs: (cpu.user + cpu.system) / 1000, answered, rssMb: process.memoryUsage().rss / 2 ** 20 };
};
send({ type: 'ready', devices, startupMs: performance.now() - started, startupCpuMs: (startup.user + startup.system) / 1000, ...stats() });
process.on('message', async (message: string) => {
  if (message === 'stats') send({ type: 'stats', ...stats() });
  if (message === 'stop') {
    await simulation.stop();
    process.exit(0);
  }
});
