import type { Severity } from '../../config/alerts.ts';
import type { Role } from '../../config/api.ts';
import type { EntityState } from '../../model/alerts.ts';

// Every label the dashboard shows, in one table: Vietnamese first, English second. Registries
// are typed from the kinds the config and the engine define, so a new state or severity without
// its labels fails to compile.

export const locales = ['vi', 'en'] as const;
export type Locale = (typeof locales)[number];

type Labels = Record<Locale, string>;

/** What a state looks like everywhere: icon and label, never colour alone. `stale` is the
 * dashboard's own: data older than two intervals, which must never look green. */
export type ShownState = EntityState | 'stale';

export const stateLabels: Record<ShownState, Labels & { icon: string }> = {
  up: { vi: 'Hoạt động', en: 'Up', icon: '●' },
  degraded: { vi: 'Suy giảm', en: 'Degraded', icon: '▲' },
  down: { vi: 'Mất kết nối', en: 'Down', icon: '✕' },
  unreachable: { vi: 'Không liên lạc được', en: 'Unreachable', icon: '◌' },
  maintenance: { vi: 'Bảo trì', en: 'Maintenance', icon: '⚒' },
  unknown: { vi: 'Không có dữ liệu', en: 'No data', icon: '?' },
  stale: { vi: 'Không có dữ liệu', en: 'No data', icon: '?' },
};

export type AlertPhase = 'open' | 'acknowledged' | 'resolved';
export const alertPhaseLabels: Record<AlertPhase, Labels> = {
  open: { vi: 'Đang xảy ra', en: 'Ongoing' },
  acknowledged: { vi: 'Đã xác nhận', en: 'Acknowledged' },
  resolved: { vi: 'Đã khắc phục', en: 'Resolved' },
};

export const severityLabels: Record<Severity, Labels> = {
  critical: { vi: 'Nghiêm trọng', en: 'Critical' },
  warning: { vi: 'Cảnh báo', en: 'Warning' },
  info: { vi: 'Thông tin', en: 'Information' },
};

export const roleLabels: Record<Role, Labels> = {
  viewer: { vi: 'Xem', en: 'Viewer' },
  operator: { vi: 'Vận hành', en: 'Operator' },
  admin: { vi: 'Quản trị', en: 'Administrator' },
};

/** The words of each view, by element. */
export const ui = {
  overview: {
    search: { vi: 'Tìm xã, đường truyền…', en: 'Find a commune, a link…' },
    all: { vi: 'Tất cả', en: 'All' },
    none: { vi: 'Không có điểm nào khớp', en: 'Nothing matches' },
  },
  app: {
    title: { vi: 'Giám sát đường truyền', en: 'Link monitoring' },
    language: { vi: 'Ngôn ngữ', en: 'Language' },
    offline: { vi: 'Mất kết nối tới máy chủ, đang thử lại…', en: 'Lost the connection to the server, retrying…' },
    stale: { vi: 'Dữ liệu đã cũ', en: 'The data is old' },
    failed: { vi: 'Không đọc được trạng thái', en: 'Could not read the status' },
    updated: { vi: 'Cập nhật', en: 'Updated' },
    logout: { vi: 'Đăng xuất', en: 'Log out' },
    readOnly: { vi: 'Chỉ xem (không đăng nhập)', en: 'Read only (not logged in)' },
    login: { vi: 'Đăng nhập', en: 'Log in' },
  },
  nav: {
    overview: { vi: 'Tổng quan', en: 'Overview' },
    alerts: { vi: 'Cảnh báo', en: 'Alerts' },
    inventory: { vi: 'Thiết bị', en: 'Inventory' },
    kiosk: { vi: 'Màn hình treo tường', en: 'Wall screen' },
  },
  // Each view's words in its own section, edited by that view's element only.
  linkDetail: {
    back: { vi: 'Quay lại tổng quan', en: 'Back to the overview' },
  },
  alerts: {
    title: { vi: 'Cảnh báo', en: 'Alerts' },
  },
  inventory: {
    title: { vi: 'Thiết bị và đường truyền', en: 'Inventory' },
  },
  kiosk: {
    upCount: { vi: 'điểm hoạt động bình thường', en: 'sites up' },
  },
  login: {
    title: { vi: 'Đăng nhập', en: 'Log in' },
    name: { vi: 'Tên đăng nhập', en: 'User name' },
    password: { vi: 'Mật khẩu', en: 'Password' },
    submit: { vi: 'Đăng nhập', en: 'Log in' },
    wrong: { vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong user name or password' },
    limited: { vi: 'Sai quá nhiều lần, vui lòng chờ rồi thử lại', en: 'Too many attempts; wait and try again' },
  },
} as const satisfies Record<string, Record<string, Labels>>;

/** Units and the words of durations and counts, as format.ts composes them. */
export const unitLabels = {
  second: { vi: 'giây', en: ['second', 'seconds'] },
  minute: { vi: 'phút', en: ['minute', 'minutes'] },
  hour: { vi: 'giờ', en: ['hour', 'hours'] },
  day: { vi: 'ngày', en: ['day', 'days'] },
  outage: { vi: 'lần gián đoạn', en: ['outage', 'outages'] },
} as const satisfies Record<string, { vi: string; en: readonly [string, string] }>;
export type CountedUnit = keyof typeof unitLabels;

export const justNow: Labels = { vi: 'vừa xong', en: 'just now' };

/** The label of a state, a phase or a severity in a locale. */
export const label = (entry: Labels, locale: Locale): string => entry[locale];

/** A count with its word: "2 lần gián đoạn", "1 outage", "2 outages". */
export function counted(count: number, unit: CountedUnit, locale: Locale, shownCount: string = String(count)): string {
  const words = unitLabels[unit];
  return `${shownCount} ${locale === 'vi' ? words.vi : words.en[count === 1 ? 0 : 1]}`;
}
