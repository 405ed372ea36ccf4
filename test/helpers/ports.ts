import dgram from 'node:dgram';
import { freeTcpPort } from '../../cli/ports.ts';

/** A loopback TCP port nothing listens on (bound, then released). */
export const closedTcpPort = freeTcpPort;

/** A loopback UDP port nothing listens on (bound, then released): for an agent that is not
 * there, or for a receiver to bind next (net-snmp cannot take port 0). */
export async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
