import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeTcpPort, portTaken } from '../../../cli/ports.ts';

describe('loopback ports', () => {
  it('gives a port nothing listens on, which can then be listened on', async () => {
    const port = await freeTcpPort();
    expect(port).toBeGreaterThan(0);
    expect(await portTaken('127.0.0.1', port)).toBeUndefined();
  });

  it('says why a port cannot be listened on: taken, or an address not on this machine', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await portTaken('127.0.0.1', port)).toBe('EADDRINUSE');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // TEST-NET-1 is never a local address.
    expect(await portTaken('192.0.2.1', port)).toBe('EADDRNOTAVAIL');
  });
});
