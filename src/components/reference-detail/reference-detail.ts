import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls, warnBadge } from '../../app/tokens';
import type { ReferenceInfo } from '../../contracts/reference-store';
import type { WeightedCloud } from '../../core/cloud';
import { formatBytes, formatCount } from '../../core/format';
import { TRAITS, TRAIT_LABELS } from '../../core/traits';
import { corrClass, countryRows, dropRows, fmt, formatDate, histogram, kindLabel } from '../reference-manager/figures';
import '../reference-histogram/reference-histogram';

/** Countries shown before "Show all". */
const COUNTRY_PREVIEW = 25;

/**
 * <reference-detail>: everything about one stored reference — provenance, filters, rows kept and
 * dropped per reason, per-trait mean/SD/α, histograms (SVG + table), the correlation matrix
 * (table with shaded cells) and kept rows per country (sorted table). For a built-in sample, the
 * "approximate" notice with how to import the real IPIP-FFM file. All text is rendered as text.
 */
@customElement('reference-detail')
export class ReferenceDetail extends LitElement {
  @property({ attribute: false }) info: ReferenceInfo | undefined;
  /** The reference's points for the histograms; undefined while they load. */
  @property({ attribute: false }) cloud: WeightedCloud | undefined;
  /** "How to use real data" text of the built-in reference (shown for builtin samples). */
  @property() howToUseRealData = '';

  @state() private allCountries = false;

  static override styles = [
    controls,
    warnBadge,
    css`
      :host {
        display: block;
      }
      h3 {
        font-size: var(--pa-text-lg);
        margin: 0 0 var(--pa-space-2);
        overflow-wrap: anywhere;
      }
      h4 {
        font-size: var(--pa-text-md);
        margin: var(--pa-space-4) 0 var(--pa-space-2);
      }
      .badge {
        vertical-align: middle;
      }
      .notice {
        border: 1px solid var(--pa-warn);
        border-radius: var(--pa-radius-sm);
        padding: var(--pa-space-2) var(--pa-space-3);
        margin: var(--pa-space-2) 0;
      }
      .notice h4 {
        margin-top: 0;
      }
      dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 2px var(--pa-space-3);
        margin: 0;
        font-size: var(--pa-text-sm);
      }
      dt {
        color: var(--pa-text-muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .mono {
        font-family: var(--pa-font-mono);
        font-size: 0.8rem;
      }
      table {
        border-collapse: collapse;
        font-size: var(--pa-text-sm);
      }
      th,
      td {
        padding: 2px var(--pa-space-2);
        border-bottom: 1px solid var(--pa-border);
        text-align: end;
        font-variant-numeric: tabular-nums;
      }
      th[scope='row'],
      thead th:first-child {
        text-align: start;
      }
      .hists {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
        gap: var(--pa-space-4);
      }
      /* Correlation shading: sign by hue, |r| in five steps; the number is always printed. */
      td.r-pos-1 { background: color-mix(in srgb, var(--pa-accent) 12%, transparent); }
      td.r-pos-2 { background: color-mix(in srgb, var(--pa-accent) 24%, transparent); }
      td.r-pos-3 { background: color-mix(in srgb, var(--pa-accent) 38%, transparent); }
      td.r-pos-4 { background: color-mix(in srgb, var(--pa-accent) 55%, transparent); }
      td.r-neg-1 { background: color-mix(in srgb, var(--pa-danger) 12%, transparent); }
      td.r-neg-2 { background: color-mix(in srgb, var(--pa-danger) 24%, transparent); }
      td.r-neg-3 { background: color-mix(in srgb, var(--pa-danger) 38%, transparent); }
      td.r-neg-4 { background: color-mix(in srgb, var(--pa-danger) 55%, transparent); }
      .scroll {
        overflow-x: auto;
      }
    `,
  ];

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('info')) this.allCountries = false;
  }

  override render() {
    const info = this.info;
    if (!info) return nothing;
    return html`
      <h3 id="detail-title">
        ${info.name} ${info.label === 'approximate' ? html`<span class="badge" data-testid="detail-approximate">approximate</span>` : nothing}
      </h3>
      ${info.label === 'approximate' ? this.renderApproximate(info) : nothing}
      <section aria-labelledby="prov-h">
        <h4 id="prov-h">Provenance</h4>
        ${this.renderProvenance(info)}
      </section>
      <section aria-labelledby="rows-h">
        <h4 id="rows-h">Rows</h4>
        ${this.renderRows(info)}
      </section>
      <section aria-labelledby="traits-h">
        <h4 id="traits-h">Traits</h4>
        ${this.renderTraitTable(info)}
      </section>
      <section aria-labelledby="hist-h">
        <h4 id="hist-h">Distributions</h4>
        ${this.cloud
          ? html`<div class="hists">
              ${TRAITS.map(
                (t, k) =>
                  html`<reference-histogram
                    data-trait=${t}
                    .label=${TRAIT_LABELS[t]}
                    .histogram=${histogram(this.cloud!, k)}
                    .mean=${info.mean[k] ?? NaN}
                    .sd=${info.sd[k] ?? NaN}
                  ></reference-histogram>`,
              )}
            </div>`
          : html`<p class="muted" role="status">Loading points…</p>`}
      </section>
      <section aria-labelledby="corr-h">
        <h4 id="corr-h">Correlations</h4>
        ${this.renderCorrelation(info)}
      </section>
      ${info.perCountry
        ? html`<section aria-labelledby="country-h">
            <h4 id="country-h">Countries</h4>
            ${this.renderCountries(info.perCountry)}
          </section>`
        : nothing}
      ${info.notes.length && info.label !== 'approximate'
        ? html`<section aria-labelledby="notes-h">
            <h4 id="notes-h">Notes</h4>
            <ul>
              ${info.notes.map((n) => html`<li>${n}</li>`)}
            </ul>
          </section>`
        : nothing}
    `;
  }

  private renderApproximate(info: ReferenceInfo) {
    const src = info.source.kind === 'builtin' ? info.source : undefined;
    const howTo = this.howToUseRealData || info.notes[1] || '';
    return html`
      <aside class="notice" aria-labelledby="approx-h" data-testid="approximate-notice">
        <h4 id="approx-h">Approximate — how to import the real IPIP-FFM file for research use</h4>
        <p>
          This reference is a seeded sample from a multivariate normal with rough published values, not real respondents. Use it to try the
          app; do not report results against it.
        </p>
        <p data-testid="how-to-real">${howTo}</p>
        <ol>
          <li>Download the IPIP-FFM data set (data-final.csv, about 1,015,000 rows, TAB-separated) from Open Psychometrics.</li>
          <li>Choose it under "IPIP-FFM data file" above; keep "Only IPC = 1" on and pick a region if your target group has one.</li>
          <li>Import: the file is read in a background worker and never uploaded; only the kept scores are stored in this browser.</li>
        </ol>
        ${src
          ? html`<p><strong>Source of the numbers:</strong> ${src.sourceText}</p>
              ${src.assumed.length ? html`<p><strong>Assumed rather than sourced:</strong> ${src.assumed.join(', ')}.</p>` : nothing}
              <p><strong>Citations:</strong></p>
              <ul>
                ${src.citations.map((c) => html`<li>${c}</li>`)}
              </ul>
              ${info.notes[0] ? html`<p><strong>Sampling:</strong> ${info.notes[0]}</p>` : nothing}`
          : nothing}
      </aside>
    `;
  }

  private renderProvenance(info: ReferenceInfo) {
    const s = info.source;
    const f = info.filters;
    return html`<dl data-testid="provenance">
      <dt>Kind</dt>
      <dd>${kindLabel(info.kind)}</dd>
      <dt>Created</dt>
      <dd>${formatDate(info.createdAt)}</dd>
      ${s.kind === 'file'
        ? html`<dt>File</dt>
            <dd>${s.fileName} (${formatBytes(s.size)})</dd>
            <dt>SHA-256</dt>
            <dd class="mono" data-testid="sha256">${s.sha256 ?? 'not computed'}</dd>`
        : html`<dt>Built-in entry</dt>
            <dd>${s.builtinName} (${s.builtinId})</dd>
            <dt>Seed</dt>
            <dd>${s.seed}</dd>
            <dt>Sample size</dt>
            <dd>${formatCount(s.n)}</dd>`}
      ${f.ipcOne !== null ? html`<dt>IPC = 1 only</dt><dd>${f.ipcOne ? 'yes' : 'no'}</dd>` : nothing}
      ${f.missing !== null ? html`<dt>Missing answers</dt><dd>${f.missing === 'drop' ? 'drop the row' : `score from ≥ ${f.missing.slice(4)} of 10 per trait`}</dd>` : nothing}
      ${info.kind === 'ffm' ? html`<dt>Minimum test time</dt><dd>${f.minTestTime === null ? 'none' : `${f.minTestTime} s`}</dd>` : nothing}
      <dt>Countries</dt>
      <dd>${f.countries === null ? 'all' : `${f.countryGroup ? `${f.countryGroup.name}: ` : ''}${f.countries.join(', ')}`}</dd>
      ${f.countryGroup ? html`<dt>Country list basis</dt><dd>${f.countryGroup.basis}</dd>` : nothing}
      <dt>Weights</dt>
      <dd>${info.weighted ? 'from the file’s weight column' : 'uniform'}</dd>
      <dt>Import time</dt>
      <dd>${(info.elapsedMs / 1000).toFixed(1)} s</dd>
    </dl>`;
  }

  private renderRows(info: ReferenceInfo) {
    const drops = dropRows(info);
    return html`<table data-testid="row-counts">
      <caption class="visually-hidden">Rows read, kept and dropped by reason</caption>
      <tbody>
        <tr><th scope="row">Read</th><td>${formatCount(info.rows.read)}</td></tr>
        <tr><th scope="row">Kept</th><td data-testid="kept">${formatCount(info.rows.kept)}</td></tr>
        ${info.rows.keptWithMissing > 0
          ? html`<tr><th scope="row">Kept with some missing answers</th><td>${formatCount(info.rows.keptWithMissing)}</td></tr>`
          : nothing}
        ${drops.map((d) => html`<tr data-reason=${d.reason}><th scope="row">Dropped: ${d.label}</th><td>${formatCount(d.rows)}</td></tr>`)}
      </tbody>
    </table>`;
  }

  private renderTraitTable(info: ReferenceInfo) {
    return html`<table data-testid="trait-table">
      <caption class="visually-hidden">Weighted mean, SD and Cronbach's alpha per trait</caption>
      <thead>
        <tr><th scope="col">Trait</th><th scope="col">Mean</th><th scope="col">SD</th><th scope="col">α</th></tr>
      </thead>
      <tbody>
        ${TRAITS.map(
          (t, k) =>
            html`<tr>
              <th scope="row">${TRAIT_LABELS[t]}</th>
              <td>${fmt(info.mean[k])}</td>
              <td>${fmt(info.sd[k])}</td>
              <td>${info.alpha ? fmt(info.alpha[k]) : '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${info.alpha ? nothing : html`<p class="muted">α needs item answers; this reference has trait scores only.</p>`}`;
  }

  private renderCorrelation(info: ReferenceInfo) {
    return html`<div class="scroll">
      <table data-testid="correlation">
        <caption class="visually-hidden">Pearson correlations between traits (weighted); shading: blue positive, red negative, darker is stronger</caption>
        <thead>
          <tr>
            <td></td>
            ${TRAITS.map((t) => html`<th scope="col" abbr=${TRAIT_LABELS[t]}>${TRAIT_LABELS[t].slice(0, 5)}.</th>`)}
          </tr>
        </thead>
        <tbody>
          ${TRAITS.map(
            (t, a) =>
              html`<tr>
                <th scope="row">${TRAIT_LABELS[t]}</th>
                ${TRAITS.map((_, b) => {
                  const r = info.correlation[a]?.[b] ?? NaN;
                  return html`<td class=${a === b ? '' : corrClass(r)}>${fmt(r)}</td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderCountries(perCountry: Record<string, number>) {
    const rows = countryRows(perCountry);
    const shown = this.allCountries ? rows : rows.slice(0, COUNTRY_PREVIEW);
    return html`<table data-testid="countries">
        <caption class="visually-hidden">Kept rows per country, largest first</caption>
        <thead>
          <tr><th scope="col">Country</th><th scope="col">Rows</th><th scope="col">Share</th></tr>
        </thead>
        <tbody>
          ${shown.map((r) => html`<tr><th scope="row">${r.country}</th><td>${formatCount(r.rows)}</td><td>${(r.share * 100).toFixed(1)}%</td></tr>`)}
        </tbody>
      </table>
      ${rows.length > COUNTRY_PREVIEW
        ? html`<button type="button" id="toggle-countries" aria-expanded=${this.allCountries ? 'true' : 'false'} @click=${() => (this.allCountries = !this.allCountries)}>
            ${this.allCountries ? `Show the first ${COUNTRY_PREVIEW}` : `Show all ${rows.length} countries`}
          </button>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-detail': ReferenceDetail;
  }
}
