import { describe, expect, it } from 'vitest';
import { alertKinds, notificationEvents } from '../../../model/alerts.ts';
import { formatDuration, renderMessage, translations } from '../../../collector/notify/messages.ts';
import { languages } from '../../../config/alerts.ts';
import { link, sample, site, STARTED_MS } from './fixtures.ts';

const TZ = 'Asia/Ho_Chi_Minh';

describe('renderMessage', () => {
  for (const language of languages) {
    for (const kind of alertKinds) {
      for (const event of notificationEvents) {
        it(`${language}: ${kind} × ${event} says what, where and which alert`, () => {
          const message = renderMessage(sample(kind, event), { language, timeZone: TZ });
          expect(message.title).not.toBe('');
          expect(message.text.startsWith(message.title)).toBe(true);
          expect(message.title).toContain(site.name);
          const words = translations[language].kinds[kind];
          expect(message.title).toContain(event === 'resolved' && words.resolved ? words.resolved : words.headline);
          expect(message.text).toContain(link.circuit!);
          expect(message.text).toContain(link.supportPhone!);
          expect(message.text).toContain(site.contact!.phone!);
          expect(message.text).toContain(`${kind}:${link.id}`);
          expect(message.html).toContain('<h3>');
          expect(message.text).not.toMatch(/undefined|NaN|\[object/);
          if (event === 'resolved' || event === 'brief') expect(message.text).toContain(language === 'vi' ? '1 giờ 5 phút' : '1 h 5 min');
          if (event !== 'test') expect(message.text).toContain('14:05 27/11/2026');
        });
      }
    }
  }

  it('names the event in Vietnamese: down and recovered', () => {
    expect(renderMessage(sample('link-down', 'firing'), { language: 'vi', timeZone: TZ }).title).toBe('🔴 MẤT KẾT NỐI — UBND xã Nậm Xé — TSLCD Nậm Xé');
    expect(renderMessage(sample('link-down', 'resolved'), { language: 'vi', timeZone: TZ }).title).toBe('✅ ĐÃ KHÔI PHỤC: MẤT KẾT NỐI — UBND xã Nậm Xé — TSLCD Nậm Xé');
    expect(renderMessage(sample('link-down', 'repeat'), { language: 'en', timeZone: TZ }).title).toBe('🔁 REMINDER: 🔴 LINK DOWN — UBND xã Nậm Xé — TSLCD Nậm Xé');
  });

  it('tells an outage over before its message left in one title: how long, and since when it is back', () => {
    const brief = (language: 'vi' | 'en') => renderMessage(sample('link-down', 'brief', { startedMs: STARTED_MS, endedMs: STARTED_MS + 40_000 }), { language, timeZone: TZ });
    expect(brief('vi').title).toBe('↩️ MẤT KẾT NỐI 40 giây, đã có lại từ 14:05 — UBND xã Nậm Xé — TSLCD Nậm Xé');
    expect(brief('en').title).toBe('↩️ LINK DOWN 40 s, back since 14:05 — UBND xã Nậm Xé — TSLCD Nậm Xé');
    expect(brief('vi').text).toContain('Khôi phục lúc: 14:05 27/11/2026');
    // Over already: nothing to acknowledge.
    expect(brief('en').text).not.toContain('alerts ack');
  });

  it('says an open alert’s cause is refined under the same alert id', () => {
    const updated = renderMessage(sample('site-dark', 'updated'), { language: 'vi', timeZone: TZ });
    expect(updated.title).toBe('🔄 CẬP NHẬT: 🔴 MẤT LIÊN LẠC TOÀN ĐIỂM — UBND xã Nậm Xé — TSLCD Nậm Xé');
    expect(updated.text).toContain('mất điện');
    expect(updated.text).toContain(`linkwatch alerts ack site-dark:${link.id}`);
    expect(renderMessage(sample('site-dark', 'updated'), { language: 'en', timeZone: TZ }).title).toMatch(/^🔄 UPDATE: 🔴 SITE DARK/);
  });

  it('calls a tslcd link by its Vietnamese name', () => {
    const text = renderMessage(sample('link-down', 'firing'), { language: 'vi', timeZone: TZ }).text;
    expect(text).toContain('Đường truyền: TSLCD Nậm Xé, mạng truyền số liệu chuyên dùng (TSLCD)');
    expect(text).toContain('Nhà cung cấp: VNPT Lào Cai');
    expect(text).toContain('Mã mạch: LCI-TSL-00421');
    expect(text).toContain('Tổng đài hỗ trợ: 1800 1166');
  });

  it('blames power for a dark site and lists the sites behind an upstream link', () => {
    expect(renderMessage(sample('site-dark', 'firing'), { language: 'vi', timeZone: TZ }).text).toContain('mất điện');
    expect(renderMessage(sample('site-dark', 'firing'), { language: 'en', timeZone: TZ }).text).toContain('power cut');
    const upstream = renderMessage(sample('upstream-down', 'firing'), { language: 'vi', timeZone: TZ }).text;
    expect(upstream).toContain('2 điểm phía sau');
    expect(upstream).toContain('UBND xã Bản Phùng, UBND xã Tả Van');
  });

  it('shows a rule alert’s measured value against its threshold, in the language’s numbers', () => {
    expect(renderMessage(sample('loss', 'firing'), { language: 'vi', timeZone: TZ }).text).toContain('35,5% (ngưỡng 20%)');
    expect(renderMessage(sample('loss', 'firing'), { language: 'en', timeZone: TZ }).text).toContain('35.5% (threshold 20%)');
    expect(renderMessage(sample('rtt', 'firing'), { language: 'en', timeZone: TZ }).text).toContain('812 ms (threshold 300 ms)');
  });

  it('shows times in the configured zone', () => {
    const n = sample('link-down', 'firing');
    expect(renderMessage(n, { language: 'vi', timeZone: 'UTC' }).text).toContain('07:05 27/11/2026');
  });

  it('works for the collector’s own alerts, which have no site', () => {
    const { site: _site, link: _link, ...rest } = sample('collector-write', 'firing', { detail: 'ECONNREFUSED 127.0.0.1:8086' });
    const message = renderMessage(rest, { language: 'vi', timeZone: TZ });
    expect(message.title).toContain('Bộ thu thập linkwatch');
    expect(message.text).toContain('ECONNREFUSED 127.0.0.1:8086');
  });

  it('offers the ack command only while there is something to acknowledge', () => {
    expect(renderMessage(sample('link-down', 'firing'), { language: 'en', timeZone: TZ }).text).toContain(`linkwatch alerts ack link-down:${link.id}`);
    expect(renderMessage(sample('link-down', 'resolved'), { language: 'en', timeZone: TZ }).text).not.toContain('alerts ack');
  });

  it('escapes HTML', () => {
    const message = renderMessage(sample('collector-write', 'firing', { detail: '<script>x</script>' }), { language: 'en', timeZone: TZ });
    expect(message.html).toContain('&lt;script&gt;');
    expect(message.html).not.toContain('<script>');
  });

  it('renders the ongoing duration of a repeat', () => {
    const text = renderMessage(sample('link-down', 'repeat', { atMs: STARTED_MS + 2 * 86_400_000 + 3 * 3_600_000 }), { language: 'vi', timeZone: TZ }).text;
    expect(text).toContain('Đã kéo dài: 2 ngày 3 giờ');
  });
});

describe('formatDuration', () => {
  const cases: [number, string, string][] = [
    [0, '0 giây', '0 s'],
    [45_000, '45 giây', '45 s'],
    [60_000, '1 phút', '1 min'],
    [65 * 60_000 + 40_000, '1 giờ 5 phút', '1 h 5 min'],
    [3 * 3_600_000, '3 giờ', '3 h'],
    [26 * 3_600_000 + 5 * 60_000, '1 ngày 2 giờ', '1 d 2 h'],
    [-5_000, '0 giây', '0 s'],
  ];
  it.each(cases)('%i ms → %s / %s', (ms, vi, en) => {
    expect(formatDuration(ms, 'vi')).toBe(vi);
    expect(formatDuration(ms, 'en')).toBe(en);
  });
});
