import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { WeightedCloud } from '../../core/cloud';
import { TRAIT_LABELS } from '../../core/traits';
import { referenceGap, type ReferenceGap } from '../../pipeline/results/gap';
import { fmt, type ResultsFigure } from '../results-figures/figure';
import { seriesDensityFigure } from '../results-figures/figures';
import '../results-figure/results-figure';

/**
 * <results-gap>: the persona set against a reference BEFORE alignment (Profile stage): density
 * overlays per trait (Observable Plot, with table and SVG/PNG) and a table of the gap per trait —
 * means and SDs, mean and SD error and W1 in reference SDs, KS — plus the correlation error.
 */
@customElement('results-gap')
export class ResultsGap extends LitElement {
  @property({ attribute: false }) personas: WeightedCloud | undefined;
  @property({ attribute: false }) reference: WeightedCloud | undefined;
  @property() referenceName = 'Reference';
  @state() private gap: ReferenceGap | undefined;
  @state() private figure: ResultsFigure | undefined;
  @state() private error = '';

  static override styles = [
    controls,
    css`
      :host { display: block; }
      h4 { margin: var(--pa-space-3) 0 var(--pa-space-2); font-size: var(--pa-text-md); }
      .wrap { overflow: auto; margin-top: var(--pa-space-3); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); }
      caption { text-align: start; color: var(--pa-text-muted); padding-bottom: var(--pa-space-1); }
      th, td { padding: 2px var(--pa-space-2); border-bottom: 1px solid var(--pa-border); text-align: end; font-variant-numeric: tabular-nums; }
      th[scope='row'] { text-align: start; }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('personas') && !changed.has('reference') && !changed.has('referenceName')) return;
    this.gap = undefined;
    this.figure = undefined;
    this.error = '';
    const p = this.personas;
    const r = this.reference;
    if (!p || !r || p.n < 2) return;
    try {
      this.gap = referenceGap(p, r);
      this.figure = seriesDensityFigure(
        [
          { key: 'reference', label: this.referenceName, cloud: r },
          { key: 'personas', label: 'Personas (before alignment)', cloud: p },
        ],
        'profile-densities',
        'Persona trait densities against the reference',
      );
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  override render() {
    const g = this.gap;
    if (this.error) return html`<p role="alert">The comparison with the reference failed: ${this.error}</p>`;
    if (!g || !this.figure) return nothing;
    return html`
      <h4>Before alignment: personas against ${this.referenceName}</h4>
      <results-figure .figure=${this.figure}></results-figure>
      <div class="wrap" tabindex="0" role="region" aria-label="Gap to the reference per trait">
        <table data-testid="gap-table">
          <caption>Gap to the reference per trait (errors and W1 in reference SDs); correlation error ‖R_personas − R_reference‖_F = ${fmt(g.corrFrobenius)}</caption>
          <thead><tr><th scope="col">Trait</th><th scope="col">Persona mean</th><th scope="col">Reference mean</th><th scope="col">Persona SD</th><th scope="col">Reference SD</th>
            <th scope="col">Mean error</th><th scope="col">SD error</th><th scope="col">W1</th><th scope="col">KS</th></tr></thead>
          <tbody>${g.traits.map(
            (t) => html`<tr><th scope="row">${TRAIT_LABELS[t.trait]}</th><td>${t.personaMean.toFixed(2)}</td><td>${t.referenceMean.toFixed(2)}</td><td>${t.personaSd.toFixed(2)}</td><td>${t.referenceSd.toFixed(2)}</td>
              <td>${fmt(t.meanErrorSd, 2)}</td><td>${fmt(t.sdErrorSd, 2)}</td><td>${fmt(t.w1Sd, 2)}</td><td>${fmt(t.ks, 2)}</td></tr>`,
          )}</tbody>
        </table>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'results-gap': ResultsGap;
  }
}
