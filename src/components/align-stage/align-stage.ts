import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls, tokens } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import type { ReferenceInfo, ReferenceStoreApi } from '../../contracts/reference-store';
import { ALIGN_METHODS, DEFAULT_METHOD, type AlignMethodName } from '../../core/align/methods';
import { isAppError } from '../../core/errors';
import { formatCount } from '../../core/format';
import { BUILTIN_REFERENCE_PATH, validateBuiltinReference, type BuiltinEntry } from '../../core/reference/builtin';
import { epsilonStepOf, type EpsilonStep } from '../../pipeline/align-progress';
import { alignRequestOf, DEFAULT_FORM, type AlignFormValues, type FieldProblem } from '../../pipeline/align-request';
import type { AlignRunner } from '../../pipeline/align-runner';
import { runAlignStage, type AlignRunResult } from '../../pipeline/align-stage';
import { referenceServicesContext, type ReferenceServices } from '../reference-manager/context';
import { alignRunnerContext } from './context';
import type { AlignResults } from '../align-results/align-results';
import '../align-progress/align-progress';
import '../align-results/align-results';

type Phase = 'idle' | 'running' | 'done';
type StoredRefs = Pick<ReferenceStoreApi, 'listReferences' | 'getReferenceInfo' | 'loadReferenceCloud'>;

/**
 * <align-stage>: the Align stage. Choose the persona pool, the reference, the method, K, the seed
 * and the OT options; Run sends the alignment to the compute worker (WebGPU, or the CPU with a
 * reason) with progress per ε step and a Cancel that stops it; then shows <align-results>.
 *
 * Services (all optional, so the element also works on its own):
 * - `runner` (or context `alignRunnerContext`): created over src/services/align-service.ts on first Run;
 * - `references` (or context `referenceServicesContext`, its `store`): stored references; the
 *   "Stored reference" choice is disabled without it;
 * - `fetchText`: public files (demo personas, built-in reference); default fetch from the app's base URL.
 *
 * Events: `pa-align-done` (detail: AlignRunResult) after a run.
 */
@customElement('align-stage')
export class AlignStage extends LitElement {
  @consume({ context: alignRunnerContext, subscribe: true })
  @property({ attribute: false })
  runner: AlignRunner | undefined;

  @consume({ context: referenceServicesContext, subscribe: true })
  @state()
  private referenceServices: ReferenceServices | undefined;

  /** Overrides the context's reference store. */
  @property({ attribute: false }) references: StoredRefs | undefined;
  @property({ attribute: false }) fetchText: ((path: string) => Promise<string>) | undefined;

  @state() private form: AlignFormValues = { ...DEFAULT_FORM };
  @state() private phase: Phase = 'idle';
  @state() private progress: Progress | undefined;
  @state() private steps: EpsilonStep[] = [];
  @state() private elapsedMs = 0;
  @state() private cancelling = false;
  @state() private result: AlignRunResult | undefined;
  @state() private error: string | undefined;
  @state() private status = '';
  @state() private problems: FieldProblem[] = [];
  @state() private builtins: BuiltinEntry[] = [];
  @state() private stored: ReferenceInfo[] | undefined;

  private abort: AbortController | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  // `tokens` too, so the element looks right standalone; inside the shell the values are the same.
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: var(--pa-space-4);
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        align-items: start;
      }
      fieldset {
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
        margin: 0;
        display: grid;
        gap: var(--pa-space-2);
        background: var(--pa-surface);
      }
      legend {
        font-weight: 700;
        padding: 0 var(--pa-space-1);
      }
      label {
        display: grid;
        gap: var(--pa-space-1);
        font-size: var(--pa-text-sm);
      }
      label input:not([type='checkbox']):not([type='radio']),
      label select {
        width: 100%;
        min-width: 0;
      }
      label.inline {
        display: flex;
        align-items: center;
        gap: var(--pa-space-2);
      }
      .sub {
        display: grid;
        gap: var(--pa-space-2);
        grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr));
        margin-left: var(--pa-space-6);
      }
      .sub .wide,
      .sub .hint {
        grid-column: 1 / -1;
      }
      .hint,
      .desc {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        margin: 0;
      }
      .badge {
        font-size: var(--pa-text-sm);
        font-weight: 600;
        color: var(--pa-warn);
      }
      details {
        grid-column: 1 / -1;
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-2) var(--pa-space-4);
        background: var(--pa-surface);
      }
      fieldset.plain {
        border: 0;
        padding: 0;
        background: none;
      }
      summary {
        cursor: pointer;
        font-weight: 600;
      }
      details .sub {
        margin: var(--pa-space-3) 0 var(--pa-space-2);
      }
      .actions {
        grid-column: 1 / -1;
        display: flex;
        align-items: center;
        gap: var(--pa-space-3);
      }
      .problem {
        color: var(--pa-danger);
        font-size: var(--pa-text-sm);
        margin: 0;
      }
      .error {
        border: 1px solid var(--pa-danger);
        background: var(--pa-danger-soft);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
        margin: var(--pa-space-4) 0;
      }
      align-progress,
      align-results {
        margin-top: var(--pa-space-4);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadBuiltins();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
    this.stopTicker();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('references') || changed.has('referenceServices' as keyof AlignStage)) && this.store()) void this.loadStored();
  }

  private store(): StoredRefs | undefined {
    return this.references ?? this.referenceServices?.store;
  }

  private fetcher(): (path: string) => Promise<string> {
    if (this.fetchText) return this.fetchText;
    return async (path) => (await import('./default-runner')).fetchPublicText(path);
  }

  private async loadBuiltins(): Promise<void> {
    try {
      const ref = validateBuiltinReference(JSON.parse(await this.fetcher()(BUILTIN_REFERENCE_PATH)) as unknown);
      this.builtins = ref.entries;
    } catch (e) {
      this.error = `The built-in reference could not be loaded: ${message(e)}`;
    }
  }

  private async loadStored(): Promise<void> {
    try {
      this.stored = await this.store()!.listReferences();
      if (this.form.storedId === '' && this.stored[0]) this.set('storedId', this.stored[0].id);
    } catch (e) {
      this.stored = [];
      this.status = `Stored references could not be listed: ${message(e)}`;
    }
  }

  private set<K extends keyof AlignFormValues>(key: K, value: AlignFormValues[K]): void {
    this.form = { ...this.form, [key]: value };
    this.problems = this.problems.filter((p) => p.field !== key);
  }

  private async run(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.phase === 'running') return;
    const check = alignRequestOf(this.form);
    if (!check.ok) {
      this.problems = check.problems;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.problems = [];
    this.error = undefined;
    this.result = undefined;
    this.steps = [];
    this.progress = undefined;
    this.cancelling = false;
    this.status = 'Alignment started.';
    this.phase = 'running';
    const abort = new AbortController();
    this.abort = abort;
    const t0 = performance.now();
    this.ticker = setInterval(() => (this.elapsedMs = performance.now() - t0), 500);
    try {
      this.runner ??= (await import('./default-runner')).createDefaultAlignRunner();
      const store = this.store();
      const result = await runAlignStage(
        abort.signal,
        check.input,
        { align: this.runner, fetchText: this.fetcher(), ...(store ? { references: store } : {}) },
        (p) => this.onProgress(p),
      );
      this.result = result;
      this.phase = 'done';
      this.status = `Done: selected ${formatCount(result.align.selected.length)} personas.`;
      this.dispatchEvent(new CustomEvent<AlignRunResult>('pa-align-done', { detail: result, bubbles: true, composed: true }));
      await this.updateComplete;
      const res = this.renderRoot.querySelector<AlignResults>('align-results');
      await res?.updateComplete;
      res?.focusHeading();
    } catch (e) {
      this.phase = 'idle';
      if (isAppError(e, 'AbortError') || abort.signal.aborted) {
        this.status = 'Alignment cancelled; nothing was selected.';
        // The Cancel button is gone: keep keyboard focus in the form.
        void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('button[type="submit"]')?.focus());
      } else {
        this.error = message(e);
        this.status = '';
      }
    } finally {
      this.stopTicker();
      this.elapsedMs = performance.now() - t0;
      if (this.abort === abort) this.abort = undefined;
      this.cancelling = false;
    }
  }

  private onProgress(p: Progress): void {
    this.progress = p;
    const step = epsilonStepOf(p);
    if (step) this.steps = [...this.steps, step];
  }

  /** Cancels a running alignment: the worker stops at its next check and the run rejects with AbortError. */
  cancel(): void {
    if (!this.abort) return;
    this.cancelling = true;
    this.abort.abort();
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private problem(field: keyof AlignFormValues) {
    const p = this.problems.find((x) => x.field === field);
    return p ? html`<p class="problem" id="err-${field}">${p.message}</p>` : nothing;
  }

  private invalid(field: keyof AlignFormValues): 'true' | 'false' {
    return this.problems.some((p) => p.field === field) ? 'true' : 'false';
  }

  private numberField(field: keyof AlignFormValues, label: string, placeholder: string, hint?: string) {
    const value = this.form[field];
    return html`<label>
      ${label}
      <input
        type="text"
        inputmode="decimal"
        name=${field}
        .value=${typeof value === 'string' ? value : ''}
        placeholder=${placeholder}
        aria-invalid=${this.invalid(field)}
        aria-describedby=${this.invalid(field) === 'true' ? `err-${field}` : nothing}
        title=${hint ?? nothing}
        @input=${(e: Event) => this.set(field, (e.target as HTMLInputElement).value as never)}
      />
      ${this.problem(field)}
    </label>`;
  }

  private choice(field: 'selection' | 'targets' | 'isSelection', label: string, options: Array<[string, string]>) {
    return html`<label>
      ${label}
      <select name=${field} @change=${(e: Event) => this.set(field, (e.target as HTMLSelectElement).value as never)}>
        ${options.map(([value, text]) => html`<option value=${value} ?selected=${this.form[field] === value}>${text}</option>`)}
      </select>
    </label>`;
  }

  private check(field: 'epsScaling' | 'standardize', label: string) {
    return html`<label class="inline">
      <input type="checkbox" name=${field} .checked=${this.form[field]} @change=${(e: Event) => this.set(field, (e.target as HTMLInputElement).checked)} />
      ${label}
    </label>`;
  }

  private poolFieldset() {
    const f = this.form;
    return html`<fieldset ?disabled=${this.phase === 'running'}>
      <legend>Persona pool</legend>
      <label class="inline">
        <input type="radio" name="pool" value="demo" .checked=${f.pool === 'demo'} @change=${() => this.set('pool', 'demo')} />
        Demo personas (2,000 synthetic, deliberately tilted)
      </label>
      <label class="inline">
        <input type="radio" name="pool" value="file" .checked=${f.pool === 'file'} @change=${() => this.set('pool', 'file')} />
        My file
      </label>
      ${f.pool === 'file'
        ? html`<div class="sub">
            <label>
              CSV with trait columns, or persona JSONL
              <input
                type="file"
                name="poolFile"
                accept=".csv,.tsv,.txt,.jsonl,.json"
                aria-invalid=${this.invalid('poolFile')}
                aria-describedby="pool-hint"
                @change=${(e: Event) => this.set('poolFile', (e.target as HTMLInputElement).files?.[0])}
              />
              ${this.problem('poolFile')}
            </label>
            <p class="hint" id="pool-hint">CSV header: openness, conscientiousness, extraversion, agreeableness, neuroticism (1–5), optional id and weight.</p>
          </div>`
        : nothing}
    </fieldset>`;
  }

  private referenceFieldset() {
    const f = this.form;
    const hasStore = this.store() !== undefined;
    const entry = this.builtins.find((b) => b.id === f.builtinId);
    return html`<fieldset ?disabled=${this.phase === 'running'}>
      <legend>Reference</legend>
      <label class="inline">
        <input type="radio" name="reference" value="builtin" .checked=${f.reference === 'builtin'} @change=${() => this.set('reference', 'builtin')} />
        Built-in sample <span class="badge">approximate</span>
      </label>
      ${f.reference === 'builtin'
        ? html`<div class="sub">
            <label class="wide">
              Region
              <select name="builtinId" aria-describedby="builtin-src" @change=${(e: Event) => this.set('builtinId', (e.target as HTMLSelectElement).value)}>
                ${this.builtins.map((b) => html`<option value=${b.id} ?selected=${b.id === f.builtinId}>${b.name}</option>`)}
              </select>
            </label>
            ${this.numberField('builtinN', 'Sample size n', '2000')} ${this.numberField('builtinSeed', 'Sample seed', '1')}
            <p class="hint" id="builtin-src">${entry ? `Approximate: a normal fitted to published summaries (${entry.source}). Import real data for real results.` : ''}</p>
          </div>`
        : nothing}
      <label class="inline">
        <input type="radio" name="reference" value="stored" ?disabled=${!hasStore} .checked=${f.reference === 'stored'} @change=${() => this.set('reference', 'stored')} />
        Stored reference ${hasStore ? (this.stored?.length === 0 ? '(none imported yet)' : '') : '(not available here)'}
      </label>
      ${f.reference === 'stored' && hasStore
        ? html`<div class="sub">
            <label>
              Reference
              <select name="storedId" aria-invalid=${this.invalid('storedId')} @change=${(e: Event) => this.set('storedId', (e.target as HTMLSelectElement).value)}>
                ${(this.stored ?? []).map(
                  (r) => html`<option value=${r.id} ?selected=${r.id === f.storedId}>${r.name} (n = ${formatCount(r.n)})${r.label === 'approximate' ? ' — approximate' : ''}</option>`,
                )}
              </select>
              ${this.problem('storedId')}
            </label>
            <label>
              Countries (ISO codes, optional)
              <input type="text" name="storedCountries" .value=${f.storedCountries} placeholder="all" @input=${(e: Event) => this.set('storedCountries', (e.target as HTMLInputElement).value)} />
            </label>
          </div>`
        : nothing}
    </fieldset>`;
  }

  private methodFieldset() {
    const f = this.form;
    const info = ALIGN_METHODS[f.method as AlignMethodName];
    return html`<fieldset ?disabled=${this.phase === 'running'}>
      <legend>Method and size</legend>
      <label>
        Method
        <select name="method" aria-describedby="method-desc" @change=${(e: Event) => this.set('method', (e.target as HTMLSelectElement).value)}>
          ${Object.values(ALIGN_METHODS).map(
            (m) => html`<option value=${m.name} ?selected=${m.name === f.method}>${m.name}${m.name === DEFAULT_METHOD ? ' (default)' : ''}</option>`,
          )}
        </select>
      </label>
      <p class="desc" id="method-desc">${info?.description ?? ''}</p>
      <div class="sub">${this.numberField('size', 'Set size K', '300')} ${this.numberField('seed', 'Seed', '1')}</div>
    </fieldset>`;
  }

  private advanced() {
    return html`<details>
      <summary>Advanced options (OT, selection, weights, backend)</summary>
      <fieldset class="plain" ?disabled=${this.phase === 'running'}>
      <legend class="visually-hidden">Advanced options</legend>
      <div class="sub">
        ${this.numberField('epsilon', 'ε (cost units)', 'default: 0.01 × mean cost', 'Entropic regularisation; empty = 0.01 × the mean squared distance between the clouds')}
        ${this.numberField('tol', 'Tolerance (marginal L1)', '1e-4')} ${this.numberField('maxIter', 'Max iterations', '5000')}
      </div>
      <div class="sub">
        ${this.check('epsScaling', 'ε-scaling (anneal from the diameter)')} ${this.check('standardize', 'Standardise traits (reference SDs)')}
      </div>
      <div class="sub">
        ${this.choice('selection', 'From plan to K (OT methods)', [['', 'Plan-mass matching (default)'], ['systematic', 'Systematic sampling ∝ row sums']])}
        ${this.choice('targets', 'Targets when reference size ≠ K', [['', 'Reference points with quotas (default)'], ['kmeans', 'k-means centroids (K of them)']])}
        ${this.choice('isSelection', 'IS selection', [['', 'Systematic ∝ weights (default)'], ['top', 'Largest weights']])}
        ${this.numberField('bandwidth', 'KDE bandwidth (IS)', "Scott's rule", 'In reference SDs when standardised; empty = Scott\'s rule')}
        ${this.numberField('trimK', 'Weight cap (× mean, IS)', '20')}
      </div>
      <div class="sub">
        <label>
          Backend
          <select name="backend" @change=${(e: Event) => this.set('backend', (e.target as HTMLSelectElement).value as AlignFormValues['backend'])}>
            <option value="" ?selected=${this.form.backend === ''}>Automatic</option>
            <option value="gpu" ?selected=${this.form.backend === 'gpu'}>WebGPU (CPU if it fails)</option>
            <option value="cpu" ?selected=${this.form.backend === 'cpu'}>CPU only</option>
          </select>
        </label>
      </div>
      </fieldset>
    </details>`;
  }

  override render() {
    const running = this.phase === 'running';
    return html`
      <form @submit=${(e: Event) => void this.run(e)} aria-busy=${running ? 'true' : 'false'} novalidate>
        ${this.poolFieldset()} ${this.referenceFieldset()} ${this.methodFieldset()} ${this.advanced()}
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${running}>${running ? 'Running…' : 'Run alignment'}</button>
          <span class="hint" role="status" aria-live="polite" data-testid="al-status">${this.status}</span>
        </div>
      </form>
      ${this.error ? html`<div class="error" role="alert" data-testid="al-error">${this.error}</div>` : nothing}
      ${running
        ? html`<align-progress
            .progress=${this.progress}
            .steps=${this.steps}
            .elapsedMs=${this.elapsedMs}
            ?cancelling=${this.cancelling}
            @pa-align-cancel=${() => this.cancel()}
          ></align-progress>`
        : nothing}
      ${this.phase === 'done' && this.result ? html`<align-results .result=${this.result}></align-results>` : nothing}
    `;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

declare global {
  interface HTMLElementTagNameMap {
    'align-stage': AlignStage;
  }
}
