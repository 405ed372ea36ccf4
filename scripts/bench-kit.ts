import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInfluxd, stopInfluxd, type InfluxdOptions } from './services.ts';

// What the benchmark scripts share: their numeric options, a private influxd of their own (so a
// run never touches the project's database and two runs do not meet), and how they end.

/** `--name N`, a positive integer, or the fallback when absent. */
export function intArgument(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer; got "${args[index + 1] ?? ''}"`);
  return value;
}

/** Whether 127.0.0.1:port can be listened on now. */
export const portFree = (port: number) =>
  new Promise<boolean>((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });

/** An HTTP and an RPC port, both free, in the range the project keeps for private influxds. */
export async function sparePorts(): Promise<{ httpPort: number; rpcPort: number }> {
  for (let port = 18290; port < 18299; port += 2) {
    if ((await portFree(port)) && (await portFree(port + 1))) return { httpPort: port, rpcPort: port + 1 };
  }
  throw new Error('no free port pair in 18290–18299 for a private influxd');
}

/** Runs `work` against an influxd started for it in a temporary folder, stopped and removed after. */
export async function withPrivateInfluxd<T>(options: { name: string; log: (line: string) => void }, work: (url: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `linkwatch-${options.name}-`));
  const influxd: InfluxdOptions = { dir, ...(await sparePorts()) };
  await startInfluxd(influxd, options.log);
  try {
    return await work(`http://127.0.0.1:${influxd.httpPort}`);
  } finally {
    await stopInfluxd(influxd, options.log);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a script's main when the file is the one node was started with; its failure is one line. */
export function runWhenMain(moduleUrl: string, name: string, main: (args: string[]) => Promise<number>): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`${name}: ${error.message}`);
      process.exit(1);
    },
  );
}
