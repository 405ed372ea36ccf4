import { html, LitElement } from 'lit';
import type { Role } from '../../config/api.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';

/** Alerts, active and past, with acknowledgement and maintenance windows for operators. */
export class LwAlerts extends LitElement {
  static override properties = { locale: {}, userRole: { attribute: false }, csrfToken: {}, nowMs: { type: Number } };
  declare locale: Locale;
  /** Undefined for anonymous read: nothing can be changed. */
  declare userRole: Role | undefined;
  declare csrfToken: string | undefined;
  declare nowMs: number;

  constructor() {
    super();
    this.locale = 'vi';
    this.nowMs = Date.now();
  }

  override render() {
    return html`<h2>${label(ui.alerts.title, this.locale)}</h2>`;
  }
}

customElements.define('lw-alerts', LwAlerts);
