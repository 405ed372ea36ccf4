import { css, html, LitElement, nothing } from 'lit';
import type { ReportFormat } from '../../config/reports.ts';
import type { MissReason, Scorecard, ScorecardLine } from '../../model/report-figures.ts';
import { fetchReport, type ReportDocument } from '../api/reports.ts';
import { createFormatter, type Formatter } from '../lib/format.ts';
import { label, locales, type Locale, stateLabels, ui } from '../lib/i18n.ts';
import {
  choiceKinds,
  choiceLabel,
  customPeriod,
  defaultChoice,
  defaultCustomRange,
  districtToday,
  downloadFormats,
  fillIn,
  periodChoices,
  periodLabel,
  reportUrl,
  shownDay,
  type ChoiceKind,
  type CustomPeriod,
  type CustomRangeProblem,
  type PeriodKind,
} from '../lib/reports.ts';
import { stateColours } from '../styles/state-colours.ts';

type Words = Record<Locale, string>;

const kindWords: Record<PeriodKind, Words> = {
  month: ui.reports.kindMonth,
  quarter: ui.reports.kindQuarter,
  year: ui.reports.kindYear,
  custom: ui.reports.kindCustom,
};
const periodKinds: readonly PeriodKind[] = [...choiceKinds, 'custom'];

const formatWords: Record<ReportFormat, Words> = {
  pdf: ui.reports.formatPdf,
  csv: ui.reports.formatCsv,
  html: ui.reports.formatHtml,
  json: ui.reports.formatJson,
};

const problemWords: Record<CustomRangeProblem, Words> = {
  missing: ui.reports.problemMissing,
  invalid: ui.reports.problemInvalid,
  reversed: ui.reports.problemReversed,
  'not-begun': ui.reports.problemNotBegun,
};

/** Typed by the model, so a new reason without its words fails to compile. */
const missReasonWords: Record<MissReason, Words> = {
  'no-lan': ui.reports.missNoLan,
  'lan-not-working': ui.reports.missLanNotWorking,
  'no-internet': ui.reports.missNoInternet,
  'internet-not-working': ui.reports.missInternetNotWorking,
  'no-capacity': ui.reports.missNoCapacity,
  'below-high-speed': ui.reports.missBelowHighSpeed,
  'no-tslcd': ui.reports.missNoTslcd,
  'tslcd-not-working': ui.reports.missTslcdNotWorking,
  'below-target': ui.reports.missBelowTarget,
  'no-data': ui.reports.missNoData,
};

type ScorecardLineKey = Exclude<keyof Scorecard, 'averageAvailabilityPct'>;
const scorecardLineWords: Record<ScorecardLineKey, Words> = {
  lanAndInternet: ui.reports.lineLanAndInternet,
  highSpeed: ui.reports.lineHighSpeed,
  tslcd: ui.reports.lineTslcd,
  availabilityTarget: ui.reports.lineAvailabilityTarget,
};
const scorecardLines: readonly ScorecardLineKey[] = ['lanAndInternet', 'highSpeed', 'tslcd', 'availabilityTarget'];

/** Each language named in itself, as the header's switch names it. */
const languageNames: Record<Locale, string> = { vi: 'Tiếng Việt', en: 'English' };

/** A long list of sites stays folded so the other lines remain in view. */
const MISSING_SHOWN_OPEN = 10;

type Preview = { kind: 'idle' } | { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'loaded'; report: ReportDocument };

/** The audit report of a period: chosen, downloaded in a format and language, or previewed. */
export class LwReports extends LitElement {
  static override properties = {
    locale: {},
    nowMs: { type: Number },
    kind: { state: true },
    chosen: { state: true },
    customFirst: { state: true },
    customLast: { state: true },
    reportLanguage: { state: true },
    preview: { state: true },
  };
  declare locale: Locale;
  declare nowMs: number;
  declare kind: PeriodKind;
  /** The period picked of each kind; unset (or gone from the list) means the default. */
  declare chosen: Partial<Record<ChoiceKind, string>>;
  declare customFirst: string | undefined;
  declare customLast: string | undefined;
  /** Unset until chosen: the report then follows the page's language. */
  declare reportLanguage: Locale | undefined;
  declare preview: Preview;
  /** Counts the preview requests, so an answer for a choice since changed is dropped. */
  private previewRequest = 0;

  constructor() {
    super();
    this.locale = 'vi';
    this.nowMs = Date.now();
    this.kind = 'month';
    this.chosen = {};
    this.customFirst = undefined;
    this.customLast = undefined;
    this.reportLanguage = undefined;
    this.preview = { kind: 'idle' };
  }

  static override styles = [
    stateColours,
    css`
      :host { display: block; }
      h2 { font-size: 1.2rem; margin: 0 0 0.4rem; }
      h3 { font-size: 1.1rem; margin: 0 0 0.6rem; }
      h4 { font-size: 1rem; margin: 1rem 0 0.5rem; }
      p { margin: 0 0 0.8rem; }
      .muted, .intro { color: var(--lw-muted); }
      form, .preview { display: grid; gap: 1rem; padding: 1rem; max-inline-size: 52rem; background: var(--lw-surface); border: 1px solid var(--lw-border); border-radius: 0.5rem; }
      .preview { display: block; margin-block-start: 1rem; }
      fieldset { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; margin: 0; padding: 0.5rem 0.8rem 0.7rem; min-inline-size: 0; border: 1px solid var(--lw-border); border-radius: 0.4rem; }
      legend { padding-inline: 0.3rem; font-weight: 600; }
      fieldset label { display: inline-flex; align-items: center; gap: 0.35rem; }
      .fields { display: grid; gap: 0.8rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 14rem), 1fr)); }
      .field { display: grid; gap: 0.3rem; align-content: start; font-weight: 600; min-inline-size: 0; }
      select, input, button, a.download { font: inherit; padding: 0.45rem 0.7rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-bg); color: var(--lw-text); min-inline-size: 0; max-inline-size: 100%; box-sizing: border-box; }
      input[type='radio'] { padding: 0; margin: 0; accent-color: var(--lw-focus); }
      .field select, .field input { font-weight: normal; inline-size: 100%; }
      .downloads { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0 0 0.4rem; padding: 0; list-style: none; }
      a.download { display: inline-block; text-decoration: none; font-weight: 600; }
      .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
      button { cursor: pointer; font-weight: 600; }
      button:disabled { cursor: progress; color: var(--lw-muted); }
      :focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
      .banner { padding: 0.6rem 0.8rem; border-radius: 0.4rem; background: var(--lw-banner); color: var(--lw-banner-text); font-weight: 600; margin: 0; }
      .note { font-weight: 600; }
      .average { margin: 0.9rem 0 0; }
      dl.facts { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr); gap: 0.35rem 1rem; margin: 0; }
      dt { color: var(--lw-muted); }
      dd { margin: 0; overflow-wrap: anywhere; }
      dd ul { margin: 0; padding-inline-start: 1.1rem; }
      code { font-size: 0.9rem; overflow-wrap: anywhere; word-break: break-all; }
      ul.scorecard { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.7rem; }
      ul.scorecard > li { padding-inline-start: 0.7rem; border-inline-start: 4px solid var(--state-colour, var(--lw-border)); }
      .line-name { display: block; font-weight: 600; }
      .score { font-variant-numeric: tabular-nums; }
      .score [aria-hidden] { color: var(--state-colour); }
      details { margin-block-start: 0.2rem; }
      summary { cursor: pointer; }
      details ul { margin: 0.2rem 0 0; padding-inline-start: 1.2rem; }
      @media (max-width: 30rem) {
        dl.facts { grid-template-columns: minmax(0, 1fr); }
        dd { margin-block-end: 0.4rem; }
      }
    `,
  ];

  private get language(): Locale {
    return this.reportLanguage ?? this.locale;
  }

  /** The period the form stands for now, or why the days typed in are not one. */
  private selection(): CustomPeriod {
    if (this.kind === 'custom') {
      const defaults = defaultCustomRange(this.nowMs);
      return customPeriod({ firstDay: this.customFirst ?? defaults.firstDay, lastDay: this.customLast ?? defaults.lastDay }, this.nowMs);
    }
    const picked = this.chosen[this.kind];
    const choices = periodChoices(this.nowMs)[this.kind];
    const choice = choices.find((entry) => entry.period === picked) ?? defaultChoice(choices);
    return choice ? { ok: true, period: choice.period } : { ok: false, reason: 'missing' };
  }

  /** Any change to the form makes a shown summary one of another report: it goes. */
  private changed(update: () => void) {
    update();
    this.previewRequest += 1;
    this.preview = { kind: 'idle' };
  }

  private async showPreview(event: SubmitEvent) {
    event.preventDefault();
    const selection = this.selection();
    if (!selection.ok) return;
    const request = (this.previewRequest += 1);
    this.preview = { kind: 'loading' };
    const result = await fetchReport(selection.period, this.language);
    if (request !== this.previewRequest) return;
    this.preview = result.ok ? { kind: 'loaded', report: result.value } : { kind: 'failed', message: result.message };
  }

  private periodField() {
    const word = (entry: Words) => label(entry, this.locale);
    if (this.kind === 'custom') {
      const defaults = defaultCustomRange(this.nowMs);
      const today = districtToday(this.nowMs);
      const onDay = (which: 'customFirst' | 'customLast') => (event: Event) => this.changed(() => (this[which] = (event.target as HTMLInputElement).value));
      return html`
        <label class="field">${word(ui.reports.firstDay)}
          <input type="date" name="first" max=${today} .value=${this.customFirst ?? defaults.firstDay} @input=${onDay('customFirst')} />
        </label>
        <label class="field">${word(ui.reports.lastDay)}
          <input type="date" name="last" max=${today} .value=${this.customLast ?? defaults.lastDay} @input=${onDay('customLast')} />
        </label>`;
    }
    const kind = this.kind;
    const choices = periodChoices(this.nowMs)[kind];
    const selected = this.selection();
    return html`<label class="field">${word(ui.reports.period)}
      <select name="period" @change=${(event: Event) => this.changed(() => (this.chosen = { ...this.chosen, [kind]: (event.target as HTMLSelectElement).value }))}>
        ${choices.map((choice) => html`<option value=${choice.period} .selected=${selected.ok && selected.period === choice.period}>${choiceLabel(choice, this.locale)}</option>`)}
      </select>
    </label>`;
  }

  private downloads(period: string) {
    const word = (entry: Words) => label(entry, this.locale);
    return html`
      <div role="group" aria-labelledby="downloads-title">
        <p id="downloads-title" class="field">${word(ui.reports.downloads)} · ${periodLabel(period, this.language)}</p>
        <ul class="downloads">
          ${downloadFormats.map((format) => html`<li><a class="download" data-format=${format} href=${reportUrl({ period, format, lang: this.language })} download>⤓ ${word(formatWords[format])}</a></li>`)}
        </ul>
        <p class="muted">${word(ui.reports.pdfSlow)}</p>
      </div>`;
  }

  override render() {
    const word = (entry: Words) => label(entry, this.locale);
    const selection = this.selection();
    const loading = this.preview.kind === 'loading';
    return html`
      <h2>${word(ui.reports.title)}</h2>
      <p class="intro">${word(ui.reports.intro)}</p>
      <form @submit=${(event: SubmitEvent) => void this.showPreview(event)}>
        <fieldset>
          <legend>${word(ui.reports.kind)}</legend>
          ${periodKinds.map(
            (kind) => html`<label><input type="radio" name="kind" value=${kind} .checked=${this.kind === kind} @change=${() => this.changed(() => (this.kind = kind))} />${word(kindWords[kind])}</label>`,
          )}
        </fieldset>
        <div class="fields">
          ${this.periodField()}
          <label class="field">${word(ui.reports.language)}
            <select name="lang" @change=${(event: Event) => this.changed(() => (this.reportLanguage = (event.target as HTMLSelectElement).value as Locale))}>
              ${locales.map((locale) => html`<option value=${locale} .selected=${this.language === locale} lang=${locale}>${languageNames[locale]}</option>`)}
            </select>
          </label>
        </div>
        ${selection.ok ? this.downloads(selection.period) : html`<p class="banner" role="alert" data-problem=${selection.reason}>${word(problemWords[selection.reason])}</p>`}
        <div class="actions">
          <button type="submit" data-action="preview" ?disabled=${!selection.ok || loading}>${word(ui.reports.preview)}</button>
          ${loading ? html`<span role="status" class="muted">${word(ui.reports.loading)}</span>` : nothing}
        </div>
      </form>
      ${this.preview.kind === 'failed' ? html`<p class="banner preview-failed" role="alert" data-preview="failed">${word(ui.reports.failed)}: ${this.preview.message}</p>` : nothing}
      ${this.preview.kind === 'loaded' ? this.summary(this.preview.report) : nothing}
    `;
  }

  private summary(report: ReportDocument) {
    const locale = this.locale;
    const word = (entry: Words) => label(entry, locale);
    const format = createFormatter({ locale, timeZone: report.period.timeZone });
    const percentOr = (value: number | null, digits: number) => (value === null ? word(ui.reports.noFigure) : format.percent(value, digits));
    const siteNames = new Map(report.sites.map((site) => [site.id, site.name]));
    const linksById = new Map(report.links.map((link) => [link.id, link]));
    const linkShown = (id: string) => {
      const link = linksById.get(id);
      if (!link) return id;
      return `${link.name ?? link.id} — ${siteNames.get(link.site) ?? link.site}${link.provider ? ` (${link.provider})` : ''}`;
    };
    const { period, summary, scorecard, settings } = report;
    const lineTitle = (key: ScorecardLineKey) =>
      fillIn(word(scorecardLineWords[key]), { mbps: format.number(settings.highSpeedMbps), pct: format.percent(settings.targetAvailabilityPct, 0) });
    return html`
      <section class="preview" aria-labelledby="summary-title" data-period=${period.label}>
        <h3 id="summary-title">${word(ui.reports.summary)} · ${periodLabel(period.label, locale)}</h3>
        ${period.partial ? html`<p class="note" data-partial>⚠ ${word(ui.reports.partialNote)}</p>` : nothing}
        <dl class="facts">
          <dt>${word(ui.reports.days)}</dt>
          <dd data-days>${shownDay(period.firstDay)} – ${shownDay(period.lastDay)}</dd>
          <dt>${word(ui.reports.generatedAt)}</dt>
          <dd>${format.dateTime(report.generatedMs)}</dd>
          <dt>${word(ui.reports.inventoryCounts)}</dt>
          <dd>${format.number(summary.sites)} · ${format.number(summary.links)} · ${format.number(summary.devices)}</dd>
          <dt>${word(ui.reports.meanCoverage)}</dt>
          <dd data-coverage>${percentOr(summary.meanCoveragePct, 2)}</dd>
          <dt>${word(ui.reports.outages)}</dt>
          <dd data-outages=${summary.outages}>${format.number(summary.outages)}</dd>
          <dt>${word(ui.reports.needsUpgrade)}</dt>
          <dd data-upgrades>${summary.needsUpgrade.length === 0 ? word(ui.reports.none) : html`<ul>${summary.needsUpgrade.map((id) => html`<li data-link=${id}>${linkShown(id)}</li>`)}</ul>`}</dd>
          <dt>${word(ui.reports.digest)}</dt>
          <dd><code data-digest>${report.digest}</code></dd>
        </dl>
        <h4>${word(ui.reports.scorecard)}</h4>
        <ul class="scorecard">
          ${scorecardLines.map((key) => this.scorecardLine(key, lineTitle(key), scorecard[key], format, siteNames))}
        </ul>
        <p class="average">${word(ui.reports.averageAvailability)}: <strong data-average>${percentOr(scorecard.averageAvailabilityPct, 3)}</strong></p>
      </section>`;
  }

  private scorecardLine(key: ScorecardLineKey, title: string, line: ScorecardLine, format: Formatter, siteNames: ReadonlyMap<string, string>) {
    const word = (entry: Words) => label(entry, this.locale);
    const shown = line.missing.length === 0 ? 'up' : 'degraded';
    return html`<li data-line=${key} data-state=${shown}>
      <span class="line-name">${title}</span>
      <span class="score"><span aria-hidden="true">${stateLabels[shown].icon}</span> <strong data-count>${format.number(line.met)}/${format.number(line.of)}</strong>
        (${line.pct === null ? word(ui.reports.noFigure) : format.percent(line.pct, 1)})</span>
      ${line.missing.length === 0
        ? html`<span class="muted"> · ${word(ui.reports.allMet)}</span>`
        : html`<details ?open=${line.missing.length <= MISSING_SHOWN_OPEN}>
            <summary>${word(ui.reports.missing)} (${format.number(line.missing.length)})</summary>
            <ul>${line.missing.map((miss) => html`<li data-site=${miss.site} data-reason=${miss.reason}>${siteNames.get(miss.site) ?? miss.site} — ${word(missReasonWords[miss.reason])}</li>`)}</ul>
          </details>`}
    </li>`;
  }
}

customElements.define('lw-reports', LwReports);
