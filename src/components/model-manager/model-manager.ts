import { consume } from '@lit/context';
import type { ModelRecord } from '@mlc-ai/web-llm';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { capabilitiesContext } from '../../app/services';
import { controls } from '../../app/tokens';
import type { LlmModelInfo } from '../../contracts/llm';
import type { Progress } from '../../contracts/progress';
import { formatBytes } from '../../core/format';
import type { CachedModel } from '../../llm/webllm/cache';
import type { EngineStats } from '../../llm/webllm/engine';
import { buildRegistry, fitModels, recommendModel, type RegistryEntry } from '../../llm/webllm/registry';
import { repoName } from '../../llm/webllm/urls';
import type { Capabilities } from '../capability-panel/probe';
import { MODEL_DELETE, type ModelDeleteDetail } from '../model-cache-list/model-cache-list';
import '../model-cache-list/model-cache-list';
import { MODEL_IMPORT, type ModelImportDetail } from '../model-import/model-import';
import '../model-import/model-import';
import { MODEL_LOAD, type ModelLoadDetail } from '../model-table/model-table';
import '../model-table/model-table';
import { modelServicesContext, type ModelServices } from './context';
import { deviceFitFrom, downloadFigures, modelRows, type ModelFilter } from './figures';
import { errorText } from '../shared/error-text';

/** Fired (bubbling, composed) when a model finished loading; detail: its LlmModelInfo. */
export const MODEL_LOADED = 'pa-model-loaded';

/** Without an adapter nothing fits: the table still lists models, with every action off. */
const NO_GPU = { hasShaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 };

/**
 * <model-manager>: choose, download, import and delete web-llm models. Shows web-llm's models
 * with their fit on this device (from the WebGPU adapter's features and limits, and an optional
 * GPU memory figure the user enters), the recommended one, download progress (bytes, rate, time
 * left) with Cancel, the models stored in this browser with size and Delete, "Import model
 * folder" for offline use, and the loaded model with its tokens/s.
 *
 * Needs ModelServices from `modelServicesContext` (or set `services`) and Capabilities from
 * `capabilitiesContext` (or set `capabilities`). Fires `pa-model-loaded`.
 */
@customElement('model-manager')
export class ModelManager extends LitElement {
  @consume({ context: modelServicesContext, subscribe: true })
  @property({ attribute: false })
  services: ModelServices | undefined;

  @consume({ context: capabilitiesContext, subscribe: true })
  @property({ attribute: false })
  capabilities: Capabilities | undefined;

  /** GPU memory the user says this device has, in MB (browsers do not tell); unset: a 3 GB assumption. */
  @property({ type: Number }) memoryBudgetMB: number | undefined;

  @state() private registry: RegistryEntry[] = [];
  @state() private cached: CachedModel[] = [];
  @state() private loaded: LlmModelInfo | undefined;
  @state() private stats: EngineStats | undefined;
  @state() private filter: ModelFilter = { text: '', chatOnly: true, fitsOnly: false };
  @state() private job: { heading: string; progress: Progress | undefined; controller: AbortController } | undefined;
  @state() private error = '';
  @state() private status = '';

  private loadedFor: ModelServices | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      section { margin-block: var(--pa-space-4); }
      h2, h3 { margin: 0 0 var(--pa-space-2); font-size: var(--pa-text-md); }
      .filters { display: flex; flex-wrap: wrap; gap: var(--pa-space-3); align-items: end; margin-bottom: var(--pa-space-2); }
      label { display: flex; gap: var(--pa-space-1); align-items: center; font-size: var(--pa-text-sm); }
      label.stack { flex-direction: column; align-items: start; }
      .job, .current { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); background: var(--pa-surface); }
      .job .top { display: flex; justify-content: space-between; gap: var(--pa-space-2); align-items: center; }
      .bar { height: 0.6rem; background: var(--pa-surface-2); border-radius: 999px; overflow: hidden; margin: var(--pa-space-2) 0; }
      .fill { height: 100%; width: 0; background: var(--pa-accent); }
      dl { display: flex; flex-wrap: wrap; gap: var(--pa-space-4); margin: 0; }
      dt { font-size: var(--pa-text-sm); color: var(--pa-text-muted); }
      dd { margin: 0; font-weight: 600; }
      .error { color: var(--pa-danger); background: var(--pa-danger-soft); padding: var(--pa-space-2); border-radius: var(--pa-radius-sm); }
      .note { color: var(--pa-text-muted); font-size: var(--pa-text-sm); }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    // Tokens/s change while the stages generate: poll the worker's cheap stats.
    this.timer = setInterval(() => void this.refreshLoaded(), 5000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  protected override willUpdate(): void {
    if (this.services && this.services !== this.loadedFor) {
      this.loadedFor = this.services;
      void this.refresh();
    }
  }

  protected override updated(): void {
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    if (fill) fill.style.width = `${downloadFigures(this.job?.progress).percent ?? 0}%`;
  }

  /** Reloads the model list, the cache listing and the loaded model. */
  async refresh(): Promise<void> {
    const s = this.services;
    if (!s) return;
    try {
      const records: ModelRecord[] = await s.records();
      this.registry = buildRegistry(records);
      this.cached = await s.cache.list();
      await this.refreshLoaded();
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async refreshLoaded(): Promise<void> {
    const s = this.services;
    if (!s || this.job) return;
    this.loaded = await s.llm.info();
    this.stats = this.loaded ? await s.llm.stats() : undefined;
  }

  private async run(heading: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<string>): Promise<void> {
    if (this.job) return;
    const controller = new AbortController();
    this.job = { heading, progress: undefined, controller };
    this.error = '';
    this.status = '';
    try {
      this.status = await work(controller.signal, (p) => {
        if (this.job) this.job = { ...this.job, progress: p };
      });
    } catch (e) {
      this.error = (e as Error).name === 'AbortError' ? '' : errorText(e);
      if ((e as Error).name === 'AbortError') this.status = `${heading}: cancelled.`;
    } finally {
      this.job = undefined;
      await this.refresh();
    }
  }

  private onLoad = (e: CustomEvent<ModelLoadDetail>): void => {
    const s = this.services;
    if (!s) return;
    const id = e.detail.modelId;
    void this.run(`Loading ${id}`, async (signal, onProgress) => {
      const info = await s.llm.load(id, onProgress, signal);
      this.dispatchEvent(new CustomEvent<LlmModelInfo>(MODEL_LOADED, { detail: info, bubbles: true, composed: true }));
      return `${id} is loaded.`;
    });
  };

  private onDelete = (e: CustomEvent<ModelDeleteDetail>): void => {
    const s = this.services;
    if (!s) return;
    const id = e.detail.modelId;
    void this.run(`Deleting ${id}`, async () => {
      if (this.loaded?.id === id) await s.llm.unload();
      await s.cache.remove(id);
      return `${id} was deleted from this browser.`;
    });
  };

  private onImport = (e: CustomEvent<ModelImportDetail>): void => {
    const s = this.services;
    if (!s) return;
    const { files, modelId } = e.detail;
    void this.run(`Importing ${modelId}`, async (signal, onProgress) => {
      const { bytes } = await s.cache.importFolder(files, modelId, onProgress, signal);
      return `${modelId} was imported (${formatBytes(bytes)}); it loads without network now.`;
    });
  };

  private cancel(): void {
    const job = this.job;
    if (!job) return;
    job.controller.abort();
    this.status = 'Cancelling…';
  }

  private renderJob() {
    const job = this.job;
    if (!job) return nothing;
    const f = downloadFigures(job.progress);
    return html`<section class="job" aria-labelledby="job-title">
      <div class="top">
        <h3 id="job-title">${job.heading}</h3>
        <button type="button" class="danger" @click=${this.cancel} ?disabled=${job.controller.signal.aborted}>Cancel</button>
      </div>
      <div class="bar" role="progressbar" aria-labelledby="job-title" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${f.percent ?? nothing} aria-valuetext=${f.valueText}>
        <div class="fill"></div>
      </div>
      <dl>
        <div><dt>Done</dt><dd data-testid="job-done">${f.done}</dd></div>
        <div><dt>Rate</dt><dd>${f.rate}</dd></div>
        <div><dt>Time left</dt><dd data-testid="job-eta">${f.eta}</dd></div>
      </dl>
      <p class="note" aria-live="polite">${job.progress?.text ?? 'Starting…'}</p>
    </section>`;
  }

  private renderCurrent() {
    if (!this.loaded) return html`<p class="note" data-testid="loaded">No model loaded.</p>`;
    const tps = this.stats?.decodeTokensPerS;
    return html`<div class="current" data-testid="loaded">
      <strong>${this.loaded.id}</strong> is loaded (context ${this.loaded.contextWindow} tokens).
      ${tps !== undefined ? html`Last generation: ${tps.toFixed(1)} tokens/s.` : html`No generation yet.`}
      <button type="button" @click=${() => void this.services?.llm.unload().then(() => this.refresh())} ?disabled=${!!this.job}>Unload</button>
    </div>`;
  }

  override render() {
    const device = deviceFitFrom(this.capabilities, this.memoryBudgetMB);
    const fits = fitModels(this.registry, device ?? NO_GPU);
    const rec = device ? recommendModel(this.registry, device) : undefined;
    const rows = modelRows(fits, this.filter, rec?.id, this.cached);
    const busy = !!this.job || !device;
    const importable = this.registry.filter((e) => e.chat).map((e) => ({ id: e.id, folder: repoName(e.record) }));
    return html`
      <h2>Language model (web-llm, on this device)</h2>
      ${this.renderCurrent()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="note" aria-live="polite" data-testid="status">${this.status}</p>
      ${this.renderJob()}
      ${!device
        ? html`<p class="error" role="alert">WebGPU is not available here, so web-llm models cannot run. ${this.capabilities?.gpu.reason ?? ''} Use an OpenAI-compatible endpoint instead.</p>`
        : rec
          ? html`<p class="note" data-testid="recommendation">Recommended: <strong>${rec.id}</strong>. ${rec.reason}</p>`
          : nothing}
      <section aria-labelledby="models-title" @pa-model-load=${this.onLoad}>
        <h3 id="models-title">Available models</h3>
        <div class="filters">
          <label class="stack">Filter
            <input type="search" placeholder="Qwen, 3B, q4f32…" .value=${this.filter.text} @input=${(e: Event) => (this.filter = { ...this.filter, text: (e.target as HTMLInputElement).value })} />
          </label>
          <label><input type="checkbox" .checked=${this.filter.chatOnly} @change=${(e: Event) => (this.filter = { ...this.filter, chatOnly: (e.target as HTMLInputElement).checked })} /> Chat models only</label>
          <label><input type="checkbox" .checked=${this.filter.fitsOnly} @change=${(e: Event) => (this.filter = { ...this.filter, fitsOnly: (e.target as HTMLInputElement).checked })} /> Only models that fit</label>
          <label class="stack">GPU memory (GB, optional)
            <input type="number" min="0.5" step="0.5" inputmode="decimal" .value=${this.memoryBudgetMB !== undefined ? String(this.memoryBudgetMB / 1000) : ''}
              @change=${(e: Event) => {
                const v = Number((e.target as HTMLInputElement).value);
                this.memoryBudgetMB = v > 0 ? Math.round(v * 1000) : undefined;
              }} />
          </label>
        </div>
        <p class="note">Download sizes marked ≈ are estimates from the parameter count (web-llm publishes none); stored models show their exact size.</p>
        <model-table .rows=${rows} ?busy=${busy} .loadedId=${this.loaded?.id}></model-table>
      </section>
      <section aria-labelledby="cached-title" @pa-model-load=${this.onLoad} @pa-model-delete=${this.onDelete}>
        <h3 id="cached-title">Stored in this browser</h3>
        <model-cache-list .cached=${this.cached} ?busy=${!!this.job}></model-cache-list>
      </section>
      <section aria-labelledby="import-title" @pa-model-import=${this.onImport}>
        <h3 id="import-title">Import model folder (offline)</h3>
        <model-import .models=${importable} ?busy=${!!this.job}></model-import>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-manager': ModelManager;
  }
}

export { MODEL_LOAD, MODEL_DELETE, MODEL_IMPORT };
