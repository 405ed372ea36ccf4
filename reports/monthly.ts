import cron from 'node-cron';
import type { ChannelSettingsOf } from '../config/alerts.ts';
import type { ReportFormat } from '../config/reports.ts';
import type { Config } from '../config/schema.ts';
import { redactSecrets } from '../config/secret.ts';
import { localTime, parseLocalDateTime } from '../config/time.ts';
import { createSmtpTransport } from '../mail/smtp.ts';
import type { Logger } from '../model/logger.ts';
import { parsePeriod, previousMonth } from '../model/report-period.ts';
import type { AuditReport } from '../model/report.ts';
import type { ControlStore } from '../store/control.ts';
import { literal, rows, type InfluxHttp } from '../store/influx.ts';
import { toLine } from '../store/line-protocol.ts';
import { point } from '../store/schema.ts';
import { buildReport } from './build.ts';
import { label, labels } from './labels.ts';
import { renderReport, type RenderedReport } from './render.ts';

// The monthly report (reports.monthly): on the first of each month, at `at` local time, the
// previous month's report is made in the configured formats and sent through an e-mail channel
// of alerts.channels. Sent at most once per month: each attempt is recorded (report_sent), and
// a process started later in the first week catches up; after that the month is left to
// `linkwatch report`. Runs in the API process, which reads the store anyway.

/** The first week of a month: a server down on the 1st still sends the report when it is back. */
const CATCH_UP_DAYS = 7;
const DAY_MS = 86_400_000;

/** Pure: the month whose report is due at `nowMs`, or undefined outside the sending window. */
export function dueMonth(nowMs: number, at: string, timeZone: string): string | undefined {
  const local = localTime(nowMs, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sendFrom = parseLocalDateTime(`${local.year}-${pad(local.month)}-01T${at}`, timeZone);
  const firstDay = parseLocalDateTime(`${local.year}-${pad(local.month)}-01T00:00`, timeZone);
  if (sendFrom === undefined || firstDay === undefined) return undefined;
  if (nowMs < sendFrom || nowMs >= firstDay + CATCH_UP_DAYS * DAY_MS) return undefined;
  return previousMonth(nowMs, timeZone);
}

export interface MonthlyReportsOptions {
  config: Config;
  influx: InfluxHttp;
  control: ControlStore;
  logger: Logger;
  clock: () => number;
  chromium?: string;
  /** How long the SMTP server may keep us waiting at each step (default 60 s: a report's PDF is
   * megabytes on a district's uplink). A server that hangs fails the send, which the next check
   * tries again, instead of holding every later check behind it. */
  smtpTimeoutMs?: number;
}

export interface MonthlyReports {
  /** Sends the due month's report unless it was sent; resolves with what happened. */
  check(): Promise<{ kind: 'not-due' } | { kind: 'already-sent'; period: string } | { kind: 'sent'; period: string; recipients: string[] } | { kind: 'failed'; period: string; message: string }>;
  /** Checks every quarter of an hour (and once now) until stopped. */
  start(): { stop(): void };
}

async function lastOutcome(influx: InfluxHttp, period: string): Promise<string | undefined> {
  const result = await influx.query(`SELECT last("recipients") FROM "events"."report_sent" WHERE "period" = ${literal(period)} AND "outcome" = 'sent'`, { epoch: 'ms' });
  return rows(result).length > 0 ? 'sent' : undefined;
}

function emailText(report: AuditReport, rendered: readonly { format: ReportFormat; file: RenderedReport }[]): { subject: string; text: string } {
  const language = report.language;
  const card = report.scorecard;
  const pct = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)} %`);
  const subject = `${label(labels.title, language)} ${report.period.label}${report.organisation ? ` — ${report.organisation}` : ''}`;
  const text = [
    subject,
    '',
    `${label(labels.lanAndInternet, language)}: ${card.lanAndInternet.met}/${card.lanAndInternet.of} (${pct(card.lanAndInternet.pct)})`,
    `${label(labels.highSpeed, language)}: ${card.highSpeed.met}/${card.highSpeed.of} (${pct(card.highSpeed.pct)})`,
    `${label(labels.tslcd, language)}: ${card.tslcd.met}/${card.tslcd.of} (${pct(card.tslcd.pct)})`,
    `${label(labels.averageAvailability, language)}: ${pct(card.averageAvailabilityPct)}`,
    '',
    ...rendered.map(({ file }) => `${file.fileName}: sha256:${file.digest}`),
    '',
    label(labels.verifyHint, language),
  ].join('\n');
  return { subject, text };
}

export function createMonthlyReports(options: MonthlyReportsOptions): MonthlyReports | undefined {
  const { config, influx, logger, clock } = options;
  const monthly = config.reports.monthly;
  if (!monthly) return undefined;
  const channel = config.alerts.channels[monthly.channel] as ChannelSettingsOf<'email'> | undefined;
  if (!channel || channel.type !== 'email') throw new Error(`reports.monthly.channel: "${monthly.channel}" is not an e-mail channel of alerts.channels`);
  const recipients = monthly.to ?? channel.to;
  const timeZone = config.alerts.timezone;
  let running: ReturnType<MonthlyReports['check']> | undefined;

  const record = (period: string, outcome: 'sent' | 'failed', fields: { digests?: string; message?: string }) =>
    influx.write([toLine(point('report_sent', clock(), { period, outcome }, { recipients: recipients.join(','), ...fields }))!], { policy: 'events' });

  const send = async (period: string): ReturnType<MonthlyReports['check']> => {
    const parsed = parsePeriod(period, timeZone);
    if (!parsed.ok) return { kind: 'failed', period, message: parsed.message };
    try {
      const report = await buildReport({ config, influx, control: options.control, period: parsed.period, nowMs: clock(), logger });
      const rendered = [];
      for (const format of monthly.formats) rendered.push({ format, file: await renderReport(report, format, { ...(options.chromium ? { chromium: options.chromium } : {}) }) });
      const { subject, text } = emailText(report, rendered);
      const transport = createSmtpTransport(channel, { timeoutMs: options.smtpTimeoutMs ?? 60_000 });
      try {
        await transport.sendMail({
          from: channel.from,
          to: recipients,
          subject,
          text,
          attachments: rendered.map(({ file }) => ({ filename: file.fileName, content: file.bytes, contentType: file.contentType })),
          headers: { 'X-Linkwatch-Report': period },
        });
      } finally {
        transport.close();
      }
      await record(period, 'sent', { digests: rendered.map(({ format, file }) => `${format}=sha256:${file.digest}`).join(',') });
      logger.info({ period, recipients }, 'monthly report sent');
      return { kind: 'sent', period, recipients };
    } catch (error) {
      // An SMTP server may echo what it was sent: the password never reaches the log or the store.
      const message = redactSecrets((error as Error).message, [channel.password]);
      await record(period, 'failed', { message }).catch(() => undefined);
      logger.warn({ period, err: message }, 'monthly report not sent; will try again');
      return { kind: 'failed', period, message };
    }
  };

  const check: MonthlyReports['check'] = async () => {
    const period = dueMonth(clock(), monthly.at, timeZone);
    if (period === undefined) return { kind: 'not-due' };
    if ((await lastOutcome(influx, period)) === 'sent') return { kind: 'already-sent', period };
    return send(period);
  };

  const checkOnce: MonthlyReports['check'] = () => {
    // One at a time: a slow PDF must not be sent twice by the next tick.
    running ??= check().finally(() => (running = undefined));
    return running;
  };
  return {
    check: checkOnce,
    start() {
      const run = () => void checkOnce().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'monthly report check failed'));
      run();
      const task = cron.schedule('*/15 * * * *', run, { noOverlap: true });
      return { stop: () => void task.destroy() };
    },
  };
}
