import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Data flows one way: config → collector → store ← api. The API never loads the collector. The store and the shared vocabulary
// (model/) are imported by the collector, the CLI and the API, and import neither of them, so
// the API can read the store without loading the collector.

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The top-level folders a file's relative imports reach. */
function importedFolders(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const folders = new Set<string>();
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(ROOT, resolve(dirname(join(ROOT, file)), match[1]!));
    folders.add(target.split('/')[0]!);
  }
  return folders;
}

describe('the layout keeps the flow one way', () => {
  it.each([
    ['store', ['config', 'model', 'store']],
    ['model', ['config', 'model']],
    // The SMTP transport, shared by the alert channel and the monthly report.
    ['mail', ['config', 'model', 'mail']],
    ['api', ['config', 'model', 'store', 'api', 'reports']],
    // web/lib is pure (the dashboard's formatter): a report prints dates and numbers as the page does.
    ['reports', ['config', 'model', 'store', 'reports', 'mail', 'web']],
  ])('%s/ imports only from %j', (folder, allowed) => {
    const offending = sources(folder).flatMap((file) => [...importedFolders(file)].filter((reached) => !allowed.includes(reached)).map((reached) => `${file} → ${reached}/`));
    expect(offending).toEqual([]);
  });
});
