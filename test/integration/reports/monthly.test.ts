import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonthlyReports, dueMonth } from '../../../reports/monthly.ts';
import { verifyBytes } from '../../../reports/digest.ts';
import { createControlStore } from '../../../store/control.ts';
import { createInfluxHttp, influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { mailHeader, startSmtpReceiver } from '../notify/receivers.ts';

// The monthly report by e-mail, with the clock injected: due from 07:00 on the 1st, sent once
// with its attachments (each verifiable), not again on the next check, and a failure to send is
// recorded and retried.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_monthly_${process.pid}`;
const ZONE = 'Asia/Ho_Chi_Minh';

describe('dueMonth', () => {
  it.each([
    ['2026-11-01T06:59:00+07:00', undefined],
    ['2026-11-01T07:00:00+07:00', '2026-10'],
    ['2026-11-07T23:59:00+07:00', '2026-10'],
    ['2026-11-08T00:00:00+07:00', undefined],
    ['2027-01-01T08:00:00+07:00', '2026-12'],
    ['2026-10-31T23:30:00Z', undefined], // 06:30 on 1 Nov in Hà Nội: not yet
    ['2026-11-01T00:30:00Z', '2026-10'], // 07:30 there
  ])('at %s the due month is %s', (now, expected) => {
    expect(dueMonth(Date.parse(now), '07:00', ZONE)).toBe(expected);
  });
});

describe('the monthly report by e-mail', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let nowMs = Date.parse('2026-12-01T07:05:00+07:00');
  const config = (smtpPort = smtp.port) =>
    testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
alerts:
  channels:
    office: {type: email, host: 127.0.0.1, port: ${smtpPort}, secure: false, from: "linkwatch <lw@huyen.gov.vn>", to: [it@huyen.gov.vn]}
reports:
  organisation: Huyện Bát Xát
  monthly: {channel: office, to: [lanh-dao@huyen.gov.vn, it@huyen.gov.vn], formats: [csv, html]}
sites:
  - {id: ta-van, name: Xã Tả Van, kind: commune}
links:
  - {id: ta-van-vnpt, site: ta-van, kind: internet, targets: [127.0.0.3]}
`);

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    await ensureRetention({ settings: config().influx });
  });
  afterAll(async () => {
    await smtp?.stop();
    await influxQuery({ url: URL, database: DATABASE }, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  it('sends November’s report on 1 December with each format attached, once', async () => {
    const settings = config();
    const monthly = createMonthlyReports({ config: settings, influx: createInfluxHttp(settings.influx), control: createControlStore({ settings: settings.influx }), logger: quietLogger, clock: () => nowMs })!;
    expect(await monthly.check()).toEqual({ kind: 'sent', period: '2026-11', recipients: ['lanh-dao@huyen.gov.vn', 'it@huyen.gov.vn'] });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['lanh-dao@huyen.gov.vn', 'it@huyen.gov.vn']);
    expect(mailHeader(mail.raw, 'Subject')).toBe('Báo cáo hạ tầng mạng 2026-11 — Huyện Bát Xát');
    expect(mail.raw).toContain('filename=linkwatch-2026-11.csv');
    expect(mail.raw).toContain('filename=linkwatch-2026-11.html');
    // The CSV attachment, decoded from base64, is intact by its own digest.
    const csv = /filename=linkwatch-2026-11\.csv[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/.exec(mail.raw)?.[1];
    expect(csv).toBeDefined();
    expect(verifyBytes(Buffer.from(csv!.replace(/\s+/g, ''), 'base64')).ok).toBe(true);

    nowMs += 15 * 60_000;
    expect(await monthly.check()).toEqual({ kind: 'already-sent', period: '2026-11' });
    expect(smtp.mails).toHaveLength(1);
    nowMs = Date.parse('2026-12-15T07:00:00+07:00');
    expect(await monthly.check()).toEqual({ kind: 'not-due' });
  }, 60_000);

  it('records a failure to send and tries again at the next check', async () => {
    const settings = config();
    nowMs = Date.parse('2027-01-01T07:30:00+07:00');
    await smtp.stop();
    const influx = createInfluxHttp(settings.influx);
    const monthly = createMonthlyReports({ config: settings, influx, control: createControlStore({ settings: settings.influx }), logger: quietLogger, clock: () => nowMs })!;
    const failed = await monthly.check();
    expect(failed).toMatchObject({ kind: 'failed', period: '2026-12' });
    const recorded = await influx.query(`SELECT "recipients", "message" FROM "events"."report_sent" WHERE "period" = '2026-12'`, { epoch: 'ms' });
    expect(recorded.series?.[0]?.values).toHaveLength(1);
    smtp = await startSmtpReceiver();
    const retried = createMonthlyReports({ config: config(), influx, control: createControlStore({ settings: settings.influx }), logger: quietLogger, clock: () => nowMs })!;
    expect(await retried.check()).toMatchObject({ kind: 'sent', period: '2026-12' });
    expect(smtp.mails).toHaveLength(1);
  }, 60_000);

  it('gives up on an SMTP server that never answers, so the next check can try again', async () => {
    // A server that takes the connection and never greets, as one behind a broken firewall does.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const settings = config(port);
      nowMs = Date.parse('2027-02-01T07:30:00+07:00');
      const monthly = createMonthlyReports({ config: settings, influx: createInfluxHttp(settings.influx), control: createControlStore({ settings: settings.influx }), logger: quietLogger, clock: () => nowMs, smtpTimeoutMs: 500 })!;
      const startedMs = Date.now();
      expect(await monthly.check()).toMatchObject({ kind: 'failed', period: '2027-01', message: expect.stringMatching(/greeting|timeout/i) });
      expect(Date.now() - startedMs).toBeLessThan(10_000);
      expect(sockets.size).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});
