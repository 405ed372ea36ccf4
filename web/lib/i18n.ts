import type { Severity } from '../../config/alerts.ts';
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
