import type { Language } from '../config/alerts.ts';
import type { EntityKind } from '../model/alerts.ts';
import type { MissReason, Scorecard } from '../model/report-figures.ts';
import type { PeriodKind } from '../model/report-period.ts';

// Every word the audit reports print (reports/csv.ts, reports/html.ts), in one table:
// Vietnamese first, English second. Registries are typed from the kinds the config and the
// model define, so a new miss reason or scorecard line without its words fails to compile.

export type Words = Readonly<Record<Language, string>>;

export const label = (entry: Words, language: Language): string => entry[language];

/** The words of a code from a registry typed by a wider kind than the report's `string`;
 * a code the registry does not know prints as itself rather than disappearing. */
export function wordsOf(registry: Readonly<Record<string, Words>>, code: string, language: Language): string {
  const entry = registry[code];
  return entry ? label(entry, language) : code;
}

/** The fixed words of the reports, by what they name: titles, fields, column headers (the CSV
 * adds the unit in brackets, the HTML prints it with each value), units, values and markers. */
export const labels = {
  // Titles
  title: { vi: 'Báo cáo hạ tầng mạng', en: 'Network infrastructure report' },
  coverage: { vi: 'Độ phủ dữ liệu', en: 'Data coverage' },
  scorecard: { vi: 'Bảng chỉ tiêu', en: 'Scorecard' },
  sites: { vi: 'Các điểm', en: 'Sites' },
  links: { vi: 'Đường truyền', en: 'Links' },
  linkTraffic: { vi: 'Lưu lượng đường truyền', en: 'Link traffic' },
  linkLatency: { vi: 'Độ trễ và mất gói', en: 'Latency and loss' },
  outages: { vi: 'Các lần gián đoạn', en: 'Outages' },
  inventory: { vi: 'Danh mục thiết bị', en: 'Inventory' },
  changes: { vi: 'Thay đổi trong kỳ', en: 'Changes during the period' },
  definitions: { vi: 'Định nghĩa và cách tính', en: 'Definitions' },
  page: { vi: 'Trang', en: 'Page' },

  // The report's own facts: its heading, and the CSV's first table
  organisation: { vi: 'Đơn vị', en: 'Organisation' },
  period: { vi: 'Kỳ báo cáo', en: 'Period' },
  periodKind: { vi: 'Loại kỳ', en: 'Period kind' },
  firstDay: { vi: 'Ngày đầu', en: 'First day' },
  lastDay: { vi: 'Ngày cuối', en: 'Last day' },
  timeZone: { vi: 'Múi giờ', en: 'Time zone' },
  generatedAt: { vi: 'Thời điểm lập', en: 'Generated at' },
  coverageStep: { vi: 'Bước tính độ phủ', en: 'Coverage step' },
  partial: { vi: 'Kỳ chưa kết thúc', en: 'Partial period' },
  partialNote: {
    vi: 'Kỳ báo cáo chưa kết thúc: số liệu chỉ tính đến thời điểm lập báo cáo.',
    en: 'The period is not over: the figures run only up to the time the report was made.',
  },
  siteCount: { vi: 'Số điểm', en: 'Sites' },
  linkCount: { vi: 'Số đường truyền', en: 'Links' },
  deviceCount: { vi: 'Số thiết bị', en: 'Devices' },
  meanCoverage: { vi: 'Độ phủ dữ liệu trung bình của đường truyền', en: 'Mean data coverage of the links' },
  flagged: { vi: 'Số liệu thiếu dữ liệu (dưới độ phủ tối thiểu)', en: 'Figures on too little data (under the minimum coverage)' },
  linkOutages: { vi: 'Số lần gián đoạn của đường truyền', en: 'Link outages' },
  linksNeedingUpgrade: { vi: 'Đường truyền cần nâng cấp', en: 'Links needing an upgrade' },
  upgradeSharePct: { vi: 'Ngưỡng cần nâng cấp, so với dung lượng', en: 'Upgrade threshold, share of capacity' },
  highSpeedMbps: { vi: 'Ngưỡng Internet tốc độ cao', en: 'High-speed internet threshold' },
  workingAvailabilityPct: { vi: 'Ngưỡng khả dụng được coi là hoạt động', en: 'Working availability threshold' },
  targetAvailabilityPct: { vi: 'Mục tiêu khả dụng', en: 'Availability target' },
  minCoveragePct: { vi: 'Độ phủ dữ liệu tối thiểu', en: 'Minimum data coverage' },

  // Scorecard lines (see scorecardLineWords)
  lanAndInternet: { vi: 'Điểm có mạng LAN và Internet hoạt động', en: 'Sites with a working LAN and internet' },
  highSpeed: { vi: 'Điểm có Internet tốc độ cao', en: 'Sites with high-speed internet' },
  tslcd: { vi: 'Điểm có mạng TSLCD hoạt động', en: 'Sites on a working TSLCD line' },
  availabilityTarget: { vi: 'Điểm đạt mục tiêu khả dụng', en: 'Sites meeting the availability target' },
  averageAvailability: { vi: 'Khả dụng trung bình của các điểm', en: 'Mean availability of the sites' },

  // Column headers
  id: { vi: 'Mã', en: 'ID' },
  name: { vi: 'Tên', en: 'Name' },
  kind: { vi: 'Loại', en: 'Kind' },
  parent: { vi: 'Điểm cấp trên', en: 'Parent site' },
  site: { vi: 'Điểm', en: 'Site' },
  line: { vi: 'Chỉ tiêu', en: 'Line' },
  met: { vi: 'Số điểm đạt', en: 'Sites meeting it' },
  of: { vi: 'Tổng số điểm', en: 'Of sites' },
  share: { vi: 'Tỉ lệ đạt', en: 'Share' },
  missing: { vi: 'Điểm chưa đạt', en: 'Sites missing it' },
  availability: { vi: 'Khả dụng', en: 'Availability' },
  rawAvailability: { vi: 'Khả dụng thô', en: 'Raw availability' },
  coverageFlag: { vi: 'Thiếu dữ liệu', en: 'Too little data' },
  unknownAsDown: { vi: 'Cận dưới, coi thiếu dữ liệu là mất kết nối', en: 'Lower bound, unknown as down' },
  unknownAsUp: { vi: 'Cận trên, coi thiếu dữ liệu là hoạt động', en: 'Upper bound, unknown as up' },
  bounds: { vi: 'Cận dưới – cận trên', en: 'Bounds' },
  n: { vi: 'Số lần gián đoạn (n)', en: 'Outages (n)' },
  downtime: { vi: 'Thời gian mất kết nối', en: 'Downtime' },
  longestOutage: { vi: 'Lần gián đoạn dài nhất', en: 'Longest outage' },
  mttr: { vi: 'MTTR', en: 'MTTR' },
  mtbf: { vi: 'MTBF', en: 'MTBF' },
  provider: { vi: 'Nhà cung cấp', en: 'Provider' },
  circuit: { vi: 'Mã đường truyền', en: 'Circuit' },
  capacity: { vi: 'Dung lượng hợp đồng (xuống / lên)', en: 'Contracted capacity (down / up)' },
  capacityDown: { vi: 'Dung lượng tải xuống', en: 'Download capacity' },
  capacityUp: { vi: 'Dung lượng tải lên', en: 'Upload capacity' },
  inAvg: { vi: 'Vào, trung bình', en: 'In, mean' },
  inPeak: { vi: 'Vào, cao nhất', en: 'In, peak' },
  inP95: { vi: 'Vào, phân vị 95', en: 'In, 95th percentile' },
  outAvg: { vi: 'Ra, trung bình', en: 'Out, mean' },
  outPeak: { vi: 'Ra, cao nhất', en: 'Out, peak' },
  outP95: { vi: 'Ra, phân vị 95', en: 'Out, 95th percentile' },
  inUtilisationP95: { vi: 'Mức sử dụng vào, phân vị 95', en: 'In utilisation, 95th percentile' },
  outUtilisationP95: { vi: 'Mức sử dụng ra, phân vị 95', en: 'Out utilisation, 95th percentile' },
  billed: { vi: 'Mức tính cước, phân vị 95', en: 'Billed, 95th percentile' },
  billedDirection: { vi: 'Chiều tính cước', en: 'Billed direction' },
  needsUpgrade: { vi: 'Cần nâng cấp', en: 'Needs upgrade' },
  trafficBuckets: { vi: 'Số khoảng 5 phút có lưu lượng', en: '5-minute buckets with traffic' },
  trafficCoverage: { vi: 'Độ phủ dữ liệu lưu lượng', en: 'Traffic data coverage' },
  latencyBuckets: { vi: 'Số khoảng 5 phút có ping', en: '5-minute buckets with echoes' },
  rttAvg: { vi: 'Độ trễ trung bình', en: 'RTT, mean' },
  rttMedian: { vi: 'Độ trễ trung vị', en: 'RTT, median' },
  rttP95: { vi: 'Độ trễ phân vị 95', en: 'RTT, 95th percentile' },
  lossAvg: { vi: 'Mất gói trung bình', en: 'Loss, mean' },
  lossP95: { vi: 'Mất gói phân vị 95', en: 'Loss, 95th percentile' },
  entityKind: { vi: 'Loại đối tượng', en: 'Entity kind' },
  entity: { vi: 'Đối tượng', en: 'Entity' },
  start: { vi: 'Bắt đầu (thực tế)', en: 'Start (real)' },
  end: { vi: 'Kết thúc (thực tế)', en: 'End (real)' },
  duration: { vi: 'Thời lượng', en: 'Duration' },
  counted: { vi: 'Thời gian tính trong kỳ', en: 'Counted in the period' },
  cause: { vi: 'Nguyên nhân', en: 'Cause' },
  failure: { vi: 'Lỗi của chính nó hay tuyến trên', en: 'Own or upstream' },
  crossesStart: { vi: 'Bắt đầu trước kỳ', en: 'Began before the period' },
  crossesEnd: { vi: 'Kết thúc sau kỳ', en: 'Ends after the period' },
  notes: { vi: 'Ghi chú', en: 'Notes' },
  inMaintenance: { vi: 'Trong giờ bảo trì', en: 'In maintenance' },
  ongoing: { vi: 'Đang diễn ra', en: 'Ongoing' },
  role: { vi: 'Vai trò', en: 'Role' },
  address: { vi: 'Địa chỉ', en: 'Address' },
  vendor: { vi: 'Hãng', en: 'Vendor' },
  model: { vi: 'Mẫu', en: 'Model' },
  firmware: { vi: 'Phần mềm (firmware)', en: 'Firmware' },
  serial: { vi: 'Số sê-ri', en: 'Serial' },
  lastSeen: { vi: 'Lần cuối SNMP trả lời', en: 'Last seen by SNMP' },
  interfaces: { vi: 'Cổng mạng', en: 'Interfaces' },
  time: { vi: 'Thời điểm', en: 'Time' },
  device: { vi: 'Thiết bị', en: 'Device' },
  fact: { vi: 'Thông tin thay đổi', en: 'Fact' },
  before: { vi: 'Trước', en: 'Before' },
  after: { vi: 'Sau', en: 'After' },

  // Units
  unitPercent: { vi: '%', en: '%' },
  unitMinutes: { vi: 'phút', en: 'min' },
  unitMbps: { vi: 'Mbps', en: 'Mbps' },
  unitMs: { vi: 'ms', en: 'ms' },

  // Values and markers: every flag is a word, or a symbol with words, for a black-on-white print
  yes: { vi: 'có', en: 'yes' },
  no: { vi: 'không', en: 'no' },
  none: { vi: 'không có', en: 'none' },
  directionIn: { vi: 'vào', en: 'in' },
  directionOut: { vi: 'ra', en: 'out' },
  needsUpgradeMark: { vi: '▲ Cần nâng cấp', en: '▲ Needs upgrade' },
  lowCoverageMark: { vi: '⚠ thiếu dữ liệu', en: '⚠ too little data' },
  crossesStartMark: { vi: '◀ bắt đầu trước kỳ', en: '◀ began before the period' },
  crossesEndMark: { vi: '▶ kéo dài sau kỳ', en: '▶ runs past the period' },
  inMaintenanceMark: { vi: '⚒ trong giờ bảo trì', en: '⚒ during maintenance' },
  ongoingMark: { vi: '● đang diễn ra', en: '● ongoing' },
  neverAnswered: { vi: 'SNMP chưa từng trả lời', en: 'SNMP never answered' },
  notDeclared: { vi: 'chưa khai báo', en: 'not declared' },
  noOutages: { vi: 'Không có lần gián đoạn nào trong kỳ.', en: 'No outage in the period.' },
  noChanges: { vi: 'Không có thay đổi nào trong kỳ.', en: 'No change in the period.' },
  noRows: { vi: 'Không có.', en: 'None.' },
  verifyHint: { vi: 'Kiểm tra bản này bằng lệnh: linkwatch report verify TỆP', en: 'Check this copy with: linkwatch report verify FILE' },
  digestInProperties: {
    vi: 'Mã kiểm tra SHA-256 nằm trong thuộc tính tài liệu (tiêu đề) của tệp PDF.',
    en: 'The SHA-256 digest is in the PDF’s document properties (its title).',
  },
} as const satisfies Record<string, Words>;

export const periodKindWords: Record<PeriodKind, Words> = {
  month: { vi: 'Tháng', en: 'Month' },
  quarter: { vi: 'Quý', en: 'Quarter' },
  year: { vi: 'Năm', en: 'Year' },
  custom: { vi: 'Các ngày tuỳ chọn', en: 'Chosen days' },
};

export const entityKindWords: Record<EntityKind, Words> = {
  site: { vi: 'Điểm', en: 'Site' },
  link: { vi: 'Đường truyền', en: 'Link' },
  device: { vi: 'Thiết bị', en: 'Device' },
};

// The inventory's kinds and roles read as the dashboard's inventory names them: one table.
export { deviceRoleLabels as deviceRoleWords, linkKindLabels as linkKindWords, siteKindLabels as siteKindWords } from '../web/lib/inventory.ts';

/** An outage record's kind: `unreachable` is down because something upstream is, which the
 * entity's own provider cannot fix; the rest is its own failure. */
export const failureWords: Record<'outage' | 'unreachable', Words> = {
  outage: { vi: 'Mất kết nối — lỗi của chính nó', en: 'Down — its own failure' },
  unreachable: { vi: 'Không liên lạc được — do tuyến phía trên', en: 'Unreachable — an upstream failure' },
};

/** The causes the alert engine records; `upstream:ID` and `parent:ID` name what failed. */
export const causeWords = {
  'no-reply': { vi: 'Không phản hồi ping', en: 'No echo reply' },
  'interface-down': { vi: 'Cổng mạng ngừng', en: 'Interface down' },
  silent: { vi: 'SNMP không trả lời', en: 'SNMP agent silent' },
  'site-dark': { vi: 'Mất liên lạc toàn điểm', en: 'Whole site dark' },
  upstream: { vi: 'Do tuyến phía trên', en: 'Upstream link down' },
  parent: { vi: 'Do điểm cấp trên', en: 'Parent site down' },
  maintenance: { vi: 'Bảo trì', en: 'Maintenance' },
} as const satisfies Record<string, Words>;

export function causeText(cause: string | null, language: Language): string {
  if (cause === null || cause === '') return '—';
  const separator = cause.indexOf(':');
  if (separator === -1) return wordsOf(causeWords, cause, language);
  const what = cause.slice(separator + 1);
  return `${wordsOf(causeWords, cause.slice(0, separator), language)} (${what})`;
}

export type ScorecardLineKey = Exclude<keyof Scorecard, 'averageAvailabilityPct'>;

/** Typed by the scorecard, so a line added to it without its name fails to compile. */
export const scorecardLineWords: Record<ScorecardLineKey, Words> = {
  lanAndInternet: labels.lanAndInternet,
  highSpeed: labels.highSpeed,
  tslcd: labels.tslcd,
  availabilityTarget: labels.availabilityTarget,
};

export const missReasonWords: Record<MissReason, Words> = {
  'no-lan': { vi: 'không có mạng LAN được giám sát', en: 'no monitored LAN' },
  'lan-not-working': { vi: 'mạng LAN không hoạt động đủ', en: 'the LAN was not working' },
  'no-internet': { vi: 'không có đường Internet', en: 'no internet link' },
  'internet-not-working': { vi: 'Internet không hoạt động đủ', en: 'the internet was not working' },
  'no-capacity': { vi: 'chưa khai báo dung lượng', en: 'no contracted capacity declared' },
  'below-high-speed': { vi: 'dưới ngưỡng tốc độ cao', en: 'below high speed' },
  'no-tslcd': { vi: 'không có đường TSLCD', en: 'no TSLCD line' },
  'tslcd-not-working': { vi: 'TSLCD không hoạt động đủ', en: 'the TSLCD line was not working' },
  'below-target': { vi: 'dưới mục tiêu khả dụng', en: 'below the availability target' },
  'no-data': { vi: 'không có dữ liệu', en: 'no data' },
};

/**
 * How every figure is defined, printed in every report (README.md's "Audit reports"). `{timeZone}`
 * and `{minCoveragePct}` stand for the report's own zone and threshold: see `definitionTexts`.
 */
export const definitionWords: readonly Words[] = [
  {
    vi: 'Kỳ báo cáo: các ngày lịch theo múi giờ {timeZone}, từ 00:00 ngày đầu (có tính) đến 00:00 ngày sau ngày cuối (không tính).',
    en: 'Period: calendar days in the {timeZone} time zone, from 00:00 of the first day (included) to the end, 00:00 of the day after the last day (excluded).',
  },
  {
    vi: 'Trạng thái: «mất kết nối» chỉ khi có bằng chứng rõ ràng (cổng mạng ngừng, hoặc mất 100 % gói ping trong khi bộ thu thập vẫn hoạt động bình thường). «Không có dữ liệu» là khi không có số liệu hoặc không nhận được tín hiệu hoạt động (heartbeat) của bộ thu thập; thời gian này không bao giờ được tính là mất kết nối hay hoạt động. «Bảo trì» là khoảng thời gian bảo trì đã khai báo.',
    en: 'States: down needs positive evidence (the interface down, or 100 % echo loss while the collector is healthy). Unknown is no data or no collector heartbeat, and is never counted as down or as up. Maintenance is a declared window.',
  },
  {
    vi: 'Khả dụng = thời gian hoạt động / (hoạt động + mất kết nối); thời gian bảo trì và không có dữ liệu không được tính. Khả dụng thô tính cả thời gian mất kết nối trong giờ bảo trì. Độ phủ dữ liệu = 1 − thời gian không có dữ liệu / cả kỳ, kèm hai cận: coi mọi lúc không có dữ liệu là mất kết nối, hoặc là hoạt động. Số liệu có độ phủ dưới {minCoveragePct} được đánh dấu ⚠.',
    en: 'Availability = up / (up + down), maintenance and unknown time excluded. Raw availability counts downtime inside maintenance too. Coverage = 1 − unknown / period, with bounds: every unknown minute taken as down, or as up. A figure with coverage under {minCoveragePct} is flagged ⚠.',
  },
  {
    vi: 'Mỗi lần gián đoạn chỉ được tính phần nằm trong kỳ; danh sách ghi thời điểm bắt đầu và kết thúc thực tế, và đánh dấu các lần vượt qua ranh giới kỳ (◀ bắt đầu trước kỳ, ▶ kéo dài sau kỳ).',
    en: 'Outages are clipped to the period; the list shows their real start and end, and marks those crossing a boundary of the period (◀ began before it, ▶ runs past it).',
  },
  {
    vi: 'MTTR = thời gian mất kết nối / n, MTBF = thời gian hoạt động / n, với n là số lần gián đoạn giao với kỳ; vì vậy MTBF / (MTBF + MTTR) = khả dụng.',
    en: 'MTTR = downtime / n and MTBF = uptime / n, where n is the number of outages overlapping the period; so MTBF / (MTBF + MTTR) = availability.',
  },
  {
    vi: 'Một điểm chỉ bị tính là mất kết nối khi tất cả các đường truyền của điểm cùng mất kết nối, xét trên các khoảng thời gian đã gộp.',
    en: 'A site is down only while all its links are down, on their merged intervals.',
  },
  {
    vi: 'Phân vị 95: lưu lượng chia theo các khoảng 5 phút theo đồng hồ; khoảng thiếu dữ liệu để trống, không tính là 0. Với mỗi chiều, n giá trị được sắp xếp tăng dần và lấy giá trị ở vị trí ⌈0,95 n⌉. Mức tính cước là giá trị cao hơn giữa chiều vào và chiều ra. LibreNMS và InfluxQL làm tròn vị trí thay vì làm tròn lên, nên có thể cho giá trị cao hơn một bậc.',
    en: '95th percentile: traffic in 5-minute wall-clock buckets; a missing bucket stays missing, never zero. Per direction, of the n values sorted ascending, the one at position ⌈0.95 n⌉. The billed figure is the higher of in and out. LibreNMS and InfluxQL round the position instead, which can pick the next value up.',
  },
];

/** The definitions in a language, with the report's zone and coverage threshold written in. */
export function definitionTexts(options: { language: Language; timeZone: string; minCoverage: string }): string[] {
  return definitionWords.map((entry) => label(entry, options.language).replaceAll('{timeZone}', options.timeZone).replaceAll('{minCoveragePct}', options.minCoverage));
}
