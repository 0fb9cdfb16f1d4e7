import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { readMiningSelection, type MiningSelection } from '../../app/mining-selection';
import { DATA_CHANGED } from '../../app/events';
import { storeContext, type CorpusStoreApi } from '../../app/services';
import { controls, tokens } from '../../app/tokens';
import type { LlmModelInfo, LlmService } from '../../contracts/llm';
import type { Progress } from '../../contracts/progress';
import type { StageName } from '../../core/stages/types';
import type { AppDb } from '../../storage/db';
import { PersonaJobs, type JobView, type RunHandle, type StartRequest } from '../../pipeline/persona-jobs-controller';
import type { PipelineAuthor } from '../../pipeline/stages/persona-pipeline';
import { llmChoiceContext, sharedLlmChoice, type LlmChoice } from '../llm-backend-picker/context';
import { JOB_STOP, type JobStopDetail } from '../job-progress/job-progress';
import '../job-progress/job-progress';
import { readStageSelection } from '../persona-import-panel/persona-owner';
import '../persona-import-panel/persona-owner-select';
import { errorText } from '../shared/error-text';

/**
 * What the Personas, Quality and Profile views share: the database (PersonaJobs over `dbName`, or
 * a `jobs` set by the host), the Corpus stage's selection, the LLM (the `llm` property, which tests
 * use to inject the test engine, else the picker's LlmChoice), and one running job with progress,
 * Pause / Cancel, and the job's state after it stops (so a reopened view offers Resume).
 * Subclasses render their stage and call `runStage()`.
 */
export abstract class PersonaStageBase extends LitElement {
  /** IndexedDB database name (tests use a fresh one); default: the app's database. */
  @property() dbName: string | undefined;
  /** Job/persona access; created over `dbName` when unset. */
  @property({ attribute: false }) jobs: PersonaJobs | undefined;
  /** An LLM set by the host page (tests inject the test engine here; never offered in the UI). */
  @property({ attribute: false }) llm: LlmService | undefined;
  /** Overrides readMiningSelection() (tests). */
  @property({ attribute: false }) selection: MiningSelection | null | undefined;

  @consume({ context: llmChoiceContext, subscribe: true })
  @state()
  protected choice: LlmChoice | undefined;

  /** The shell's corpus store: when it exposes its database (CorpusStore.db), the views use the same one. */
  @consume({ context: storeContext, subscribe: true })
  @state()
  private corpusStore: CorpusStoreApi | undefined;

  @state() protected sel: MiningSelection | null = null;
  @state() protected corpusName = '';
  @state() protected authors: PipelineAuthor[] = [];
  @state() protected jobView: JobView | undefined;
  @state() protected progress: Progress | undefined;
  @state() protected running = false;
  @state() protected stopping = false;
  @state() protected error = '';
  @state() protected status = '';
  @state() private pickerOpen: boolean | undefined;

  protected abstract readonly stage: StageName;
  private run: RunHandle | undefined;
  private opening: Promise<PersonaJobs> | undefined;
  private readonly onChoice = (): void => this.requestUpdate();
  private watched: LlmChoice | undefined;

  static override styles = [
    tokens,
    controls,
    css`
      :host { display: block; }
      section { margin-block: var(--pa-space-5, 1.5rem); }
      h2 { font-size: var(--pa-text-lg); margin: 0 0 var(--pa-space-2); }
      h3 { font-size: var(--pa-text-md); margin: var(--pa-space-3) 0 var(--pa-space-2); }
      .row { display: flex; flex-wrap: wrap; gap: var(--pa-space-3); align-items: end; margin-block: var(--pa-space-2); }
      label.stack { display: flex; flex-direction: column; gap: var(--pa-space-1); font-size: var(--pa-text-sm); }
      input[type='number'] { width: 7rem; }
      .error { border: 1px solid var(--pa-danger); background: var(--pa-danger-soft); border-radius: var(--pa-radius); padding: var(--pa-space-2) var(--pa-space-3); }
      .box { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); background: var(--pa-surface); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); }
      th, td { border-bottom: 1px solid var(--pa-border); padding: var(--pa-space-1) var(--pa-space-2); text-align: start; vertical-align: top; }
      td.num, th.num { text-align: end; }
      .failed li { overflow-wrap: anywhere; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.watchChoice();
    // The picker (and <model-manager> behind it) loads only when no LLM was injected.
    if (!this.llm) void import('../llm-backend-picker/llm-backend-picker');
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Leaving the view pauses the job (resumable), so no model call runs for a view nobody sees.
    this.run?.pause();
    this.watched?.removeEventListener('change', this.onChoice);
    this.watched = undefined;
  }

  protected override willUpdate(): void {
    this.watchChoice();
  }

  private watchChoice(): void {
    const c = this.choice ?? sharedLlmChoice();
    if (c === this.watched) return;
    this.watched?.removeEventListener('change', this.onChoice);
    this.watched = c;
    c.addEventListener('change', this.onChoice);
  }

  protected async getJobs(): Promise<PersonaJobs> {
    if (this.jobs) return this.jobs;
    // One opening shared by concurrent callers (refresh, reference loading), so one connection.
    this.opening ??= (async () => {
      const shellDb = this.dbName === undefined ? dbOf(this.corpusStore) : undefined;
      return shellDb ? new PersonaJobs(await shellDb()) : PersonaJobs.open(this.dbName);
    })();
    try {
      this.jobs = await this.opening;
    } finally {
      this.opening = undefined;
    }
    return this.jobs;
  }

  /** The LLM to run with: the injected one, else the picker's choice. */
  protected llmService(): LlmService | undefined {
    return this.llm ?? (this.choice ?? sharedLlmChoice()).current?.service;
  }

  protected async modelInfo(): Promise<LlmModelInfo | undefined> {
    return (await this.llmService()?.info()) ?? undefined;
  }

  /** The refresh in flight: a run waits for it, so a Start clicked early never sees an empty author list. */
  private refreshing: Promise<void> = Promise.resolve();

  /** Reloads selection, authors, the job's state and the stage's data. */
  refresh(): Promise<void> {
    const next = this.refreshing.then(() => this.reload());
    this.refreshing = next;
    return next;
  }

  private async reload(): Promise<void> {
    try {
      const jobs = await this.getJobs();
      // Mining always uses the Corpus stage's corpus; Quality and Profile may use an imported persona set.
      this.sel = this.selection !== undefined ? this.selection : this.stage === 'mine' ? readMiningSelection() : readStageSelection();
      if (!this.sel) return;
      this.corpusName = (await jobs.corpusName(this.sel.corpusId)) ?? this.sel.corpusId;
      this.authors = await jobs.selectedAuthors(this.sel.corpusId, this.sel.filter);
      this.jobView = await jobs.view(this.sel.corpusId, this.stage);
      await this.loadData(jobs);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** Stage data to (re)load after a refresh or a run. */
  protected abstract loadData(jobs: PersonaJobs): Promise<void>;

  /** Runs (or resumes) this view's stage job; progress, stop and final state are handled here. */
  protected async runStage(req: Omit<StartRequest, 'corpusId' | 'authors' | 'llm' | 'onProgress'>): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.refreshing;
    const llm = this.llmService();
    if (!this.sel || !llm) {
      this.running = false;
      if (this.sel) this.error = 'Choose a model first (above): on this device, or an OpenAI-compatible server.';
      return;
    }
    this.error = '';
    this.status = '';
    this.stopping = false;
    this.progress = undefined;
    const jobs = await this.getJobs();
    let lastData = 0;
    this.run = jobs.start(this.stage, {
      ...req, corpusId: this.sel.corpusId, authors: this.authors, llm,
      onProgress: (p) => {
        this.progress = p;
        // Show results as they arrive, at most about once a second.
        if (Date.now() - lastData > 1000) {
          lastData = Date.now();
          void this.loadData(jobs);
        }
      },
    });
    let statusText = '';
    try {
      const r = await this.run.done;
      const s = r.jobs[this.stage];
      if (s) statusText = `${s.job.status === 'done' ? 'Finished' : s.job.stoppedBy === 'limit' ? 'Stopped at the pilot cap' : s.job.status === 'paused' ? 'Paused' : s.job.status === 'cancelled' ? 'Cancelled' : s.job.status}: ${s.counts.done} done, ${s.counts.failed} failed, ${s.counts.pending} pending.`;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.run = undefined;
      this.running = false;
      this.stopping = false;
      // The shell recounts what each stage has (its stage list).
      this.dispatchEvent(new CustomEvent(DATA_CHANGED, { bubbles: true, composed: true }));
      if (this.isConnected) await this.refresh();
      // Set after the refresh, so the status line never runs ahead of the figures it sums up.
      this.status = statusText;
    }
  }

  private onStop(e: CustomEvent<JobStopDetail>): void {
    this.stopping = true;
    if (e.detail === 'pause') this.run?.pause();
    else this.run?.cancel();
  }

  /** The job's state line and Resume hint when it is not running. */
  protected renderJobState(noun: string, rateLabel?: string): TemplateResult | typeof nothing {
    if (this.running) {
      return html`<job-progress .progress=${this.progress} noun=${noun} rateLabel=${rateLabel ?? nothing} ?stopping=${this.stopping} @pa-job-stop=${(e: CustomEvent<JobStopDetail>) => this.onStop(e)}></job-progress>`;
    }
    const v = this.jobView;
    if (!v) return nothing;
    const unfinished = v.counts.pending + v.counts.running > 0;
    return html`<p class="box job-state" role="status">
      Job: ${v.job.status}${v.job.stoppedBy ? ` (${v.job.stoppedBy})` : ''}; ${v.counts.done} of ${v.job.total} ${noun} done, ${v.counts.failed} failed${unfinished ? html`, ${v.counts.pending + v.counts.running} left: press <strong>Resume</strong> to continue where it stopped` : ''}.
      ${v.job.error ? html`<br /><span class="error-text">${v.job.error}</span>` : nothing}
    </p>`;
  }

  protected renderFailed(): TemplateResult | typeof nothing {
    const failed = this.jobView?.failed ?? [];
    if (!failed.length) return nothing;
    return html`<details class="failed"><summary>Failed items (${failed.length})</summary>
      <ul>${failed.map((f) => html`<li><span dir="auto">${f.key}</span>: ${f.reason ?? 'no reason recorded'}</li>`)}</ul></details>`;
  }

  protected renderErrors(): TemplateResult {
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.status ? html`<p role="status" class="run-status">${this.status}</p>` : nothing}`;
  }

  protected renderNoCorpus(): TemplateResult {
    return html`${this.stage === 'mine' ? nothing : this.renderOwnerPicker()}<p class="box">Choose a corpus and its authors in the <a href="#/corpus">Corpus stage</a> first${this.stage === 'mine' ? '' : ', or import a persona set in the Personas stage'}.</p>`;
  }

  /** "Personas from": the corpus or an imported persona set (shown once a set exists). */
  protected renderOwnerPicker(): TemplateResult {
    return html`<persona-owner-select .db=${this.jobs?.db} ?disabled=${this.running} @pa-persona-owner-change=${() => void this.refresh()}></persona-owner-select>`;
  }

  protected get unfinished(): boolean {
    const v = this.jobView;
    return !!v && v.counts.pending + v.counts.running > 0 && v.job.status !== 'done';
  }

  protected llmSection(): TemplateResult {
    if (this.llm) return html`<p class="muted">Model: set by the host page.</p>`;
    const open = this.pickerOpen ?? !this.llmService();
    // The picker (and the model worker behind it) is only mounted while this section is open.
    return html`<details class="model" ?open=${open} @toggle=${(e: Event) => (this.pickerOpen = (e.target as HTMLDetailsElement).open)}>
      <summary>Model${this.llmService() ? `: ${(this.choice ?? sharedLlmChoice()).current?.label ?? ''}` : ' (none chosen)'}</summary>
      ${open ? html`<llm-backend-picker></llm-backend-picker>` : nothing}</details>`;
  }
}

function dbOf(store: CorpusStoreApi | undefined): (() => Promise<AppDb>) | undefined {
  const db = (store as { db?: unknown } | undefined)?.db;
  return typeof db === 'function' ? () => (db as () => Promise<AppDb>).call(store) : undefined;
}

export { errorText };
