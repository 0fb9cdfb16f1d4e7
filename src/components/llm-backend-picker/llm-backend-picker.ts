import { consume, ContextProvider } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { LlmModelInfo } from '../../contracts/llm';
import { checkBaseUrl, COMMON_LOCAL_SERVERS, createHttpBackend, DEFAULT_BASE_URL } from '../../llm/http-backend';
import { isLoopback } from '../../llm/net';
import { modelServicesContext } from '../model-manager/context';
import { createWebLlmModelServices } from '../model-manager/services';
import { llmChoiceContext, sharedLlmChoice, type LlmChoice } from './context';
import { errorText } from '../shared/error-text';

export type Mode = 'webgpu' | 'http';

/** Fired (bubbling, composed) when the chosen LLM changed; detail: the loaded model. */
export const LLM_CHANGED = 'pa-llm-changed';

/**
 * <llm-backend-picker>: where the persona stages' LLM runs.
 * - "On this device (WebGPU)": mounts <model-manager> over the page's one WebLlmService (the
 *   service the stages call), so a model loaded there is the one used.
 * - "OpenAI-compatible server": base URL (loopback by default), model name, optional key and
 *   "Check connection" (the backend's load()). A non-loopback URL needs an explicit opt-in; the
 *   HTTP backend refuses it too, before any request.
 * Writes the result to the LlmChoice from `llmChoiceContext` (or `sharedLlmChoice()`).
 * The test engine is never listed; tests inject it into the stage elements' `llm` property.
 */
@customElement('llm-backend-picker')
export class LlmBackendPicker extends LitElement {
  @consume({ context: llmChoiceContext, subscribe: true })
  @property({ attribute: false })
  choice: LlmChoice | undefined;

  /** Which backend form is open: 'webgpu' (default) or 'http'. */
  @property() mode: Mode = 'webgpu';
  @state() private baseUrl = DEFAULT_BASE_URL;
  @state() private model = '';
  @state() private apiKey = '';
  @state() private allowRemote = false;
  @state() private checking = false;
  @state() private message = '';
  @state() private error = '';
  @state() private webReady = false;

  private readonly modelProvider = new ContextProvider(this, { context: modelServicesContext });
  private readonly onChange = (): void => this.requestUpdate();
  private watched: LlmChoice | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      fieldset { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); margin: 0 0 var(--pa-space-3); }
      legend { font-weight: 600; padding: 0 var(--pa-space-1); }
      .row { display: flex; flex-wrap: wrap; gap: var(--pa-space-3); align-items: end; margin-block: var(--pa-space-2); }
      label.stack { display: flex; flex-direction: column; gap: var(--pa-space-1); font-size: var(--pa-text-sm); }
      input[type='url'] { min-width: 18rem; }
      .warn { border: 1px solid var(--pa-warn); border-radius: var(--pa-radius-sm); padding: var(--pa-space-2); }
      .error { color: var(--pa-danger); }
      .current { font-size: var(--pa-text-sm); }
    `,
  ];

  private get active(): LlmChoice {
    return this.choice ?? sharedLlmChoice();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.watch();
    if (this.mode === 'webgpu') void this.prepareWebGpu();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.watched?.removeEventListener('change', this.onChange);
    this.watched = undefined;
  }

  protected override willUpdate(): void {
    this.watch();
  }

  private watch(): void {
    if (this.watched === this.active) return;
    this.watched?.removeEventListener('change', this.onChange);
    this.watched = this.active;
    this.watched.addEventListener('change', this.onChange);
  }

  private async prepareWebGpu(): Promise<void> {
    if (this.webReady) return;
    try {
      const llm = await this.active.webLlm();
      this.modelProvider.setValue(createWebLlmModelServices({ llm }));
      await import('../model-manager/model-manager');
      this.webReady = true;
      // A model the worker already holds (loaded in another stage view) is the current choice.
      const info = await llm.info();
      if (info && this.active.current?.service !== llm) this.active.set({ service: llm, label: `On this device: ${info.id}`, model: info });
    } catch (e) {
      this.error = `The on-device model manager could not start: ${errorText(e)}`;
    }
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.error = '';
    this.message = '';
    if (mode === 'webgpu') void this.prepareWebGpu();
  }

  private async onModelLoaded(e: CustomEvent<LlmModelInfo>): Promise<void> {
    const llm = await this.active.webLlm();
    this.active.set({ service: llm, label: `On this device: ${e.detail.id}`, model: e.detail });
    this.announce(e.detail);
  }

  private remote(): boolean {
    try {
      return !isLoopback(new URL(this.baseUrl));
    } catch {
      return false;
    }
  }

  private async check(): Promise<void> {
    this.error = '';
    this.message = '';
    if (!this.model.trim()) {
      this.error = 'Enter the model name the server serves (e.g. the name in its /v1/models list).';
      return;
    }
    this.checking = true;
    try {
      // checkBaseUrl first: a remote host without opt-in is refused here, before any request.
      checkBaseUrl(this.baseUrl, this.allowRemote);
      const service = createHttpBackend({ baseUrl: this.baseUrl, model: this.model.trim(), allowRemote: this.allowRemote, ...(this.apiKey ? { apiKey: this.apiKey } : {}) });
      const info = await service.load(this.model.trim());
      const host = new URL(this.baseUrl).host;
      this.active.set({ service, label: `Server at ${host}: ${info.id}`, model: info });
      this.message = `Connected to ${host}: ${info.id}, context ${info.contextWindow} tokens, ${info.supportsLogprobs ? 'log-probabilities available' : 'no log-probabilities (JSON answers)'}.`;
      this.announce(info);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.checking = false;
    }
  }

  private announce(info: LlmModelInfo): void {
    this.dispatchEvent(new CustomEvent<LlmModelInfo>(LLM_CHANGED, { detail: info, bubbles: true, composed: true }));
  }

  override render() {
    const current = this.active.current;
    return html`
      <fieldset>
        <legend>Where the model runs</legend>
        <label><input type="radio" name="mode" value="webgpu" .checked=${this.mode === 'webgpu'} @change=${() => this.setMode('webgpu')} /> On this device (WebGPU)</label>
        <label><input type="radio" name="mode" value="http" .checked=${this.mode === 'http'} @change=${() => this.setMode('http')} /> OpenAI-compatible server</label>
      </fieldset>
      <p class="current" role="status">${current ? html`Using: <strong>${current.label}</strong>` : 'No model chosen yet.'}</p>
      ${this.mode === 'webgpu' ? this.renderWebGpu() : this.renderHttp()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.message ? html`<p role="status">${this.message}</p>` : nothing}
    `;
  }

  private renderWebGpu() {
    if (!this.webReady) return html`<p class="muted">Loading the model manager…</p>`;
    return html`<model-manager @pa-model-loaded=${(e: CustomEvent<LlmModelInfo>) => void this.onModelLoaded(e)}></model-manager>`;
  }

  private renderHttp() {
    const remote = this.remote();
    let host = '';
    try {
      host = new URL(this.baseUrl).host;
    } catch {
      host = this.baseUrl;
    }
    return html`
      <div class="row">
        <label class="stack">Server URL
          <input type="url" name="baseUrl" list="servers" .value=${this.baseUrl} @input=${(e: Event) => { this.baseUrl = (e.target as HTMLInputElement).value; this.allowRemote = false; }} />
        </label>
        <datalist id="servers">${COMMON_LOCAL_SERVERS.map((s) => html`<option value=${s.baseUrl}>${s.name}</option>`)}</datalist>
        <label class="stack">Model name
          <input type="text" name="model" .value=${this.model} @input=${(e: Event) => (this.model = (e.target as HTMLInputElement).value)} />
        </label>
        <label class="stack">API key (optional)
          <input type="password" name="apiKey" autocomplete="off" .value=${this.apiKey} @input=${(e: Event) => (this.apiKey = (e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" @click=${() => void this.check()} ?disabled=${this.checking}>${this.checking ? 'Checking…' : 'Check connection'}</button>
      </div>
      <p class="muted">Usual local servers: ${COMMON_LOCAL_SERVERS.map((s, i) => html`${i ? ', ' : ''}${s.name} ${new URL(s.baseUrl).port}`)}.</p>
      ${remote
        ? html`<p class="warn"><label><input type="checkbox" name="allowRemote" .checked=${this.allowRemote} @change=${(e: Event) => (this.allowRemote = (e.target as HTMLInputElement).checked)} />
            Post text will be sent to ${host} and leave this device</label></p>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llm-backend-picker': LlmBackendPicker;
  }
}
