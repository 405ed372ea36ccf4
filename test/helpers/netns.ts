import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every test namespace lives in this range; the root namespace routes it nowhere else. */
export const TEST_RANGE = '10.250.0.0/16';

export const canUseNamespaces = (): boolean => process.getuid?.() === 0;

async function ip(args: string[]): Promise<string> {
  const { stdout } = await run('ip', args);
  return stdout;
}

/** Idempotent: a downed test link must never fall back to the default route. */
export async function guardTestRange(): Promise<void> {
  const routes = await ip(['route', 'show', 'type', 'unreachable']);
  if (!routes.includes('10.250.0.0/16')) {
    await ip(['route', 'add', 'unreachable', TEST_RANGE, 'metric', '4000']).catch((error: Error) => {
      if (!/File exists/.test(error.message)) throw error;
    });
  }
}

export interface TestNamespace {
  readonly name: string;
  /** Address of the namespace's end of its uplink (reachable from the root namespace). */
  readonly address: string;
  /** Address of the root namespace's end. */
  readonly hostAddress: string;
  /** Root-side veth name (`ip link set HOSTIF down` gives immediate EHOSTUNREACH). */
  readonly hostInterface: string;
  exec(command: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Takes the namespace's own end down: pings and SNMP time out. */
  setUplink(state: 'up' | 'down'): Promise<void>;
  /** Adds `count` veth pairs inside the namespace (this kernel has no dummy interfaces). */
  addInterfaces(count: number, prefix?: string): Promise<string[]>;
  destroy(): Promise<void>;
}

/**
 * A network namespace joined to the root namespace by one veth pair, addressed
 * 10.250.SLOT.1 (root side) and 10.250.SLOT.2 (namespace side). Each test file picks its own
 * slot (1–250) so files running in parallel never collide.
 */
export async function createTestNamespace(options: { slot: number; label: string }): Promise<TestNamespace> {
  const { slot, label } = options;
  if (!Number.isInteger(slot) || slot < 1 || slot > 250) throw new Error(`namespace slot ${slot} is outside 1..250`);
  const name = `lw-${label}-${slot}`;
  const hostInterface = `lwh${slot}`;
  const nsInterface = `lwn${slot}`;
  const hostAddress = `10.250.${slot}.1`;
  const address = `10.250.${slot}.2`;

  await guardTestRange();
  // A namespace left behind by a killed run would make `add` fail: clear it first.
  await ip(['netns', 'del', name]).catch(() => undefined);
  await ip(['link', 'del', hostInterface]).catch(() => undefined);
  await ip(['netns', 'add', name]);
  await ip(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', nsInterface]);
  await ip(['link', 'set', nsInterface, 'netns', name]);
  await ip(['addr', 'add', `${hostAddress}/24`, 'dev', hostInterface]);
  await ip(['link', 'set', hostInterface, 'up']);
  await ip(['-n', name, 'addr', 'add', `${address}/24`, 'dev', nsInterface]);
  await ip(['-n', name, 'link', 'set', nsInterface, 'up']);
  await ip(['-n', name, 'link', 'set', 'lo', 'up']);

  let extra = 0;
  return {
    name,
    address,
    hostAddress,
    hostInterface,
    exec: (command) => run('ip', ['netns', 'exec', name, ...command]),
    setUplink: async (state) => {
      await ip(['-n', name, 'link', 'set', nsInterface, state]);
    },
    addInterfaces: async (count, prefix = 'port') => {
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const a = `${prefix}${extra}a`;
        const b = `${prefix}${extra}b`;
        extra++;
        await ip(['-n', name, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
        await ip(['-n', name, 'link', 'set', a, 'up']);
        await ip(['-n', name, 'link', 'set', b, 'up']);
        names.push(a, b);
      }
      return names;
    },
    destroy: async () => {
      await ip(['netns', 'del', name]).catch(() => undefined);
      await ip(['link', 'del', hostInterface]).catch(() => undefined);
    },
  };
}
