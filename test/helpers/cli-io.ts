import { createServer } from 'node:net';

/** A CliIo that keeps what a command writes, for tests that call `main()` in process. */
export function captureIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, env },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** A loopback TCP port nothing listens on (bound, then released). */
export async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
