import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { AuthorFilter, StoredPost } from '../../contracts/corpus-store';
import { formatCount } from '../../core/format';
import { PERSONA_PROMPT, type PromptTemplate } from '../../core/stages/prompts';
import { personaSubject, type StageName } from '../../core/stages/types';
import type { PersonaJobs, ViewPersona } from '../../pipeline/persona-jobs-controller';
import { pipelineOptions } from '../../pipeline/stages/persona-pipeline';
import { PersonaStageBase, errorText } from '../persona-stage-base/persona-stage-base';
import '../persona-detail/persona-detail';
import '../persona-list/persona-list';
import '../prompt-editor/prompt-editor';
import '../persona-import-panel/persona-import-panel';

/**
 * <personas-stage>: the Personas stage (METHOD.md §2). Shows the Corpus stage's corpus and author
 * filter, the model picker, the mining prompt (editable; an edit gets a new hash), a pilot cap and
 * the seed; Start / Resume the mine job with progress, Pause and Cancel; the mined personas and one
 * persona beside its source posts; failed authors with their reasons.
 * A job left unfinished (paused, a closed tab) is offered for Resume when the view opens again.
 */
@customElement('personas-stage')
export class PersonasStage extends PersonaStageBase {
  protected readonly stage: StageName = 'mine';

  @state() private prompt: PromptTemplate = PERSONA_PROMPT;
  @state() private cap: number | undefined = 20;
  @state() private seed = 1;
  @state() private personas: ViewPersona[] = [];
  @state() private selectedId: string | null = null;
  @state() private posts: StoredPost[] = [];

  protected async loadData(jobs: PersonaJobs): Promise<void> {
    if (!this.sel) return;
    this.personas = (await jobs.listPersonas(this.sel.corpusId)).filter((p) => p.stages.mine);
  }

  private async select(id: string): Promise<void> {
    this.selectedId = id;
    const p = this.personas.find((x) => x.id === id);
    if (!p || !this.sel) return;
    try {
      this.posts = await (await this.getJobs()).posts(this.sel.corpusId, personaSubject(p));
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private start(): void {
    try {
      const options = pipelineOptions({ seed: this.seed, mine: { prompt: this.prompt } });
      void this.runStage({ options, ...(this.cap !== undefined ? { limit: this.cap } : {}) });
    } catch (e) {
      this.error = errorText(e);
    }
  }

  override render() {
    if (!this.sel) return html`<h2>Personas</h2>${this.renderNoCorpus()}${this.renderErrors()}${this.renderBringYourOwn()}`;
    const selected = this.personas.find((p) => p.id === this.selectedId);
    const capped = this.jobView?.job.stoppedBy === 'limit';
    return html`
      <h2>Personas</h2>
      <p class="box selection">Corpus <strong dir="auto">${this.corpusName}</strong>, ${describeFilter(this.sel.filter)}:
        <strong class="author-count">${formatCount(this.authors.length)}</strong> authors selected. <a href="#/corpus">Change in the Corpus stage</a>.</p>
      ${this.llmSection()}
      <section aria-labelledby="mine-settings">
        <h3 id="mine-settings">Mining settings</h3>
        <prompt-editor label="Mining prompt" .original=${PERSONA_PROMPT} .value=${this.prompt} @pa-prompt-change=${(e: CustomEvent<PromptTemplate>) => (this.prompt = e.detail)}></prompt-editor>
        <div class="row">
          <label class="stack">Pilot cap (authors; empty = all)
            <input type="number" name="cap" min="1" step="1" .value=${this.cap === undefined ? '' : String(this.cap)} ?disabled=${this.running}
              @input=${(e: Event) => { const v = (e.target as HTMLInputElement).valueAsNumber; this.cap = Number.isFinite(v) && v >= 1 ? Math.floor(v) : undefined; }} />
          </label>
          <label class="stack">Seed
            <input type="number" name="seed" step="1" .value=${String(this.seed)} ?disabled=${this.running}
              @input=${(e: Event) => { const v = (e.target as HTMLInputElement).valueAsNumber; if (Number.isFinite(v)) this.seed = Math.floor(v); }} />
          </label>
          <button type="button" class="primary start" ?disabled=${this.running || this.authors.length === 0} @click=${() => this.start()}>
            ${this.unfinished ? 'Resume' : this.jobView ? 'Run again (new authors only)' : 'Start mining'}
          </button>
        </div>
        ${capped && !this.running ? html`<p class="muted">The job stopped at the pilot cap; raise the cap or empty it, then Resume.</p>` : nothing}
        <p class="muted">Resuming keeps the job's original settings for authors already done; the prompt's hash is recorded with every persona.</p>
      </section>
      ${this.renderErrors()}
      ${this.renderJobState('authors', 'Personas per hour')}
      ${this.renderFailed()}
      <section aria-labelledby="mined">
        <h3 id="mined">Mined personas (${formatCount(this.personas.length)})</h3>
        <persona-list label="Mined personas" .personas=${this.personas} .selectedId=${this.selectedId} @pa-select-persona=${(e: CustomEvent<string>) => void this.select(e.detail)}></persona-list>
      </section>
      ${selected ? html`<section aria-label="Persona detail"><persona-detail .persona=${selected} .posts=${this.posts}></persona-detail></section>` : nothing}
      ${this.renderBringYourOwn()}
    `;
  }

  /** Imported persona sets (src/components/persona-import-panel): Quality, Profile and Align take them too. */
  private renderBringYourOwn() {
    return html`<section aria-labelledby="byo"><h3 id="byo">Bring your own personas</h3>
      <persona-import-panel .dbName=${this.dbName ?? this.jobs?.db.name} @pa-data-changed=${() => void this.refresh()}></persona-import-panel></section>`;
  }
}

/** The author filter in words ("all authors", "≥ 5 posts, gender: female"). */
export function describeFilter(f: AuthorFilter): string {
  const parts: string[] = [];
  if (f.minPosts !== undefined) parts.push(`≥ ${f.minPosts} posts`);
  if (f.minWords !== undefined) parts.push(`≥ ${f.minWords} words`);
  if (f.dateFrom || f.dateTo) parts.push(`posts ${f.dateFrom ?? '…'} to ${f.dateTo ?? '…'}`);
  for (const [k, v] of Object.entries(f.meta ?? {})) parts.push(`${k}: ${v.join(', ')}`);
  return parts.length ? `filter ${parts.join('; ')}` : 'no author filter';
}

declare global {
  interface HTMLElementTagNameMap {
    'personas-stage': PersonasStage;
  }
}
