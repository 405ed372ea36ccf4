import dgram from 'node:dgram';
import { createServer } from 'node:net';

/** A loopback TCP port nothing listens on (bound, then released). */
export async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback UDP port nothing listens on (bound, then released): for an agent that is not
 * there, or for a receiver to bind next (net-snmp cannot take port 0). */
export async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
