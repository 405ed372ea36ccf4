import { css, html, LitElement } from 'lit';
import { addMaintenance, endMaintenance, fetchMaintenance, type WindowView } from '../api/alerts.ts';
import type { Fetched } from '../api/client.ts';
import { createFormatter } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';

/** Maintenance windows: the list for everyone; add one (a site or a link, for a duration from
 * now) and end one early for operators. */
export class LwMaintenance extends LitElement {
  static override properties = { locale: {}, canAct: { type: Boolean }, csrfToken: {}, nowMs: { type: Number }, answer: { state: true }, refusal: { state: true } };
  declare locale: Locale;
  declare canAct: boolean;
  declare csrfToken: string | undefined;
  declare nowMs: number;
  declare answer: Fetched<{ windows: WindowView[] }> | undefined;
  declare refusal: string | undefined;

  constructor() {
    super();
    this.locale = 'vi';
    this.canAct = false;
    this.nowMs = Date.now();
  }

  static override styles = css`
    :host { display: block; margin-block-start: 1.5rem; }
    ul { list-style: none; padding: 0; display: grid; gap: 0.4rem; }
    li { background: var(--lw-surface); padding: 0.5rem 0.7rem; border-radius: 0.4rem; border-inline-start: 0.3rem solid var(--lw-maintenance); }
    form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
    label { display: grid; gap: 0.2rem; font-size: 0.9rem; }
    input, button { font: inherit; padding: 0.35rem 0.6rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-surface); color: var(--lw-text); }
    button { cursor: pointer; }
    :focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
    .banner { padding: 0.5rem 0.7rem; border-radius: 0.4rem; background: var(--lw-banner); color: var(--lw-banner-text); }
  `;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    this.answer = await fetchMaintenance();
  }

  private async settle(result: Fetched<unknown>) {
    this.refusal = result.ok ? undefined : `${label(ui.alerts.refused, this.locale)} (${result.status}): ${result.message}`;
    if (result.ok) await this.load();
  }

  private async add(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const target = String(form.get('target') ?? '').trim();
    const comment = String(form.get('comment') ?? '').trim();
    // The API answers an id that is not in the inventory in words, shown as the refusal.
    const result = await addMaintenance({ ...(form.get('kind') === 'link' ? { links: [target] } : { sites: [target] }), for: String(form.get('for') ?? '2h'), ...(comment !== '' ? { comment } : {}) }, this.csrfToken);
    await this.settle(result);
    if (result.ok) (event.target as HTMLFormElement).reset();
  }

  override render() {
    const l = (entry: { vi: string; en: string }) => label(entry, this.locale);
    const format = createFormatter({ locale: this.locale });
    const windows = this.answer?.ok ? this.answer.value.windows : [];
    return html`
      <h3>${l(ui.alerts.maintenance)}</h3>
      ${this.refusal ? html`<p class="banner" role="alert" data-refusal>${this.refusal}</p>` : ''}
      ${this.answer && !this.answer.ok ? html`<p class="banner" role="alert">${this.answer.message}</p>` : ''}
      ${this.answer?.ok && windows.length === 0 ? html`<p>${l(ui.alerts.noWindows)}</p>` : ''}
      <ul>
        ${windows.map(
          (window) => html`<li data-window=${window.id}>
            <strong>${[...(window.match.sites ?? []), ...(window.match.links ?? []), ...(window.match.devices ?? []), ...(window.match.groups ?? [])].join(', ')}</strong>
            ${window.startMs !== undefined ? html` · ${format.dateTime(window.startMs)}` : ''}${window.endMs !== undefined ? html` – ${format.dateTime(window.endedMs ?? window.endMs)}` : ''}
            ${window.active ? html` · <em>${l(ui.alerts.windowActive)}</em>` : ''}${window.comment ? html` · ${window.comment}` : ''}${window.by ? html` · ${l(ui.alerts.by)} ${window.by}` : ''}
            ${this.canAct && window.source === 'store' && window.active ? html` <button data-action="end-window" @click=${async () => this.settle(await endMaintenance(window.id, this.csrfToken))}>${l(ui.alerts.endWindow)}</button>` : ''}
          </li>`,
        )}
      </ul>
      ${this.canAct
        ? html`<form data-form="maintenance" @submit=${(event: SubmitEvent) => void this.add(event)}>
            <label>${l(ui.alerts.windowTarget)}<input name="target" required maxlength="64" /></label>
            <label>${l(ui.alerts.targetKind)}<select name="kind"><option value="site">${l(ui.alerts.site)}</option><option value="link">${l(ui.alerts.link)}</option></select></label>
            <label>${l(ui.alerts.windowFor)}<input name="for" value="2h" required maxlength="10" /></label>
            <label>${l(ui.alerts.comment)}<input name="comment" maxlength="500" /></label>
            <button type="submit">${l(ui.alerts.addWindow)}</button>
          </form>`
        : ''}
    `;
  }
}

customElements.define('lw-maintenance', LwMaintenance);
