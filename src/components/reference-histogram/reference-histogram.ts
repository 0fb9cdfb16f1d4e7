import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { Histogram } from '../reference-manager/figures';

const W = 240;
const H = 80;

/**
 * <reference-histogram>: one trait's weighted histogram as a small SVG bar chart (role="img" with a
 * text summary), followed by the same numbers as a table inside <details> (the accessible and
 * copyable alternative).
 */
@customElement('reference-histogram')
export class ReferenceHistogram extends LitElement {
  @property() label = '';
  @property({ attribute: false }) histogram: Histogram | undefined;
  /** Weighted mean and SD, for the summary line. */
  @property({ type: Number }) mean = NaN;
  @property({ type: Number }) sd = NaN;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
        font-size: var(--pa-text-sm);
      }
      svg {
        display: block;
        width: 100%;
        max-width: 16rem;
        height: auto;
      }
      rect.bar {
        fill: var(--pa-accent);
      }
      line.axis {
        stroke: var(--pa-border);
      }
      text {
        fill: var(--pa-text-muted);
        font-size: 9px;
      }
      details {
        font-size: var(--pa-text-sm);
      }
      table {
        border-collapse: collapse;
      }
      th,
      td {
        padding: 0 var(--pa-space-2);
        text-align: end;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  override render() {
    const h = this.histogram;
    if (!h) return html`<p class="muted">No data.</p>`;
    const bins = h.share.length;
    const max = Math.max(...h.share, 1e-12);
    const bw = W / bins;
    const lo = h.edges[0]!;
    const hi = h.edges[bins]!;
    // Axis and summary name the first and last bin centres (1.0 and 5.0 on the app's scale).
    const c0 = lo + (hi - lo) / bins / 2;
    const c1 = hi - (hi - lo) / bins / 2;
    const summary = `${this.label}: histogram of ${bins} bins centred from ${c0.toFixed(2)} to ${c1.toFixed(2)}; mean ${this.mean.toFixed(2)}, SD ${this.sd.toFixed(2)}; tallest bin ${(max * 100).toFixed(1)}% of the weight.`;
    return html`
      <figure>
        <figcaption>${this.label}</figcaption>
        <svg viewBox="0 0 ${W} ${H + 12}" role="img" aria-label=${summary}>
          ${h.share.map((s, k) => {
            const bh = (s / max) * H;
            return svg`<rect class="bar" x=${(k * bw + 0.5).toFixed(2)} y=${(H - bh).toFixed(2)} width=${Math.max(0, bw - 1).toFixed(2)} height=${bh.toFixed(2)}></rect>`;
          })}
          <line class="axis" x1="0" y1=${H + 0.5} x2=${W} y2=${H + 0.5}></line>
          <text x="0" y=${H + 10}>${c0.toFixed(1)}</text>
          <text x=${W} y=${H + 10} text-anchor="end">${c1.toFixed(1)}</text>
        </svg>
        <details>
          <summary>Table: ${this.label}</summary>
          <table>
            <caption class="visually-hidden">${this.label}: share of weight per score bin</caption>
            <thead><tr><th scope="col">Score from</th><th scope="col">to</th><th scope="col">Share</th></tr></thead>
            <tbody>
              ${h.share.map(
                (s, k) => html`<tr><td>${h.edges[k]!.toFixed(2)}</td><td>${h.edges[k + 1]!.toFixed(2)}</td><td>${(s * 100).toFixed(1)}%</td></tr>`,
              )}
            </tbody>
          </table>
        </details>
      </figure>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-histogram': ReferenceHistogram;
  }
}
