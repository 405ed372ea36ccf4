#!/usr/bin/env node
// Makes a fresh clone ready to run, with nothing but node and npm: installs the npm packages
// when they are missing or older than package-lock.json (`npm ci`, which also builds), and
// rebuilds when a source is newer than the build. Plain JavaScript, because nothing is installed
// yet when it runs. `npm test` runs it first (pretest), `npm run demo` too; each is a no-op
// when everything is current.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
const say = (line) => process.stderr.write(`[setup] ${line}\n`);
const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** The newest modification time under these folders, of files with these endings. */
function newest(folders, endings) {
  let latest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (endings.some((ending) => entry.name.endsWith(ending))) latest = Math.max(latest, statSync(path).mtimeMs);
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return latest;
}

function run(args) {
  say(`npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status ?? result.signal}${result.error ? `: ${result.error.message}` : ''})`);
}

/** What the build is made from: tsconfig.build.json's include, read so that the two cannot drift
 * apart (a pattern counts as the folder before its first wildcard), and the whole dashboard
 * folder, which Vite builds. */
export function buildSources() {
  const file = join(root, 'tsconfig.build.json');
  // tsconfig allows comments; this one keeps them on lines of their own.
  const { include } = JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  if (!Array.isArray(include)) throw new Error(`${file}: no "include" list to tell what the build is made from`);
  return [...include.map((pattern) => pattern.split(/[*?{]/)[0].replace(/\/+$/, '') || '.'), 'web'];
}

export function ensureInstalled() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (mtime(installed) === 0 || mtime(join(root, 'package-lock.json')) > mtime(installed)) {
    say('the npm packages are missing or older than package-lock.json: installing them (npm ci builds linkwatch too)');
    run(['ci', '--no-audit', '--no-fund']);
    return;
  }
  const built = Math.min(mtime(join(root, 'build', 'cli', 'main.js')), mtime(join(root, 'web', 'dist', 'index.html')));
  if (built === 0 || newest(buildSources(), ['.ts', '.css', '.html', '.mjs']) > built) {
    say('the build is missing or older than the sources: npm run build');
    run(['run', 'build']);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureInstalled();
  } catch (error) {
    say(error.message);
    process.exit(1);
  }
}
