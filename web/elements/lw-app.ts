import { css, html, LitElement } from 'lit';
import type { SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import { fetchSession, fetchSites, fetchStatus, logOut, watchEvents, type SignedInUser } from '../api/client.ts';
import { createFormatter } from '../lib/format.ts';
import { label, locales, roleLabels, type Locale, ui } from '../lib/i18n.ts';
import { isKiosk, parseRoute, routeHref, type Route, type ViewName } from '../lib/route.ts';
import './lw-alerts.ts';
import './lw-inventory.ts';
import './lw-kiosk.ts';
import './lw-link-detail.ts';
import './lw-login.ts';
import './lw-overview.ts';
import './lw-reports.ts';

const LOCALE_KEY = 'linkwatch.locale';
/** Past this, the page says its data is old: a frozen page must never look green. */
const STALE_AFTER_MS = 2 * 60_000;

/** The page: header with the language switch and the banners, then the current view. */
export class LwApp extends LitElement {
  static override properties = {
    locale: { state: true },
    status: { state: true },
    alertChanges: { state: true },
    sites: { state: true },
    error: { state: true },
    connected: { state: true },
    nowMs: { state: true },
    access: { state: true },
    route: { state: true },
  };
  declare locale: Locale;
  declare status: StatusReport | undefined;
  /** Counts the stream's alert events: a change tells the alerts view to read again. */
  declare alertChanges: number;
  declare sites: SiteView[];
  declare error: string | undefined;
  declare connected: boolean;
  declare nowMs: number;
  /** Who is looking: a user, anonymous read, or nobody yet (the login form). */
  declare access: { kind: 'checking' } | { kind: 'login' } | { kind: 'anonymous' } | { kind: 'user'; user: SignedInUser; csrfToken?: string };
  declare route: Route;
  /** `?kiosk`: the wall screen, no navigation, always dark. */
  private readonly kiosk = isKiosk(location.search);
  private stopEvents: (() => void) | undefined;
  private ticker: number | undefined;
  private readonly darkScheme = matchMedia('(prefers-color-scheme: dark)');
  private readonly onHashChange = () => (this.route = parseRoute(location.hash));
  private readonly onSchemeChange = () => this.applyTheme();

  constructor() {
    super();
    const saved = localStorage.getItem(LOCALE_KEY);
    this.locale = (locales as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'vi';
    this.sites = [];
    this.connected = true;
    this.alertChanges = 0;
    this.nowMs = Date.now();
    this.access = { kind: 'checking' };
    this.route = parseRoute(location.hash);
  }

  private applyTheme() {
    document.documentElement.dataset.theme = this.kiosk || this.darkScheme.matches ? 'dark' : 'light';
  }

  static override styles = css`
    :host { display: block; padding: 1rem; max-inline-size: 80rem; margin-inline: auto; }
    header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
    h1 { font-size: 1.4rem; margin: 0 0 1rem; }
    .banner { padding: 0.6rem 0.8rem; border-radius: 0.4rem; background: var(--lw-banner); color: var(--lw-banner-text); margin-block-end: 1rem; font-weight: 600; }
    select, button { font: inherit; }
    .who { display: flex; align-items: center; gap: 0.5rem; }
    .age { color: var(--lw-muted); font-size: 0.9rem; }
    nav { display: flex; gap: 0.3rem; flex-wrap: wrap; margin-block-end: 1rem; }
    nav a { padding: 0.4rem 0.8rem; border-radius: 0.4rem; color: var(--lw-text); text-decoration: none; border: 1px solid var(--lw-border); background: var(--lw-surface); }
    nav a[aria-current='page'] { outline: 2px solid var(--lw-focus); font-weight: 600; }
    a:focus-visible, select:focus-visible, button:focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
    :host([kiosk]) { max-inline-size: none; font-size: 1.5rem; }
    :host([kiosk]) .banner { font-size: 2rem; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    document.documentElement.lang = this.locale;
    if (this.kiosk) this.setAttribute('kiosk', '');
    this.applyTheme();
    this.darkScheme.addEventListener('change', this.onSchemeChange);
    window.addEventListener('hashchange', this.onHashChange);
    this.ticker = window.setInterval(() => (this.nowMs = Date.now()), 10_000);
    void this.checkSession();
  }

  private async checkSession() {
    const session = await fetchSession();
    if (!session.ok) {
      this.error = session.message;
      return;
    }
    const value = session.value;
    if (value.authenticated) this.begin({ kind: 'user', user: value.user, ...(value.csrfToken !== undefined ? { csrfToken: value.csrfToken } : {}) });
    else if (value.anonymousRead) this.begin({ kind: 'anonymous' });
    else this.access = { kind: 'login' };
  }

  /** Reads the data and follows the event stream, once someone may read them. */
  private begin(access: LwApp['access']) {
    this.access = access;
    this.stopEvents?.();
    void this.load();
    this.stopEvents = watchEvents({ onChange: () => void this.load(), onAlerts: () => (this.alertChanges += 1), onConnection: (open) => (this.connected = open) });
  }

  private async end() {
    if (this.access.kind === 'user') await logOut(this.access.csrfToken);
    this.stopEvents?.();
    this.stopEvents = undefined;
    this.status = undefined;
    this.sites = [];
    this.connected = true;
    await this.checkSession();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopEvents?.();
    window.clearInterval(this.ticker);
    window.removeEventListener('hashchange', this.onHashChange);
    this.darkScheme.removeEventListener('change', this.onSchemeChange);
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

  private whoAmI() {
    const access = this.access;
    if (access.kind === 'user') {
      return html`<span class="who" data-user=${access.user.name} data-role=${access.user.role}>${access.user.displayName ?? access.user.name} · ${label(roleLabels[access.user.role], this.locale)}
        <button @click=${() => void this.end()}>${label(ui.app.logout, this.locale)}</button></span>`;
    }
    if (access.kind === 'anonymous') return html`<span class="who">${label(ui.app.readOnly, this.locale)} <button @click=${() => (this.access = { kind: 'login' })}>${label(ui.app.login, this.locale)}</button></span>`;
    return '';
  }

  private nav() {
    const views: [ViewName, Route][] = [
      ['overview', { view: 'overview' }],
      ['alerts', { view: 'alerts' }],
      ['inventory', { view: 'inventory' }],
      ['reports', { view: 'reports' }],
    ];
    const current = this.route.view === 'link' ? 'overview' : this.route.view;
    return html`<nav aria-label=${label(ui.app.title, this.locale)}>
      ${views.map(([name, route]) => html`<a href=${routeHref(route)} data-nav=${name} aria-current=${current === name ? 'page' : 'false'}>${label(ui.nav[name as Exclude<ViewName, 'link'>], this.locale)}</a>`)}
      <a href="?kiosk" data-nav="kiosk">${label(ui.nav.kiosk, this.locale)}</a>
    </nav>`;
  }

  private view() {
    const route = this.route;
    const role = this.access.kind === 'user' ? this.access.user.role : undefined;
    const csrfToken = this.access.kind === 'user' ? this.access.csrfToken : undefined;
    if (this.kiosk) return html`<lw-kiosk .status=${this.status} .sites=${this.sites} locale=${this.locale} .nowMs=${this.nowMs}></lw-kiosk>`;
    switch (route.view) {
      case 'overview':
        return html`<lw-overview .status=${this.status} .sites=${this.sites} locale=${this.locale} .nowMs=${this.nowMs}></lw-overview>`;
      case 'link':
        return html`<lw-link-detail linkId=${route.id} .status=${this.status} locale=${this.locale} .nowMs=${this.nowMs}></lw-link-detail>`;
      case 'alerts':
        return html`<lw-alerts locale=${this.locale} .changes=${this.alertChanges} .sites=${this.sites} .userRole=${role} .csrfToken=${csrfToken} .nowMs=${this.nowMs}></lw-alerts>`;
      case 'inventory':
        return html`<lw-inventory locale=${this.locale} .nowMs=${this.nowMs}></lw-inventory>`;
      case 'reports':
        return html`<lw-reports locale=${this.locale} .nowMs=${this.nowMs}></lw-reports>`;
    }
  }

  override render() {
    const format = createFormatter({ locale: this.locale });
    const generated = this.status?.generatedMs;
    const stale = generated !== undefined && this.nowMs - generated > STALE_AFTER_MS;
    const banners = html`
      ${this.connected ? '' : html`<p class="banner" role="alert" data-banner="offline">${label(ui.app.offline, this.locale)}</p>`}
      ${this.error ? html`<p class="banner" role="alert" data-banner="failed">${label(ui.app.failed, this.locale)}: ${this.error}</p>` : ''}
      ${stale ? html`<p class="banner" role="alert" data-banner="stale">${label(ui.app.stale, this.locale)} (${format.ago(generated, this.nowMs)})</p>` : ''}`;
    if (this.access.kind === 'login') {
      return html`${this.header()}${banners}<lw-login locale=${this.locale} @lw-logged-in=${(event: CustomEvent<{ user: SignedInUser; csrfToken: string }>) => this.begin({ kind: 'user', ...event.detail })}></lw-login>`;
    }
    if (this.kiosk) return html`${banners}${this.view()}`;
    return html`
      ${this.header()}
      ${this.nav()}
      ${banners}
      ${generated !== undefined ? html`<p class="age">${label(ui.app.updated, this.locale)} ${format.time(generated)}</p>` : ''}
      ${this.access.kind === 'checking' ? '' : this.view()}
    `;
  }

  private header() {
    return html`
      <header>
        <h1>${label(ui.app.title, this.locale)}</h1>
        <label>${label(ui.app.language, this.locale)}
          <select @change=${(event: Event) => this.setLocale((event.target as HTMLSelectElement).value as Locale)}>
            <option value="vi" ?selected=${this.locale === 'vi'}>Tiếng Việt</option>
            <option value="en" ?selected=${this.locale === 'en'}>English</option>
          </select>
        </label>
        ${this.whoAmI()}
      </header>`;
  }
}

customElements.define('lw-app', LwApp);
