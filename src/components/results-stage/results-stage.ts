import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls, tokens } from '../../app/tokens';
import { storeContext, type CorpusStoreApi } from '../../app/services';
import type { Progress } from '../../contracts/progress';
import type { StoredRun } from '../../contracts/run';
import { isAppError } from '../../core/errors';
import { formatCount } from '../../core/format';
import type { StoredPersona } from '../../core/stages/types';
import type { AlignRunner } from '../../pipeline/align-runner';
import { evaluationNote } from '../../pipeline/align-report';
import { computeComparison, type Comparison } from '../../pipeline/results/comparisons';
import { comparisonMetrics, storedMetrics } from '../../pipeline/results/metrics';
import { browserRows, type BrowserRow } from '../../pipeline/results/persona-filter';
import { percentileIndex, type PercentileIndex } from '../../pipeline/results/percentiles';
import { resultsModel } from '../../pipeline/results/results-model';
import { runData, type RunData } from '../../pipeline/results/run-data';
import type { AppDb } from '../../storage/db';
import { LazyDb } from '../../storage/lazy-db';
import { listRuns } from '../../storage/run-store';
import { getPersona } from '../../storage/persona-store';
import { getPosts } from '../../storage/corpus-store';
import { alignRunnerContext } from '../align-stage/context';
import { resultsFigures } from '../results-figures/figures';
import { exportFigure, type ExportedFigure, type ResultsFigure } from '../results-figures/figure';
import type { PersonaSourceDetail } from '../persona-browser/persona-page';
import '../results-figure/results-figure';
import '../results-metrics/results-metrics';
import '../results-progress/results-progress';
import '../persona-browser/persona-browser';
import '../export-panel/export-panel';
import { RunControl } from '../shared/run-control';
import { errorText } from '../shared/error-text';

/**
 * <results-stage>: the Results stage (issue 8, "Look"). Pick a stored Align or Target run (newest
 * first, from the `runs` store); see its density overlays, correlation heatmaps, weights, PCA
 * scatter (each with a table alternative and SVG/PNG downloads) and the METHOD.md §7 metrics;
 * compute the IS-only and IS + OT baselines on demand in the align worker (progress, Cancel); browse
 * the final set and the pool in the persona browser; take the run away with <export-panel>.
 *
 * Services: `dbName` (tests) or the shell's corpus store's database; `runner` (or the
 * alignRunnerContext) for the baselines, else the real align worker on first use.
 * The route's first parameter, when given, preselects a run id (#/results/RUN_ID).
 */
@customElement('results-stage')
export class ResultsStage extends LitElement {
  @property() dbName: string | undefined;
  @property({ attribute: false }) runId: string | null = null;

  @consume({ context: alignRunnerContext, subscribe: true })
  @property({ attribute: false })
  runner: AlignRunner | undefined;

  @consume({ context: storeContext, subscribe: true })
  @state()
  private corpusStore: CorpusStoreApi | undefined;

  @state() private runs: StoredRun[] | undefined;
  @state() private data: RunData | undefined;
  @state() private figures: ResultsFigure[] = [];
  @state() private comparison: Comparison | undefined;
  @state() private rows: BrowserRow[] = [];
  @state() private percentiles: PercentileIndex | undefined;
  @state() private phase: 'idle' | 'comparing' = 'idle';
  @state() private progress: Progress | undefined;
  @state() private inner: Progress | undefined;
  @state() private error = '';
  @state() private status = '';

  private lazy: LazyDb | undefined;
  private exported: ExportedFigure[] = [];
  private exportedFor: ResultsFigure[] | undefined;
  private readonly control = new RunControl(this, 250);

  static override styles = [
    tokens,
    controls,
    css`
      :host { display: block; }
      section { margin-block: var(--pa-space-6); }
      h2 { margin-top: 0; }
      .figures { display: grid; gap: var(--pa-space-4); }
      .pick { display: flex; flex-wrap: wrap; gap: var(--pa-space-3); align-items: end; }
      label.stack { display: grid; gap: 2px; }
      select { max-width: 48rem; }
      .error { border: 1px solid var(--pa-danger); background: var(--pa-danger-soft); border-radius: var(--pa-radius); padding: var(--pa-space-3) var(--pa-space-4); }
      .note { font-size: var(--pa-text-sm); }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** The database: `dbName`'s (tests), else the shell's corpus store's, else the app's. */
  private async db(): Promise<AppDb> {
    const shell = (this.corpusStore as { db?: () => Promise<AppDb> } | undefined)?.db;
    if (this.dbName === undefined && typeof shell === 'function') return shell.call(this.corpusStore);
    this.lazy ??= new LazyDb(this.dbName);
    return this.lazy.get();
  }

  /** Re-reads the run list (newest first) and opens the chosen run, or the newest finished one. */
  async refresh(): Promise<void> {
    try {
      this.runs = await listRuns(await this.db());
      const wanted = this.runs.find((r) => r.id === (this.data?.run.id ?? this.runId)) ?? this.runs.find((r) => r.status === 'done' && r.result);
      if (wanted && wanted.status === 'done') this.open(wanted);
    } catch (e) {
      this.error = `Stored runs could not be read: ${errorText(e)}`;
    }
  }

  private open(run: StoredRun): void {
    this.control.stop();
    this.error = '';
    this.comparison = undefined;
    try {
      const data = runData(run);
      this.data = data;
      this.figures = resultsFigures(resultsModel(data));
      this.rows = browserRows(data.result);
      this.percentiles = percentileIndex(data.reference);
      this.status = `Showing run "${run.title}".`;
    } catch (e) {
      this.data = undefined;
      this.figures = [];
      this.rows = [];
      this.error = errorText(e);
    }
  }

  private choose(id: string): void {
    const run = this.runs?.find((r) => r.id === id);
    if (run) this.open(run);
    this.dispatchEvent(new CustomEvent<string>('pa-open-run', { detail: id, bubbles: true, composed: true }));
  }

  private async getRunner(): Promise<AlignRunner> {
    if (this.runner) return this.runner;
    const { createDefaultAlignRunner } = await import('../align-stage/default-runner');
    this.runner = createDefaultAlignRunner();
    return this.runner;
  }

  private async compare(): Promise<void> {
    const data = this.data;
    if (!data || this.phase === 'comparing') return;
    const ac = this.control.start();
    this.phase = 'comparing';
    this.progress = undefined;
    this.inner = undefined;
    this.error = '';
    try {
      const c = await computeComparison(ac.signal, data, await this.getRunner(), (p) => {
        if (p.stage === 'comparison') this.progress = p;
        else this.inner = p;
      });
      if (this.data !== data) return;
      this.comparison = c;
      this.figures = resultsFigures(resultsModel(data, c));
      this.status = `IS only and IS + OT computed for "${data.run.title}".`;
    } catch (e) {
      if (isAppError(e, 'AbortError')) this.status = 'Baselines cancelled; nothing was changed.';
      else this.error = `The baselines could not be computed: ${errorText(e)}`;
    } finally {
      this.control.finish(ac);
      this.phase = 'idle';
    }
  }

  private cancel(): void {
    this.control.cancel();
  }

  private async loadSource(row: BrowserRow): Promise<PersonaSourceDetail> {
    const db = await this.db();
    const stored: StoredPersona | undefined = await getPersona(db, row.record?.id ?? row.id);
    const src = row.record?.source;
    const posts = src?.kind === 'mined' ? await getPosts(db, src.corpusId, src.author) : [];
    return { stored, posts };
  }

  private renderPicker() {
    const runs = this.runs;
    if (runs === undefined) return html`<p class="muted">Reading stored runs…</p>`;
    if (runs.length === 0) return html`<p class="muted" data-testid="no-runs">No stored runs yet. Run an alignment in the Align stage (or a target group in Target); its results appear here.</p>`;
    return html`<div class="pick">
      <label class="stack">Run (newest first)
        <select name="run" .value=${this.data?.run.id ?? ''} @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}>
          ${this.data ? nothing : html`<option value="" disabled selected>Choose a run</option>`}
          ${runs.map((r) => html`<option value=${r.id} ?disabled=${r.status !== 'done' || !r.result} ?selected=${r.id === this.data?.run.id}>
            ${r.kind === 'target' ? 'Target' : 'Align'} · ${r.title} · ${new Date(r.createdAt).toLocaleString()}${r.status === 'done' ? '' : ` (${r.status})`}</option>`)}
        </select>
      </label>
      <button type="button" @click=${() => void this.refresh()}>Reload list</button>
    </div>`;
  }

  private renderSummary(d: RunData) {
    const ev = d.evaluation;
    return html`<p data-testid="rs-summary">${d.run.kind === 'target' ? 'Target' : 'Align'} run, method <strong>${d.method}</strong>, seed ${d.seed}:
      selected ${formatCount(d.size)} of ${formatCount(d.pool.n)} personas; judged against ${formatCount(d.reference.n)} reference points.
      ${ev ? evaluationNote(ev) : ''}</p>`;
  }

  private renderComparison(d: RunData) {
    const c = this.comparison;
    if (this.phase === 'comparing') {
      return html`<results-progress .progress=${this.progress} .inner=${this.inner} .elapsedMs=${this.control.elapsedMs} ?cancelling=${this.control.cancelling}
        @pa-results-cancel=${() => this.cancel()}></results-progress>`;
    }
    if (!c) {
      return html`<p class="note">METHOD.md §7 shows IS only and IS + OT beside every aligned set. They are computed on demand from this run's stored pool and reference
        with its seed (${d.seed}) and size (${formatCount(d.size)}), in the alignment worker.</p>
        <button type="button" class="primary" data-testid="rs-compare" @click=${() => void this.compare()}>Compute IS only and IS + OT</button>`;
    }
    return html`<p class="note" data-testid="rs-comparison-note">All five sets below are judged against the same ${formatCount(c.judgedN)} reference points;
        IS only and IS + OT were matched to the other ${formatCount(c.matchN)} (a seeded split of this run's evaluation points), so no set is judged on points it was matched to
        ${c.runMatchedJudged ? html` — except this run's own selection: the run was evaluated in-sample, so its column is optimistic` : ''}.
        IS only: ESS ${c.is.ess.toFixed(1)}, ${c.is.trimmed} weights at the trimming cap; backend ${c.is.backend}, ${c.isOt.backend} for IS + OT.</p>
      <results-metrics data-testid="rs-comparison" caption="Baselines: raw pool, random subset, IS only, IS + OT and this run, on one yardstick" .metrics=${comparisonMetrics(c)}></results-metrics>`;
  }

  /**
   * Take away: <export-panel> (persona files, manifest, printable report page) for this run, with
   * this view's figures serialised for the report ({title, svg, table}; built once per figure set).
   */
  private renderExport(d: RunData) {
    if (this.exportedFor !== this.figures) {
      this.exportedFor = this.figures;
      try {
        this.exported = this.figures.map((f) => exportFigure(f));
      } catch {
        this.exported = []; // the report still has the manifest and the metrics; the page shows the plots' own error
      }
    }
    return html`<export-panel data-testid="rs-export" .run=${d.run} .figures=${this.exported}></export-panel>`;
  }

  override render() {
    const d = this.data;
    return html`
      <h2>Results</h2>
      ${this.renderPicker()}
      <p class="visually-hidden" role="status">${this.status}</p>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${d
        ? html`
            ${this.renderSummary(d)}
            <section aria-labelledby="rs-metrics-h">
              <h3 id="rs-metrics-h">Metrics</h3>
              <results-metrics data-testid="rs-metrics" caption="This run as stored: raw pool, random subset, selection and sampling floor" .metrics=${storedMetrics(d.result)}></results-metrics>
              ${this.renderComparison(d)}
            </section>
            <section aria-labelledby="rs-plots-h">
              <h3 id="rs-plots-h">Plots</h3>
              <div class="figures">${this.figures.map((f) => html`<results-figure .figure=${f} data-figure=${f.id}></results-figure>`)}</div>
              ${this.figures.some((f) => f.id === 'weights') ? nothing : html`<p class="muted note">No importance weights yet: this run's method did not compute any. Compute the baselines to see the IS weights.</p>`}
            </section>
            <section aria-labelledby="rs-personas-h">
              <h3 id="rs-personas-h">Personas</h3>
              <persona-browser .rows=${this.rows} .percentiles=${this.percentiles} .loadSource=${(r: BrowserRow) => this.loadSource(r)}></persona-browser>
            </section>
            <section aria-label="Take away">${this.renderExport(d)}</section>
          `
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'results-stage': ResultsStage;
  }
}
