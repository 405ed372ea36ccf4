import { css, html, LitElement, type PropertyValues } from 'lit';
import type { SiteView } from '../../api/inventory.ts';
import type { Role } from '../../config/api.ts';
import type { Severity } from '../../config/alerts.ts';
import type { AlertRecord } from '../../store/control-rows.ts';
import { acknowledgeAlert, fetchAlerts, type AlertsAnswer } from '../api/alerts.ts';
import type { Fetched } from '../api/client.ts';
import { alertPhase, alertRows, knownSeverity, severities, type AlertRow } from '../lib/alerts.ts';
import { createFormatter } from '../lib/format.ts';
import { alertKindLabels, alertPhaseLabels, label, severityLabels, type AlertPhase, type Locale, ui } from '../lib/i18n.ts';
import './lw-maintenance.ts';

/** Re-read the alerts this often while the page is open (the event stream only says "changed"). */
const REFRESH_MS = 30_000;
/** An alert storm (a district-wide power cut) sends many events at once: one read per two
 * seconds at most, the last one after the storm's last event. */
const EVENT_READ_GAP_MS = 2_000;
const phaseIcons: Record<AlertPhase, string> = { open: '✕', acknowledged: '✓', resolved: '●' };
const severityIcons: Record<Severity, string> = { critical: '▲', warning: '◆', info: 'ℹ' };

/** Alerts, active and past, like Zabbix's problems table: a root cause with its consequences
 * folded beneath it; acknowledgement and maintenance windows for operators. */
export class LwAlerts extends LitElement {
  static override properties = {
    locale: {},
    userRole: { attribute: false },
    csrfToken: {},
    nowMs: { type: Number },
    changes: { type: Number },
    view: { state: true },
    unacknowledgedOnly: { state: true },
    severity: { state: true },
    answer: { state: true },
    expanded: { state: true },
    acknowledging: { state: true },
    refusal: { state: true },
    sites: { attribute: false },
  };
  /** The inventory's sites, for their names. */
  declare sites: readonly SiteView[];
  declare locale: Locale;
  /** Undefined for anonymous read: nothing can be changed. */
  declare userRole: Role | undefined;
  declare csrfToken: string | undefined;
  declare nowMs: number;
  /** Bumped by lw-app on each alert event of the stream: the table is read again. */
  declare changes: number;
  declare view: 'open' | 'all';
  declare unacknowledgedOnly: boolean;
  declare severity: Severity | undefined;
  declare answer: Fetched<AlertsAnswer> | undefined;
  declare expanded: ReadonlySet<string>;
  /** The alert whose acknowledgement form is open. */
  declare acknowledging: string | undefined;
  declare refusal: string | undefined;
  private fetchedMs = 0;
  private request = 0;
  private pendingRead: number | undefined;

  constructor() {
    super();
    this.locale = 'vi';
    this.nowMs = Date.now();
    this.changes = 0;
    this.view = 'open';
    this.unacknowledgedOnly = false;
    this.expanded = new Set();
    this.sites = [];
  }

  private siteName(id: string | undefined): string {
    return id === undefined ? '—' : (this.sites.find((site) => site.id === id)?.name ?? id);
  }

  static override styles = css`
    :host { display: block; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-block-end: 0.8rem; }
    button, select, input { font: inherit; padding: 0.35rem 0.7rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-surface); color: var(--lw-text); }
    button { cursor: pointer; }
    button[aria-pressed='true'] { outline: 2px solid var(--lw-focus); font-weight: 600; }
    :focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; inline-size: 100%; background: var(--lw-surface); }
    th, td { text-align: start; padding: 0.45rem 0.6rem; border-block-end: 1px solid var(--lw-border); vertical-align: top; }
    th { font-size: 0.85rem; color: var(--lw-muted); }
    tr[data-severity='critical'] td.problem { background: color-mix(in srgb, var(--lw-down) 14%, transparent); }
    tr[data-severity='warning'] td.problem { background: color-mix(in srgb, var(--lw-degraded) 14%, transparent); }
    tr[data-severity='info'] td.problem { background: color-mix(in srgb, var(--lw-maintenance) 12%, transparent); }
    tr[data-phase='resolved'] { color: var(--lw-muted); }
    tr.consequence td { padding-inline-start: 2rem; font-size: 0.9rem; }
    .severity { font-weight: 600; font-size: 0.85rem; }
    .summary { display: block; color: var(--lw-muted); font-size: 0.9rem; }
    .banner { padding: 0.5rem 0.7rem; border-radius: 0.4rem; background: var(--lw-banner); color: var(--lw-banner-text); }
    form.ack { display: flex; gap: 0.4rem; flex-wrap: wrap; margin-block-start: 0.4rem; }
    .muted { color: var(--lw-muted); }
  `;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.clearTimeout(this.pendingRead);
    this.pendingRead = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('changes') && changed.get('changes') !== undefined) this.readSoon();
    else if (changed.has('nowMs') && this.nowMs - this.fetchedMs >= REFRESH_MS && this.fetchedMs !== 0) void this.load();
  }

  /** Reads again now, or once the gap since the last read has passed. */
  private readSoon() {
    if (this.pendingRead !== undefined) return;
    const wait = Math.max(0, this.fetchedMs + EVENT_READ_GAP_MS - Date.now());
    this.pendingRead = window.setTimeout(() => {
      this.pendingRead = undefined;
      void this.load();
    }, wait);
  }

  /** Reads the alerts again; lw-app may call it when the event stream says something changed. */
  async load() {
    const request = ++this.request;
    this.fetchedMs = Date.now();
    const answer = await fetchAlerts({ state: this.view, ...(this.view === 'all' ? { from: '-7d' } : {}), ...(this.severity !== undefined ? { severity: this.severity } : {}) });
    if (request === this.request) this.answer = answer;
  }

  private get canAct(): boolean {
    return this.userRole === 'operator' || this.userRole === 'admin';
  }

  private choose(change: Partial<Pick<LwAlerts, 'view' | 'severity'>>) {
    Object.assign(this, change);
    void this.load();
  }

  private toggle(alertId: string) {
    const next = new Set(this.expanded);
    if (!next.delete(alertId)) next.add(alertId);
    this.expanded = next;
  }

  private async acknowledge(event: SubmitEvent, alertId: string) {
    event.preventDefault();
    const comment = String(new FormData(event.target as HTMLFormElement).get('comment') ?? '').trim();
    const result = await acknowledgeAlert(alertId, comment, this.csrfToken);
    if (!result.ok) {
      this.refusal = `${label(ui.alerts.refused, this.locale)} (${result.status}): ${result.message}`;
      return;
    }
    this.refusal = undefined;
    this.acknowledging = undefined;
    await this.load();
  }

  private problem(alert: AlertRecord) {
    const kind = alert.kind in alertKindLabels ? label(alertKindLabels[alert.kind as keyof typeof alertKindLabels], this.locale) : alert.kind;
    const subject = [alert.entity, alert.interface].filter((part) => part !== undefined).join(' · ');
    return html`${kind}${subject !== '' ? html` · ${subject}` : ''}${alert.summary ? html`<span class="summary">${alert.summary}</span>` : ''}`;
  }

  private row(row: AlertRow) {
    const { alert } = row;
    const format = createFormatter({ locale: this.locale });
    const phase = alertPhase(alert);
    const severity = knownSeverity(alert.severity);
    const folded = row.consequences.length + row.affectedSites.length;
    const open = this.expanded.has(alert.alertId);
    const acked = alert.acknowledgement;
    return html`
      <tr data-alert=${alert.alertId} data-phase=${phase} data-severity=${alert.severity} data-kind=${alert.kind}>
        <td>${format.dateTime(alert.startedMs)}</td>
        <td>${alert.endedMs !== undefined ? format.dateTime(alert.endedMs) : '—'}</td>
        <td class="phase"><span aria-hidden="true">${phaseIcons[phase]}</span> ${label(alertPhaseLabels[phase], this.locale)}</td>
        <td data-site=${alert.site ?? ''}>${this.siteName(alert.site)}</td>
        <td class="problem">
          <span class="severity">${severity ? html`<span aria-hidden="true">${severityIcons[severity]}</span> ${label(severityLabels[severity], this.locale)}` : alert.severity}</span> · ${this.problem(alert)}
          ${folded > 0
            ? html`<div><button class="fold" aria-expanded=${open ? 'true' : 'false'} aria-controls="c-${alert.alertId}" data-folded=${folded} @click=${() => this.toggle(alert.alertId)}>${open ? '▾' : '▸'} ${folded} ${label(ui.alerts.consequences, this.locale)}</button></div>`
            : ''}
        </td>
        <td>${format.duration((alert.endedMs ?? this.nowMs) - alert.startedMs)}</td>
        <td class="ack">
          ${acked ? html`<span data-acked-by=${acked.by}>${acked.by} · ${format.dateTime(acked.atMs)}${acked.comment ? html`<span class="summary">“${acked.comment}”</span>` : ''}</span>` : ''}
          ${this.canAct && phase === 'open' && this.acknowledging !== alert.alertId ? html`<button data-action="acknowledge" @click=${() => (this.acknowledging = alert.alertId)}>${label(ui.alerts.acknowledge, this.locale)}</button>` : ''}
          ${this.acknowledging === alert.alertId
            ? html`<form class="ack" @submit=${(event: SubmitEvent) => void this.acknowledge(event, alert.alertId)}>
                <input name="comment" maxlength="500" aria-label=${label(ui.alerts.comment, this.locale)} placeholder=${label(ui.alerts.comment, this.locale)} />
                <button type="submit">${label(ui.alerts.send, this.locale)}</button>
                <button type="button" @click=${() => (this.acknowledging = undefined)}>${label(ui.alerts.cancel, this.locale)}</button>
              </form>`
            : ''}
        </td>
      </tr>
      ${open
        ? html`${row.affectedSites.length > 0 ? html`<tr class="consequence" id="c-${alert.alertId}" data-consequence-of=${alert.alertId}><td colspan="7">${label(ui.alerts.affectedSites, this.locale)}: ${row.affectedSites.map((site) => html`<span data-affected-site=${site}>${this.siteName(site)}</span> `)}</td></tr>` : ''}
          ${row.consequences.map((consequence) => html`<tr class="consequence" data-consequence-of=${alert.alertId} data-alert=${consequence.alertId}><td colspan="7">${this.problem(consequence)} · ${this.siteName(consequence.site)}</td></tr>`)}`
        : ''}
    `;
  }

  override render() {
    const l = (entry: { vi: string; en: string }) => label(entry, this.locale);
    const answer = this.answer;
    const rows = answer?.ok ? alertRows(answer.value.alerts, { filter: { unacknowledgedOnly: this.unacknowledgedOnly }, nowMs: this.nowMs }) : [];
    return html`
      <h2>${l(ui.alerts.title)}</h2>
      <div class="filters" role="toolbar">
        <button data-view="open" aria-pressed=${this.view === 'open' ? 'true' : 'false'} @click=${() => this.choose({ view: 'open' })}>${l(ui.alerts.active)}</button>
        <button data-view="all" aria-pressed=${this.view === 'all' ? 'true' : 'false'} @click=${() => this.choose({ view: 'all' })}>${l(ui.alerts.history)}</button>
        <label><input type="checkbox" data-filter="unacknowledged" .checked=${this.unacknowledgedOnly} @change=${(event: Event) => (this.unacknowledgedOnly = (event.target as HTMLInputElement).checked)} /> ${l(ui.alerts.unacknowledged)}</label>
        <label>${l(ui.alerts.severity)}
          <select data-filter="severity" @change=${(event: Event) => this.choose({ severity: knownSeverity((event.target as HTMLSelectElement).value) })}>
            <option value="" ?selected=${this.severity === undefined}>${l(ui.alerts.anySeverity)}</option>
            ${severities.map((severity) => html`<option value=${severity} ?selected=${this.severity === severity}>${l(severityLabels[severity])}</option>`)}
          </select>
        </label>
      </div>
      ${this.canAct ? '' : html`<p class="muted" data-read-only>${l(ui.alerts.readOnly)}</p>`}
      ${this.refusal ? html`<p class="banner" role="alert" data-refusal>${this.refusal}</p>` : ''}
      ${answer === undefined ? html`<p>${l(ui.alerts.loading)}</p>` : ''}
      ${answer && !answer.ok ? html`<p class="banner" role="alert">${l(ui.alerts.failed)}: ${answer.message}</p>` : ''}
      ${answer?.ok && answer.value.truncated ? html`<p class="muted">${l(ui.alerts.truncated)}</p>` : ''}
      ${answer?.ok && rows.length === 0 ? html`<p data-empty>${l(ui.alerts.none)}</p>` : ''}
      ${rows.length > 0
        ? html`<div class="scroll"><table>
            <thead><tr>
              <th scope="col">${l(ui.alerts.time)}</th><th scope="col">${l(ui.alerts.recovery)}</th><th scope="col">${l(ui.alerts.state)}</th><th scope="col">${l(ui.alerts.site)}</th>
              <th scope="col">${l(ui.alerts.problem)}</th><th scope="col">${l(ui.alerts.duration)}</th><th scope="col">${l(ui.alerts.acknowledgement)}</th>
            </tr></thead>
            <tbody>${rows.map((row) => this.row(row))}</tbody>
          </table></div>`
        : ''}
      <lw-maintenance locale=${this.locale} .canAct=${this.canAct} .csrfToken=${this.csrfToken} .nowMs=${this.nowMs}></lw-maintenance>
    `;
  }
}

customElements.define('lw-alerts', LwAlerts);
