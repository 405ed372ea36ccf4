import { createServer } from 'node:net';

/** A loopback TCP port nothing listens on at the moment (bound, then released): for a listener
 * started next, such as the demo's collector, or for a test's "nothing is there". */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Why HOST:PORT cannot be listened on now, or undefined when it can. */
export async function portTaken(host: string, port: number): Promise<string | undefined> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
