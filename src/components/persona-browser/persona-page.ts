import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { StoredPost } from '../../contracts/corpus-store';
import { IPIP50_ITEMS } from '../../core/psychometrics/ipip50';
import type { StoredPersona } from '../../core/stages/types';
import { TRAIT_LABELS } from '../../core/traits';
import type { BrowserRow } from '../../pipeline/results/persona-filter';
import { traitPercentiles, type PercentileIndex } from '../../pipeline/results/percentiles';
import '../persona-detail/persona-detail';

/** What the page can show beyond the run's own record: the mined persona with its stages, and its posts. */
export interface PersonaSourceDetail {
  stored: StoredPersona | undefined;
  posts: StoredPost[];
}

/**
 * <persona-page>: one persona of a run — its narrative, its trait profile against the reference
 * (bars of the reference percentile, the reference mean marked), its questionnaire answers, its
 * quality verdict with reasons, and for mined personas the source posts beside the narrative
 * (<persona-detail>). All persona and post text is untrusted: rendered as text, dir="auto".
 */
@customElement('persona-page')
export class PersonaPage extends LitElement {
  @property({ attribute: false }) row: BrowserRow | undefined;
  @property({ attribute: false }) percentiles: PercentileIndex | undefined;
  @property({ attribute: false }) source: PersonaSourceDetail | undefined;
  /** Set while the source posts load. */
  @property({ type: Boolean }) loading = false;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      section { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); background: var(--pa-surface); margin-bottom: var(--pa-space-3); }
      h3 { margin: 0 0 var(--pa-space-2); font-size: var(--pa-text-md); overflow-wrap: anywhere; }
      h4 { margin: 0 0 var(--pa-space-2); font-size: var(--pa-text-sm); }
      .text { white-space: pre-wrap; overflow-wrap: anywhere; }
      .badges { display: flex; flex-wrap: wrap; gap: var(--pa-space-2); font-size: var(--pa-text-sm); margin-bottom: var(--pa-space-2); }
      .badge { border: 1px solid var(--pa-border); border-radius: 999px; padding: 0 var(--pa-space-2); }
      .badge.selected { border-color: var(--pa-ok); color: var(--pa-ok); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); width: 100%; }
      th, td { padding: 2px var(--pa-space-2); border-bottom: 1px solid var(--pa-border); text-align: start; }
      td.num { text-align: end; font-variant-numeric: tabular-nums; }
      svg.bar { display: block; }
      svg.bar .track { fill: var(--pa-surface-2); }
      svg.bar .fill { fill: var(--pa-accent); }
      svg.bar .median { stroke: var(--pa-text); stroke-width: 0.8; }
      .answers { max-height: 20rem; overflow: auto; }
    `,
  ];

  private profile() {
    const r = this.row!;
    if (!this.percentiles) return nothing;
    const ps = traitPercentiles(this.percentiles, r.traits);
    return html`<section aria-labelledby="pp-traits">
      <h4 id="pp-traits">Trait profile against the reference</h4>
      <table data-testid="trait-profile">
        <caption class="visually-hidden">Trait scores (1–5) and their percentile among the reference people</caption>
        <thead><tr><th scope="col">Trait</th><th scope="col">Score</th><th scope="col">Percentile</th><th scope="col"><span class="visually-hidden">Bar</span></th></tr></thead>
        <tbody>${ps.map(
          (p) => html`<tr>
            <th scope="row">${TRAIT_LABELS[p.trait]}</th>
            <td class="num">${p.score.toFixed(2)}</td>
            <td class="num">${Math.round(p.percentile)}</td>
            <td>${svg`<svg class="bar" width="160" height="12" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">
              <rect class="track" x="0" y="2" width="100" height="8"></rect>
              <rect class="fill" x="0" y="2" width=${Math.max(0.5, p.percentile)} height="8"></rect>
              <line class="median" x1="50" x2="50" y1="0" y2="12"></line>
            </svg>`}</td>
          </tr>`,
        )}</tbody>
      </table>
      <p class="muted">Percentile: share of the reference people scoring at or below (mid-rank); the line marks the median.</p>
    </section>`;
  }

  private answers() {
    const a = this.row!.record?.answers;
    if (!a || Object.keys(a).length === 0) return html`<section><h4>Questionnaire answers</h4><p class="muted">No questionnaire answers stored for this persona.</p></section>`;
    return html`<section aria-labelledby="pp-answers">
      <details>
        <summary id="pp-answers">Questionnaire answers (${Object.keys(a).length} of ${IPIP50_ITEMS.length} IPIP items)</summary>
        <div class="answers" tabindex="0" role="region" aria-label="Questionnaire answers">
          <table data-testid="answers">
            <thead><tr><th scope="col">Item</th><th scope="col">Statement</th><th scope="col">Answer (1–5)</th></tr></thead>
            <tbody>${IPIP50_ITEMS.filter((it) => a[it.code] !== undefined).map(
              (it) => html`<tr><th scope="row">${it.code}</th><td>${it.text}${it.keying < 0 ? ' (reverse-keyed)' : ''}</td><td class="num">${a[it.code]!.toFixed(2)}</td></tr>`,
            )}</tbody>
          </table>
        </div>
      </details>
    </section>`;
  }

  private verdict() {
    const q = this.row!.record?.quality;
    if (!q) return html`<section><h4>Quality verdict</h4><p class="muted">Not assessed.</p></section>`;
    return html`<section aria-labelledby="pp-quality" data-testid="quality">
      <h4 id="pp-quality">Quality verdict: ${q.kept ? 'kept' : 'rejected'}</h4>
      <p>${Object.entries(q.scores).map(([k, v]) => `${k} ${v}`).join(', ') || 'no rubric scores'}</p>
      ${q.reasons.length ? html`<ul>${q.reasons.map((r) => html`<li dir="auto">${r}</li>`)}</ul>` : html`<p class="muted">No findings.</p>`}
    </section>`;
  }

  override render() {
    const r = this.row;
    if (!r) return html`<p class="muted">Choose a persona in the list to see its page.</p>`;
    const rec = r.record;
    const meta = Object.entries(rec?.meta ?? {});
    const mined = rec?.source.kind === 'mined';
    return html`
      <article aria-labelledby="pp-title">
        <h3 id="pp-title" dir="auto">${r.id}</h3>
        <div class="badges">
          <span class="badge ${r.selected ? 'selected' : ''}">${r.selected ? 'in the final set' : 'pool only'}</span>
          ${rec ? html`<span class="badge">${rec.source.kind}</span>` : nothing}
          ${meta.map(([k, v]) => html`<span class="badge" dir="auto">${k}: ${v}</span>`)}
        </div>
        ${mined && this.source?.stored
          ? html`<persona-detail .persona=${this.source.stored} .posts=${this.source.posts}></persona-detail>`
          : html`<section aria-labelledby="pp-text"><h4 id="pp-text">Narrative</h4>
              ${rec ? html`<div class="text persona-text" dir="auto">${rec.text}</div>` : html`<p class="muted">This run's pool was a trait table: no narrative.</p>`}
              ${mined ? html`<p class="muted">${this.loading ? 'Loading the source posts…' : 'The mined persona or its corpus is no longer stored, so its source posts cannot be shown.'}</p>` : nothing}
            </section>`}
        ${this.profile()} ${this.verdict()} ${this.answers()}
      </article>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-page': PersonaPage;
  }
}
