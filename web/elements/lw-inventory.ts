import { css, html, LitElement } from 'lit';
import type { Fetched } from '../api/client.ts';
import { fetchInventory, type InventoryData } from '../api/inventory.ts';
import { createFormatter } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';
import { csvFileName, inventoryColumns, inventoryRows, inventoryTabs, nextSort, tableRows, toCsv, type CellContext, type Column, type InventoryRows, type InventoryTab, type SortOrder } from '../lib/inventory.ts';

const tabLabels: Record<InventoryTab, Record<Locale, string>> = {
  sites: ui.inventory.tabSites,
  devices: ui.inventory.tabDevices,
  interfaces: ui.inventory.tabInterfaces,
  links: ui.inventory.tabLinks,
  changes: ui.inventory.tabChanges,
};

type Loaded = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'loaded'; data: InventoryData; rows: InventoryRows };

/** Sites, devices, interfaces and links as the inventory and SNMP know them; CSV export. */
export class LwInventory extends LitElement {
  static override properties = {
    locale: {},
    nowMs: { type: Number },
    loaded: { state: true },
    tab: { state: true },
    search: { state: true },
    sorts: { state: true },
  };
  declare locale: Locale;
  declare nowMs: number;
  declare loaded: Loaded;
  declare tab: InventoryTab;
  declare search: string;
  declare sorts: Partial<Record<InventoryTab, SortOrder>>;
  private abort: AbortController | undefined;

  constructor() {
    super();
    this.locale = 'vi';
    this.nowMs = Date.now();
    this.loaded = { kind: 'loading' };
    this.tab = 'sites';
    this.search = '';
    this.sorts = { changes: { column: 'when', direction: 'descending' } };
  }

  static override styles = css`
    :host { display: block; }
    h2 { font-size: 1.2rem; margin: 0 0 0.8rem; }
    [role='tablist'] { display: flex; flex-wrap: wrap; gap: 0.3rem; margin-block-end: 0.8rem; }
    button { font: inherit; padding: 0.4rem 0.8rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-surface); color: var(--lw-text); cursor: pointer; }
    [role='tab'][aria-selected='true'] { outline: 2px solid var(--lw-focus); font-weight: 600; }
    button:focus-visible, input:focus-visible, .scroll:focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
    .tools { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-block-end: 0.8rem; }
    input { font: inherit; padding: 0.4rem 0.6rem; flex: 1 1 14rem; min-inline-size: 0; max-inline-size: 28rem; border: 1px solid var(--lw-border); border-radius: 0.4rem; background: var(--lw-surface); color: var(--lw-text); }
    .count { color: var(--lw-muted); }
    .scroll { overflow-x: auto; max-inline-size: 100%; }
    table { border-collapse: collapse; inline-size: 100%; background: var(--lw-surface); font-size: 0.92rem; }
    th, td { padding: 0.35rem 0.5rem; border-block-end: 1px solid var(--lw-border); text-align: start; vertical-align: top; }
    th { white-space: nowrap; }
    th button { border: none; background: none; padding: 0.1rem 0.2rem; font-weight: 600; }
    td.numeric, th.numeric { text-align: end; font-variant-numeric: tabular-nums; }
    td.wrap { overflow-wrap: anywhere; min-inline-size: 8rem; }
    .banner { padding: 0.6rem 0.8rem; border-radius: 0.4rem; background: var(--lw-banner); color: var(--lw-banner-text); font-weight: 600; }
    [data-change='replaced'], [data-change='firmware'] { font-weight: 600; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  private async load() {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const result: Fetched<InventoryData> = await fetchInventory();
    if (abort.signal.aborted) return;
    if (!result.ok) this.loaded = { kind: 'failed', message: result.message };
    else this.loaded = { kind: 'loaded', data: result.value, rows: inventoryRows({ ...result.value, changes: result.value.changes.ok ? result.value.changes.value : [] }) };
  }

  private context(): CellContext {
    const names = new Map(this.loaded.kind === 'loaded' ? this.loaded.data.sites.map((site) => [site.id, site.name]) : []);
    return { format: createFormatter({ locale: this.locale }), locale: this.locale, nowMs: this.nowMs, siteName: (id) => names.get(id) ?? id };
  }

  private shownRows<K extends InventoryTab>(tab: K, rows: InventoryRows, context: CellContext) {
    const columns = inventoryColumns[tab] as readonly Column<InventoryRows[K][number]>[];
    const sort = this.sorts[tab];
    return { columns, rows: tableRows(rows[tab] as readonly InventoryRows[K][number][], columns, context, { search: this.search, ...(sort ? { sort } : {}) }) };
  }

  private download(tab: InventoryTab, rows: InventoryRows) {
    const context = this.context();
    const shown = this.shownRows(tab, rows, context);
    const blob = new Blob([toCsv(shown.rows, shown.columns, context)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(tab, Date.now(), context.format);
    link.hidden = true;
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
    // The download has its own copy once click() returns; a minute is generous for slow disks.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private onTabKey(event: KeyboardEvent) {
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const index = inventoryTabs.indexOf(this.tab);
    const next = step === -Infinity ? 0 : step === Infinity ? inventoryTabs.length - 1 : (index + step + inventoryTabs.length) % inventoryTabs.length;
    this.tab = inventoryTabs[next]!;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[role='tab'][data-tab='${this.tab}']`)?.focus());
  }

  private table(tab: InventoryTab, rows: InventoryRows) {
    const context = this.context();
    const shown = this.shownRows(tab, rows, context);
    const sort = this.sorts[tab];
    const total = rows[tab].length;
    return html`
      <div class="tools">
        <input type="search" aria-label=${label(ui.inventory.search, this.locale)} placeholder=${label(ui.inventory.search, this.locale)} .value=${this.search} @input=${(event: Event) => (this.search = (event.target as HTMLInputElement).value)} />
        <button data-action="export" @click=${() => this.download(tab, rows)}>⤓ ${label(ui.inventory.exportCsv, this.locale)}</button>
        <span class="count" data-count=${shown.rows.length} aria-live="polite">${context.format.number(shown.rows.length)} / ${context.format.number(total)} ${label(ui.inventory.shown, this.locale)}</span>
      </div>
      ${tab === 'changes' && this.loaded.kind === 'loaded' && !this.loaded.data.changes.ok ? html`<p class="banner" role="alert">${label(ui.inventory.historyFailed, this.locale)}: ${this.loaded.data.changes.message}</p>` : ''}
      <div class="scroll" tabindex="0" role="region" aria-label=${label(tabLabels[tab], this.locale)}>
        <table data-table=${tab}>
          <thead>
            <tr>
              ${shown.columns.map((column) => {
                const direction = sort?.column === column.id ? sort.direction : undefined;
                return html`<th scope="col" class=${column.numeric ? 'numeric' : ''} aria-sort=${direction ?? 'none'} data-column=${column.id}>
                  <button title="${label(ui.inventory.sortBy, this.locale)} ${label(column.label, this.locale)}" @click=${() => (this.sorts = { ...this.sorts, [tab]: nextSort(sort, column.id) })}>
                    ${label(column.label, this.locale)} <span aria-hidden="true">${direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}</span>
                  </button>
                </th>`;
              })}
            </tr>
          </thead>
          <tbody>
            ${shown.rows.map(
              (row) => html`<tr data-row=${rowKey(tab, row)} data-change=${tab === 'changes' ? (row as InventoryRows['changes'][number]).kind : ''}>
                ${shown.columns.map((column) => html`<td class=${column.numeric ? 'numeric' : 'wrap'} data-column=${column.id}>${column.text(row, context)}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${shown.rows.length === 0 ? html`<p>${label(ui.inventory.none, this.locale)}</p>` : ''}
    `;
  }

  override render() {
    const loaded = this.loaded;
    return html`
      <h2>${label(ui.inventory.title, this.locale)}</h2>
      <div role="tablist" aria-label=${label(ui.inventory.tabs, this.locale)} @keydown=${(event: KeyboardEvent) => this.onTabKey(event)}>
        ${inventoryTabs.map(
          (tab) =>
            html`<button role="tab" id="tab-${tab}" data-tab=${tab} aria-controls="panel" aria-selected=${this.tab === tab ? 'true' : 'false'} tabindex=${this.tab === tab ? '0' : '-1'} @click=${() => (this.tab = tab)}>
              ${label(tabLabels[tab], this.locale)}${loaded.kind === 'loaded' ? ` · ${loaded.rows[tab].length}` : ''}
            </button>`,
        )}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.tab}">
        ${loaded.kind === 'loading' ? html`<p>${label(ui.inventory.loading, this.locale)}</p>` : ''}
        ${loaded.kind === 'failed' ? html`<p class="banner" role="alert">${label(ui.inventory.failed, this.locale)}: ${loaded.message}</p>` : ''}
        ${loaded.kind === 'loaded' ? this.table(this.tab, loaded.rows) : ''}
      </div>
    `;
  }
}

/** A row's stable key for tests and for the eye: ids, and the interface's device beside its name. */
function rowKey(tab: InventoryTab, row: InventoryRows[InventoryTab][number]): string {
  if (tab === 'interfaces') {
    const iface = row as InventoryRows['interfaces'][number];
    return `${iface.device} ${iface.name}`;
  }
  if (tab === 'changes') {
    const change = row as InventoryRows['changes'][number];
    return `${change.device} ${change.fact}`;
  }
  return (row as { id: string }).id;
}

customElements.define('lw-inventory', LwInventory);
