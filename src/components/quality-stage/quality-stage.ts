import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { StoredPost } from '../../contracts/corpus-store';
import { formatCount } from '../../core/format';
import { personaSubject, type StageName, type StoredPersona } from '../../core/stages/types';
import type { PersonaJobs, ViewPersona } from '../../pipeline/persona-jobs-controller';
import { pipelineOptions } from '../../pipeline/stages/persona-pipeline';
import { PersonaStageBase, errorText } from '../persona-stage-base/persona-stage-base';
import { isPersonaSetId } from '../../storage/persona-set-store';
import '../persona-detail/persona-detail';
import '../persona-list/persona-list';

/**
 * <quality-stage>: the Quality stage (METHOD.md §3). Runs the quality job (rule checks, plus the
 * LLM judge unless turned off) over the mined personas; the threshold re-derives every verdict
 * from the stored scores (no model call); counts kept / rejected per reason; the rejected list with
 * reasons and the judge's words; a stored manual Keep / Reject per persona that survives threshold
 * changes.
 */
@customElement('quality-stage')
export class QualityStage extends PersonaStageBase {
  protected readonly stage: StageName = 'quality';

  @state() private threshold = 4;
  @state() private judge = true;
  @state() private seed = 1;
  @state() private personas: ViewPersona[] = [];
  @state() private selectedId: string | null = null;
  @state() private posts: StoredPost[] = [];
  @state() private view: 'rejected' | 'kept' = 'rejected';
  private thresholdKnown = false;

  protected async loadData(jobs: PersonaJobs): Promise<void> {
    if (!this.sel) return;
    // Mined personas of a corpus, or every persona of an imported set (no mining stage there).
    this.personas = (await jobs.listPersonas(this.sel.corpusId)).filter((p) => p.stages.mine || p.source.kind === 'imported');
    // The threshold the stored verdicts were derived with, once, so the control starts in agreement.
    const t = this.personas.find((p) => p.stages.quality)?.stages.quality?.threshold;
    if (!this.thresholdKnown && t !== undefined) {
      this.threshold = t;
      this.thresholdKnown = true;
    }
  }

  private start(): void {
    try {
      const options = pipelineOptions({ seed: this.seed, quality: { threshold: this.threshold, judge: this.judge } });
      void this.runStage({ options });
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async setThreshold(t: number): Promise<void> {
    this.threshold = t;
    this.thresholdKnown = true;
    if (!this.sel || this.running) return;
    try {
      const jobs = await this.getJobs();
      const r = await jobs.setThreshold(this.sel.corpusId, t);
      await this.loadData(jobs);
      this.status = `Threshold ${t}: ${r.kept} kept, ${r.changed} verdicts changed (no model call).`;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async override(p: ViewPersona, verdict: 'keep' | 'reject' | null): Promise<void> {
    try {
      await (await this.getJobs()).setOverride(p, verdict);
      await this.loadData(await this.getJobs());
      this.status = verdict ? `Marked ${personaSubject(p)} as ${verdict === 'keep' ? 'kept' : 'rejected'} by hand.` : `Manual verdict of ${personaSubject(p)} removed.`;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async select(id: string): Promise<void> {
    this.selectedId = id;
    const p = this.personas.find((x) => x.id === id);
    if (!p || !this.sel) return;
    this.posts = await (await this.getJobs()).posts(this.sel.corpusId, personaSubject(p));
  }

  override render() {
    if (!this.sel) return html`<h2>Quality</h2>${this.renderNoCorpus()}${this.renderErrors()}`;
    const assessed = this.personas.filter((p) => p.quality);
    const kept = assessed.filter((p) => p.quality!.kept);
    const rejected = assessed.filter((p) => !p.quality!.kept);
    const reasons = reasonCounts(rejected);
    const shown = this.view === 'rejected' ? rejected : kept;
    const selected = this.personas.find((p) => p.id === this.selectedId);
    return html`
      <h2>Quality</h2>
      ${this.renderOwnerPicker()}
      <p class="box"><strong>${formatCount(this.personas.length)}</strong> ${isPersonaSetId(this.sel.corpusId) ? 'imported' : 'mined'} personas of <span dir="auto">${this.corpusName}</span>; ${formatCount(assessed.length)} assessed.</p>
      ${this.llmSection()}
      <section aria-labelledby="q-settings">
        <h3 id="q-settings">Settings</h3>
        <div class="row">
          <label class="stack">Keep when every judge score ≥
            <select name="threshold" .value=${String(this.threshold)} @change=${(e: Event) => void this.setThreshold(Number((e.target as HTMLSelectElement).value))}>
              ${[1, 2, 3, 4, 5].map((t) => html`<option value=${t} ?selected=${t === this.threshold}>${t}</option>`)}
            </select>
          </label>
          <label><input type="checkbox" name="judge" .checked=${this.judge} ?disabled=${this.running} @change=${(e: Event) => (this.judge = (e.target as HTMLInputElement).checked)} /> LLM judge (${isPersonaSetId(this.sel.corpusId) ? 'consistency, specificity: an imported set has no source posts' : 'faithfulness, consistency, specificity'})</label>
          <label class="stack">Seed
            <input type="number" name="seed" step="1" .value=${String(this.seed)} ?disabled=${this.running} @input=${(e: Event) => { const v = (e.target as HTMLInputElement).valueAsNumber; if (Number.isFinite(v)) this.seed = Math.floor(v); }} />
          </label>
          <button type="button" class="primary start" ?disabled=${this.running || this.personas.length === 0} @click=${() => this.start()}>
            ${this.unfinished ? 'Resume' : this.jobView ? 'Assess new personas' : 'Run quality checks'}
          </button>
        </div>
        <p class="muted">Changing the threshold re-derives the verdicts from the stored rule findings and judge scores; nothing is sent to the model.</p>
      </section>
      ${this.renderErrors()}
      ${this.renderJobState('personas')}
      ${this.renderFailed()}
      <section aria-labelledby="q-counts">
        <h3 id="q-counts">Verdicts</h3>
        <table class="counts">
          <caption class="visually-hidden">Kept and rejected personas, and rejections per reason</caption>
          <tbody>
            <tr><th scope="row">Kept</th><td class="num kept">${kept.length}</td></tr>
            <tr><th scope="row">Rejected</th><td class="num rejected">${rejected.length}</td></tr>
            ${reasons.map(([r, n]) => html`<tr><th scope="row">— ${r}</th><td class="num">${n}</td></tr>`)}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="q-list">
        <h3 id="q-list">
          <label>Show <select name="view" .value=${this.view} @change=${(e: Event) => (this.view = (e.target as HTMLSelectElement).value as 'rejected' | 'kept')}>
            <option value="rejected">rejected (${rejected.length})</option><option value="kept">kept (${kept.length})</option></select></label>
        </h3>
        <persona-list label=${`${this.view} personas`} .personas=${shown} .selectedId=${this.selectedId} .extra=${noteOf}
          @pa-select-persona=${(e: CustomEvent<string>) => void this.select(e.detail)}></persona-list>
      </section>
      ${selected ? this.renderSelected(selected) : nothing}
    `;
  }

  private renderSelected(p: ViewPersona) {
    return html`<section aria-label="Persona detail">
      <div class="row override" role="group" aria-label="Manual verdict">
        <span>Manual verdict${p.override ? `: ${p.override.verdict} (set ${p.override.at.slice(0, 10)})` : ': none'}</span>
        <button type="button" name="keep" @click=${() => void this.override(p, 'keep')} ?disabled=${!p.quality}>Keep</button>
        <button type="button" name="reject" @click=${() => void this.override(p, 'reject')} ?disabled=${!p.quality}>Reject</button>
        <button type="button" name="clear" @click=${() => void this.override(p, null)} ?disabled=${!p.override}>Use the threshold's verdict</button>
      </div>
      <persona-detail .persona=${p} .posts=${this.posts}></persona-detail>
    </section>`;
  }
}

/** Rejection reasons grouped by kind ("length", "judge faithfulness", "manual override"), most frequent first. */
export function reasonCounts(rejected: readonly StoredPersona[]): [string, number][] {
  const m = new Map<string, number>();
  for (const p of rejected) {
    const kinds = new Set((p.quality?.reasons ?? []).map((r) => (r.startsWith('judge ') ? r.split(' ').slice(0, 2).join(' ') : r.split(':')[0]!)));
    for (const k of kinds) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function noteOf(p: StoredPersona): string {
  const reasons = p.quality?.reasons.join('; ') ?? '';
  const judge = p.stages.quality?.judge?.rationale;
  return [reasons, judge ? `Judge: ${judge}` : ''].filter(Boolean).join(' — ');
}

declare global {
  interface HTMLElementTagNameMap {
    'quality-stage': QualityStage;
  }
}
