import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

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
