import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { packageRoot } from '../config/package-root.ts';

// The dashboard's static files (built by `npm run build:web` into web/dist), served at / by the
// API: hashed assets cached for a year, index.html never cached (so a new build is picked up),
// and page paths answered with index.html. A content security policy keeps every request on
// this host: no fonts, tiles or scripts from the internet.

/** Where `npm run build:web` puts the dashboard, beside this package's sources. */
export const DEFAULT_WEB_ROOT = join(packageRoot(import.meta.url), 'web', 'dist');

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The folder's index.html, or why it is missing (the API runs without a dashboard then). */
export function webRootStatus(root: string): { ok: true } | { ok: false; message: string } {
  return existsSync(join(root, 'index.html')) ? { ok: true } : { ok: false, message: `no dashboard in ${root}: run \`npm run build:web\`` };
}

/** Mounts the dashboard on `app`, after the API's routes and before its 404. */
export function serveWeb(app: Express, root: string): void {
  const index = join(root, 'index.html');
  app.use(
    express.static(root, {
      index: false,
      setHeaders: (response, path) => {
        response.set(SECURITY_HEADERS);
        response.set('Cache-Control', path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  // A page path (/, /links/x, ?kiosk) is the app; /api and the operations routes stay JSON.
  app.get(/^\/(?!api\/|api$|metrics$|healthz$)[^.]*$/, (request, response, next) => {
    if (!request.accepts('html')) return next();
    response.set(SECURITY_HEADERS).set('Cache-Control', 'no-cache');
    response.sendFile(index, (error) => error && next(error));
  });
}
