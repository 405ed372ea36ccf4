import { html, LitElement } from 'lit';
import { label, type Locale, ui } from '../lib/i18n.ts';

/** Sites, devices, interfaces and links as the inventory and SNMP know them; CSV export. */
export class LwInventory extends LitElement {
  static override properties = { locale: {}, nowMs: { type: Number } };
  declare locale: Locale;
  declare nowMs: number;

  constructor() {
    super();
    this.locale = 'vi';
    this.nowMs = Date.now();
  }

  override render() {
    return html`<h2>${label(ui.inventory.title, this.locale)}</h2>`;
  }
}

customElements.define('lw-inventory', LwInventory);
