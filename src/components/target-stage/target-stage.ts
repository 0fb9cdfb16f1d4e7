import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls, tokens } from '../../app/tokens';
import type { EmbedderService } from '../../contracts/embedder';
import type { PersonaRecord } from '../../contracts/persona';
import type { Progress } from '../../contracts/progress';
import { ALIGN_METHODS, DEFAULT_METHOD } from '../../core/align/methods';
import { DEFAULT_HOLDOUT } from '../../core/align/holdout';
import { isAppError } from '../../core/errors';
import { parsePersonaJsonl } from '../../core/persona-jsonl';
import type { BuiltinEntry } from '../../core/reference/builtin';
import { REGION_PRESETS, parseCountryList } from '../../core/reference/regions';
import { suggestQueries, type QuerySuggestion } from '../../core/target/queries';
import { makeTargetSpec, type CandidateRule } from '../../core/target/spec';
import { embedderChoices } from '../../embed-models/choices';
import type { ReferenceInput } from '../../pipeline/align-inputs';
import { DEMO_PERSONAS_PATH } from '../../pipeline/align-inputs';
import type { AlignRunner } from '../../pipeline/align-runner';
import type { RunRecorder } from '../../pipeline/align-stage';
import type { AdapterServiceLike } from '../../pipeline/target/target-services';
import { runTargetStage, type TargetStageInput, type TargetStageResult, type TargetStageServices } from '../../pipeline/target/target-stage';
import type { TargetPoolSource } from '../../pipeline/target/target-inputs';
import { alignRunnerContext } from '../align-stage/context';
import { referenceServicesContext, type ReferenceServices } from '../reference-manager/context';
import type { EmbedderChangeDetail, EmbedderPickerService } from '../embedder-picker/embedder-picker';
import type { TargetResults } from './target-results';
import { RunControl } from '../shared/run-control';
import { StoredReferenceList, type StoredRefs } from '../shared/stored-references';
import { loadBuiltinEntries, publicTextFetcher } from '../shared/public-text';
import { stageFormStyles } from '../shared/form-styles';
import type { LlmService } from '../../contracts/llm';
import { llmChoiceContext, sharedLlmChoice, type LlmChoice } from '../llm-backend-picker/context';
import type { QuerySetStore } from '../target-queries/target-queries';
import '../target-queries/target-queries';
import '../embedder-picker/embedder-picker';
import './target-progress';
import './target-results';
import { errorText } from '../shared/error-text';

type Phase = 'idle' | 'running' | 'done';

interface TargetRowForm {
  query: string;
  /** A region preset id, 'custom' (the countries field), or '' (no countries). */
  region: string;
  countries: string;
}

/** The paper's three example regions, as starting rows. */
const PAPER_TARGETS: TargetRowForm[] = [
  { query: 'adults in East Asia', region: 'east-asia', countries: '' },
  { query: 'adults in North America', region: 'north-america', countries: '' },
  { query: 'adults in Europe', region: 'europe', countries: '' },
];

/**
 * <target-stage>: the Target stage (METHOD.md §6). The form takes the persona pool (demo personas,
 * a persona JSONL file, or a stored set), one or more targets (a query — with suggestions from the
 * metadata templates — and a region preset or country list), the reference (the built-in sample of
 * each target's region, or a stored reference filtered to its countries), K, the candidate rule,
 * the embedder and the adapter; Run builds every target through runTargetStage with progress
 * (counts, ETA) and a Cancel that stops it, then <target-results> shows the comparison tables.
 *
 * Services (all optional, so the element works standalone; defaults are created on first Run):
 * `embedder` (EmbedderWorkerService), `adapterService` (AdapterService: WebGPU trainer and top-k),
 * `runner` / context alignRunnerContext (align worker), `references` / context
 * referenceServicesContext, `runs` (RunStore), `targetStore` (TargetStore), `storedPools` and
 * `loadPersonas` (stored persona sets), `fetchText`.
 *
 * Events: `pa-target-done` (detail: TargetStageResult).
 */
@customElement('target-stage')
export class TargetStage extends LitElement {
  @consume({ context: alignRunnerContext, subscribe: true })
  @property({ attribute: false })
  runner: AlignRunner | undefined;

  @consume({ context: referenceServicesContext, subscribe: true })
  @state()
  private referenceServices: ReferenceServices | undefined;

  @consume({ context: llmChoiceContext, subscribe: true })
  @state()
  private llmChoice: LlmChoice | undefined;

  /** The LLM that writes training queries; default the LLM chosen in the persona stages (when one is loaded). */
  @property({ attribute: false }) llm: LlmService | undefined;
  @property({ attribute: false }) references: StoredRefs | undefined;
  @property({ attribute: false }) embedder: EmbedderService | undefined;
  @property({ attribute: false }) adapterService: AdapterServiceLike | undefined;
  /** False: never create the adapter worker (the adapter checkbox is then disabled). */
  @property({ type: Boolean }) adapterAvailable = true;
  @property({ attribute: false }) runs: RunRecorder | undefined;
  /** Pool embeddings through the embedding store (default: the app's database; null: embed every time). */
  @property({ attribute: false }) embedPool: TargetStageServices['embedPool'] | null | undefined;
  /** Set to null to store nothing. */
  @property({ attribute: false }) targetStore: TargetStageServices['targets'] | null | undefined;
  @property({ attribute: false }) storedPools: Array<{ id: string; name: string }> = [];
  @property({ attribute: false }) loadPersonas: ((ownerId: string) => Promise<PersonaRecord[]>) | undefined;
  /** Database the default stored pools are listed from when no `loadPersonas` is given (default: the app's). */
  @property({ attribute: false }) poolsDbName: string | undefined;
  @property({ attribute: false }) fetchText: ((path: string) => Promise<string>) | undefined;

  @state() private pool: 'demo' | 'file' | 'stored' = 'demo';
  @state() private poolFile: File | undefined;
  @state() private storedPool = '';
  @state() private rows: TargetRowForm[] = [{ ...PAPER_TARGETS[0]! }];
  @state() private referenceKind: 'builtin' | 'stored' = 'builtin';
  @state() private builtinN = '2000';
  @state() private storedRef = '';
  @state() private size = '100';
  @state() private candidateMode: 'top' | 'minScore' = 'top';
  @state() private topN = '300';
  @state() private minScore = '0.1';
  @state() private method: string = DEFAULT_METHOD;
  @state() private seed = '1';
  @state() private holdout = String(DEFAULT_HOLDOUT);
  @state() private embedderId = 'lexical';
  @state() private useAdapter = false;
  @state() private suggestions: QuerySuggestion[] = [];
  @state() private poolRecords: PersonaRecord[] = [];
  @state() private querySetId = '';
  @state() private builtins: BuiltinEntry[] = [];
  @state() private phase: Phase = 'idle';
  @state() private progress: Progress | undefined;
  @state() private result: TargetStageResult | undefined;
  @state() private error: string | undefined;
  @state() private problems: string[] = [];
  @state() private status = '';

  private readonly control = new RunControl(this);
  private readonly storedRefs = new StoredReferenceList(this, () => this.store(), (text) => (this.status = text));

  static override styles = [
    tokens,
    controls,
    stageFormStyles,
    css`
      :host {
        display: block;
      }
      fieldset.targets {
        grid-column: 1 / -1;
      }
      .row {
        display: grid;
        grid-template-columns: minmax(12rem, 2fr) minmax(9rem, 1fr) minmax(8rem, 1fr) auto;
        gap: var(--pa-space-2);
        align-items: end;
      }
      .hint {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        margin: 0;
      }
      .actions {
        grid-column: 1 / -1;
        display: flex;
        gap: var(--pa-space-2);
        align-items: center;
        flex-wrap: wrap;
      }
      .error {
        border: 1px solid var(--pa-danger);
        background: var(--pa-danger-soft);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
        margin: var(--pa-space-4) 0;
      }
      target-progress {
        margin-top: var(--pa-space-4);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadBuiltins();
    void this.loadSuggestions();
    void this.defaultEmbedder();
    void this.defaultStoredPools();
  }

  /** Without a host-given loader, the stored pools (imported sets, profiled corpora) of the app's own database. */
  private async defaultStoredPools(): Promise<void> {
    if (this.loadPersonas !== undefined) return;
    try {
      const pools = (await import('../../storage/persona-set-pools')).appDbPools(this.poolsDbName);
      const list = await pools.list();
      if (this.loadPersonas !== undefined) return;
      this.storedPools = list.map((p) => ({ id: p.ownerId, name: `${p.name} (${p.personas.toLocaleString('en')} personas)` }));
      this.loadPersonas = async (ownerId) => (await pools.load(ownerId)).personas;
      this.storedPool ||= this.storedPools[0]?.id ?? '';
    } catch {
      // No usable IndexedDB: the demo and file pools still work; the stored choice stays disabled.
    }
  }

  /**
   * The embedding worker's service, so <embedder-picker> can list, download and import models (the
   * worker starts on first use), and the stores, so stored query sets can be listed (opened lazily).
   */
  private async defaultEmbedder(): Promise<void> {
    if (this.runs === undefined || this.targetStore === undefined) {
      const [{ RunStore }, { TargetStore }] = await Promise.all([import('../../storage/run-store'), import('../../storage/target-store')]);
      this.runs ??= new RunStore();
      if (this.targetStore === undefined) this.targetStore = new TargetStore();
    }
    if (this.embedder) return;
    const { EmbedderWorkerService } = await import('../../services/embedder-service');
    this.embedder ??= new EmbedderWorkerService();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('references') || changed.has('referenceServices' as keyof TargetStage)) && this.store()) void this.storedRefs.load();
  }

  private store(): StoredRefs | undefined {
    return this.references ?? this.referenceServices?.store;
  }

  private fetcher(): (path: string) => Promise<string> {
    return publicTextFetcher(this.fetchText);
  }

  private async loadBuiltins(): Promise<void> {
    try {
      this.builtins = await loadBuiltinEntries(this.fetcher());
    } catch (e) {
      this.error = `The built-in reference could not be loaded: ${errorText(e)}`;
    }
  }

  /** Query suggestions from the metadata templates over the chosen pool (the demo personas by default). */
  private async loadSuggestions(): Promise<void> {
    try {
      let records: PersonaRecord[];
      if (this.pool === 'file' && this.poolFile) records = parsePersonaJsonl(await this.poolFile.text(), this.poolFile.name);
      else if (this.pool === 'stored' && this.storedPool && this.loadPersonas) records = await this.loadPersonas(this.storedPool);
      else records = parsePersonaJsonl(await this.fetcher()(DEMO_PERSONAS_PATH), 'demo personas');
      this.suggestions = suggestQueries(records, 20);
      this.poolRecords = records;
    } catch {
      this.suggestions = [];
      this.poolRecords = [];
    }
  }

  /** The form as a TargetStageInput, or the problems to fix. */
  private request(): { input: TargetStageInput } | { problems: string[] } {
    const problems: string[] = [];
    let pool: TargetPoolSource = { kind: 'demo' };
    if (this.pool === 'file') {
      if (!this.poolFile) problems.push('Choose a persona file (JSONL, one persona per line with text, meta and traits).');
      else pool = { kind: 'jsonl', name: this.poolFile.name, data: this.poolFile };
    } else if (this.pool === 'stored') {
      const p = this.storedPools.find((x) => x.id === this.storedPool);
      if (!p) problems.push('Choose a stored persona set.');
      else pool = { kind: 'stored', ownerId: p.id, name: p.name };
    }
    const size = Number(this.size);
    const seed = Number(this.seed);
    const holdout = Number(this.holdout);
    let candidates: CandidateRule | undefined;
    if (this.candidateMode === 'top') candidates = { mode: 'top', n: Number(this.topN) };
    else candidates = { mode: 'minScore', score: Number(this.minScore) };
    const targets: TargetStageInput['targets'] = [];
    this.rows.forEach((row, i) => {
      try {
        const countries = row.region === 'custom' ? parseCountryList(row.countries) : undefined;
        const spec = makeTargetSpec({
          query: row.query,
          size,
          ...(row.region !== '' && row.region !== 'custom' ? { region: row.region } : {}),
          ...(countries ? { countries } : {}),
          candidates,
          method: this.method,
          seed,
          holdout,
          adapter: { enabled: this.useAdapter },
          id: `target-${i + 1}-${row.query.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}`,
        });
        targets.push({ spec, reference: this.referenceFor(spec.group?.regionId, spec.group?.countries, seed) });
      } catch (e) {
        problems.push(`Target ${i + 1}: ${errorText(e)}`);
      }
    });
    if (this.referenceKind === 'stored' && this.storedRef === '') problems.push('Choose a stored reference, or use the built-in one.');
    if (!(Number.isInteger(Number(this.builtinN)) && Number(this.builtinN) >= 50)) problems.push('The built-in sample size must be a whole number ≥ 50.');
    if (problems.length > 0) return { problems };
    const adapter = { enabled: this.useAdapter, options: {}, ...(this.useAdapter && this.querySetId ? { querySetId: this.querySetId } : {}) };
    return { input: { pool, embedderId: this.embedderId, adapter, targets } };
  }

  /** Built-in: the entry of the target's region when there is one, else the global entry; stored: filtered to its countries. */
  private referenceFor(regionId: string | undefined, countries: string[] | undefined, seed: number): ReferenceInput {
    if (this.referenceKind === 'stored') return { kind: 'stored', id: this.storedRef, ...(countries ? { countries } : {}) };
    const entryId = regionId && this.builtins.some((b) => b.id === regionId) ? regionId : 'global';
    return { kind: 'builtin', entryId, n: Number(this.builtinN), seed: seed + 10 };
  }

  private async run(): Promise<void> {
    if (this.phase === 'running') return;
    const req = this.request();
    if ('problems' in req) {
      this.problems = req.problems;
      return;
    }
    this.problems = [];
    this.error = undefined;
    this.result = undefined;
    this.progress = undefined;
    this.status = 'Target build started.';
    this.phase = 'running';
    const abort = this.control.start();
    try {
      const services = await this.services();
      const result = await runTargetStage(abort.signal, req.input, services, (p) => (this.progress = p));
      this.result = result;
      this.phase = 'done';
      this.status = `Done: ${result.targets.length} target${result.targets.length === 1 ? '' : 's'} built.`;
      this.dispatchEvent(new CustomEvent<TargetStageResult>('pa-target-done', { detail: result, bubbles: true, composed: true }));
      await this.updateComplete;
      const res = this.renderRoot.querySelector<TargetResults>('target-results');
      await res?.updateComplete;
      res?.focusHeading();
    } catch (e) {
      this.phase = 'idle';
      if (isAppError(e, 'AbortError') || abort.signal.aborted) {
        this.status = 'Target build cancelled; nothing was selected.';
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLButtonElement>('#tg-run')?.focus();
      } else {
        this.error = errorText(e);
        this.status = '';
      }
    } finally {
      this.control.finish(abort);
    }
  }

  private async services(): Promise<TargetStageServices> {
    this.runner ??= (await import('../align-stage/default-runner')).createDefaultAlignRunner();
    if (!this.embedder) {
      const { EmbedderWorkerService } = await import('../../services/embedder-service');
      this.embedder = new EmbedderWorkerService();
    }
    const store = this.store();
    const base: TargetStageServices = {
      embedder: this.embedder,
      align: this.runner,
      fetchText: this.fetcher(),
      ...(store ? { references: store } : {}),
      ...(this.loadPersonas ? { personas: this.loadPersonas } : {}),
    };
    if (this.runs === undefined || this.targetStore === undefined) {
      const [{ RunStore }, { TargetStore }] = await Promise.all([import('../../storage/run-store'), import('../../storage/target-store')]);
      this.runs ??= new RunStore();
      if (this.targetStore === undefined) this.targetStore = new TargetStore();
    }
    if (this.embedPool === undefined) {
      const [{ LazyDb }, { embedPersonas }] = await Promise.all([import('../../storage/lazy-db'), import('../../storage/embedding-store')]);
      const lazy = new LazyDb();
      const embedder = this.embedder;
      this.embedPool = (ownerId) => async (personas, onProgress, signal) => embedPersonas(await lazy.get(), ownerId, embedder, personas, onProgress, signal);
    }
    if (this.embedPool) base.embedPool = this.embedPool;
    if (this.runs) base.runs = this.runs;
    if (this.targetStore) base.targets = this.targetStore;
    // The adapter worker also runs the retrieval (brute-force top-k on WebGPU, the CPU oracle otherwise), off the main thread.
    if (this.adapterAvailable) {
      if (!this.adapterService) {
        const { AdapterService } = await import('../../services/adapter-service');
        this.adapterService = new AdapterService();
      }
      const { adapterServiceParts } = await import('../../pipeline/target/target-services');
      const parts = adapterServiceParts(this.adapterService);
      return {
        ...base,
        ...(this.useAdapter ? { adapter: parts.adapter } : {}),
        topK: parts.topK,
        get topKBackend() {
          return parts.topKBackend;
        },
      };
    }
    return base;
  }

  /** Cancels a running build: the embedder, trainer and align worker stop at their next check. */
  cancel(): void {
    this.control.cancel();
  }

  private setRow(i: number, patch: Partial<TargetRowForm>): void {
    this.rows = this.rows.map((r, k) => (k === i ? { ...r, ...patch } : r));
  }

  override render() {
    const running = this.phase === 'running';
    return html`
      <form
        aria-describedby="tg-intro"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.run();
        }}
      >
        <p class="hint actions" id="tg-intro">
          Retrieve the personas a query describes, then re-align them to the target group's reference; the report compares random personas,
          retrieval only, global alignment only and retrieval + re-alignment on that reference.
        </p>
        ${this.poolFields(running)} ${this.targetFields(running)} ${this.referenceFields(running)} ${this.selectionFields(running)}
        ${this.embedderFields(running)}
        <div class="actions">
          <button id="tg-run" type="submit" class="primary" ?disabled=${running}>Build ${this.rows.length === 1 ? 'target' : `${this.rows.length} targets`}</button>
          <span role="status" class="hint" data-testid="tg-status">${this.status}</span>
        </div>
        ${this.problems.length > 0
          ? html`<ul class="error actions" role="alert" data-testid="tg-problems">${this.problems.map((p) => html`<li>${p}</li>`)}</ul>`
          : nothing}
      </form>
      ${this.error ? html`<div class="error" role="alert" data-testid="tg-error">${this.error}</div>` : nothing}
      ${running
        ? html`<target-progress .progress=${this.progress} .elapsedMs=${this.control.elapsedMs} ?cancelling=${this.control.cancelling} @pa-target-cancel=${() => this.cancel()}></target-progress>`
        : nothing}
      ${this.phase === 'done' && this.result ? html`<target-results .prepared=${this.result.prepared} .targets=${this.result.targets}></target-results>` : nothing}
    `;
  }

  private poolFields(running: boolean) {
    const pick = (v: 'demo' | 'file' | 'stored') => () => {
      this.pool = v;
      void this.loadSuggestions();
    };
    return html`<fieldset ?disabled=${running}>
      <legend>Persona pool</legend>
      <label class="inline"><input type="radio" name="pool" value="demo" .checked=${this.pool === 'demo'} @change=${pick('demo')} /> Demo personas (synthetic, 2,000)</label>
      <label class="inline"><input type="radio" name="pool" value="file" .checked=${this.pool === 'file'} @change=${pick('file')} /> A persona file (JSONL)</label>
      ${this.pool === 'file'
        ? html`<label>Persona file
            <input type="file" name="poolFile" accept=".jsonl,.json,application/jsonl" @change=${(e: Event) => {
              this.poolFile = (e.target as HTMLInputElement).files?.[0];
              void this.loadSuggestions();
            }} /></label>`
        : nothing}
      <label class="inline"
        ><input type="radio" name="pool" value="stored" .checked=${this.pool === 'stored'} ?disabled=${this.storedPools.length === 0 || !this.loadPersonas} @change=${pick('stored')} /> A stored persona set</label
      >
      ${this.pool === 'stored'
        ? html`<label>Stored set
            <select name="storedPool" @change=${(e: Event) => {
              this.storedPool = (e.target as HTMLSelectElement).value;
              void this.loadSuggestions();
            }}>
              <option value="">Choose…</option>
              ${this.storedPools.map((p) => html`<option value=${p.id} ?selected=${p.id === this.storedPool}>${p.name}</option>`)}
            </select></label>`
        : nothing}
      <p class="hint">Only personas with trait scores can be selected.</p>
    </fieldset>`;
  }

  private targetFields(running: boolean) {
    return html`<fieldset class="targets" ?disabled=${running}>
      <legend>Targets</legend>
      <datalist id="tg-suggestions">${this.suggestions.map((s) => html`<option value=${s.text}>${s.count} personas</option>`)}</datalist>
      ${this.rows.map(
        (row, i) => html`<div class="row" data-testid="tg-row">
          <label>Query ${i + 1}
            <input name="query" list="tg-suggestions" .value=${row.query} @input=${(e: Event) => this.setRow(i, { query: (e.target as HTMLInputElement).value })} aria-describedby="tg-query-hint" />
          </label>
          <label>Countries
            <select name="region" @change=${(e: Event) => this.setRow(i, { region: (e.target as HTMLSelectElement).value })}>
              <option value="" ?selected=${row.region === ''}>None (whole reference)</option>
              ${REGION_PRESETS.map((r) => html`<option value=${r.id} ?selected=${row.region === r.id}>${r.name}</option>`)}
              <option value="custom" ?selected=${row.region === 'custom'}>Custom list…</option>
            </select>
          </label>
          ${row.region === 'custom'
            ? html`<label>Country codes
                <input name="countries" placeholder="JP, KR" .value=${row.countries} @input=${(e: Event) => this.setRow(i, { countries: (e.target as HTMLInputElement).value })} />
              </label>`
            : html`<span></span>`}
          <button type="button" aria-label="Remove target ${i + 1}" ?disabled=${this.rows.length === 1} @click=${() => (this.rows = this.rows.filter((_, k) => k !== i))}>Remove</button>
        </div>`,
      )}
      <p class="hint" id="tg-query-hint">Suggestions come from templates over the personas' metadata (region, country, age band, gender, occupation).</p>
      <div class="actions">
        <button type="button" @click=${() => (this.rows = [...this.rows, { query: '', region: '', countries: '' }])}>Add target</button>
        <button type="button" data-testid="tg-paper-targets" @click=${() => (this.rows = PAPER_TARGETS.map((r) => ({ ...r })))}>East Asia, North America, Europe</button>
      </div>
    </fieldset>`;
  }

  private referenceFields(running: boolean) {
    return html`<fieldset ?disabled=${running}>
      <legend>Reference</legend>
      <label class="inline"><input type="radio" name="referenceKind" value="builtin" .checked=${this.referenceKind === 'builtin'} @change=${() => (this.referenceKind = 'builtin')} /> Built-in sample (approximate), each target's region</label>
      ${this.referenceKind === 'builtin'
        ? html`<label>Sample size <input name="builtinN" inputmode="numeric" .value=${this.builtinN} @input=${(e: Event) => (this.builtinN = (e.target as HTMLInputElement).value)} /></label>`
        : nothing}
      <label class="inline"
        ><input type="radio" name="referenceKind" value="stored" .checked=${this.referenceKind === 'stored'} ?disabled=${!this.store()} @change=${() => (this.referenceKind = 'stored')} /> A stored reference, filtered to each target's countries</label
      >
      ${this.referenceKind === 'stored'
        ? html`<label>Stored reference
            <select name="storedRef" @change=${(e: Event) => (this.storedRef = (e.target as HTMLSelectElement).value)}>
              <option value="">Choose…</option>
              ${(this.storedRefs.list ?? []).map((r) => html`<option value=${r.id} ?selected=${r.id === this.storedRef}>${r.name}</option>`)}
            </select></label>`
        : nothing}
      <p class="hint">The built-in regional entries are approximate (see the Profile stage); import the IPIP-FFM file for real regional norms.</p>
    </fieldset>`;
  }

  private selectionFields(running: boolean) {
    const num = (name: string, label: string, value: string, set: (v: string) => void) =>
      html`<label>${label} <input name=${name} inputmode="decimal" .value=${value} @input=${(e: Event) => set((e.target as HTMLInputElement).value)} /></label>`;
    return html`<fieldset ?disabled=${running}>
      <legend>Selection</legend>
      ${num('size', 'Set size K', this.size, (v) => (this.size = v))}
      <label>Candidates
        <select name="candidateMode" @change=${(e: Event) => (this.candidateMode = (e.target as HTMLSelectElement).value as 'top' | 'minScore')}>
          <option value="top" ?selected=${this.candidateMode === 'top'}>Top N by score</option>
          <option value="minScore" ?selected=${this.candidateMode === 'minScore'}>Score at least…</option>
        </select>
      </label>
      ${this.candidateMode === 'top' ? num('topN', 'Top N', this.topN, (v) => (this.topN = v)) : num('minScore', 'Minimum cosine', this.minScore, (v) => (this.minScore = v))}
      <label>Re-alignment method
        <select name="method" @change=${(e: Event) => (this.method = (e.target as HTMLSelectElement).value)}>
          ${Object.values(ALIGN_METHODS).map((m) => html`<option value=${m.name} ?selected=${m.name === this.method}>${m.name}</option>`)}
        </select>
      </label>
      ${num('seed', 'Seed', this.seed, (v) => (this.seed = v))} ${num('holdout', 'Held-out share of the reference', this.holdout, (v) => (this.holdout = v))}
    </fieldset>`;
  }

  private embedderFields(running: boolean) {
    const e = this.embedder;
    const pickerService = e && 'listCached' in e && 'importFolder' in e ? (e as unknown as EmbedderPickerService) : undefined;
    return html`<fieldset ?disabled=${running}>
      <legend>Embedder</legend>
      ${pickerService
        ? html`<embedder-picker
            .service=${pickerService}
            .value=${this.embedderId}
            @pa-embedder-change=${(ev: CustomEvent<EmbedderChangeDetail>) => (this.embedderId = ev.detail.modelId)}
          ></embedder-picker>`
        : html`<label>Embedder
              <select name="embedder" aria-describedby="tg-embedder-limits" @change=${(ev: Event) => (this.embedderId = (ev.target as HTMLSelectElement).value)}>
                ${embedderChoices().map((c) => html`<option value=${c.id} ?selected=${c.id === this.embedderId}>${c.label}</option>`)}
              </select>
            </label>
            <p class="hint" id="tg-embedder-limits">${embedderChoices().find((c) => c.id === this.embedderId)?.limits.join('; ') ?? ''}</p>`}
      <label class="inline">
        <input type="checkbox" name="adapter" .checked=${this.useAdapter} ?disabled=${!this.adapterAvailable} @change=${(e: Event) => (this.useAdapter = (e.target as HTMLInputElement).checked)} />
        Train the contrastive adapter on (query, persona) pairs (held-out recall@10 and nDCG@10 before/after are reported)
      </label>
      ${this.useAdapter
        ? html`<target-queries
            .records=${this.poolRecords}
            .store=${this.targetStore && 'latestQuerySets' in this.targetStore ? (this.targetStore as unknown as QuerySetStore) : undefined}
            .llm=${this.llm ?? (this.llmChoice ?? sharedLlmChoice()).current?.service}
            ?disabled=${running}
            @pa-query-set-change=${(e: CustomEvent<string>) => (this.querySetId = e.detail)}
          ></target-queries>`
        : nothing}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'target-stage': TargetStage;
  }
}
