import type { Language, Severity } from '../../config/alerts.ts';
import type { LinkKind } from '../../config/schema.ts';
import { formatLocal } from '../../config/time.ts';
import type { AlertKind, LinkInfo, Measured, Notification, NotificationEvent, SiteInfo } from '../../model/alerts.ts';

// What a message says, in Vietnamese first and English second. The text is plain (Zalo and
// Telegram show it as it is; e-mail gets an HTML copy of the same lines) and front-loads what
// someone on a phone needs to act: what, where, who to call, since when, and the likely cause.

export interface RenderOptions {
  language: Language;
  /** IANA zone for the times shown (alerts.timezone). */
  timeZone: string;
}

export interface RenderedMessage {
  /** One line: the e-mail subject, the first line of a chat message. */
  title: string;
  /** Plain text, lines separated by `\n`; starts with the title. */
  text: string;
  /** The same lines as HTML, for e-mail. */
  html: string;
}

interface KindWords {
  /** The headline while the problem lasts, in capitals so it stands out in a chat list. */
  headline: string;
  /** The headline when it ends; "recovered" (the language's `recovered`) when absent. */
  resolved?: string;
  /** The likely cause, or what to do: one sentence. */
  cause?: (notification: Notification, words: Words) => string | undefined;
}

interface Words {
  severity: { [S in Severity]: string };
  linkKind: { [K in LinkKind]: string };
  /** Typed from AlertKind so a kind without words fails to compile. */
  kinds: { [K in AlertKind]: KindWords };
  recovered: string;
  repeat: string;
  escalated: string;
  updated: string;
  /** The headline's tail for an outage told when it was already over. */
  brief: (duration: string, backAt: string) => string;
  settled: { up: string; down: string };
  label: {
    site: string;
    collector: string;
    link: string;
    provider: string;
    circuit: string;
    supportPhone: string;
    contact: string;
    device: string;
    interface: string;
    since: string;
    until: string;
    lasting: string;
    ongoing: string;
    cause: string;
    affected: string;
    measured: string;
    threshold: string;
    upstream: string;
    detail: string;
    alertId: string;
    ack: (alertId: string) => string;
  };
  duration: { day: string; hour: string; minute: string; second: string };
  numberLocale: string;
}

const measuredText = (measured: Measured | undefined, words: Words): string | undefined =>
  measured && `${formatNumber(measured.value, words)}${unitText(measured.unit)} (${words.label.threshold} ${formatNumber(measured.threshold, words)}${unitText(measured.unit)})`;

const affectedNames = (notification: Notification): string => (notification.affectedSites ?? []).map((site) => site.name).join(', ');

const vi: Words = {
  severity: { critical: 'NGHIÊM TRỌNG', warning: 'CẢNH BÁO', info: 'THÔNG TIN' },
  linkKind: {
    internet: 'Internet',
    tslcd: 'mạng truyền số liệu chuyên dùng (TSLCD)',
    wan: 'WAN',
    lan: 'LAN',
  },
  kinds: {
    'link-down': {
      headline: 'MẤT KẾT NỐI',
      cause: (n) =>
        n.link?.provider
          ? `Chỉ đường truyền này bị mất: thường do lỗi phía nhà cung cấp, cáp hoặc modem. Hãy gọi ${n.link.provider}${n.link.supportPhone ? ` (${n.link.supportPhone})` : ''} và báo mã mạch.`
          : 'Chỉ đường truyền này bị mất: thường do lỗi phía nhà cung cấp, cáp hoặc modem.',
    },
    'upstream-down': {
      headline: 'MẤT KẾT NỐI ĐƯỜNG TRỤC',
      cause: (n) => {
        const count = n.affectedSites?.length ?? 0;
        return count > 0
          ? `Đường truyền phía trên bị mất nên ${count} điểm phía sau cũng mất kết nối: ${affectedNames(n)}. Xử lý đường truyền này trước.`
          : 'Đường truyền phía trên bị mất nên các điểm phía sau cũng mất kết nối. Xử lý đường truyền này trước.';
      },
    },
    'device-down': { headline: 'THIẾT BỊ MẤT KẾT NỐI', cause: () => 'Thiết bị không trả lời cả SNMP lẫn ping: có thể bị tắt, mất điện, treo hoặc đứt cáp.' },
    'site-dark': {
      headline: 'MẤT LIÊN LẠC TOÀN ĐIỂM',
      cause: () => 'Mọi đường truyền và thiết bị của điểm đều mất cùng lúc: nhiều khả năng mất điện hoặc hỏng thiết bị tại điểm (router, bộ nguồn, UPS). Hãy gọi người liên hệ tại điểm.',
    },
    'agent-silent': {
      headline: 'SNMP KHÔNG TRẢ LỜI',
      cause: () => 'Thiết bị vẫn trả lời ping nhưng không trả lời SNMP: dịch vụ SNMP bị tắt hoặc treo, hoặc community/danh sách truy cập đã bị đổi.',
    },
    flapping: {
      headline: 'KẾT NỐI CHẬP CHỜN',
      resolved: 'HẾT CHẬP CHỜN',
      cause: (n, w) =>
        n.event === 'resolved' && n.settledState
          ? `Đã ổn định ở trạng thái: ${w.settled[n.settledState]}.`
          : 'Kết nối lúc có lúc mất: thường do cáp, đầu nối, sóng vô tuyến yếu hoặc nguồn điện chập chờn.',
    },
    loss: { headline: 'MẤT GÓI CAO', cause: () => 'Đường truyền kém chất lượng, nghẽn hoặc nhiễu.' },
    rtt: { headline: 'ĐỘ TRỄ CAO', cause: () => 'Đường truyền nghẽn, hoặc nhà cung cấp định tuyến đường vòng.' },
    utilisation: { headline: 'ĐƯỜNG TRUYỀN QUÁ TẢI', cause: () => 'Lưu lượng gần hết băng thông hợp đồng: người dùng sẽ thấy mạng chậm.' },
    'interface-errors': { headline: 'LỖI CỔNG MẠNG', cause: () => 'Cổng mạng báo lỗi liên tục: thường do cáp, đầu nối hoặc module quang hỏng, hoặc lệch tốc độ/duplex.' },
    'interface-down': { headline: 'CỔNG MẠNG MẤT KẾT NỐI', cause: () => 'Cổng đang bật (admin up) nhưng không có tín hiệu: kiểm tra cáp và thiết bị ở đầu bên kia.' },
    reboot: { headline: 'THIẾT BỊ KHỞI ĐỘNG LẠI', cause: () => 'Thiết bị vừa khởi động lại: có thể do mất điện, treo hoặc có người khởi động lại.' },
    'collector-write': {
      headline: 'KHÔNG GHI ĐƯỢC DỮ LIỆU',
      cause: () => 'Bộ thu thập không ghi được vào InfluxDB; dữ liệu đang chờ trong bộ đệm trên đĩa. Kiểm tra máy chủ InfluxDB và dung lượng đĩa.',
    },
    'peer-silent': {
      headline: 'MẤT TÍN HIỆU BỘ THU THẬP KHÁC',
      resolved: 'BỘ THU THẬP KHÁC HOẠT ĐỘNG LẠI',
      cause: () => 'Một bộ thu thập linkwatch khác không còn gửi tín hiệu định kỳ: máy đó có thể đã tắt, treo hoặc mất mạng, và các điểm nó giám sát đang không được theo dõi.',
    },
    test: { headline: 'TIN NHẮN THỬ', cause: () => 'Đây là tin nhắn thử của linkwatch, không cần xử lý.' },
  },
  recovered: 'ĐÃ KHÔI PHỤC',
  repeat: 'NHẮC LẠI',
  escalated: 'CHUYỂN CẤP',
  updated: 'CẬP NHẬT',
  brief: (duration, backAt) => `${duration}, đã có lại từ ${backAt}`,
  settled: { up: 'hoạt động', down: 'mất kết nối' },
  label: {
    site: 'Điểm',
    collector: 'Bộ thu thập linkwatch',
    link: 'Đường truyền',
    provider: 'Nhà cung cấp',
    circuit: 'Mã mạch',
    supportPhone: 'Tổng đài hỗ trợ',
    contact: 'Liên hệ tại điểm',
    device: 'Thiết bị',
    interface: 'Cổng',
    since: 'Từ lúc',
    until: 'Khôi phục lúc',
    lasting: 'Kéo dài',
    ongoing: 'Đã kéo dài',
    cause: 'Nguyên nhân có thể',
    affected: 'Các điểm bị ảnh hưởng',
    measured: 'Đo được',
    threshold: 'ngưỡng',
    upstream: 'Do',
    detail: 'Chi tiết',
    alertId: 'Mã cảnh báo',
    ack: (id) => `Xác nhận đã nhận: linkwatch alerts ack ${id}`,
  },
  duration: { day: 'ngày', hour: 'giờ', minute: 'phút', second: 'giây' },
  numberLocale: 'vi-VN',
};

const en: Words = {
  severity: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' },
  linkKind: {
    internet: 'internet',
    tslcd: 'government data network (TSLCD)',
    wan: 'WAN',
    lan: 'LAN',
  },
  kinds: {
    'link-down': {
      headline: 'LINK DOWN',
      cause: (n) =>
        n.link?.provider
          ? `Only this link is down: usually the provider's side, the cable or the modem. Call ${n.link.provider}${n.link.supportPhone ? ` (${n.link.supportPhone})` : ''} with the circuit id.`
          : "Only this link is down: usually the provider's side, the cable or the modem.",
    },
    'upstream-down': {
      headline: 'UPSTREAM LINK DOWN',
      cause: (n) => {
        const count = n.affectedSites?.length ?? 0;
        return count > 0
          ? `An upstream link is down, cutting off ${count} site${count === 1 ? '' : 's'} behind it: ${affectedNames(n)}. Fix this link first.`
          : 'An upstream link is down, cutting off the sites behind it. Fix this link first.';
      },
    },
    'device-down': { headline: 'DEVICE DOWN', cause: () => 'The device answers neither SNMP nor ping: switched off, without power, hung, or its cable cut.' },
    'site-dark': {
      headline: 'SITE DARK',
      cause: () => "Every link and device of the site went down at once: most likely a power cut or the site's own equipment (router, power supply, UPS). Call the site contact.",
    },
    'agent-silent': {
      headline: 'SNMP AGENT SILENT',
      cause: () => 'The device answers ping but not SNMP: the SNMP service is off or hung, or its community or access list changed.',
    },
    flapping: {
      headline: 'FLAPPING',
      resolved: 'STOPPED FLAPPING',
      cause: (n, w) =>
        n.event === 'resolved' && n.settledState
          ? `Settled ${w.settled[n.settledState]}.`
          : 'The connection keeps going up and down: usually a cable, a connector, a weak radio signal or unstable power.',
    },
    loss: { headline: 'HIGH PACKET LOSS', cause: () => 'A poor, congested or noisy link.' },
    rtt: { headline: 'HIGH LATENCY', cause: () => 'Congestion, or the provider routing traffic the long way.' },
    utilisation: { headline: 'LINK SATURATED', cause: () => 'Traffic near the contracted capacity: users will find the network slow.' },
    'interface-errors': { headline: 'INTERFACE ERRORS', cause: () => 'The interface keeps counting errors: usually a bad cable, connector or optic, or a speed/duplex mismatch.' },
    'interface-down': { headline: 'INTERFACE DOWN', cause: () => 'The interface is enabled (admin up) but has no signal: check the cable and the device at the other end.' },
    reboot: { headline: 'DEVICE REBOOTED', cause: () => 'The device has just restarted: a power cut, a hang, or someone restarted it.' },
    'collector-write': {
      headline: 'COLLECTOR CANNOT WRITE',
      cause: () => 'The collector cannot write to InfluxDB; its data waits in the on-disk spool. Check the InfluxDB server and the disk space.',
    },
    'peer-silent': {
      headline: 'ANOTHER COLLECTOR IS SILENT',
      resolved: 'THE OTHER COLLECTOR IS BACK',
      cause: () => 'Another linkwatch collector stopped sending its heartbeat: its machine may be off, hung or cut off, and the sites it watches are not being watched.',
    },
    test: { headline: 'TEST MESSAGE', cause: () => 'This is a linkwatch test message; nothing to do.' },
  },
  recovered: 'RECOVERED',
  repeat: 'REMINDER',
  escalated: 'ESCALATED',
  updated: 'UPDATE',
  brief: (duration, backAt) => `${duration}, back since ${backAt}`,
  settled: { up: 'up', down: 'down' },
  label: {
    site: 'Site',
    collector: 'linkwatch collector',
    link: 'Link',
    provider: 'Provider',
    circuit: 'Circuit',
    supportPhone: 'Support phone',
    contact: 'Site contact',
    device: 'Device',
    interface: 'Interface',
    since: 'Since',
    until: 'Recovered at',
    lasting: 'Lasted',
    ongoing: 'Ongoing for',
    cause: 'Likely cause',
    affected: 'Sites affected',
    measured: 'Measured',
    threshold: 'threshold',
    upstream: 'Because of',
    detail: 'Detail',
    alertId: 'Alert id',
    ack: (id) => `Acknowledge: linkwatch alerts ack ${id}`,
  },
  duration: { day: 'd', hour: 'h', minute: 'min', second: 's' },
  numberLocale: 'en-GB',
};

/** Every language's words; typed so a missing language fails to compile. */
export const translations: { readonly [L in Language]: Words } = { vi, en };

const severityIcon: { [S in Severity]: string } = { critical: '🔴', warning: '🟠', info: '🔵' };

const eventPrefix: { [E in NotificationEvent]: (words: Words) => string } = {
  firing: () => '',
  event: () => '',
  test: () => '',
  resolved: () => '',
  brief: () => '',
  updated: (w) => `🔄 ${w.updated}: `,
  repeat: (w) => `🔁 ${w.repeat}: `,
  escalated: (w) => `⏫ ${w.escalated}: `,
};

function formatNumber(value: number, words: Words): string {
  return new Intl.NumberFormat(words.numberLocale, { maximumFractionDigits: value < 10 ? 2 : 1 }).format(value);
}

const unitText = (unit: string): string => (unit === '%' || unit.startsWith('/') ? unit : ` ${unit}`);

/** `1 giờ 5 phút` / `1 h 5 min`: the two largest units, minutes floored (an outage of 65 min
 * 40 s is "1 h 5 min"), seconds only below a minute. */
export function formatDuration(ms: number, language: Language): string {
  const d = translations[language].duration;
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} ${d.second}`;
  const minutes = Math.floor(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days > 0) {
    parts.push(`${days} ${d.day}`);
    if (hours > 0) parts.push(`${hours} ${d.hour}`);
  } else {
    if (hours > 0) parts.push(`${hours} ${d.hour}`);
    if (mins > 0) parts.push(`${mins} ${d.minute}`);
  }
  return parts.join(' ');
}

const linkName = (link: LinkInfo, words: Words): string => `${link.name ?? link.id}, ${words.linkKind[link.kind]}`;

function linkLines(link: LinkInfo, words: Words, label: string): string[] {
  const lines = [`${label}: ${linkName(link, words)}`];
  if (link.provider) lines.push(`${words.label.provider}: ${link.provider}`);
  if (link.circuit) lines.push(`${words.label.circuit}: ${link.circuit}`);
  if (link.supportPhone) lines.push(`${words.label.supportPhone}: ${link.supportPhone}`);
  return lines;
}

function contactText(site: SiteInfo): string | undefined {
  const parts = [site.contact?.name, site.contact?.phone].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' — ') : undefined;
}

/** What the message is about, in a few words for the title. */
function subject(notification: Notification, words: Words): string {
  const where = notification.site?.name ?? words.label.collector;
  const what = notification.link ? (notification.link.name ?? notification.link.id) : notification.device ? (notification.device.name ?? notification.device.id) : undefined;
  const iface = notification.interface ? ` ${notification.interface}` : '';
  return what ? `${where} — ${what}${iface}` : `${where}${iface}`;
}

function headline(notification: Notification, words: Words, options: RenderOptions): string {
  const kind = words.kinds[notification.kind];
  if (notification.event === 'resolved') return `✅ ${kind.resolved ?? `${words.recovered}: ${kind.headline}`}`;
  if (notification.event === 'test') return `🧪 ${kind.headline}`;
  if (notification.event === 'brief') {
    const ended = notification.endedMs ?? notification.atMs;
    // Over already: the time it came back is the news, shown as the clock shows it (HH:MM).
    const backAt = formatLocal(ended, options.timeZone).slice(0, 5);
    return `↩️ ${kind.headline} ${words.brief(formatDuration(ended - notification.startedMs, options.language), backAt)}`;
  }
  return `${eventPrefix[notification.event](words)}${severityIcon[notification.severity]} ${kind.headline}`;
}

/**
 * The message for a notification in a language: title, plain text and HTML.
 * Pure: the same notification, language and zone always give the same text, so a message that
 * waited in the outbox reads as it would have when it was made.
 */
export function renderMessage(notification: Notification, options: RenderOptions): RenderedMessage {
  const words = translations[options.language];
  const label = words.label;
  const time = (ms: number) => formatLocal(ms, options.timeZone);
  const title = `${headline(notification, words, options)} — ${subject(notification, words)}`;
  const lines: string[] = [title, ''];

  if (notification.site) {
    lines.push(`${label.site}: ${notification.site.name}`);
  } else {
    lines.push(`${label.site}: ${label.collector}`);
  }
  if (notification.link) lines.push(...linkLines(notification.link, words, label.link));
  if (notification.device) {
    const device = notification.device;
    lines.push(`${label.device}: ${device.name ?? device.id} (${device.role}, ${device.address})`);
  }
  if (notification.interface) lines.push(`${label.interface}: ${notification.interface}`);
  if (notification.upstream?.link) lines.push(...linkLines(notification.upstream.link, words, label.upstream));
  else if (notification.upstream?.site) lines.push(`${label.upstream}: ${notification.upstream.site.name}`);
  const contact = notification.site && contactText(notification.site);
  if (contact) lines.push(`${label.contact}: ${contact}`);

  if (notification.event !== 'test') {
    lines.push(`${label.since}: ${time(notification.startedMs)}`);
    if (notification.event === 'resolved' || notification.event === 'brief') {
      const ended = notification.endedMs ?? notification.atMs;
      lines.push(`${label.until}: ${time(ended)}`);
      lines.push(`${label.lasting}: ${formatDuration(ended - notification.startedMs, options.language)}`);
    } else if (notification.event === 'repeat' || notification.event === 'escalated') {
      lines.push(`${label.ongoing}: ${formatDuration(notification.atMs - notification.startedMs, options.language)}`);
    }
  }
  const measured = measuredText(notification.measured, words);
  if (measured && notification.event !== 'resolved') lines.push(`${label.measured}: ${measured}`);
  const cause = words.kinds[notification.kind].cause?.(notification, words);
  if (cause && notification.event !== 'resolved') lines.push(`${label.cause}: ${cause}`);
  else if (cause && notification.kind === 'flapping') lines.push(cause);
  // The upstream cause already names the sites cut off; everywhere else they get their own line.
  const causeListsSites = notification.kind === 'upstream-down' && notification.event !== 'resolved';
  if (notification.affectedSites && notification.affectedSites.length > 0 && !causeListsSites) {
    lines.push(`${label.affected} (${notification.affectedSites.length}): ${affectedNames(notification)}`);
  }
  if (notification.detail) lines.push(`${label.detail}: ${notification.detail}`);

  lines.push('');
  lines.push(`${label.alertId}: ${notification.alertId}`);
  // Nothing to acknowledge once it is over, or for a one-shot.
  if (notification.event !== 'resolved' && notification.event !== 'brief' && notification.event !== 'test' && notification.event !== 'event') lines.push(label.ack(notification.alertId));

  const text = lines.join('\n');
  return { title, text, html: toHtml(title, lines.slice(2)) };
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function toHtml(title: string, lines: readonly string[]): string {
  const body = lines.map((line) => (line === '' ? '<br>' : `<div>${escapeHtml(line)}</div>`)).join('\n');
  return `<!doctype html>\n<html><body style="font-family:sans-serif">\n<h3>${escapeHtml(title)}</h3>\n${body}\n</body></html>\n`;
}
