import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { FIT_LABEL, type ModelRow } from '../model-manager/figures';

/** Fired (bubbling, composed) to load (downloading first if needed) a model; detail: {modelId}. */
export const MODEL_LOAD = 'pa-model-load';
export type ModelLoadDetail = { modelId: string };

/**
 * <model-table>: web-llm's models with their fit on this device (Fits / May not fit / Too big /
 * Needs shader-f16 with the f32 build offered), size (≈ estimate, exact once cached), GPU memory,
 * context window, and a Load / Download button per row. A recommended badge marks the default.
 */
@customElement('model-table')
export class ModelTable extends LitElement {
  @property({ attribute: false }) rows: ModelRow[] = [];
  /** A download or load is running: buttons are disabled. */
  @property({ type: Boolean }) busy = false;
  @property() loadedId: string | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; overflow-x: auto; }
      table { border-collapse: collapse; width: 100%; font-size: var(--pa-text-sm); }
      caption { text-align: left; font-weight: 600; padding-bottom: var(--pa-space-2); }
      th, td { text-align: left; padding: var(--pa-space-1) var(--pa-space-2); border-bottom: 1px solid var(--pa-border); vertical-align: top; }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      .id { font-family: var(--pa-font-mono); overflow-wrap: anywhere; }
      .badge { display: inline-block; margin-left: var(--pa-space-1); padding: 0 var(--pa-space-2); border-radius: 999px; background: var(--pa-accent-soft); color: var(--pa-accent); font-size: 0.75rem; font-family: var(--pa-font); }
      .fit-fits { color: var(--pa-ok); }
      .fit-limited, .fit-needs-shader-f16 { color: var(--pa-warn); }
      .fit-too-big { color: var(--pa-danger); }
      .reason { display: block; color: var(--pa-text-muted); font-size: 0.75rem; }
    `,
  ];

  private load(modelId: string): void {
    this.dispatchEvent(new CustomEvent<ModelLoadDetail>(MODEL_LOAD, { detail: { modelId }, bubbles: true, composed: true }));
  }

  private action(r: ModelRow) {
    const id = r.fit.entry.id;
    if (id === this.loadedId) return html`<span>Loaded</span>`;
    if (r.fit.status === 'needs-shader-f16') {
      const alt = r.fit.alternative;
      return alt
        ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.load(alt)} aria-label=${`Use f32 build: load ${alt} instead of ${id}`}>Use f32 build</button>`
        : nothing;
    }
    if (r.fit.status === 'too-big') return nothing;
    const ready = r.cached?.complete === true;
    return html`<button type="button" class=${r.recommended ? 'primary' : ''} ?disabled=${this.busy} @click=${() => this.load(id)} aria-label=${`${ready ? 'Load' : 'Download and load'} ${id}`}>
      ${ready ? 'Load' : 'Download'}
    </button>`;
  }

  override render() {
    return html`<table>
      <caption>Models for this device (${this.rows.length})</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col" class="num">Download</th>
          <th scope="col" class="num">GPU memory</th>
          <th scope="col" class="num">Context</th>
          <th scope="col">Fit</th>
          <th scope="col"><span class="visually-hidden">Action</span></th>
        </tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (r) => html`<tr data-model=${r.fit.entry.id}>
            <th scope="row" class="id">${r.fit.entry.id}${r.recommended ? html`<span class="badge">Recommended</span>` : nothing}${r.cached
              ? html`<span class="badge">${r.cached.complete ? 'Cached' : 'Partly cached'}</span>`
              : nothing}</th>
            <td class="num" data-testid="size">${r.size}</td>
            <td class="num">${r.fit.entry.vramMB !== undefined ? `${(r.fit.entry.vramMB / 1000).toFixed(1)} GB` : '—'}</td>
            <td class="num">${r.fit.entry.contextWindow ?? '—'}</td>
            <td class=${`fit-${r.fit.status}`} data-testid="fit">${FIT_LABEL[r.fit.status]}${r.fit.reason ? html`<span class="reason">${r.fit.reason}</span>` : nothing}</td>
            <td>${this.action(r)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-table': ModelTable;
  }
}
