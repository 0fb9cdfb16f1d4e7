import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls, tokens } from '../../app/tokens';
import { formatCount } from '../../core/format';
import { SELECTION_KEYS, SELECTION_LABELS, type PreparedPool } from '../../core/target/build';
import { targetManifestJson } from '../../core/target/manifest';
import { comparisonRows, countSteps, sideBySideRows, targetCsv, type ComparisonRow } from '../../core/target/report';
import { candidateRuleText } from '../../core/target/spec';
import type { TargetStageTarget } from '../../pipeline/target/target-stage';
import { downloadText } from '../shared/download';

/**
 * <target-results>: per target the counts at each step and the comparison on the target's
 * reference — random personas, retrieval only, global alignment only, retrieval + re-alignment,
 * and the sampling floor — with CSV and manifest downloads; with several targets, a side-by-side
 * table first. The adapter's held-out scores (before / after) head the section when it ran.
 * Every user string (queries, names) is rendered as text.
 */
@customElement('target-results')
export class TargetResults extends LitElement {
  @property({ attribute: false }) prepared: PreparedPool | undefined;
  @property({ attribute: false }) targets: TargetStageTarget[] = [];

  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
      }
      section {
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-4);
        margin-top: var(--pa-space-4);
      }
      h3,
      h4 {
        margin: 0 0 var(--pa-space-2);
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        font-size: var(--pa-text-sm);
      }
      th,
      td {
        padding: 0.2rem 0.6rem;
        text-align: right;
        font-variant-numeric: tabular-nums;
        border-bottom: 1px solid var(--pa-border);
      }
      th[scope='row'] {
        text-align: left;
        font-weight: 500;
      }
      td.best {
        color: var(--pa-ok);
        font-weight: 700;
      }
      ol.counts {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-1) var(--pa-space-4);
        padding: 0;
        list-style: none;
        font-size: var(--pa-text-sm);
      }
      .downloads {
        display: flex;
        gap: var(--pa-space-2);
        margin-top: var(--pa-space-3);
      }
      .notes {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
    `,
  ];

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h3')?.focus();
  }

  private download(name: string, type: string, text: string): void {
    downloadText(text, type, name, this.renderRoot);
  }

  override render() {
    const p = this.prepared;
    if (!p || this.targets.length === 0) return nothing;
    const a = p.adapter;
    return html`
      <h3 tabindex="-1">Target groups</h3>
      <p class="notes" data-testid="tg-embedder">
        Embedder <span>${p.embedder.modelId}</span> (${p.dim} dimensions) over ${formatCount(p.records.length)} personas with trait scores.
        ${a
          ? html`Adapter (${a.report.backend}${a.report.fallback ? `: ${a.report.fallback}` : ''}), held out ${a.report.before.queries} queries:
              <span data-testid="tg-adapter">recall@${a.report.before.k} ${a.report.before.recallAtK.toFixed(3)} → ${a.report.after.recallAtK.toFixed(3)},
              nDCG@${a.report.before.k} ${a.report.before.ndcgAtK.toFixed(3)} → ${a.report.after.ndcgAtK.toFixed(3)}</span>
              after ${a.report.epochs} epochs on ${a.querySet.queries} queries.`
          : 'No adapter: the frozen embedder ranks the personas.'}
      </p>
      ${this.targets.length > 1 ? this.sideBySide() : nothing}
      ${this.targets.map((t, i) => this.target(t, i))}
    `;
  }

  private sideBySide() {
    const rows = sideBySideRows(this.targets.map((t) => t.result));
    return html`<section aria-labelledby="tg-side">
      <h4 id="tg-side">Side by side</h4>
      <div class="scroll" tabindex="0" role="region" aria-label="Side-by-side table (scrolls sideways)">
        <table data-testid="tg-side-by-side">
          <thead><tr><th scope="col">Measure</th>${this.targets.map((t) => html`<th scope="col">${t.result.spec.name}</th>`)}</tr></thead>
          <tbody>
            ${rows.map((r) => html`<tr><th scope="row">${r.label}</th>${r.values.map((v) => html`<td>${fmt(v, r.id)}</td>`)}</tr>`)}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  private target(t: TargetStageTarget, i: number) {
    const r = t.result;
    const rows = comparisonRows(r);
    const id = `tg-target-${i}`;
    const base = `target-${r.spec.id}-K${r.spec.size}-seed${r.spec.seed}`;
    return html`<section aria-labelledby=${id} data-testid="tg-target">
      <h4 id=${id}>${r.spec.name}</h4>
      <p class="notes">
        Query “<span>${r.spec.query}</span>”, ${candidateRuleText(r.spec.candidates)} candidates, K = ${r.spec.size}, ${r.spec.method}, seed ${r.spec.seed};
        reference <span>${r.reference.name}</span>${r.reference.label === 'approximate' ? ' (approximate)' : ''}, measured against ${formatCount(r.counts.heldOut)} held-out points.
        ${r.spec.group ? html`Countries: <span>${r.spec.group.regionId ?? r.spec.group.countries.join(', ')}</span>.` : nothing}
      </p>
      <ol class="counts" aria-label="Counts at each step" data-testid="tg-counts">
        ${countSteps(r).filter((s) => s.value !== null).map((s) => html`<li>${s.label}: <strong class="num">${formatCount(s.value!)}</strong></li>`)}
      </ol>
      <div class="scroll" tabindex="0" role="region" aria-label="Comparison for ${r.spec.name} (scrolls sideways)">
        <table data-testid="tg-comparison">
          <caption class="visually-hidden">Comparison on the target's reference, in reference SD units</caption>
          <thead>
            <tr><th scope="col">Measure</th>${SELECTION_KEYS.map((k) => html`<th scope="col">${SELECTION_LABELS[k]}</th>`)}<th scope="col">Sampling floor</th></tr>
          </thead>
          <tbody>
            ${rows.map((row) => this.row(row))}
          </tbody>
        </table>
      </div>
      ${r.reference.notes.length > 0 ? html`<p class="notes">${r.reference.notes.join(' ')}</p>` : nothing}
      ${t.storeError ? html`<p class="notes" role="alert">This run could not be stored: ${t.storeError.message}</p>` : nothing}
      <div class="downloads">
        <button type="button" class="primary" @click=${() => this.download(`${base}.csv`, 'text/csv', targetCsv(this.prepared!, r))}>Download CSV</button>
        <button type="button" @click=${() => this.download(`${base}.manifest.json`, 'application/json', targetManifestJson(t.manifest))}>Download manifest</button>
      </div>
    </section>`;
  }

  private row(row: ComparisonRow) {
    const vals = SELECTION_KEYS.map((k) => row.values[k]);
    const finite = vals.filter((v): v is number => v !== null);
    const best = finite.length === 0 ? undefined : row.better === 'lower' ? Math.min(...finite) : Math.max(...finite);
    return html`<tr>
      <th scope="row">${row.label}</th>
      ${vals.map((v) => html`<td class=${v !== null && v === best ? 'best' : ''}>${fmt(v, row.id)}</td>`)}
      <td>${fmt(row.floor, row.id)}</td>
    </tr>`;
  }
}

function fmt(v: number | null, id: string): string {
  if (v === null) return '—';
  if (id.startsWith('inGroup')) return `${(v * 100).toFixed(0)}%`;
  if (Number.isInteger(v) && Math.abs(v) >= 1) return formatCount(v);
  return v.toFixed(3);
}

declare global {
  interface HTMLElementTagNameMap {
    'target-results': TargetResults;
  }
}
