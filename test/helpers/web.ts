import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { toLine } from '../../store/line-protocol.ts';
import { point, type Point } from '../../store/schema.ts';

// The dashboard as its browser tests use it: built by Vite into a folder of the test's own, and
// Debian's Chromium started headless with the flags this machine needs (no background
// connections: the network here is closed).

export const ARTIFACTS = join(process.cwd(), '.data', 'artifacts');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Builds the dashboard into `outDir` and makes sure the screenshots' folder exists. */
export async function buildDashboard(outDir: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await build({ configFile: join(process.cwd(), 'web/vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
}

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });

/** Writes points into one retention policy of the test's database, as the collector (or, for
 * rollup_5m, its continuous queries) would. */
export async function writePoints(settings: { url: string; database: string }, policy: 'raw' | 'events' | 'rollup_5m', points: readonly Point[]): Promise<void> {
  const response = await fetch(`${settings.url}/write?db=${settings.database}&rp=${policy}&precision=ms`, { method: 'POST', body: points.map((p) => toLine(p)).join('\n') });
  if (response.status !== 204) throw new Error(`writing ${points.length} points to ${policy}: HTTP ${response.status} ${await response.text()}`);
}

/** A state the engine decided for a site or a link, since `atMs`. */
export const entityState = (kind: 'site' | 'link', id: string, site: string, value: string, atMs: number): Point =>
  point('entity_state', atMs, { site, entity_kind: kind, entity: id }, { state: value, previous: 'up', since_ms: atMs, flapping: 0 });
