import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { languages, type Language } from '../config/alerts.ts';
import { suggest } from '../config/errors.ts';
import { reportFormats, type ReportFormat } from '../config/reports.ts';
import { parsePeriod } from '../model/report-period.ts';
import { buildReport } from '../reports/build.ts';
import { verifyBytes } from '../reports/digest.ts';
import { renderReport } from '../reports/render.ts';
import { createInfluxHttp } from '../store/influx.ts';
import { openControl, withStore } from './alerts.ts';
import { ExitCode, UsageError, writeWholeFile, type CliIo } from './io.ts';

export const reportHelp = `Usage:
  linkwatch report --period PERIOD [--format json|csv|html|pdf] [--out FILE] [--lang vi|en] [--config FILE]
  linkwatch report verify FILE

The audit report of a period: availability of every site, link and device (with and without
maintenance), outages with their causes, MTTR and MTBF, traffic against the contracted capacity
with the 95th percentile and the links that need an upgrade, latency and loss, the inventory at
the period's end and its changes, the district scorecard, and how much of the period had data.

PERIOD  a month (2026-10), a quarter (2026-Q4), a year (2026) or days (2026-10-01..2026-10-15,
        both included): calendar days in alerts.timezone, the end excluded. A period not over
        yet is reported up to now and marked partial.
--format  json (default), csv (UTF-8 with a byte-order mark, for Excel), html (prints to A4),
        or pdf (printed by Debian's chromium; $LINKWATCH_CHROMIUM for another).
--out   the file to write (written whole or not at all); without it json, csv and html go to
        stdout and a pdf to ./linkwatch-PERIOD.pdf.
--lang  the report's language; default reports.language (vi).

verify  checks that FILE is a report as linkwatch made it: every format carries a SHA-256
        digest of its content ("sha256:…"; a PDF's is in its document properties), and any
        change to the file breaks it.

Exit codes: 0 done (verify: the digest matches); 1 InfluxDB unusable, or the digest does not
match; 2 bad arguments or config.`;

export async function reportCommand(args: string[], io: CliIo): Promise<ExitCode> {
  if (args[0] === 'verify') return verifyCommand(args.slice(1), io);
  const { values, positionals } = parseArgs({
    args,
    options: { period: { type: 'string', short: 'p' }, format: { type: 'string', short: 'f', default: 'json' }, out: { type: 'string', short: 'o' }, lang: { type: 'string' }, config: { type: 'string', short: 'c' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}"${suggest(positionals[0]!, ['verify'])}; the period goes after --period`);
  if (values.period === undefined) throw new UsageError('say which period: --period 2026-10 (a month), 2026-Q4, 2026 or 2026-10-01..2026-10-15');
  const format = values.format as ReportFormat;
  if (!reportFormats.includes(format)) throw new UsageError(`--format "${values.format}": must be one of ${reportFormats.join(', ')}${suggest(values.format!, reportFormats)}`);
  if (values.lang !== undefined && !(languages as readonly string[]).includes(values.lang)) throw new UsageError(`--lang "${values.lang}": must be vi or en`);
  const context = await openControl(values.config, io);
  if (typeof context === 'number') return context;
  const { config } = context;
  const parsed = parsePeriod(values.period, config.alerts.timezone);
  if (!parsed.ok) throw new UsageError(parsed.message);
  const nowMs = Date.now();
  if (parsed.period.startMs >= nowMs) throw new UsageError(`period ${parsed.period.label} has not begun yet`);
  return withStore('report', io, async () => {
    const report = await buildReport({ config, influx: createInfluxHttp(config.influx), control: context.store, period: parsed.period, nowMs, ...(values.lang ? { language: values.lang as Language } : {}) });
    const rendered = await renderReport(report, format, { ...(io.env.LINKWATCH_CHROMIUM ? { chromium: io.env.LINKWATCH_CHROMIUM } : {}) });
    const out = values.out ?? (format === 'pdf' ? rendered.fileName : undefined);
    if (out === undefined) {
      io.stdout.write(rendered.bytes.toString('utf8'));
    } else {
      await writeWholeFile(out, rendered.bytes);
      io.stderr.write(`${out}: ${format} report of ${report.period.label}${report.period.partial ? ' (partial: the period is not over)' : ''}, sha256:${rendered.digest}\n`);
    }
    return ExitCode.ok;
  });
}

async function verifyCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('say which file: linkwatch report verify FILE');
  const file = positionals[0]!;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    io.stderr.write(`linkwatch report verify: cannot read ${file}: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  const result = verifyBytes(bytes);
  if (result.ok) {
    io.stdout.write(`${file}: intact, sha256:${result.digest}\n`);
    return ExitCode.ok;
  }
  io.stderr.write(`${file}: ${result.message}\n`);
  return ExitCode.failed;
}
