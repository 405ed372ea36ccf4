import { html, LitElement } from 'lit';
import type { StatusReport } from '../../api/status.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';
import { routeHref } from '../lib/route.ts';

/** One link's history: traffic, latency, daily availability and outages. */
export class LwLinkDetail extends LitElement {
  static override properties = { linkId: {}, locale: {}, status: { attribute: false }, nowMs: { type: Number } };
  declare linkId: string;
  declare locale: Locale;
  declare status: StatusReport | undefined;
  declare nowMs: number;

  constructor() {
    super();
    this.linkId = '';
    this.locale = 'vi';
    this.nowMs = Date.now();
  }

  override render() {
    return html`<a href=${routeHref({ view: 'overview' })}>${label(ui.linkDetail.back, this.locale)}</a><h2>${this.linkId}</h2>`;
  }
}

customElements.define('lw-link-detail', LwLinkDetail);
