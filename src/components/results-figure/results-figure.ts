import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { pngBlob, renderFigure, svgBlob, type FigureTable, type ResultsFigure } from '../results-figures/figure';
import { downloadBlob } from '../shared/download';

/**
 * <results-figure>: one Results figure with its text alternative. Shows the plot by default; the
 * "Show table" toggle (aria-pressed) swaps in a real <table> of the same numbers; "SVG" and "PNG"
 * download the figure. The description is the figure's caption and the SVG's <desc>.
 */
@customElement('results-figure')
export class ResultsFigureElement extends LitElement {
  @property({ attribute: false }) figure: ResultsFigure | undefined;
  /** Show the table instead of the plot. */
  @property({ type: Boolean, reflect: true }) tabular = false;
  @state() private error = '';
  @query('.plot') private plotBox!: HTMLElement | null;

  static override styles = [
    controls,
    css`
      :host { display: block; border: 1px solid var(--pa-border); border-radius: var(--pa-radius); background: var(--pa-surface); padding: var(--pa-space-3); }
      header { display: flex; flex-wrap: wrap; gap: var(--pa-space-2); align-items: baseline; justify-content: space-between; }
      figure { margin: 0; }
      h3 { margin: 0; font-size: var(--pa-text-md); }
      .actions { display: flex; gap: var(--pa-space-2); }
      .plot { overflow-x: auto; margin-top: var(--pa-space-2); }
      .plot svg { max-width: 100%; height: auto; }
      p.desc { margin: var(--pa-space-2) 0 0; font-size: var(--pa-text-sm); }
      .table-wrap { overflow: auto; max-height: 28rem; margin-top: var(--pa-space-2); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); }
      caption { text-align: start; color: var(--pa-text-muted); padding-bottom: var(--pa-space-1); }
      th, td { padding: 2px var(--pa-space-2); border-bottom: 1px solid var(--pa-border); text-align: end; font-variant-numeric: tabular-nums; }
      th[scope='row'], thead th:first-child { text-align: start; }
      .error { color: var(--pa-danger); }
    `,
  ];

  protected override updated(): void {
    const box = this.plotBox;
    if (box && this.figure && !box.dataset['drawn']) {
      try {
        box.replaceChildren(renderFigure(this.figure));
        box.dataset['drawn'] = this.figure.id;
      } catch (e) {
        this.error = `The plot could not be drawn (${e instanceof Error ? e.message : String(e)}); the table shows the same numbers.`;
        this.tabular = true;
      }
    }
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('figure')) {
      this.error = '';
      if (this.plotBox) delete this.plotBox.dataset['drawn'];
    }
  }

  private async download(kind: 'svg' | 'png'): Promise<void> {
    const f = this.figure;
    if (!f) return;
    try {
      downloadBlob(kind === 'svg' ? svgBlob(f) : await pngBlob(f), `${f.id}.${kind}`);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  override render() {
    const f = this.figure;
    if (!f) return nothing;
    const hid = `fig-${f.id}`;
    return html`
      <figure aria-labelledby=${hid}>
        <header>
          <h3 id=${hid}>${f.title}</h3>
          <div class="actions">
            <button type="button" class="toggle" aria-pressed=${this.tabular ? 'true' : 'false'} @click=${() => (this.tabular = !this.tabular)}>Show table</button>
            <button type="button" class="svg" aria-label="Download ${f.title} as SVG" @click=${() => void this.download('svg')}>SVG</button>
            <button type="button" class="png" aria-label="Download ${f.title} as PNG" @click=${() => void this.download('png')}>PNG</button>
          </div>
        </header>
        <div class="plot" ?hidden=${this.tabular}></div>
        ${this.tabular ? renderTable(f.table) : nothing}
        <figcaption><p class="desc muted">${f.description}</p></figcaption>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </figure>
    `;
  }
}

/** A FigureTable as a real, captioned <table> (row headers in the first column). */
export function renderTable(t: FigureTable) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t.caption}>
    <table>
      <caption>${t.caption}</caption>
      <thead><tr>${t.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>${t.rows.map((r) => html`<tr><th scope="row">${r[0]}</th>${r.slice(1).map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody>
    </table>
  </div>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'results-figure': ResultsFigureElement;
  }
}
