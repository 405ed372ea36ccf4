import { defaultInfluxdOptions, installPackages, startInfluxd, stopInfluxd } from '../scripts/services.ts';

/**
 * Integration tests use real services. `npm test` on a fresh machine installs the Debian packages
 * (as root) and starts the project-local influxd; it stops influxd afterwards only if it started
 * it here (CI's .ci/run starts it beforehand and stops it itself).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[services] ${line}`);
  await installPackages(log);
  const options = defaultInfluxdOptions(process.env);
  const wasRunning = await fetch(`http://127.0.0.1:${options.httpPort}/ping`).then(
    (response) => response.status === 204,
    () => false,
  );
  await startInfluxd(options, log);
  process.env.LINKWATCH_TEST_INFLUX_URL = `http://127.0.0.1:${options.httpPort}`;
  return async () => {
    if (!wasRunning) await stopInfluxd(options, log);
  };
}
