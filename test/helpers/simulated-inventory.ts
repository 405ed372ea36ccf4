import { stringify } from 'yaml';
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { SimDeviceSpec } from '../../simulator/contracts.ts';
import { generateDistrict, simulatedInventory } from '../../simulator/inventory.ts';
import { planNetwork } from '../../simulator/network-plan.ts';
import { simDeviceSpecs } from '../../simulator/simulation.ts';

/** A generated district of `sites` sites, validated. */
export function district(sites: number, extraYaml = ''): Config {
  const parsed = parseConfig(`${stringify(generateDistrict({ sites }))}\n${extraYaml}`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

/** What `startSimulation` would run `config` as in netns mode at speed 1 — the inventory that
 * points at the simulated network and the agents' specs — without making a namespace. */
export function simulated(config: Config, seed = 1): { inventory: Config; specs: SimDeviceSpec[] } {
  const planned = planNetwork({ mode: 'netns', prefix: 'lwthist', subnetOffset: 0, snmpPort: 161, sites: config.sites, devices: config.devices, links: config.links });
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  const { plan } = planned;
  const network = { deviceAddress: (id: string) => ({ host: plan.devices.get(id)!.address, port: 161 }), linkTargets: (id: string) => [...plan.links.get(id)!.targets] };
  const inventory = simulatedInventory(config, network, { speed: 1 }).config;
  return { inventory, specs: simDeviceSpecs({ config, inventory, seed }) };
}
