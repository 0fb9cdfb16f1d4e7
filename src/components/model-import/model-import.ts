import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { filesFromInput, folderName, type FolderFile } from '../../llm/webllm/folder';

/** Fired (bubbling, composed) to import a picked model folder; detail: the files and the model id. */
export const MODEL_IMPORT = 'pa-model-import';
export type ModelImportDetail = { files: FolderFile[]; modelId: string };

/**
 * <model-import>: offline use. Pick an MLC model folder (e.g. copied from a USB stick: the
 * Hugging Face repository folder plus the model library .wasm) and the model it holds; the folder
 * name preselects the model. The manager checks and writes it into web-llm's cache.
 */
@customElement('model-import')
export class ModelImport extends LitElement {
  /** Model ids to choose from, with the folder name each is published under. */
  @property({ attribute: false }) models: Array<{ id: string; folder: string }> = [];
  @property({ type: Boolean }) busy = false;
  @state() private files: FolderFile[] = [];
  @state() private modelId = '';
  @state() private picked = '';

  static override styles = [
    controls,
    css`
      :host { display: block; }
      form { display: flex; flex-wrap: wrap; gap: var(--pa-space-2); align-items: end; }
      label { display: flex; flex-direction: column; gap: var(--pa-space-1); font-size: var(--pa-text-sm); }
      select { max-width: 28rem; }
      p { margin: var(--pa-space-2) 0 0; color: var(--pa-text-muted); font-size: var(--pa-text-sm); }
    `,
  ];

  private onPick(e: Event): void {
    const input = e.target as HTMLInputElement;
    const list = input.files;
    if (!list) return;
    this.files = filesFromInput(list);
    const name = folderName(list) ?? '';
    this.picked = `${name || 'folder'}: ${list.length} files`;
    const match = this.models.find((m) => m.folder === name || m.id === name);
    if (match) this.modelId = match.id;
  }

  private submit(e: Event): void {
    e.preventDefault();
    if (this.files.length === 0 || !this.modelId) return;
    this.dispatchEvent(new CustomEvent<ModelImportDetail>(MODEL_IMPORT, { detail: { files: this.files, modelId: this.modelId }, bubbles: true, composed: true }));
  }

  override render() {
    return html`<form @submit=${this.submit} aria-label="Import a model folder">
        <label>Model folder
          <input type="file" webkitdirectory multiple @change=${this.onPick} ?disabled=${this.busy} />
        </label>
        <label>It holds
          <select @change=${(e: Event) => (this.modelId = (e.target as HTMLSelectElement).value)} ?disabled=${this.busy}>
            <option value="" ?selected=${this.modelId === ''}>Choose the model…</option>
            ${this.models.map((m) => html`<option value=${m.id} ?selected=${m.id === this.modelId}>${m.id}</option>`)}
          </select>
        </label>
        <button type="submit" ?disabled=${this.busy || this.files.length === 0 || !this.modelId}>Import model folder</button>
      </form>
      <p aria-live="polite">${this.picked || 'The folder needs mlc-chat-config.json, tensor-cache.json (or ndarray-cache.json), every params_shard_*.bin, the tokenizer files and the model library .wasm.'}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-import': ModelImport;
  }
}
