import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { formatMetric, formatReduction } from '../../pipeline/align-report';
import type { MethodColumn, ResultsMetrics } from '../../pipeline/results/metrics';
import type { FigureTable } from '../results-figures/figure';

const METHOD_LABELS: Record<MethodColumn, string> = { is: 'IS only', isOt: 'IS + OT', selected: 'This run' };

/** The metrics as a FigureTable (report page, CSV-like text), same columns as the element. */
export function metricsTable(m: ResultsMetrics, caption: string): FigureTable {
  const columns = ['Metric', 'Raw pool', 'Random subset'];
  for (const c of m.columns) columns.push(METHOD_LABELS[c], `${METHOD_LABELS[c]} vs pool`, `${METHOD_LABELS[c]} vs random`);
  columns.push('Sampling floor');
  return {
    caption,
    columns,
    rows: m.rows.map((r) => {
      const cells = [r.label, formatMetric(r.pool), formatMetric(r.random)];
      for (const c of m.columns) {
        const v = r.methods[c];
        cells.push(formatMetric(v?.value), formatReduction(v?.vsPool), formatReduction(v?.vsRandom));
      }
      cells.push(formatMetric(r.floor));
      return cells;
    }),
  };
}

/**
 * <results-metrics>: the METHOD.md §7 metrics table — every diagnostic for the raw pool, the random
 * subset and each method column, each method's error reduction against the pool and the random
 * subset (−72% = 72% less error), and the sampling floor. Joint metrics first, then per trait.
 */
@customElement('results-metrics')
export class ResultsMetricsElement extends LitElement {
  @property({ attribute: false }) metrics: ResultsMetrics | undefined;
  @property() caption = 'Diagnostics';

  static override styles = [
    controls,
    css`
      :host { display: block; }
      .wrap { overflow: auto; max-height: 36rem; border: 1px solid var(--pa-border); border-radius: var(--pa-radius); background: var(--pa-surface); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); width: 100%; }
      caption { text-align: start; padding: var(--pa-space-2); color: var(--pa-text-muted); }
      th, td { padding: 2px var(--pa-space-2); border-bottom: 1px solid var(--pa-border); text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
      th[scope='row'] { text-align: start; font-weight: normal; }
      tr.joint th[scope='row'] { font-weight: 600; }
      thead th { position: sticky; top: 0; background: var(--pa-surface-2); }
      td.better { color: var(--pa-ok); }
      td.worse { color: var(--pa-danger); }
    `,
  ];

  override render() {
    const m = this.metrics;
    if (!m) return nothing;
    const t = metricsTable(m, `${this.caption} (unit: ${m.unit})`);
    const cls = (r: number | undefined): string => (r === undefined ? '' : r > 0 ? 'better' : r < 0 ? 'worse' : '');
    return html`<div class="wrap" tabindex="0" role="region" aria-label=${this.caption}>
      <table data-testid="results-metrics">
        <caption>${t.caption}. Reductions: 1 − |method| ÷ |baseline|, shown as −N% when the error went down.</caption>
        <thead><tr>${t.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
        <tbody>
          ${m.rows.map(
            (r) => html`<tr class=${r.group}>
              <th scope="row">${r.label}</th>
              <td>${formatMetric(r.pool)}</td>
              <td>${formatMetric(r.random)}</td>
              ${m.columns.map((c) => {
                const v = r.methods[c];
                return html`<td class="method ${c}">${formatMetric(v?.value)}</td><td class=${cls(v?.vsPool)}>${formatReduction(v?.vsPool)}</td><td class=${cls(v?.vsRandom)}>${formatReduction(v?.vsRandom)}</td>`;
              })}
              <td>${formatMetric(r.floor)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'results-metrics': ResultsMetricsElement;
  }
}
