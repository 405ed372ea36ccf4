#!/usr/bin/env -S node --openssl-legacy-provider --max-old-space-size=192
// Production: the compiled build in build/ (`npm run build`, which `npm ci` runs), on plain node
// without the tsx loader, which alone costs 30–40 MB of RSS. The heap limit is the one measured by
// `npm run bench:collector` (README, "Deployment"). The legacy OpenSSL provider is for DES,
// which SNMPv3 agents still in the field use.
import { existsSync } from 'node:fs';

const entry = new URL('../build/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('linkwatch: the build is missing (build/cli/main.js): run `npm run build` (npm ci runs it), or use bin/linkwatch.js\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin });
