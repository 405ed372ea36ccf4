import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it runs before anything is installed)
import { buildSources, root } from '../../../scripts/ensure-installed.mjs';

describe('what a rebuild is decided on', () => {
  const sources = buildSources() as string[];

  it('is every folder the production build compiles, and the dashboard', () => {
    const text = readFileSync(join(root as string, 'tsconfig.build.json'), 'utf8');
    for (const folder of ['cli', 'collector', 'api', 'store', 'model', 'reports', 'simulator', 'scripts']) {
      expect(text).toContain(`"${folder}"`);
      expect(sources).toContain(folder);
    }
    expect(sources).toContain('web');
  });

  it('names only folders that are there', () => {
    for (const folder of sources) expect(existsSync(join(root as string, folder)), folder).toBe(true);
  });
});
