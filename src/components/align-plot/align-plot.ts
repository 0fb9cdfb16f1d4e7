import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatMetric, type TraitHistogram } from '../../pipeline/align-report';

const W = 240;
const H = 110;
const PAD = { l: 4, r: 4, t: 6, b: 18 };

/**
 * <align-plot>: per-trait density histograms of the reference (filled), the raw pool (dashed) and
 * the selected set (solid), one small SVG per trait, with the same numbers as a table behind a
 * disclosure for screen readers and exact reading.
 */
@customElement('align-plot')
export class AlignPlot extends LitElement {
  @property({ attribute: false }) histograms: TraitHistogram[] = [];
  /** The reference's name for the legend. */
  @property() referenceName = 'Reference';

  static override styles = css`
    :host {
      display: block;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: var(--pa-space-4, 1rem);
      font-size: var(--pa-text-sm, 0.875rem);
      margin: 0 0 var(--pa-space-2, 0.5rem);
      padding: 0;
      list-style: none;
    }
    .swatch {
      display: inline-block;
      width: 1.5rem;
      height: 0.6rem;
      margin-right: 0.35rem;
      vertical-align: middle;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
      gap: var(--pa-space-3, 0.75rem);
    }
    .sw-ref {
      background: var(--pa-accent-soft, #e6ecfb);
      border: 1px solid var(--pa-text-muted, #5b5b63);
    }
    .sw-pool {
      height: 0;
      border-top: 2px dashed var(--pa-warn, #8a5a00);
    }
    .sw-sel {
      height: 0;
      border-top: 3px solid var(--pa-accent, #2f5bd3);
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-size: var(--pa-text-sm, 0.875rem);
      font-weight: 600;
    }
    svg {
      width: 100%;
      height: auto;
      overflow: visible;
    }
    .ref {
      fill: var(--pa-accent-soft, #e6ecfb);
      stroke: var(--pa-text-muted, #5b5b63);
      stroke-width: 1;
    }
    .pool {
      fill: none;
      stroke: var(--pa-warn, #8a5a00);
      stroke-width: 1.5;
      stroke-dasharray: 4 3;
    }
    .sel {
      fill: none;
      stroke: var(--pa-accent, #2f5bd3);
      stroke-width: 2;
    }
    .axis {
      font-size: 10px;
      fill: var(--pa-text-muted, #5b5b63);
    }
    details {
      margin-top: var(--pa-space-3, 0.75rem);
    }
    table {
      border-collapse: collapse;
      font-size: var(--pa-text-sm, 0.875rem);
      margin: var(--pa-space-2, 0.5rem) 0;
    }
    th,
    td {
      padding: 0.15rem 0.5rem;
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    caption {
      text-align: left;
      font-weight: 600;
    }
  `;

  private path(h: TraitHistogram, values: number[], max: number, closed: boolean): string {
    const lo = h.edges[0]!;
    const hi = h.edges[h.edges.length - 1]!;
    const x = (v: number): number => PAD.l + ((v - lo) / (hi - lo)) * (W - PAD.l - PAD.r);
    const y = (v: number): number => H - PAD.b - (max > 0 ? (v / max) * (H - PAD.t - PAD.b) : 0);
    // A step curve: flat across each bin.
    let d = `M${x(lo).toFixed(1)},${y(0).toFixed(1)}`;
    values.forEach((v, b) => {
      d += `L${x(h.edges[b]!).toFixed(1)},${y(v).toFixed(1)}L${x(h.edges[b + 1]!).toFixed(1)},${y(v).toFixed(1)}`;
    });
    d += `L${x(hi).toFixed(1)},${y(0).toFixed(1)}`;
    return closed ? `${d}Z` : d;
  }

  private chart(h: TraitHistogram) {
    const max = Math.max(...h.reference, ...h.pool, ...h.selected);
    const lo = h.edges[0]!;
    const hi = h.edges[h.edges.length - 1]!;
    return html`<figure>
      <figcaption>${h.label}</figcaption>
      <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${h.label}: densities of the reference, the raw pool and the selected set; the table below has the numbers.">
        ${svg`<path class="ref" d=${this.path(h, h.reference, max, true)}></path>
        <path class="pool" d=${this.path(h, h.pool, max, false)}></path>
        <path class="sel" d=${this.path(h, h.selected, max, false)}></path>
        <text class="axis" x=${PAD.l} y=${H - 4}>${lo.toFixed(1)}</text>
        <text class="axis" x=${W - PAD.r} y=${H - 4} text-anchor="end">${hi.toFixed(1)}</text>`}
      </svg>
    </figure>`;
  }

  private table(h: TraitHistogram) {
    return html`<table>
      <caption>${h.label} (density per unit)</caption>
      <thead><tr><th scope="col">Bin</th><th scope="col">${this.referenceName}</th><th scope="col">Raw pool</th><th scope="col">Selected</th></tr></thead>
      <tbody>
        ${h.reference.map(
          (r, b) => html`<tr>
            <th scope="row">${h.edges[b]!.toFixed(2)}–${h.edges[b + 1]!.toFixed(2)}</th>
            <td>${formatMetric(r)}</td><td>${formatMetric(h.pool[b])}</td><td>${formatMetric(h.selected[b])}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    if (this.histograms.length === 0) return nothing;
    return html`
      <ul class="legend" aria-label="Legend">
        <li><span class="swatch sw-ref"></span>${this.referenceName}</li>
        <li><span class="swatch sw-pool"></span>Raw pool</li>
        <li><span class="swatch sw-sel"></span>Selected set</li>
      </ul>
      <div class="grid">${this.histograms.map((h) => this.chart(h))}</div>
      <details>
        <summary>Show the histograms as tables</summary>
        ${this.histograms.map((h) => this.table(h))}
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'align-plot': AlignPlot;
  }
}
