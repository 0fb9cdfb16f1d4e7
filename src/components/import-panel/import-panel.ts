import { LitElement, css, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { quotaContext, type QuotaApi } from '../../app/services';
import { controls } from '../../app/tokens';
import { formatBytes, formatCount } from '../../core/format';
import { storageFitFromEstimate, type StorageFit } from '../../core/storage-fit';
import { filesFromDataTransfer, filterFiles, suggestCorpusName } from './collect-files';
import { DEMO_CORPUS_NAME, fetchDemoCorpus } from './demo-corpus';

export interface ImportFilesDetail {
  name: string;
  files: File[];
}

/**
 * <import-panel>: where files come in — file picker, folder picker, drag-and-drop (folders too)
 * and the demo corpus — plus the corpus name. Fires `pa-import-files` with the Files; it does not
 * import anything itself.
 */
@customElement('import-panel')
export class ImportPanel extends LitElement {
  /** True while an import runs: pickers are disabled. */
  @property({ type: Boolean }) busy = false;

  /** Storage estimate and persistence, for the warning before an import that will not fit. */
  @consume({ context: quotaContext, subscribe: true })
  quota: QuotaApi | undefined;

  @state() private files: File[] = [];
  @state() private name = '';
  @state() private dragOver = false;
  @state() private demoError = '';
  @state() private loadingDemo = false;
  /** An import held back because it will not fit: what it needs, what is free, and the request. */
  @state() private fitWarning: { fit: StorageFit; detail: ImportFilesDetail; persistNote: string } | undefined;
  @state() private checkingFit = false;
  private nameEdited = false;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .zone {
        border: 2px dashed var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-4);
        background: var(--pa-surface);
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-3);
      }
      .zone.over {
        border-color: var(--pa-accent);
        background: var(--pa-accent-soft);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-2);
        align-items: center;
      }
      .hint {
        margin: 0;
        color: var(--pa-text-muted);
        font-size: var(--pa-text-sm);
      }
      label.name {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-1);
        font-weight: 600;
        font-size: var(--pa-text-sm);
      }
      label.name input {
        font-weight: normal;
        max-width: 28rem;
      }
      /* Real file inputs stay in the accessibility tree but are drawn as buttons via their labels. */
      input[type='file'] {
        position: absolute;
        opacity: 0;
        width: 1px;
        height: 1px;
      }
      .pick {
        display: inline-flex;
        align-items: center;
        border: 1px solid var(--pa-border);
        background: var(--pa-surface);
        border-radius: var(--pa-radius-sm);
        padding: var(--pa-space-1) var(--pa-space-3);
        min-height: 2rem;
        box-sizing: border-box;
        cursor: pointer;
      }
      .pick:hover {
        background: var(--pa-surface-2);
      }
      input[type='file']:focus-visible + .pick {
        outline: 3px solid var(--pa-focus);
        outline-offset: 2px;
      }
      input[type='file']:disabled + .pick {
        opacity: 0.55;
        cursor: not-allowed;
      }
      .chosen {
        font-size: var(--pa-text-sm);
      }
      .error {
        color: var(--pa-danger);
        margin: 0;
      }
      .warning {
        border: 1px solid var(--pa-danger);
        border-radius: var(--pa-radius-sm);
        padding: var(--pa-space-3);
      }
      .warning p {
        margin: 0 0 var(--pa-space-2);
      }
    `,
  ];

  private setFiles(files: File[]): void {
    this.files = filterFiles(files);
    this.fitWarning = undefined;
    if (!this.nameEdited) this.name = suggestCorpusName(this.files);
  }

  private onPick(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.setFiles([...(input.files ?? [])]);
    input.value = ''; // picking the same files again must fire `change` again
  }

  private onDragOver(e: DragEvent): void {
    if (this.busy || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dragOver = true;
  }

  private async onDrop(e: DragEvent): Promise<void> {
    this.dragOver = false;
    if (this.busy || !e.dataTransfer) return;
    e.preventDefault();
    this.setFiles(await filesFromDataTransfer(e.dataTransfer));
  }

  private async startImport(): Promise<void> {
    if (this.files.length === 0 || this.checkingFit) return;
    const name = this.name.trim() || suggestCorpusName(this.files);
    const detail = { name, files: this.files };
    this.checkingFit = true;
    const fit = await this.checkFit(detail.files);
    this.checkingFit = false;
    this.files = [];
    this.name = '';
    this.nameEdited = false;
    if (fit && !fit.fits) {
      this.fitWarning = { fit, detail, persistNote: '' };
      return;
    }
    this.fire(detail);
  }

  /** Null when the browser cannot tell (no quota service or estimate): then the import just runs. */
  private async checkFit(files: readonly File[]): Promise<StorageFit | null> {
    if (!this.quota) return null;
    try {
      return storageFitFromEstimate(files.reduce((n, f) => n + f.size, 0), await this.quota.estimate());
    } catch {
      return null;
    }
  }

  private async requestPersist(): Promise<void> {
    const w = this.fitWarning;
    if (!w || !this.quota) return;
    let granted: boolean | null = null;
    try {
      granted = await this.quota.persist();
    } catch {
      granted = null;
    }
    const fit = (await this.checkFit(w.detail.files)) ?? w.fit;
    if (this.fitWarning !== w) return;
    const persistNote =
      granted === true
        ? 'Persistent storage granted.'
        : granted === false
          ? 'The browser did not grant persistent storage.'
          : 'This browser cannot make storage persistent.';
    this.fitWarning = { ...w, fit, persistNote: fit.fits ? `${persistNote} The import now fits.` : persistNote };
  }

  private continueAnyway(): void {
    const w = this.fitWarning;
    this.fitWarning = undefined;
    if (w) this.fire(w.detail);
  }

  private async loadDemo(): Promise<void> {
    this.demoError = '';
    this.loadingDemo = true;
    try {
      const files = await fetchDemoCorpus();
      this.fire({ name: this.nameEdited && this.name.trim() ? this.name.trim() : DEMO_CORPUS_NAME, files });
    } catch (e) {
      this.demoError = e instanceof Error ? e.message : String(e);
    } finally {
      this.loadingDemo = false;
    }
  }

  private fire(detail: ImportFilesDetail): void {
    this.dispatchEvent(new CustomEvent<ImportFilesDetail>('pa-import-files', { detail, bubbles: true, composed: true }));
  }

  private renderFitWarning(w: NonNullable<ImportPanel['fitWarning']>) {
    return html`<div class="warning" role="alert" data-testid="storage-warning">
      <p>
        “${w.detail.name}” may not fit in browser storage: the import needs about ${formatBytes(w.fit.needed)} and about
        ${formatBytes(w.fit.free)} is free. Persistent storage can raise the limit in some browsers; an import that runs
        out of space stops and stores nothing.
      </p>
      ${w.persistNote ? html`<p data-testid="persist-note">${w.persistNote}</p>` : nothing}
      <div class="row">
        <button type="button" @click=${this.requestPersist}>Request persistent storage</button>
        <button type="button" class="primary" ?disabled=${this.busy} @click=${this.continueAnyway}>Import anyway</button>
        <button type="button" @click=${() => (this.fitWarning = undefined)}>Cancel</button>
      </div>
    </div>`;
  }

  override render() {
    const bytes = this.files.reduce((s, f) => s + f.size, 0);
    const disabled = this.busy || this.loadingDemo;
    return html`
      <div
        class="zone ${this.dragOver ? 'over' : ''}"
        @dragover=${this.onDragOver}
        @dragleave=${() => (this.dragOver = false)}
        @drop=${this.onDrop}
      >
        <p class="hint">
          Drop files or a folder here, or pick them. Blog Authorship Corpus XML (one file per blogger) or CSV,
          and generic CSV, TSV or JSONL with one post per row. Files stay on this device.
        </p>
        <div class="row">
          <input id="files" type="file" multiple ?disabled=${disabled} @change=${this.onPick}
            accept=".xml,.csv,.tsv,.tab,.jsonl,.ndjson,.json,.txt,.zip" />
          <label class="pick" for="files">Choose files…</label>
          <input id="folder" type="file" webkitdirectory ?disabled=${disabled} @change=${this.onPick} />
          <label class="pick" for="folder">Choose a folder…</label>
          <span class="hint">or</span>
          <button type="button" data-testid="load-demo" ?disabled=${disabled} @click=${this.loadDemo}>
            ${this.loadingDemo ? 'Loading demo…' : 'Load demo corpus'}
          </button>
        </div>
        <label class="name">
          Corpus name
          <input
            type="text"
            .value=${this.name}
            placeholder="e.g. Blog Authorship Corpus"
            @input=${(e: Event) => {
              this.name = (e.target as HTMLInputElement).value;
              this.nameEdited = this.name.length > 0;
            }}
          />
        </label>
        ${this.files.length > 0
          ? html`<div class="row">
              <span class="chosen" role="status">
                ${formatCount(this.files.length)} ${this.files.length === 1 ? 'file' : 'files'}, ${formatBytes(bytes)}
                selected
              </span>
              <button type="button" class="primary" ?disabled=${disabled || this.checkingFit} @click=${this.startImport}>Import</button>
              <button type="button" ?disabled=${disabled} @click=${() => this.setFiles([])}>Clear</button>
            </div>`
          : nothing}
        ${this.fitWarning ? this.renderFitWarning(this.fitWarning) : nothing}
        ${this.demoError ? html`<p class="error" role="alert">${this.demoError}</p>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'import-panel': ImportPanel;
  }
  interface HTMLElementEventMap {
    'pa-import-files': CustomEvent<ImportFilesDetail>;
  }
}
