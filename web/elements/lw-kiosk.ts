import { html, LitElement } from 'lit';
import type { SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import type { Locale } from '../lib/i18n.ts';

/** The wall screen: everything not up shown large, the up sites as a count, a clock. */
export class LwKiosk extends LitElement {
  static override properties = { locale: {}, status: { attribute: false }, sites: { attribute: false }, nowMs: { type: Number } };
  declare locale: Locale;
  declare status: StatusReport | undefined;
  declare sites: SiteView[];
  declare nowMs: number;

  constructor() {
    super();
    this.locale = 'vi';
    this.sites = [];
    this.nowMs = Date.now();
  }

  override render() {
    return html``;
  }
}

customElements.define('lw-kiosk', LwKiosk);
