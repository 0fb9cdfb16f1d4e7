import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { ReferenceInfo } from '../../contracts/reference-store';
import { ALIGN_METHODS, DEFAULT_METHOD, type AlignMethodName } from '../../core/align/methods';
import { DEFAULT_HOLDOUT } from '../../core/align/holdout';
import { formatCount } from '../../core/format';
import type { BuiltinEntry } from '../../core/reference/builtin';
import { alignRequestOf, DEFAULT_FORM, type AlignFormValues, type FieldProblem } from '../../pipeline/align-request';
import type { AlignStageInput } from '../../pipeline/align-stage';
import type { PersonaPoolOption } from '../../storage/persona-set-pools';
import { takeAlignPoolHint } from '../persona-import-panel/persona-owner';
import { storeContext, type CorpusStoreApi } from '../../app/services';
import type { AppDb } from '../../storage/db';
import { stageFormStyles } from '../shared/form-styles';

/**
 * <align-form>: the Align stage's inputs — pool, reference, method, K, seed and the advanced
 * options (OT, selection, weights, backend). Checks them (src/pipeline/align-request.ts), marks
 * and focuses the first bad field, and fires `pa-align-run` (detail: AlignStageInput) on Run and
 * `pa-align-list-stored` when the stored-reference choice is picked.
 * Empty optional fields mean the core's defaults, shown as placeholders.
 */
@customElement('align-form')
export class AlignForm extends LitElement {
  /** Entries of the built-in reference for the region list. */
  @property({ attribute: false }) builtins: BuiltinEntry[] = [];
  /** Stored references; undefined while unknown. */
  @property({ attribute: false }) stored: ReferenceInfo[] | undefined;
  /** Whether a reference store is available at all. */
  @property({ type: Boolean }) hasStore = false;
  /** Disables the inputs while an alignment runs. */
  @property({ type: Boolean }) running = false;
  /** One line beside the Run button (live region). */
  @property() status = '';
  /** Stored persona pools (imported sets, profiled corpora); undefined: listed from the app's database when first needed. */
  @property({ attribute: false }) personaPools: PersonaPoolOption[] | undefined;
  private poolsListedHere = false;
  /** The shell's corpus store: stored pools are listed from its database (tests use their own). */
  @consume({ context: storeContext, subscribe: true })
  @state()
  private corpusStore: CorpusStoreApi | undefined;

  @state() private form: AlignFormValues = { ...DEFAULT_FORM };
  @state() private problems: FieldProblem[] = [];

  static override styles = [
    controls,
    stageFormStyles,
    css`
      :host {
        display: block;
      }
      label input:not([type='checkbox']):not([type='radio']),
      label select {
        width: 100%;
        min-width: 0;
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
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
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
    `,
  ];

  protected override willUpdate(): void {
    // Preselect the newest stored reference once the list arrives.
    if (this.form.storedId === '' && this.stored?.[0]) this.form = { ...this.form, storedId: this.stored[0].id };
  }

  /** Moves focus to the Run button (after a cancel, when the progress panel is gone). */
  focusRun(): void {
    this.renderRoot.querySelector<HTMLElement>('button[type="submit"]')?.focus();
  }

  private set<K extends keyof AlignFormValues>(key: K, value: AlignFormValues[K]): void {
    this.form = { ...this.form, [key]: value };
    this.problems = this.problems.filter((p) => p.field !== key);
  }

  /** Stored personas as the pool: lists them (the app's database unless `personaPools` was set) and preselects the first. */
  override connectedCallback(): void {
    super.connectedCallback();
    // Opened by the demo offer (or another view) on a stored pool it just made.
    const hint = takeAlignPoolHint();
    if (hint) void this.chooseStoredPool(hint);
  }

  private async chooseStoredPool(preferred?: string): Promise<void> {
    this.set('pool', 'stored');
    try {
      // Listed again each time (a set may have been imported since), unless the host gave the list.
      if (this.personaPools === undefined || this.poolsListedHere) {
        const db = (this.corpusStore as { db?: () => Promise<AppDb> } | undefined)?.db;
        const dbName = typeof db === 'function' ? (await db.call(this.corpusStore)).name : undefined;
        this.personaPools = await (await import('../../storage/persona-set-pools')).appDbPools(dbName).list();
        this.poolsListedHere = true;
        if (dbName !== undefined) this.form = { ...this.form, poolDbName: dbName };
      }
    } catch {
      this.personaPools = [];
    }
    const first = this.personaPools.find((p) => p.ownerId === preferred) ?? this.personaPools[0];
    if ((this.form.poolStored === '' || preferred) && first) this.form = { ...this.form, poolStored: first.ownerId, poolStoredName: first.name };
  }

  /** Asks the owner to re-list stored references (one may have been imported since). */
  private chooseStored(): void {
    this.set('reference', 'stored');
    this.dispatchEvent(new CustomEvent('pa-align-list-stored', { bubbles: true, composed: true }));
  }

  private async submit(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.running) return;
    const check = alignRequestOf(this.form);
    if (!check.ok) {
      this.problems = check.problems;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.problems = [];
    this.dispatchEvent(new CustomEvent<AlignStageInput>('pa-align-run', { detail: check.input, bubbles: true, composed: true }));
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

  private choice(field: 'selection' | 'targets' | 'isSelection' | 'epsScaling', label: string, options: Array<[string, string]>) {
    return html`<label>
      ${label}
      <select name=${field} @change=${(e: Event) => this.set(field, (e.target as HTMLSelectElement).value as never)}>
        ${options.map(([value, text]) => html`<option value=${value} ?selected=${this.form[field] === value}>${text}</option>`)}
      </select>
    </label>`;
  }

  private check(field: 'standardize', label: string) {
    return html`<label class="inline">
      <input type="checkbox" name=${field} .checked=${this.form[field]} @change=${(e: Event) => this.set(field, (e.target as HTMLInputElement).checked)} />
      ${label}
    </label>`;
  }

  private storedPoolChoice() {
    const pools = this.personaPools;
    if (pools === undefined) return html`<p class="hint sub">Listing stored personas…</p>`;
    if (pools.length === 0) return html`<p class="hint sub">None yet: import a persona set in the Personas stage, or profile a corpus's personas.</p>`;
    return html`<div class="sub"><label class="wide">
      Stored personas
      <select name="poolStored" aria-invalid=${this.invalid('poolStored')} @change=${(e: Event) => {
        const o = pools.find((p) => p.ownerId === (e.target as HTMLSelectElement).value);
        if (o) this.form = { ...this.form, poolStored: o.ownerId, poolStoredName: o.name };
      }}>
        ${pools.map((p) => html`<option value=${p.ownerId} ?selected=${this.form.poolStored === p.ownerId}>${p.kind === 'set' ? 'Imported set' : 'Corpus'}: ${p.name} (${formatCount(p.personas)} with trait scores)</option>`)}
      </select>
      ${this.problem('poolStored')}
    </label></div>`;
  }

  private poolFieldset() {
    const f = this.form;
    return html`<fieldset ?disabled=${this.running}>
      <legend>Persona pool</legend>
      <label class="inline">
        <input type="radio" name="pool" value="demo" .checked=${f.pool === 'demo'} @change=${() => this.set('pool', 'demo')} />
        Demo personas (2,000 synthetic, deliberately tilted)
      </label>
      <label class="inline">
        <input type="radio" name="pool" value="file" .checked=${f.pool === 'file'} @change=${() => this.set('pool', 'file')} />
        My file
      </label>
      <label class="inline">
        <input type="radio" name="pool" value="stored" .checked=${f.pool === 'stored'} @change=${() => void this.chooseStoredPool()} />
        Stored personas (an imported set, or a corpus's profiled personas)
      </label>
      ${f.pool === 'stored' ? this.storedPoolChoice() : nothing}
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
    const hasStore = this.hasStore;
    const entry = this.builtins.find((b) => b.id === f.builtinId);
    return html`<fieldset ?disabled=${this.running}>
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
        <input type="radio" name="reference" value="stored" ?disabled=${!hasStore} .checked=${f.reference === 'stored'} @change=${() => this.chooseStored()} />
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
    return html`<fieldset ?disabled=${this.running}>
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
      <fieldset class="plain" ?disabled=${this.running}>
      <legend class="visually-hidden">Advanced options</legend>
      <div class="sub">
        ${this.numberField('epsilon', 'ε (cost units)', 'default: 0.01 × mean cost', 'Entropic regularisation; empty = 0.01 × the mean squared distance between the clouds')}
        ${this.numberField('tol', 'Tolerance (marginal L1)', '1e-4')} ${this.numberField('maxIter', 'Max iterations', '5000')}
      </div>
      <div class="sub">
        ${this.choice('epsScaling', 'ε-scaling (anneal from the diameter)', [['', 'Default (on; off for semi-relaxed)'], ['on', 'On'], ['off', 'Off']])}
        ${this.check('standardize', 'Standardise traits (reference SDs)')}
      </div>
      <div class="sub">
        ${this.choice('selection', 'From plan to K (OT methods)', [['', 'Plan-mass matching (default)'], ['systematic', 'Systematic sampling ∝ row sums']])}
        ${this.choice('targets', 'Targets when reference size ≠ K', [['', 'Reference points with quotas (default)'], ['kmeans', 'k-means centroids (K of them)']])}
        ${this.choice('isSelection', 'IS selection', [['', 'Systematic ∝ weights (default)'], ['top', 'Largest weights']])}
        ${this.numberField('bandwidth', 'KDE bandwidth (IS)', "Scott's rule", 'In reference SDs when standardised; empty = Scott\'s rule')}
        ${this.numberField('trimK', 'Weight cap (× mean, IS)', '20')}
        ${this.numberField('centroids', 'Quantise a larger reference to N centroids', 'off', 'Weighted k-means of the reference before every step (for very large references); empty = use every point')}
        ${this.numberField('holdout', 'Held-out share of the reference', String(DEFAULT_HOLDOUT), 'A seeded share of the reference is set aside; the method aligns against the rest and every diagnostic and the floor are measured against the held-out points. 0 = in-sample (optimistic)')}
      </div>
      <div class="sub">
        <label>
          Backend
          <select name="backend" @change=${(e: Event) => this.set('backend', (e.target as HTMLSelectElement).value as AlignFormValues['backend'])}>
            <option value="" ?selected=${this.form.backend === ''}>Automatic (WebGPU on a hardware GPU, else the CPU)</option>
            <option value="gpu" ?selected=${this.form.backend === 'gpu'}>WebGPU (CPU if it fails)</option>
            <option value="cpu" ?selected=${this.form.backend === 'cpu'}>CPU only</option>
          </select>
        </label>
      </div>
      </fieldset>
    </details>`;
  }

  override render() {
    return html`
      <form @submit=${(e: Event) => void this.submit(e)} aria-busy=${this.running ? 'true' : 'false'} novalidate>
        ${this.poolFieldset()} ${this.referenceFieldset()} ${this.methodFieldset()} ${this.advanced()}
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.running}>${this.running ? 'Running…' : 'Run alignment'}</button>
          <span class="hint" role="status" aria-live="polite" data-testid="al-status">${this.status}</span>
        </div>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'align-form': AlignForm;
  }
}
