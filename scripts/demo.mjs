#!/usr/bin/env node
// `npm run demo [-- options]`: on a fresh clone, installs and builds what is missing
// (ensure-installed.mjs), then runs `linkwatch demo` from the compiled build, as production runs
// (bin/linkwatch-built.js, with its heap limit). The Debian packages are the demo's own first
// step: it knows which it needs.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

try {
  ensureInstalled();
} catch (error) {
  process.stderr.write(`[demo] ${error.message}\n`);
  process.exit(1);
}

// Ctrl-C at the terminal reaches the demo directly (same process group); this process only
// waits for it to finish stopping everything. A SIGTERM sent to this process alone is passed on.
const demo = spawn(join(root, 'bin', 'linkwatch-built.js'), ['demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.on('SIGINT', () => undefined);
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => demo.kill(signal));
demo.on('error', (error) => {
  process.stderr.write(`[demo] could not start bin/linkwatch-built.js: ${error.message}\n`);
  process.exit(1);
});
demo.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
