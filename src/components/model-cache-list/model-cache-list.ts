import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { formatBytes } from '../../core/format';
import type { CachedModel } from '../../llm/webllm/cache';
import { MODEL_LOAD, type ModelLoadDetail } from '../model-table/model-table';

/** Fired (bubbling, composed) after the user confirmed deleting a cached model; detail: {modelId}. */
export const MODEL_DELETE = 'pa-model-delete';
export type ModelDeleteDetail = { modelId: string };

/**
 * <model-cache-list>: the models stored in this browser, with their exact size, whether they are
 * complete (loadable offline) and Load / Delete (Delete asks for a confirmation in place).
 */
@customElement('model-cache-list')
export class ModelCacheList extends LitElement {
  @property({ attribute: false }) cached: CachedModel[] = [];
  @property({ type: Boolean }) busy = false;
  @state() private confirming: string | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--pa-space-2); }
      li { display: flex; flex-wrap: wrap; gap: var(--pa-space-2); align-items: center; border: 1px solid var(--pa-border); border-radius: var(--pa-radius-sm); padding: var(--pa-space-2); }
      .id { font-family: var(--pa-font-mono); flex: 1 1 16rem; overflow-wrap: anywhere; }
      .muted { color: var(--pa-text-muted); font-size: var(--pa-text-sm); }
      .empty { color: var(--pa-text-muted); }
    `,
  ];

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private deleteModel(id: string): void {
    this.confirming = undefined;
    this.emit<ModelDeleteDetail>(MODEL_DELETE, { modelId: id });
  }

  override render() {
    if (this.cached.length === 0) return html`<p class="empty">No model is stored in this browser yet.</p>`;
    return html`<ul aria-label="Models stored in this browser">
      ${this.cached.map((c) => {
        const id = c.ids[0] ?? '';
        const state = c.complete ? 'complete, works offline' : `incomplete: missing ${c.missing.slice(0, 3).join(', ')}${c.missing.length > 3 ? '…' : ''}`;
        return html`<li data-model=${id}>
          <span class="id">${c.ids.join(', ')}</span>
          <span data-testid="cached-size">${formatBytes(c.bytes)}</span>
          <span class="muted">${state}</span>
          ${c.complete
            ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.emit<ModelLoadDetail>(MODEL_LOAD, { modelId: id })} aria-label=${`Load ${id}`}>Load</button>`
            : nothing}
          ${this.confirming === id
            ? html`<button type="button" class="danger" @click=${() => this.deleteModel(id)} aria-label=${`Confirm deleting ${id}`}>Confirm delete</button>
                <button type="button" @click=${() => (this.confirming = undefined)}>Keep</button>`
            : html`<button type="button" class="danger" ?disabled=${this.busy} @click=${() => (this.confirming = id)} aria-label=${`Delete ${id}`}>Delete</button>`}
        </li>`;
      })}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-cache-list': ModelCacheList;
  }
}
