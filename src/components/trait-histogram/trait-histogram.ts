import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';

const W = 260;
const H = 90;

/** Shares of `values` in `bins` equal bins over [lo, hi] (weights optional; sums to 1). */
export function binShares(values: ArrayLike<number>, bins: number, lo = 1, hi = 5, weights?: ArrayLike<number>): number[] {
  const out = new Array<number>(bins).fill(0);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const w = weights ? weights[i]! : 1;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
    out[b]! += w;
    total += w;
  }
  return total > 0 ? out.map((x) => x / total) : out;
}

/**
 * <trait-histogram>: one trait's persona scores (bars) against a reference (outline), shares per
 * bin on the 1–5 scale, as a small SVG (role="img" with a text summary) followed by the same
 * numbers as a table in <details> (the accessible, copyable alternative).
 */
@customElement('trait-histogram')
export class TraitHistogram extends LitElement {
  @property() label = '';
  @property({ attribute: false }) personas: number[] = [];
  @property({ attribute: false }) reference: number[] = [];
  @property() referenceName = 'reference';
  /** Means and SDs for the summary line. */
  @property({ attribute: false }) stats: { personaMean: number; personaSd: number; refMean: number; refSd: number } | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      figure { margin: 0; }
      figcaption { font-weight: 600; font-size: var(--pa-text-sm); }
      svg { display: block; width: 100%; max-width: 17rem; height: auto; }
      rect.bar { fill: var(--pa-accent); opacity: 0.8; }
      path.ref { fill: none; stroke: var(--pa-warn); stroke-width: 1.5; }
      line.axis { stroke: var(--pa-border); }
      text { fill: var(--pa-text-muted); font-size: 9px; }
      details { font-size: var(--pa-text-sm); }
      table { border-collapse: collapse; }
      th, td { padding: 0 var(--pa-space-2); text-align: end; }
      .summary { font-size: var(--pa-text-sm); margin: 0; }
    `,
  ];

  override render() {
    const bins = this.personas.length;
    if (!bins) return nothing;
    const max = Math.max(...this.personas, ...this.reference, 1e-9);
    const bw = W / bins;
    const y = (v: number): number => H - 12 - (v / max) * (H - 16);
    const refPath = this.reference.map((v, i) => `${i ? 'L' : 'M'}${(i * bw).toFixed(1)},${y(v).toFixed(1)}H${((i + 1) * bw).toFixed(1)}`).join('');
    const s = this.stats;
    const summary = s ? `${this.label}: personas mean ${s.personaMean.toFixed(2)} (SD ${s.personaSd.toFixed(2)}); ${this.referenceName} mean ${s.refMean.toFixed(2)} (SD ${s.refSd.toFixed(2)}).` : this.label;
    return html`<figure>
      <figcaption>${this.label}</figcaption>
      <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${`Histogram. ${summary}`}>
        ${this.personas.map((v, i) => svg`<rect class="bar" x=${i * bw + 0.5} y=${y(v)} width=${Math.max(0, bw - 1)} height=${H - 12 - y(v)}></rect>`)}
        ${this.reference.length ? svg`<path class="ref" d=${refPath}></path>` : nothing}
        <line class="axis" x1="0" x2=${W} y1=${H - 12} y2=${H - 12}></line>
        ${[1, 2, 3, 4, 5].map((t) => svg`<text x=${((t - 1) / 4) * (W - 8) + 1} y=${H - 1}>${t}</text>`)}
      </svg>
      <p class="summary">${summary}</p>
      <details><summary>Table</summary>
        <table>
          <caption class="visually-hidden">${this.label}: share of personas and of the reference per score bin</caption>
          <thead><tr><th scope="col">Score</th><th scope="col">Personas</th><th scope="col">${this.referenceName}</th></tr></thead>
          <tbody>${this.personas.map((v, i) => html`<tr><th scope="row">${(1 + (i * 4) / bins).toFixed(2)}–${(1 + ((i + 1) * 4) / bins).toFixed(2)}</th><td>${(v * 100).toFixed(1)}%</td><td>${this.reference[i] === undefined ? '—' : `${(this.reference[i]! * 100).toFixed(1)}%`}</td></tr>`)}</tbody>
        </table>
      </details>
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'trait-histogram': TraitHistogram;
  }
}
