#!/usr/bin/env -S node --openssl-legacy-provider
// Runs the TypeScript sources directly through tsx, so `npx linkwatch` works right after
// `npm ci` with no build step. The legacy OpenSSL provider is loaded because Node 20's OpenSSL 3
// keeps DES there, and SNMPv3 agents still in the field use DES privacy.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin });
