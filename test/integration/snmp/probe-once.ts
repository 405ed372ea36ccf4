// Runs one SNMP probe and prints the result as JSON: lets a test run the probe in a node started
// with different flags (--openssl-legacy-provider for DES). Input comes from LW_PROBE (JSON:
// {target, options}) so keys stay out of the process list.
import { probeSnmp, type SnmpProbeOptions, type SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import { Secret } from '../../../config/secret.ts';

const input = JSON.parse(process.env.LW_PROBE ?? '{}') as { target: SnmpTarget; options: SnmpProbeOptions };
const credentials = Object.fromEntries(
  Object.entries(input.target.credentials).map(([key, value]) => [key, ['community', 'authKey', 'privKey'].includes(key) ? new Secret(String(value)) : value]),
) as unknown as SnmpTarget['credentials'];
const result = await probeSnmp({ ...input.target, credentials }, input.options);
process.stdout.write(JSON.stringify(result, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
