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
    states: { vi: 'Lọc theo trạng thái', en: 'Filter by state' },
    kinds: { vi: 'Loại đường truyền', en: 'Link kind' },
    providers: { vi: 'Nhà cung cấp', en: 'Provider' },
    anyProvider: { vi: 'Mọi nhà cung cấp', en: 'Any provider' },
    kindInternet: { vi: 'Internet', en: 'Internet' },
    kindTslcd: { vi: 'TSLCD', en: 'TSLCD' },
    kindWan: { vi: 'WAN', en: 'WAN' },
    kindLan: { vi: 'LAN', en: 'LAN' },
    view: { vi: 'Cách xem', en: 'View' },
    viewList: { vi: 'Danh sách', en: 'List' },
    viewMap: { vi: 'Sơ đồ', en: 'Map' },
    density: { vi: 'Mật độ', en: 'Density' },
    densityAuto: { vi: 'Tự động', en: 'Automatic' },
    densityTiles: { vi: 'Thẻ đầy đủ', en: 'Full tiles' },
    densityCompact: { vi: 'Ô nhỏ', en: 'Compact squares' },
    group: { vi: 'Nhóm theo', en: 'Group by' },
    groupNone: { vi: 'Không nhóm', en: 'No grouping' },
    groupState: { vi: 'Trạng thái', en: 'State' },
    groupParent: { vi: 'Điểm cấp trên', en: 'Parent site' },
    noParent: { vi: 'Không có điểm cấp trên', en: 'No parent site' },
    shown: { vi: 'điểm', en: 'sites' },
    since: { vi: 'đã', en: 'for' },
    rtt: { vi: 'Độ trễ (trung vị)', en: 'RTT (median)' },
    loss: { vi: 'Mất gói', en: 'Loss' },
    inShare: { vi: 'Tải xuống so với dung lượng hợp đồng', en: 'Download as a share of the contracted capacity' },
    outShare: { vi: 'Tải lên so với dung lượng hợp đồng', en: 'Upload as a share of the contracted capacity' },
    noCapacity: { vi: 'chưa khai báo dung lượng', en: 'no contracted capacity' },
    dataAge: { vi: 'Dữ liệu', en: 'Data' },
    noData: { vi: 'chưa có dữ liệu', en: 'no data yet' },
    strip: { vi: '24 giờ qua', en: 'Last 24 hours' },
    stripUp: { vi: 'Hoạt động suốt 24 giờ', en: 'Up throughout the 24 hours' },
    stripMissing: { vi: 'Chưa có lịch sử 24 giờ', en: 'No 24-hour history yet' },
    mapTitle: { vi: 'Sơ đồ các điểm theo toạ độ', en: 'Sites by their coordinates' },
    unplaced: { vi: 'Chưa có toạ độ', en: 'No coordinates' },
    mapLegend: { vi: 'Đường nối: điểm với điểm cấp trên', en: 'Lines join a site to its parent' },
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
    loading: { vi: 'Đang tải…', en: 'Loading…' },
    failed: { vi: 'Không đọc được dữ liệu', en: 'Could not read the data' },
    site: { vi: 'Điểm', en: 'Site' },
    kind: { vi: 'Loại', en: 'Kind' },
    kindInternet: { vi: 'Internet', en: 'Internet' },
    kindTslcd: { vi: 'Mạng truyền số liệu chuyên dùng (TSLCD)', en: 'Government data network (TSLCD)' },
    provider: { vi: 'Nhà cung cấp', en: 'Provider' },
    circuit: { vi: 'Mã đường truyền', en: 'Circuit' },
    supportPhone: { vi: 'Số hỗ trợ', en: 'Support phone' },
    capacity: { vi: 'Dung lượng hợp đồng', en: 'Contracted capacity' },
    state: { vi: 'Trạng thái', en: 'State' },
    since: { vi: 'từ', en: 'since' },
    none: { vi: 'không có', en: 'none' },
    range: { vi: 'Khoảng thời gian', en: 'Time range' },
    preset3h: { vi: '3 giờ', en: '3 hours' },
    preset30h: { vi: '30 giờ', en: '30 hours' },
    preset10d: { vi: '10 ngày', en: '10 days' },
    preset360d: { vi: '360 ngày', en: '360 days' },
    zoomed: { vi: 'Đang xem', en: 'Showing' },
    resetZoom: { vi: 'Về khoảng đã chọn', en: 'Back to the preset' },
    zoomHint: { vi: 'Kéo chuột trên biểu đồ để phóng to, nhấp đúp để trở lại.', en: 'Drag across a chart to zoom in, double-click to go back.' },
    traffic: { vi: 'Lưu lượng', en: 'Traffic' },
    trafficIn: { vi: 'Vào (tải xuống)', en: 'In (download)' },
    trafficOut: { vi: 'Ra (tải lên)', en: 'Out (upload)' },
    capacityIn: { vi: 'Dung lượng tải xuống', en: 'Download capacity' },
    capacityOut: { vi: 'Dung lượng tải lên', en: 'Upload capacity' },
    p95In: { vi: 'Phân vị 95 vào', en: '95th percentile in' },
    p95Out: { vi: 'Phân vị 95 ra', en: '95th percentile out' },
    noTraffic: { vi: 'Đường truyền này không đo lưu lượng (chưa gắn thiết bị và cổng).', en: 'This link’s traffic is not measured (no device and interface).' },
    latency: { vi: 'Độ trễ và mất gói', en: 'Latency and loss' },
    target: { vi: 'Địa chỉ ping', en: 'Ping target' },
    rttMin: { vi: 'Nhanh nhất', en: 'Fastest' },
    rttMax: { vi: 'Chậm nhất', en: 'Slowest' },
    rttQ1: { vi: 'Tứ phân vị 1', en: 'First quartile' },
    rttQ3: { vi: 'Tứ phân vị 3', en: 'Third quartile' },
    median: { vi: 'Trung vị', en: 'Median' },
    loss: { vi: 'Mất gói', en: 'Loss' },
    bandOuter: { vi: 'Nhanh nhất – chậm nhất', en: 'Fastest – slowest' },
    bandInner: { vi: 'Một nửa số gói ở giữa', en: 'Middle half of the echoes' },
    lossLegend: { vi: 'Màu đường trung vị theo tỉ lệ mất gói', en: 'Median line coloured by loss' },
    lossNone: { vi: '0 %', en: '0 %' },
    lossLe5: { vi: '≤ 5 %', en: '≤ 5 %' },
    lossLe10: { vi: '≤ 10 %', en: '≤ 10 %' },
    lossLe20: { vi: '≤ 20 %', en: '≤ 20 %' },
    lossLe50: { vi: '≤ 50 %', en: '≤ 50 %' },
    lossOver50: { vi: '> 50 %', en: '> 50 %' },
    noData: { vi: 'Không có dữ liệu', en: 'No data' },
    coverage: { vi: 'dữ liệu', en: 'data' },
    availability: { vi: 'Khả dụng 90 ngày', en: 'Availability, 90 days' },
    dayUp: { vi: 'Không gián đoạn', en: 'No outage' },
    dayDown: { vi: 'Có gián đoạn', en: 'Outage' },
    dayPoor: { vi: 'Thiếu dữ liệu', en: 'Too little data' },
    stripHint: { vi: 'Dùng phím mũi tên để chuyển ngày.', en: 'Use the arrow keys to move between days.' },
    outages: { vi: 'Các lần gián đoạn (90 ngày)', en: 'Outages (90 days)' },
    noOutages: { vi: 'Không có lần gián đoạn nào trong 90 ngày.', en: 'No outage in 90 days.' },
    start: { vi: 'Bắt đầu', en: 'Start' },
    end: { vi: 'Kết thúc', en: 'End' },
    duration: { vi: 'Thời lượng', en: 'Duration' },
    cause: { vi: 'Nguyên nhân', en: 'Cause' },
    ongoing: { vi: 'Đang diễn ra', en: 'Ongoing' },
    causeOwn: { vi: 'Lỗi của đường truyền', en: 'The link failed' },
    causeUpstream: { vi: 'Do tuyến phía trên', en: 'Something upstream failed' },
    inMaintenance: { vi: 'trong giờ bảo trì', en: 'during maintenance' },
  },
  alerts: {
    title: { vi: 'Cảnh báo', en: 'Alerts' },
  },
  inventory: {
    title: { vi: 'Thiết bị và đường truyền', en: 'Inventory' },
    tabs: { vi: 'Danh mục', en: 'Lists' },
    tabSites: { vi: 'Điểm', en: 'Sites' },
    tabDevices: { vi: 'Thiết bị', en: 'Devices' },
    tabInterfaces: { vi: 'Cổng mạng', en: 'Interfaces' },
    tabLinks: { vi: 'Đường truyền', en: 'Links' },
    tabChanges: { vi: 'Lịch sử thay đổi', en: 'Change history' },
    search: { vi: 'Tìm tên, địa chỉ, số hợp đồng…', en: 'Find a name, an address, a circuit id…' },
    exportCsv: { vi: 'Xuất CSV', en: 'Export CSV' },
    loading: { vi: 'Đang tải…', en: 'Loading…' },
    failed: { vi: 'Không đọc được danh mục', en: 'Could not read the inventory' },
    historyFailed: { vi: 'Không đọc được lịch sử thay đổi', en: 'Could not read the change history' },
    none: { vi: 'Không có mục nào khớp', en: 'Nothing matches' },
    shown: { vi: 'mục', en: 'rows' },
    sortBy: { vi: 'Sắp xếp theo', en: 'Sort by' },
    never: { vi: 'chưa thấy', en: 'never seen' },
    colId: { vi: 'Mã', en: 'Id' },
    colName: { vi: 'Tên', en: 'Name' },
    colKind: { vi: 'Loại', en: 'Kind' },
    colSite: { vi: 'Điểm', en: 'Site' },
    colAddress: { vi: 'Địa chỉ', en: 'Address' },
    colLat: { vi: 'Vĩ độ', en: 'Latitude' },
    colLon: { vi: 'Kinh độ', en: 'Longitude' },
    colContact: { vi: 'Liên hệ', en: 'Contact' },
    colPhone: { vi: 'Điện thoại', en: 'Phone' },
    colDevices: { vi: 'Số thiết bị', en: 'Devices' },
    colLinks: { vi: 'Số đường truyền', en: 'Links' },
    colRole: { vi: 'Vai trò', en: 'Role' },
    colIp: { vi: 'Địa chỉ IP', en: 'IP address' },
    colManufacturer: { vi: 'Hãng', en: 'Manufacturer' },
    colModel: { vi: 'Model', en: 'Model' },
    colSerial: { vi: 'Số sê-ri', en: 'Serial' },
    colFirmware: { vi: 'Phần mềm (firmware)', en: 'Firmware' },
    colSeen: { vi: 'Lần cuối thấy', en: 'Last seen' },
    colSeenAt: { vi: 'Thời điểm', en: 'At' },
    colDevice: { vi: 'Thiết bị', en: 'Device' },
    colIfIndex: { vi: 'ifIndex', en: 'ifIndex' },
    colInterface: { vi: 'Cổng', en: 'Interface' },
    colSpeed: { vi: 'Tốc độ cổng', en: 'Port speed' },
    colUsedBy: { vi: 'Đường truyền dùng', en: 'Used by link' },
    colProvider: { vi: 'Nhà cung cấp', en: 'Provider' },
    colCircuit: { vi: 'Mã hợp đồng / kênh', en: 'Circuit id' },
    colDownMbps: { vi: 'Cam kết tải xuống (Mbit/s)', en: 'Contracted down (Mbit/s)' },
    colUpMbps: { vi: 'Cam kết tải lên (Mbit/s)', en: 'Contracted up (Mbit/s)' },
    colSupport: { vi: 'Tổng đài hỗ trợ', en: 'Support line' },
    colWhen: { vi: 'Thời gian', en: 'When' },
    colChange: { vi: 'Thay đổi', en: 'Change' },
    colFact: { vi: 'Thông tin', en: 'Fact' },
    colBefore: { vi: 'Trước', en: 'Before' },
    colAfter: { vi: 'Sau', en: 'After' },
    changeReplaced: { vi: 'Thay thiết bị', en: 'Device replaced' },
    changeFirmware: { vi: 'Đổi phần mềm', en: 'Firmware changed' },
    changeInterfaceAdded: { vi: 'Thêm cổng', en: 'Interface added' },
    changeInterfaceRemoved: { vi: 'Bỏ cổng', en: 'Interface removed' },
    changeInterfaceChanged: { vi: 'Cổng thay đổi', en: 'Interface changed' },
    changeOther: { vi: 'Thông tin khác đổi', en: 'Other fact changed' },
    siteDistrictCentre: { vi: 'Trung tâm huyện', en: 'District centre' },
    siteTown: { vi: 'Thị trấn', en: 'Town' },
    siteCommune: { vi: 'Xã', en: 'Commune' },
    siteOther: { vi: 'Khác', en: 'Other' },
    roleRouter: { vi: 'Bộ định tuyến', en: 'Router' },
    roleSwitch: { vi: 'Bộ chuyển mạch', en: 'Switch' },
    roleFirewall: { vi: 'Tường lửa', en: 'Firewall' },
    roleAccessPoint: { vi: 'Điểm phát Wi-Fi', en: 'Access point' },
    roleServer: { vi: 'Máy chủ', en: 'Server' },
    roleUps: { vi: 'Bộ lưu điện', en: 'UPS' },
    roleModem: { vi: 'Modem', en: 'Modem' },
    roleOther: { vi: 'Khác', en: 'Other' },
    linkInternet: { vi: 'Internet', en: 'Internet' },
    linkTslcd: { vi: 'TSLCD', en: 'TSLCD' },
    linkWan: { vi: 'WAN', en: 'WAN' },
    linkLan: { vi: 'LAN', en: 'LAN' },
  },
  kiosk: {
    upCount: { vi: 'điểm hoạt động bình thường', en: 'sites up' },
    ofSites: { vi: 'trên tổng số', en: 'of' },
    allUp: { vi: 'Tất cả các điểm hoạt động bình thường', en: 'Every site is up' },
    problems: { vi: 'Điểm có sự cố', en: 'Sites with a problem' },
    since: { vi: 'từ', en: 'since' },
    page: { vi: 'Trang', en: 'Page' },
    clock: { vi: 'Giờ Việt Nam', en: 'Vietnam time' },
    updated: { vi: 'Dữ liệu lúc', en: 'Data as of' },
    staleData: { vi: 'Dữ liệu đã cũ', en: 'The data is old' },
    waiting: { vi: 'Đang chờ dữ liệu…', en: 'Waiting for data…' },
    more: { vi: 'đường truyền khác', en: 'more links' },
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
