import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthReport {
  /** `ok` when the scheduler ticks and the database took a write recently (or nothing is
   * spooled); otherwise what is wrong, in words. */
  ok: boolean;
  problems: string[];
  details: Record<string, unknown>;
}

export interface SelfMonitoringOptions {
  listen: string;
  registry: Registry;
  health: () => HealthReport;
  /** A heartbeat from another collector (`/heartbeat/<id>`, GET or POST); false when no peer
   * of that id is expected. */
  heartbeat?: (peerId: string) => boolean;
}

/** `/metrics` (Prometheus text), `/healthz` (JSON; 200 healthy, 503 not) and `/heartbeat/<id>`
 * (another collector saying it is alive). Plain node:http: three small routes do not need a
 * framework. */
export async function startSelfMonitoring(options: SelfMonitoringOptions): Promise<{ server: Server; address: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const beat = /^\/heartbeat\/([a-z0-9_-]{1,64})$/.exec(path);
    if (beat && (request.method === 'GET' || request.method === 'POST')) {
      request.resume();
      const known = options.heartbeat?.(beat[1]!) ?? false;
      response.writeHead(known ? 200 : 404, { 'content-type': 'text/plain' }).end(known ? 'ok\n' : `no peer "${beat[1]}" is expected here (alerts.peers)\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error.message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const report = options.health();
      response.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(report)}\n`);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /heartbeat/<peer>\n');
  });
  const match = /^(.*):(\d+)$/.exec(options.listen);
  if (!match) throw new Error(`collector.http.listen must be HOST:PORT; got "${options.listen}"`);
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(match[2]), host, () => resolve());
  });
  const bound = server.address();
  const address = typeof bound === 'object' && bound ? `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}` : options.listen;
  return { server, address, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
