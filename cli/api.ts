import { parseArgs } from 'node:util';
import { dirname } from 'node:path';
import { startApiServer, UsersFileError } from '../api/server.ts';
import { createLogger } from '../collector/logger.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { configFileFrom, ExitCode, UsageError, type CliIo } from './io.ts';

export const apiHelp = `Usage: linkwatch api [--config FILE] [--listen HOST:PORT] [--log-level LEVEL]

Serves the HTTP API (and, once built, the dashboard) on api.listen (127.0.0.1:8080): the
inventory, the current status, time series, availability, alerts and maintenance windows,
read from InfluxDB; acknowledgements and maintenance windows are written there, where the
collector's alert engine reads them, so the API and the collector may run as separate
processes or on separate machines. Runs until SIGTERM or SIGINT.
  --listen       overrides api.listen
  --log-level    debug, info (default), warn or error; logs are JSON lines on stderr
The OpenAPI document is at /api/v1/openapi.json; health at /healthz; metrics at /metrics.
FILE defaults to $LINKWATCH_CONFIG, then ./linkwatch.yaml.`;

export async function apiCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, listen: { type: 'string' }, 'log-level': { type: 'string', default: 'info' } },
  });
  const level = values['log-level'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`--log-level must be debug, info, warn or error; got "${level}"`);
  if (values.listen !== undefined && !/^(?:\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/.test(values.listen)) throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:8080; got "${values.listen}"`);
  const file = configFileFrom(values.config, io.env);
  const loaded = await loadConfigFile(file, { env: io.env });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${formatConfigError(error, file)}\n`);
    return ExitCode.usage;
  }
  const config = loaded.config;
  const listen = values.listen ?? config.api.listen;
  if (listen === 'off') {
    io.stderr.write(`linkwatch api: api.listen is "off" in ${file}; set it (e.g. 127.0.0.1:8080) or pass --listen\n`);
    return ExitCode.usage;
  }
  const logger = createLogger({ level, destination: io.stderr as NodeJS.WritableStream, service: 'linkwatch-api' });
  let server;
  try {
    server = await startApiServer({ config, logger, listen, configDir: dirname(file), ...(io.env.LINKWATCH_CHROMIUM ? { app: { chromium: io.env.LINKWATCH_CHROMIUM } } : {}) });
  } catch (error) {
    if (error instanceof UsersFileError) {
      io.stderr.write(`linkwatch api: ${error.message}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`linkwatch api: cannot listen on ${listen}: ${(error as Error).message}\n`);
    return ExitCode.failed;
  }
  io.stdout.write(`linkwatch API on ${server.url} (OpenAPI: ${server.url}/api/v1/openapi.json)\n`);
  return new Promise<ExitCode>((resolveExit) => {
    const stop = async (signal: string) => {
      logger.info({ signal }, 'stopping the API');
      await server.close();
      resolveExit(ExitCode.ok);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
