import { css, html, LitElement } from 'lit';
import type { SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import { fetchSites, fetchStatus, watchEvents } from '../api/client.ts';
import { createFormatter } from '../lib/format.ts';
import { label, locales, type Locale } from '../lib/i18n.ts';
import './lw-overview.ts';

const words = {
  title: { vi: 'Giám sát đường truyền', en: 'Link monitoring' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  offline: { vi: 'Mất kết nối tới máy chủ, đang thử lại…', en: 'Lost the connection to the server, retrying…' },
  stale: { vi: 'Dữ liệu đã cũ', en: 'The data is old' },
  failed: { vi: 'Không đọc được trạng thái', en: 'Could not read the status' },
  updated: { vi: 'Cập nhật', en: 'Updated' },
} as const;
const LOCALE_KEY = 'linkwatch.locale';
/** Past this, the page says its data is old: a frozen page must never look green. */
const STALE_AFTER_MS = 2 * 60_000;

/** The page: header with the language switch and the banners, then the current view. */
export class LwApp extends LitElement {
  static override properties = {
    locale: { state: true },
    status: { state: true },
    sites: { state: true },
    error: { state: true },
    connected: { state: true },
    nowMs: { state: true },
  };
  declare locale: Locale;
  declare status: StatusReport | undefined;
  declare sites: SiteView[];
  declare error: string | undefined;
  declare connected: boolean;
  declare nowMs: number;
  private stopEvents: (() => void) | undefined;
  private ticker: number | undefined;

  constructor() {
    super();
    const saved = localStorage.getItem(LOCALE_KEY);
    this.locale = (locales as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'vi';
    this.sites = [];
    this.connected = true;
    this.nowMs = Date.now();
  }

  static override styles = css`
    :host { display: block; padding: 1rem; max-inline-size: 80rem; margin-inline: auto; }
    header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
    h1 { font-size: 1.4rem; margin: 0 0 1rem; }
    .banner { padding: 0.6rem 0.8rem; border-radius: 0.4rem; background: var(--lw-banner); color: var(--lw-banner-text); margin-block-end: 1rem; font-weight: 600; }
    select { font: inherit; }
    .age { color: var(--lw-muted); font-size: 0.9rem; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    document.documentElement.lang = this.locale;
    void this.load();
    this.stopEvents = watchEvents({ onChange: () => void this.load(), onConnection: (open) => (this.connected = open) });
    this.ticker = window.setInterval(() => (this.nowMs = Date.now()), 10_000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopEvents?.();
    window.clearInterval(this.ticker);
  }

  private async load() {
    const [status, sites] = await Promise.all([fetchStatus(), this.sites.length === 0 ? fetchSites() : undefined]);
    if (status.ok) {
      this.status = status.value;
      this.error = undefined;
    } else this.error = status.message;
    if (sites?.ok) this.sites = sites.value.sites;
  }

  private setLocale(locale: Locale) {
    this.locale = locale;
    localStorage.setItem(LOCALE_KEY, locale);
    document.documentElement.lang = locale;
  }

  override render() {
    const format = createFormatter({ locale: this.locale });
    const generated = this.status?.generatedMs;
    const stale = generated !== undefined && this.nowMs - generated > STALE_AFTER_MS;
    return html`
      <header>
        <h1>${label(words.title, this.locale)}</h1>
        <label>${label(words.language, this.locale)}
          <select @change=${(event: Event) => this.setLocale((event.target as HTMLSelectElement).value as Locale)}>
            <option value="vi" ?selected=${this.locale === 'vi'}>Tiếng Việt</option>
            <option value="en" ?selected=${this.locale === 'en'}>English</option>
          </select>
        </label>
      </header>
      ${this.connected ? '' : html`<p class="banner" role="alert" data-banner="offline">${label(words.offline, this.locale)}</p>`}
      ${this.error ? html`<p class="banner" role="alert" data-banner="failed">${label(words.failed, this.locale)}: ${this.error}</p>` : ''}
      ${stale ? html`<p class="banner" role="alert" data-banner="stale">${label(words.stale, this.locale)} (${format.ago(generated, this.nowMs)})</p>` : ''}
      ${generated !== undefined ? html`<p class="age">${label(words.updated, this.locale)} ${format.time(generated)}</p>` : ''}
      <lw-overview .status=${this.status} .sites=${this.sites} locale=${this.locale} .nowMs=${this.nowMs}></lw-overview>
    `;
  }
}

customElements.define('lw-app', LwApp);
