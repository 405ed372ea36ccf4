// @ts-check
// Runs inside a site's network namespace (`ip netns exec NS node bind-helper.mjs REQUESTS`),
// spawned by simulator/network.ts: binds one UDP socket per requested device address and hands
// each to the parent over IPC, so the parent owns sockets that live in the namespace (when the
// site goes dark, its agents really become unreachable). Plain JavaScript so it starts in tens of
// milliseconds without a TypeScript loader.
//
// argv[2]: JSON [{deviceId, address, port}]. Messages to the parent:
//   {type: 'bound', deviceId} with the socket as handle, or {type: 'failed', deviceId, code, message}.
// Exits when the parent disconnects (after it has every handle), or on its own after 60 s.
import dgram from 'node:dgram';

const send = process.send?.bind(process);
if (!send) {
  console.error('bind-helper: no IPC channel (it must be spawned by simulator/network.ts)');
  process.exit(2);
}

process.on('disconnect', () => process.exit(0));
// A parent that died without disconnecting must not leave this process behind.
setTimeout(() => process.exit(3), 60_000).unref();

/** @type {{deviceId: string, address: string, port: number}[]} */
const requests = JSON.parse(process.argv[2] ?? '[]');

for (const { deviceId, address, port } of requests) {
  const socket = dgram.createSocket('udp4');
  socket.once('error', (error) => {
    send({ type: 'failed', deviceId, code: /** @type {NodeJS.ErrnoException} */ (error).code ?? '', message: error.message });
    socket.close();
  });
  socket.bind({ address, port }, () => {
    // Once the handle is written to the channel the parent holds the socket; this copy would
    // otherwise compete with it for datagrams until this process exits, so it is closed.
    send({ type: 'bound', deviceId }, socket, {}, () => socket.close());
  });
}
