import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls, tokens } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import { isAppError } from '../../core/errors';
import { formatCount } from '../../core/format';
import type { BuiltinEntry } from '../../core/reference/builtin';
import { epsilonStepOf, type EpsilonStep } from '../../pipeline/align-progress';
import type { AlignRunner } from '../../pipeline/align-runner';
import { runAlignStage, runAlignStageRecorded, type AlignRunResult, type AlignStageInput } from '../../pipeline/align-stage';
import type { StoredRun } from '../../contracts/run';
import { referenceServicesContext, type ReferenceServices } from '../reference-manager/context';
import { alignRunStoreContext, alignRunnerContext, type AlignRunStore } from './context';
import type { AlignForm } from '../align-form/align-form';
import type { AlignResults } from '../align-results/align-results';
import { RunControl } from '../shared/run-control';
import { StoredReferenceList, type StoredRefs } from '../shared/stored-references';
import { loadBuiltinEntries, publicTextFetcher } from '../shared/public-text';
import '../align-form/align-form';
import '../align-progress/align-progress';
import '../align-results/align-results';
import { errorText } from '../shared/error-text';

type Phase = 'idle' | 'running' | 'done';
/** How often runs computed in another tab are looked at again while one is shown. */
const RECHECK_MS = 3000;

/**
 * <align-stage>: the Align stage. <align-form> collects the pool, the reference, the method, K, the
 * seed and the options; Run sends the alignment to the compute worker (WebGPU, or the CPU with a
 * reason) through runAlignStage, with progress per ε step and a Cancel that stops it; then
 * <align-results> shows the diagnostics and the downloads.
 *
 * Services (all optional, so the element also works on its own):
 * - `runner` (or context `alignRunnerContext`): created over src/services/align-service.ts on first Run;
 * - `references` (or context `referenceServicesContext`, its `store`): stored references; the
 *   "Stored reference" choice is disabled without it;
 * - `fetchText`: public files (demo personas, built-in reference); default fetch from the app's base URL.
 * - `runs` (or context `alignRunStoreContext`): where runs are recorded (src/storage/run-store.ts),
 *   default the app's database; `null` records nothing.
 *
 * Every run is stored: 'running' with its request while computed (holding the run's Web Lock),
 * then 'done' with its result, 'cancelled' or 'failed'. On opening, a run left 'running' by a tab
 * that closed or crashed (no live lock) is offered for Resume (same request, same seed, same
 * selection) or Discard; one another tab is computing is shown as running there, not resumable.
 *
 * Events: `pa-align-done` (detail: AlignRunResult) after a run; `pa-run-stored` (detail: { runId })
 * once its result is stored.
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

  @consume({ context: alignRunStoreContext, subscribe: true })
  @property({ attribute: false })
  runs: AlignRunStore | null | undefined;

  /** Runs left 'running' by a closed or crashed tab, newest first (offered for Resume). */
  @state() private interrupted: StoredRun[] = [];
  /** Runs another tab or window is computing right now. */
  @state() private elsewhere: StoredRun[] = [];
  /** The id of the run this element is computing (or resuming). */
  private runId: string | undefined;

  @state() private phase: Phase = 'idle';
  @state() private progress: Progress | undefined;
  @state() private steps: EpsilonStep[] = [];
  @state() private result: AlignRunResult | undefined;
  @state() private error: string | undefined;
  @state() private status = '';
  @state() private builtins: BuiltinEntry[] = [];

  private readonly control = new RunControl(this);
  private readonly storedRefs = new StoredReferenceList(this, () => this.store(), (text) => (this.status = text));
  private recheck: ReturnType<typeof setTimeout> | undefined;

  // `tokens` too, so the element looks right standalone; inside the shell the values are the same.
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
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
      .resume {
        border: 1px solid var(--pa-border, currentColor);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
        margin: var(--pa-space-4) 0;
      }
      .resume p {
        margin: 0 0 var(--pa-space-2);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadBuiltins();
    void this.checkRuns();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.recheck);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('references') || changed.has('referenceServices' as keyof AlignStage)) && this.store()) void this.storedRefs.load();
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

  private async runStore(): Promise<AlignRunStore | undefined> {
    if (this.runs === null) return undefined;
    this.runs ??= await (await import('./default-runner')).createDefaultRunStore();
    return this.runs;
  }

  /** Finds runs to offer for Resume, and runs other tabs are computing. Errors only cost the offer. */
  async checkRuns(): Promise<void> {
    try {
      const store = await this.runStore();
      if (!store) return;
      const interrupted = (await store.findInterruptedRuns('align')).filter((r) => r.id !== this.runId);
      const free = new Set(interrupted.map((r) => r.id));
      const running = (await store.listRuns('align')).filter((r) => r.status === 'running' && r.id !== this.runId && !free.has(r.id));
      this.interrupted = interrupted;
      this.elsewhere = running;
      // A run in another tab ends there: look again shortly (it is then done, or resumable if that tab died).
      clearTimeout(this.recheck);
      if (running.length > 0 && this.isConnected) this.recheck = setTimeout(() => void this.checkRuns(), RECHECK_MS);
    } catch (e) {
      // After a run its own status (which says when it was not stored) stays.
      if (this.phase !== 'done') this.status = `Earlier runs could not be checked: ${errorText(e)}`;
    }
  }

  /** Re-runs an interrupted run's stored request under its id (same seed ⇒ same selection). */
  async resume(id: string): Promise<void> {
    const run = this.interrupted.find((r) => r.id === id);
    if (!run || this.phase === 'running') return;
    this.interrupted = this.interrupted.filter((r) => r.id !== id);
    await this.run(run.request as AlignStageInput, run.id);
  }

  /** Marks an interrupted run failed ('interrupted'), so it is no longer offered. */
  async discard(id: string): Promise<void> {
    try {
      await (await this.runStore())?.markInterrupted(id);
      this.status = 'The interrupted run was discarded.';
    } catch (e) {
      this.error = errorText(e);
    }
    await this.checkRuns();
  }

  private async run(input: AlignStageInput, resumeId?: string): Promise<void> {
    if (this.phase === 'running') return;
    this.error = undefined;
    this.result = undefined;
    this.steps = [];
    this.progress = undefined;
    this.status = 'Alignment started.';
    this.phase = 'running';
    const abort = this.control.start();
    try {
      this.runner ??= (await import('./default-runner')).createDefaultAlignRunner();
      const store = this.store();
      const services = { align: this.runner, fetchText: this.fetcher(), ...(store ? { references: store } : {}) };
      let runs = await this.runStore();
      const onProgress = (p: Progress): void => this.onProgress(p);
      let storeNote = '';
      if (runs && !resumeId) {
        // No usable IndexedDB (private mode, disabled storage): align anyway, unstored, and say so.
        try {
          await runs.getRun('');
        } catch (e) {
          runs = undefined;
          storeNote = ` This run is not stored (${errorText(e)}); download what you need now.`;
        }
      }
      let result: AlignRunResult;
      if (runs) {
        const { newRunId } = await import('../../storage/run-store');
        this.runId = resumeId ?? newRunId('align');
        if (resumeId) this.status = 'Resuming the interrupted alignment with its inputs and seed.';
        const rec = await runAlignStageRecorded(abort.signal, this.runId, input, { ...services, runs }, onProgress);
        result = rec.result;
        if (rec.storeError) storeNote = ` The run could not be stored (${rec.storeError.message}); download what you need now.`;
        else this.dispatchEvent(new CustomEvent<{ runId: string }>('pa-run-stored', { detail: { runId: rec.runId }, bubbles: true, composed: true }));
      } else {
        result = await runAlignStage(abort.signal, input, services, onProgress);
      }
      this.result = result;
      this.phase = 'done';
      this.status = `Done: selected ${formatCount(result.align.selected.length)} personas.${storeNote}`;
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
        await this.updateComplete;
        this.renderRoot.querySelector<AlignForm>('align-form')?.focusRun();
      } else {
        this.error = errorText(e);
        this.status = '';
      }
    } finally {
      this.control.finish(abort);
      this.runId = undefined;
      void this.checkRuns();
    }
  }

  private onProgress(p: Progress): void {
    this.progress = p;
    const step = epsilonStepOf(p);
    if (step) this.steps = [...this.steps, step];
  }

  /** Cancels a running alignment: the worker stops at its next check and the run rejects with AbortError. */
  cancel(): void {
    this.control.cancel();
  }

  private renderRunOffers(running: boolean) {
    const r = this.interrupted[0];
    return html`
      ${r
        ? html`<section class="resume" aria-labelledby="al-resume-title" data-testid="al-resume">
            <h3 id="al-resume-title">Interrupted alignment</h3>
            <p>
              “${r.title}”, started ${new Date(r.createdAt).toLocaleString()}, stopped when its tab was closed or crashed. Resume runs it again with the
              same inputs and seed (same selection); Discard marks it interrupted.
              ${this.interrupted.length > 1 ? ` ${this.interrupted.length - 1} older interrupted run(s) are listed after this one is handled.` : ''}
            </p>
            <button type="button" ?disabled=${running} @click=${() => void this.resume(r.id)}>Resume</button>
            <button type="button" ?disabled=${running} @click=${() => void this.discard(r.id)}>Discard</button>
          </section>`
        : nothing}
      ${this.elsewhere.length > 0
        ? html`<p class="hint" role="status" data-testid="al-elsewhere">
            ${this.elsewhere.length === 1 ? `An alignment (“${this.elsewhere[0]!.title}”) is running in another tab or window.` : `${this.elsewhere.length} alignments are running in other tabs or windows.`}
            Its result is stored when it finishes; this tab will not compute it a second time.
          </p>`
        : nothing}
    `;
  }

  override render() {
    const running = this.phase === 'running';
    return html`
      ${this.renderRunOffers(running)}
      <align-form
        .builtins=${this.builtins}
        .stored=${this.storedRefs.list}
        ?hasStore=${this.store() !== undefined}
        ?running=${running}
        .status=${this.status}
        @pa-align-run=${(e: CustomEvent<AlignStageInput>) => void this.run(e.detail)}
        @pa-align-list-stored=${() => void this.storedRefs.load()}
      ></align-form>
      ${this.error ? html`<div class="error" role="alert" data-testid="al-error">${this.error}</div>` : nothing}
      ${running
        ? html`<align-progress
            .progress=${this.progress}
            .steps=${this.steps}
            .elapsedMs=${this.control.elapsedMs}
            ?cancelling=${this.control.cancelling}
            @pa-align-cancel=${() => this.cancel()}
          ></align-progress>`
        : nothing}
      ${this.phase === 'done' && this.result ? html`<align-results .result=${this.result}></align-results>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'align-stage': AlignStage;
  }
}
