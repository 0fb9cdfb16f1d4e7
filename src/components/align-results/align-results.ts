import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls, warnBadge } from '../../app/tokens';
import { formatCount, formatDuration } from '../../core/format';
import { manifestJson } from '../../pipeline/align-manifest';
import {
  backendText,
  evaluationNote,
  formatMetric,
  formatReduction,
  metricRows,
  selectedCsv,
  traitHistograms,
  weightRows,
  type MetricRow,
  type TraitHistogram,
} from '../../pipeline/align-report';
import type { AlignRunResult } from '../../pipeline/align-stage';
import { downloadText } from '../shared/download';
import '../align-plot/align-plot';

/**
 * <align-results>: the outcome of one Align run — what ran it, the metrics table (raw pool, random
 * subset, selected set, sampling floor, and the selected set's error reduction against the first
 * two), the weights, the per-trait plot, and downloads of the selected set (CSV) and the run
 * manifest (JSON).
 */
@customElement('align-results')
export class AlignResults extends LitElement {
  @property({ attribute: false }) result: AlignRunResult | undefined;

  /** Derived once per result, not per render. */
  private histograms: TraitHistogram[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    const r = this.result;
    if (changed.has('result')) this.histograms = r ? traitHistograms(r.reference.cloud, r.pool.cloud, r.align.selected) : [];
  }

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
      }
      h4 {
        font-size: var(--pa-text-md);
        margin: var(--pa-space-6) 0 var(--pa-space-2);
      }
      .summary {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-2) var(--pa-space-6);
        margin: 0 0 var(--pa-space-3);
      }
      .summary dt {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
      .summary dd {
        margin: 0;
        font-weight: 600;
      }
      .badge {
        background: var(--pa-surface-2);
        margin-left: var(--pa-space-2);
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        font-size: var(--pa-text-sm);
        min-width: 100%;
      }
      caption {
        text-align: left;
        color: var(--pa-text-muted);
        padding-bottom: var(--pa-space-2);
      }
      th,
      td {
        padding: 0.25rem 0.6rem;
        border-bottom: 1px solid var(--pa-border);
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      th[scope='row'],
      thead th:first-child {
        text-align: left;
      }
      th[scope='row'] {
        font-weight: 400;
      }
      tr.joint th[scope='row'] {
        font-weight: 700;
      }
      td.better {
        color: var(--pa-ok);
      }
      td.worse {
        color: var(--pa-danger);
      }
      .downloads {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-2);
        margin-top: var(--pa-space-4);
      }
      .notes {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
    `,
  ];

  /** Focuses the heading, so keyboard and screen-reader users land on the result. */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h3')?.focus();
  }

  private download(name: string, type: string, text: string): void {
    downloadText(text, type, name, this.renderRoot);
  }

  private cell(r: number | undefined) {
    const cls = r === undefined ? '' : r > 0.005 ? 'better' : r < -0.005 ? 'worse' : '';
    return html`<td class=${cls}>${formatReduction(r)}</td>`;
  }

  private row(m: MetricRow) {
    return html`<tr class=${m.group}>
      <th scope="row">${m.label}</th>
      <td>${formatMetric(m.pool)}</td>
      <td>${formatMetric(m.random)}</td>
      <td data-metric=${m.id}>${formatMetric(m.selected)}</td>
      <td>${formatMetric(m.floor)}</td>
      ${this.cell(m.reductionVsPool)} ${this.cell(m.reductionVsRandom)}
    </tr>`;
  }

  override render() {
    const r = this.result;
    if (!r) return nothing;
    const ot = r.align.ot;
    const stamp = r.manifest.createdAt.replace(/[:.]/g, '-');
    const base = `aligned-${r.method}-k${r.size}-seed${r.seed}-${stamp}`;
    return html`
      <h3 tabindex="-1">Selected ${formatCount(r.align.selected.length)} of ${formatCount(r.pool.cloud.n)} personas</h3>
      <dl class="summary">
        <div><dt>Method</dt><dd>${r.method}</dd></div>
        <div><dt>Pool</dt><dd>${r.pool.name}</dd></div>
        <div>
          <dt>Reference</dt>
          <dd>${r.reference.name} (n = ${formatCount(r.reference.cloud.n)})${r.reference.label === 'approximate' ? html`<span class="badge">approximate</span>` : nothing}</dd>
        </div>
        <div><dt>Ran on</dt><dd data-testid="al-backend">${backendText(r.backend)}</dd></div>
        <div><dt>Time</dt><dd>${formatDuration(r.manifest.timings.total)}</dd></div>
        ${ot
          ? html`<div>
              <dt>Sinkhorn</dt>
              <dd>${ot.iterations} iterations, ε = ${formatMetric(ot.epsilon)}, marginal error ${formatMetric(ot.marginalError)}${ot.converged ? '' : ' (not converged: raise max iterations or ε)'}</dd>
            </div>`
          : nothing}
      </dl>
      ${[...r.pool.notes, ...r.reference.notes].map((n) => html`<p class="notes">${n}</p>`)}
      <p class="notes" data-testid="al-evaluation">${evaluationNote(r.diagnostics.evaluation)}</p>
      ${r.diagnostics.referenceSubsample
        ? html`<p class="notes">
            Diagnostics compare against a seeded subsample of ${formatCount(r.diagnostics.referenceSubsample)} of the
            ${formatCount(r.diagnostics.evaluation.heldOut)} ${r.diagnostics.evaluation.holdout > 0 ? 'held-out' : ''} reference points (PPS by weight), so the page stays responsive.
          </p>`
        : nothing}

      <div class="scroll">
        <table data-testid="al-metrics">
          <caption>
            Distance of each set to the ${r.diagnostics.evaluation.holdout > 0 ? 'held-out ' : ''}reference, in reference SDs (lower is better). Reduction = 1 − |selected| / |baseline|. The
            sampling floor is a same-size ${r.diagnostics.evaluation.holdout > 0 ? 'subsample of the reference points aligned against, measured against the held-out ones' : 'subsample of the reference against the rest'}:
            no selection is expected to beat it by more than chance.
          </caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Raw pool</th>
              <th scope="col">Random subset</th>
              <th scope="col">Selected</th>
              <th scope="col">Sampling floor</th>
              <th scope="col">vs pool</th>
              <th scope="col">vs random</th>
            </tr>
          </thead>
          <tbody>
            ${metricRows(r.diagnostics).map((m) => this.row(m))}
          </tbody>
        </table>
      </div>

      <h4>Weights</h4>
      <table data-testid="al-weights">
        <caption>The raw pool's own weights, and the pool weights the method used (importance weights for is and is+ot).</caption>
        <thead><tr><th scope="col">Measure</th><th scope="col">Raw pool</th><th scope="col">Method</th></tr></thead>
        <tbody>
          ${weightRows(r).map((w) => html`<tr><th scope="row">${w.label}</th><td>${formatMetric(w.pool)}</td><td>${formatMetric(w.method)}</td></tr>`)}
        </tbody>
      </table>

      <h4>Per-trait distributions</h4>
      <align-plot .histograms=${this.histograms} referenceName=${r.reference.name}></align-plot>

      <div class="downloads">
        <button type="button" class="primary" @click=${() => this.download(`${base}.csv`, 'text/csv', selectedCsv(r.pool, r.align.selected))}>
          Download selected set (CSV)
        </button>
        <button type="button" @click=${() => this.download(`${base}.manifest.json`, 'application/json', manifestJson(r.manifest))}>
          Download run manifest (JSON)
        </button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'align-results': AlignResults;
  }
}
