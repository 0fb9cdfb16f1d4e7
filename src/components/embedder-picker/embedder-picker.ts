import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { EmbedderInfo } from '../../contracts/embedder';
import type { Progress } from '../../contracts/progress';
import { isAppError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import type { CachedEmbedModel } from '../../embed-models/cache';
import { embedderChoices, type EmbedderChoice } from '../../embed-models/choices';
import { guessEntry } from '../../embed-models/folder';
import { EMBED_DTYPES, EMBED_MODELS, isEmbedDtype, type EmbedDtype } from '../../embed-models/registry';
import { filesFromInput, folderName } from '../../llm/webllm/folder';
import type { EmbedderWorkerService } from '../../services/embedder-service';
import { choiceRows } from './figures';
import './embedder-progress';
import { errorText } from '../shared/error-text';

/** What the picker needs of the embedder service (EmbedderWorkerService provides it). */
export type EmbedderPickerService = Pick<EmbedderWorkerService, 'load' | 'listCached' | 'deleteCached' | 'importFolder'>;

/** Detail of `pa-embedder-change`: the choice loaded ("lexical" or "ID[@dtype]") and what loaded. */
export interface EmbedderChangeDetail {
  modelId: string;
  info: EmbedderInfo;
}

/**
 * <embedder-picker .service=${embedderService} @pa-embedder-change=${(e) => use(e.detail)}>
 *
 * Choose "lexical (no model)" (limits listed) or a sentence-embedding model (size, dimension,
 * notes), download it with byte progress and a working Cancel, see the models stored on this
 * device with their exact size and delete them, or import a model folder for offline use.
 * After a successful load it fires `pa-embedder-change` (bubbling, composed). A lexical
 * embedder still needs `fit(personaTexts)` by whoever embeds (info.needsFit).
 */
@customElement('embedder-picker')
export class EmbedderPicker extends LitElement {
  @property({ attribute: false }) service: EmbedderPickerService | undefined;
  /** What is offered (default: lexical and the registry); never the test double. */
  @property({ attribute: false }) choices: EmbedderChoice[] = embedderChoices();
  /** The selected choice id. */
  @property() value = 'lexical';

  @state() private cached: CachedEmbedModel[] = [];
  @state() private precision: 'auto' | EmbedDtype = 'auto';
  @state() private importModel = EMBED_MODELS[0]?.id ?? '';
  @state() private job: { heading: string; progress: Progress | undefined; controller: AbortController; cancelling: boolean } | undefined;
  @state() private status: string | undefined;
  @state() private error: string | undefined;
  @state() private loaded: string | undefined;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3);
        margin: 0 0 var(--pa-space-3);
      }
      .choice {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0 var(--pa-space-2);
        padding: var(--pa-space-2) 0;
        border-bottom: 1px solid var(--pa-border);
      }
      .choice:last-of-type {
        border-bottom: none;
      }
      .choice p,
      .choice ul {
        grid-column: 2;
        margin: 0;
        font-size: var(--pa-text-sm);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-3);
        align-items: end;
        margin: var(--pa-space-2) 0;
      }
      label.stacked {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-1);
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: var(--pa-space-1) var(--pa-space-2);
        border-bottom: 1px solid var(--pa-border);
      }
      h3 {
        font-size: var(--pa-text-md);
        margin: var(--pa-space-3) 0 var(--pa-space-2);
      }
      .error {
        color: var(--pa-danger);
      }
      embedder-progress {
        margin: var(--pa-space-2) 0;
      }
    `,
  ];

  protected override updated(changed: PropertyValues): void {
    if (changed.has('service') && this.service) void this.refreshCached();
  }

  /** Re-reads the models stored on this device. */
  async refreshCached(): Promise<void> {
    if (!this.service) return;
    try {
      this.cached = await this.service.listCached();
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private get selected(): EmbedderChoice | undefined {
    return this.choices.find((c) => c.id === this.value);
  }

  private async use(): Promise<void> {
    const choice = this.selected;
    if (!this.service || !choice || this.job) return;
    const ref = choice.backend === 'lexical' || this.precision === 'auto' ? choice.id : `${choice.id}@${this.precision}`;
    const controller = new AbortController();
    this.error = undefined;
    this.status = undefined;
    this.job = { heading: `Loading ${choice.label}`, progress: undefined, controller, cancelling: false };
    try {
      const info = await this.service.load(ref, (p) => this.onProgress(controller, p), controller.signal);
      this.loaded = choice.id;
      const where = info.device === 'webgpu' ? ' on WebGPU' : info.device === 'wasm' ? ' on the CPU (WASM)' : '';
      this.status = `Using ${choice.label}${where}: ${info.dim} dims${info.needsFit ? ', fitted on your personas when you embed' : ''}.`;
      this.dispatchEvent(new CustomEvent<EmbedderChangeDetail>('pa-embedder-change', { detail: { modelId: ref, info }, bubbles: true, composed: true }));
    } catch (e) {
      if (isAppError(e, 'AbortError')) this.status = 'Loading cancelled.';
      else this.error = errorText(e);
    } finally {
      this.job = undefined;
      await this.refreshCached();
    }
  }

  private onProgress(controller: AbortController, p: Progress): void {
    if (this.job?.controller === controller) this.job = { ...this.job, progress: p };
  }

  private cancel(): void {
    if (!this.job || this.job.cancelling) return;
    this.job = { ...this.job, cancelling: true };
    this.job.controller.abort();
  }

  private async deleteModel(c: CachedEmbedModel): Promise<void> {
    if (!this.service || this.job) return;
    this.error = undefined;
    try {
      await this.service.deleteCached(c.id);
      if (this.loaded === c.id) this.loaded = undefined;
      this.status = `Deleted ${labelOf(this.choices, c.id)} from this device (${formatBytes(c.bytes)} freed).`;
    } catch (e) {
      this.error = errorText(e);
    }
    await this.refreshCached();
  }

  private async importPicked(input: HTMLInputElement): Promise<void> {
    const list = input.files;
    if (!this.service || !list || list.length === 0 || this.job) return;
    const entry = guessEntry(folderName(list), EMBED_MODELS) ?? EMBED_MODELS.find((e) => e.id === this.importModel);
    if (!entry) return;
    const files = filesFromInput(list);
    input.value = '';
    const controller = new AbortController();
    this.error = undefined;
    this.status = undefined;
    this.job = { heading: `Importing ${entry.label}`, progress: undefined, controller, cancelling: false };
    try {
      const r = await this.service.importFolder(files, entry.id, (p) => this.onProgress(controller, p), controller.signal);
      this.status = `Imported ${entry.label} (${r.dtypes.join(', ')}, ${formatBytes(r.bytes)}): it now loads without a network.`;
      this.value = entry.id;
    } catch (e) {
      if (isAppError(e, 'AbortError')) this.status = 'Import cancelled; nothing was kept.';
      else this.error = errorText(e);
    } finally {
      this.job = undefined;
      await this.refreshCached();
    }
  }

  override render() {
    const rows = choiceRows(this.choices, this.cached);
    const sel = this.selected;
    const dtypes = sel ? EMBED_DTYPES.filter((d) => sel.downloadBytes[d] !== undefined) : [];
    const busy = this.job !== undefined;
    return html`
      <fieldset ?disabled=${busy}>
        <legend>Embedder</legend>
        ${rows.map(
          (r) => html`<div class="choice">
            <input type="radio" name="embedder" id=${`choice-${slug(r.choice.id)}`} .value=${r.choice.id} .checked=${r.choice.id === this.value}
              aria-describedby=${`notes-${slug(r.choice.id)}`}
              @change=${() => {
                this.value = r.choice.id;
                this.precision = 'auto';
              }} />
            <label for=${`choice-${slug(r.choice.id)}`}><strong>${r.choice.label}</strong> <span class="muted">· ${r.size} · ${r.dim}</span>${this.loaded === r.choice.id ? html` <span>(in use)</span>` : nothing}</label>
            <p id=${`notes-${slug(r.choice.id)}`}>${r.choice.notes}</p>
            <ul aria-label=${`Limits of ${r.choice.label}`}>${r.choice.limits.map((l) => html`<li>${l}</li>`)}</ul>
          </div>`,
        )}
      </fieldset>
      <div class="row">
        ${sel?.backend === 'transformers'
          ? html`<label class="stacked">Precision
              <select name="precision" ?disabled=${busy} @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                this.precision = isEmbedDtype(v) ? v : 'auto';
              }}>
                <option value="auto" ?selected=${this.precision === 'auto'}>Automatic (fp32/fp16 on WebGPU, q8 on the CPU)</option>
                ${dtypes.map((d) => html`<option value=${d} ?selected=${this.precision === d}>${d} · ≈${formatBytes(sel.downloadBytes[d] ?? 0)}</option>`)}
              </select>
            </label>`
          : nothing}
        <button type="button" class="primary" ?disabled=${busy || !this.service || !sel} @click=${() => void this.use()}>Use this embedder</button>
      </div>
      ${this.job
        ? html`<embedder-progress .heading=${this.job.heading} .progress=${this.job.progress} .cancelling=${this.job.cancelling} @pa-embedder-cancel=${() => this.cancel()}></embedder-progress>`
        : nothing}
      <p role="status">${this.status ?? ''}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}

      <h3 id="cached-title">Models on this device</h3>
      ${this.cached.length === 0
        ? html`<p class="muted">None yet. "lexical (no model)" needs none.</p>`
        : html`<table aria-labelledby="cached-title">
            <thead><tr><th scope="col">Model</th><th scope="col">Size</th><th scope="col">Precisions</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${this.cached.map(
                (c) => html`<tr>
                  <td>${labelOf(this.choices, c.id)}</td>
                  <td class="num">${formatBytes(c.bytes)}</td>
                  <td>${c.dtypes.join(', ') || '—'}</td>
                  <td>${c.complete ? 'complete' : `incomplete: missing ${c.missing.join(', ')}`}</td>
                  <td><button type="button" class="danger" ?disabled=${busy} aria-label=${`Delete ${labelOf(this.choices, c.id)}`} @click=${() => void this.deleteModel(c)}>Delete</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`}

      <h3>Import a model folder (offline)</h3>
      <p class="muted">A copy of the model's Hugging Face repository: config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx.</p>
      <div class="row">
        <label class="stacked">Model the folder holds
          <select name="importModel" ?disabled=${busy} @change=${(e: Event) => (this.importModel = (e.target as HTMLSelectElement).value)}>
            ${EMBED_MODELS.map((m) => html`<option value=${m.id} ?selected=${m.id === this.importModel}>${m.label}</option>`)}
          </select>
        </label>
        <label class="stacked">Import a model folder
          <input type="file" name="folder" webkitdirectory multiple ?disabled=${busy || !this.service} @change=${(e: Event) => void this.importPicked(e.target as HTMLInputElement)} />
        </label>
      </div>
    `;
  }
}

function slug(id: string): string {
  return id.replace(/[^\w-]/g, '-');
}

function labelOf(choices: readonly EmbedderChoice[], id: string): string {
  return choices.find((c) => c.id === id)?.label ?? id;
}

declare global {
  interface HTMLElementTagNameMap {
    'embedder-picker': EmbedderPicker;
  }
  interface HTMLElementEventMap {
    'pa-embedder-change': CustomEvent<EmbedderChangeDetail>;
  }
}
