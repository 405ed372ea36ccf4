import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stopChild } from './snmpd-farm.ts';

// The baseline: Prometheus' snmp_exporter (Debian's prometheus-snmp-exporter 0.21) with an
// if_mib module from its own generator, scraped over loopback. Debian ships no IETF MIBs; the
// ones bundled with the npm net-snmp package serve as the generator's MIBDIRS.
//
// Version note: 0.21 keeps `auth` (community, version) inside each module. The separate `auths:`
// section and the `auth=` URL parameter arrived in snmp_exporter 0.23, so the scrape URL here
// names only target and module; the module carries the v2c community.

const run = promisify(execFile);

export const EXPORTER_BINARY = '/usr/bin/prometheus-snmp-exporter';
export const GENERATOR_BINARY = '/usr/bin/prometheus-snmp-generator';
export const EXPORTER_MODULE = 'if_mib';

export interface ModuleSettings {
  community: string;
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
}

/**
 * generator.yml for one `if_mib` module: sysUpTime, the interfaces group (ifNumber and ifTable)
 * and ifXTable, with ifAlias/ifDescr/ifName as labels — the upstream example module, with the
 * walk settings of the collector it is compared with.
 */
export function generatorYaml(settings: ModuleSettings): string {
  return `modules:
  ${EXPORTER_MODULE}:
    version: 2
    max_repetitions: ${settings.maxRepetitions}
    retries: ${settings.retries}
    timeout: ${settings.timeoutMs}ms
    auth:
      community: ${JSON.stringify(settings.community)}
    walk: [sysUpTime, interfaces, ifXTable]
    lookups:
      - source_indexes: [ifIndex]
        lookup: ifAlias
      - source_indexes: [ifIndex]
        lookup: 1.3.6.1.2.1.2.2.1.2 # ifDescr (by OID, as upstream's example does)
      - source_indexes: [ifIndex]
        lookup: 1.3.6.1.2.1.31.1.1.1.1 # ifName
    overrides:
      ifAlias:
        ignore: true
      ifDescr:
        ignore: true
      ifName:
        ignore: true
      ifType:
        type: EnumAsInfo
`;
}

/** Writes generator.yml in `dir`, runs `prometheus-snmp-generator generate` there and returns the snmp.yml path. */
export async function generateSnmpYml(dir: string, mibDir: string, settings: ModuleSettings): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'generator.yml'), generatorYaml(settings));
  const output = join(dir, 'snmp.yml');
  try {
    // 0.21's generator reads generator.yml from its working directory only.
    await run(GENERATOR_BINARY, ['generate', '--output-path', output], { cwd: dir, env: { ...process.env, MIBDIRS: mibDir } });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`prometheus-snmp-generator generate failed: ${(error as Error).message}\n${stderr.trim()}`);
  }
  const text = await readFile(output, 'utf8');
  if (!text.includes(`max_repetitions: ${settings.maxRepetitions}`) || !text.includes('1.3.6.1.2.1.31.1.1')) {
    throw new Error(`the generated ${output} lacks the ifXTable walk or max_repetitions ${settings.maxRepetitions}`);
  }
  return output;
}

export interface RunningExporter {
  pid: number;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startSnmpExporter(options: { configFile: string; port: number }): Promise<RunningExporter> {
  const listen = `127.0.0.1:${options.port}`;
  const child: ChildProcess = spawn(EXPORTER_BINARY, [`--config.file=${options.configFile}`, `--web.listen-address=${listen}`, '--log.level=warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.on('error', (error) => (output += `\nspawn failed: ${error.message}`));
  const url = `http://${listen}`;
  const stop = () => stopChild(child);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/`, { signal: AbortSignal.timeout(500) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { pid: child.pid!, url, output: () => output, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`snmp_exporter did not answer on ${url} within 10 s:\n${output.trim()}`);
}

export interface ScrapeRound {
  scrapes: number;
  failures: number;
  firstFailure?: string;
  /** Fewest ifHCInOctets series in a successful scrape: every interface arrived. */
  minInterfaces: number;
  /** Means over successful scrapes, from the exporter's own snmp_scrape_* metrics. */
  packetsSentPerScrape: number;
  pdusPerScrape: number;
  wallMs: number;
}

const gauge = (body: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1] ?? Number.NaN);

/** Scrapes every target once per pass, `concurrency` requests in flight. */
export async function scrapeTargets(options: { url: string; targets: readonly string[]; concurrency: number; passes: number; timeoutMs: number }): Promise<ScrapeRound> {
  const queue = Array.from({ length: options.passes }, () => options.targets).flat();
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  let minInterfaces = Number.POSITIVE_INFINITY;
  let packets = 0;
  let pdus = 0;
  const started = performance.now();
  const fail = (target: string, why: string) => {
    failures++;
    firstFailure ??= `${target}: ${why}`;
  };
  const worker = async () => {
    while (next < queue.length) {
      const target = queue[next++]!;
      try {
        const response = await fetch(`${options.url}/snmp?target=${encodeURIComponent(target)}&module=${EXPORTER_MODULE}`, { signal: AbortSignal.timeout(options.timeoutMs) });
        const body = await response.text();
        if (response.status !== 200) {
          fail(target, `HTTP ${response.status}: ${body.slice(0, 300)}`);
          continue;
        }
        const interfaces = body.match(/^ifHCInOctets\{/gm)?.length ?? 0;
        if (interfaces === 0) {
          fail(target, 'no ifHCInOctets series in the answer');
          continue;
        }
        minInterfaces = Math.min(minInterfaces, interfaces);
        packets += gauge(body, 'snmp_scrape_packets_sent');
        pdus += gauge(body, 'snmp_scrape_pdus_returned');
      } catch (error) {
        fail(target, (error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
  const ok = queue.length - failures;
  return {
    scrapes: queue.length,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
    minInterfaces: ok > 0 ? minInterfaces : 0,
    packetsSentPerScrape: ok > 0 ? packets / ok : 0,
    pdusPerScrape: ok > 0 ? pdus / ok : 0,
    wallMs: performance.now() - started,
  };
}
