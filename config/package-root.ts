import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of linkwatch's package.json, found upwards from a module's URL: the same answer
 * whether the module runs from its TypeScript source (cli/…) or from the compiled build
 * (build/cli/…), so data beside the sources (web/dist, .data, simulator helpers) is found either way.
 */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'linkwatch') return dir;
      } catch {
        // Not ours, or unreadable: keep looking upwards.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`linkwatch's package.json not found above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
}
