import { consume } from '@lit/context';
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ReferenceInfo } from '../../contracts/reference-store';
import type { WeightedCloud } from '../../core/cloud';
import { formatCount } from '../../core/format';
import { BUILTIN_REFERENCE_PATH, sampleBuiltin, validateBuiltinReference, type BuiltinEntry } from '../../core/reference/builtin';
import type { StageName } from '../../core/stages/types';
import { TRAIT_LABELS } from '../../core/traits';
import type { PersonaJobs } from '../../pipeline/persona-jobs-controller';
import { pipelineOptions } from '../../pipeline/stages/persona-pipeline';
import { referenceServicesContext, type ReferenceServices } from '../reference-manager/context';
import { PersonaStageBase, errorText } from '../persona-stage-base/persona-stage-base';
import { profiledPersonas, profileReport, type ProfileReport } from './report';
import '../trait-histogram/trait-histogram';
import '../results-gap/results-gap';
import { personaTraitCloud } from '../../pipeline/results/gap';
import '../trait-agreement/trait-agreement';

type Method = 'auto' | 'logprobs' | 'json';
/** Points drawn from a built-in (approximate) reference for the histograms. */
const BUILTIN_SAMPLE = 5000;

/**
 * <profile-stage>: the Profile stage (METHOD.md §4). Runs the IPIP-50 questionnaire job over the
 * kept personas (log-probability expected values when the model has them, else JSON answers with
 * temperature and repeats; seeded item order), then reports the persona trait distributions
 * against a chosen reference (built-in approximate by default, or a stored one) as small SVG
 * histograms with table alternatives, and the response-style diagnostics (α and ω per trait,
 * acquiescence, straight-lining and inconsistency flags, five-factor congruence when there are
 * enough personas). "Human references" below mounts <reference-manager> to import and view them.
 */
@customElement('profile-stage')
export class ProfileStage extends PersonaStageBase {
  protected readonly stage: StageName = 'profile';

  @consume({ context: referenceServicesContext, subscribe: true })
  @property({ attribute: false })
  references: ReferenceServices | undefined;

  /** Loads public files (the built-in reference); default: fetch from the app's base URL. */
  @property({ attribute: false }) fetchText: ((path: string) => Promise<string>) | undefined;

  @state() private method: Method = 'auto';
  @state() private temperature = 0.7;
  @state() private repeats = 3;
  @state() private seed = 1;
  @state() private supportsLogprobs: boolean | undefined;
  @state() private builtins: BuiltinEntry[] = [];
  @state() private stored: ReferenceInfo[] = [];
  /** 'builtin:<id>' or 'stored:<id>'. */
  @state() private refChoice = 'builtin:global';
  @state() private report: ProfileReport | undefined;
  @state() private refNote = '';
  private cloudCache = new Map<string, WeightedCloud>();
  private refName = 'reference';
  /** Persona and reference clouds for <results-gap> (densities and gap before alignment). */
  @state() private gapClouds: { personas: WeightedCloud | undefined; reference: WeightedCloud | undefined } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadReferences();
    void import('../reference-manager/reference-manager');
  }

  private async loadReferences(): Promise<void> {
    try {
      const fetchText = this.fetchText ?? (async (path: string) => {
        const res = await fetch(`${import.meta.env.BASE_URL}${path}`);
        if (!res.ok) throw new Error(`Could not load ${path} (HTTP ${res.status}); reload the page.`);
        return res.text();
      });
      this.builtins = validateBuiltinReference(JSON.parse(await fetchText(BUILTIN_REFERENCE_PATH)) as unknown).entries;
      this.stored = (await this.references?.store.listReferences()) ?? [];
      if (this.jobs) await this.loadData(this.jobs);
    } catch (e) {
      this.error = `References could not be loaded: ${errorText(e)}`;
    }
  }

  private async referenceCloud(): Promise<{ cloud: WeightedCloud; name: string } | undefined> {
    const [kind, id] = [this.refChoice.slice(0, this.refChoice.indexOf(':')), this.refChoice.slice(this.refChoice.indexOf(':') + 1)];
    if (kind === 'builtin') {
      const entry = this.builtins.find((b) => b.id === id);
      if (!entry) return undefined;
      let cloud = this.cloudCache.get(this.refChoice);
      if (!cloud) {
        const s = sampleBuiltin(entry, BUILTIN_SAMPLE, this.seed);
        cloud = s.cloud;
        this.refNote = s.note;
        this.cloudCache.set(this.refChoice, cloud);
      }
      return { cloud, name: `${entry.name} (approximate)` };
    }
    const info = this.stored.find((r) => r.id === id);
    if (!info || !this.references) return undefined;
    let cloud = this.cloudCache.get(this.refChoice);
    cloud ??= await this.references.store.loadReferenceCloud(id);
    this.cloudCache.set(this.refChoice, cloud);
    this.refNote = `Stored reference "${info.name}", ${formatCount(info.n)} people.`;
    return { cloud, name: info.name };
  }


  protected async loadData(jobs: PersonaJobs): Promise<void> {
    if (!this.sel) return;
    this.supportsLogprobs = (await this.modelInfo())?.supportsLogprobs;
    const personas = profiledPersonas(await jobs.listPersonas(this.sel.corpusId));
    const ref = await this.referenceCloud();
    this.refName = ref?.name ?? 'reference';
    this.report = profileReport(personas, ref?.cloud);
    this.gapClouds = { personas: personaTraitCloud(personas), reference: ref?.cloud };
  }

  private start(): void {
    try {
      const options = pipelineOptions({ profile: { method: this.method, temperature: this.temperature, repeats: this.repeats, seed: this.seed } });
      void this.runStage({ options });
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async chooseReference(v: string): Promise<void> {
    this.refChoice = v;
    try {
      await this.loadData(await this.getJobs());
    } catch (e) {
      this.error = errorText(e);
    }
  }

  override render() {
    if (!this.sel) return html`<h2>Profile</h2>${this.renderNoCorpus()}${this.renderErrors()}${this.renderReferences()}`;
    const usesJson = this.method === 'json' || (this.method === 'auto' && this.supportsLogprobs === false);
    return html`
      <h2>Profile</h2>
      ${this.renderOwnerPicker()}
      ${this.llmSection()}
      <section aria-labelledby="p-settings">
        <h3 id="p-settings">Questionnaire (IPIP Big-Five markers, 50 items)</h3>
        <div class="row">
          <label class="stack">Method
            <select name="method" .value=${this.method} ?disabled=${this.running} @change=${(e: Event) => (this.method = (e.target as HTMLSelectElement).value as Method)}>
              <option value="auto">Automatic: log-probabilities when available, else JSON answers</option>
              <option value="logprobs">Log-probabilities (expected value)</option>
              <option value="json">JSON answers (sampled)</option>
            </select>
          </label>
          <label class="stack">Temperature (JSON)
            <input type="number" name="temperature" min="0" max="2" step="0.1" .value=${String(this.temperature)} ?disabled=${this.running || !usesJson}
              @input=${(e: Event) => { const v = (e.target as HTMLInputElement).valueAsNumber; if (v >= 0) this.temperature = v; }} />
          </label>
          <label class="stack">Repeats per item (JSON)
            <input type="number" name="repeats" min="1" step="1" .value=${String(this.repeats)} ?disabled=${this.running || !usesJson}
              @input=${(e: Event) => { const v = (e.target as HTMLInputElement).valueAsNumber; if (v >= 1) this.repeats = Math.floor(v); }} />
          </label>
          <label class="stack">Item-order seed
            <input type="number" name="seed" step="1" .value=${String(this.seed)} ?disabled=${this.running} @input=${(e: Event) => { const v = (e.target as HTMLInputElement).valueAsNumber; if (Number.isFinite(v)) this.seed = Math.floor(v); }} />
          </label>
          <button type="button" class="primary start" ?disabled=${this.running} @click=${() => this.start()}>
            ${this.unfinished ? 'Resume' : this.jobView ? 'Profile newly kept personas' : 'Run questionnaire'}
          </button>
        </div>
        <p class="muted">${this.supportsLogprobs === undefined ? 'Choose a model to see which method it supports.' : this.supportsLogprobs ? 'This model gives log-probabilities: each answer is the expected value over 1–5 (no sampling noise).' : 'This model gives no log-probabilities: answers are sampled as JSON and averaged.'}</p>
      </section>
      ${this.renderErrors()}
      ${this.renderJobState('personas')}
      ${this.renderFailed()}
      <trait-agreement .db=${this.jobs?.db} owner=${this.sel.corpusId} .version=${this.report} ?running=${this.running} @pa-run-questionnaire=${() => this.start()}></trait-agreement>
      ${this.renderReport()}
      ${this.renderReferences()}
    `;
  }

  private renderReport() {
    const r = this.report;
    if (!r || r.n === 0) return html`<section><h3>Report</h3><p class="muted">No profiled personas yet.</p></section>`;
    const st = r.style;
    return html`
      <section aria-labelledby="p-report">
        <h3 id="p-report">Trait distributions (${formatCount(r.n)} personas)</h3>
        <div class="row">
          <label class="stack">Compare with
            <select name="reference" .value=${this.refChoice} @change=${(e: Event) => void this.chooseReference((e.target as HTMLSelectElement).value)}>
              ${this.builtins.map((b) => html`<option value=${`builtin:${b.id}`} ?selected=${this.refChoice === `builtin:${b.id}`}>Built-in (approximate): ${b.name}</option>`)}
              ${this.stored.map((s) => html`<option value=${`stored:${s.id}`} ?selected=${this.refChoice === `stored:${s.id}`}>Stored: ${s.name}</option>`)}
            </select>
          </label>
        </div>
        ${this.refNote ? html`<p class="muted ref-note">${this.refNote} Bars: personas; line: reference.</p>` : nothing}
        <div class="histograms">
          ${r.traits.map((t) => html`<trait-histogram label=${TRAIT_LABELS[t.trait]} referenceName=${this.refName} .personas=${t.personas} .reference=${t.reference} .stats=${t.stats}></trait-histogram>`)}
        </div>
        <results-gap .personas=${this.gapClouds?.personas} .reference=${this.gapClouds?.reference} referenceName=${this.refName}></results-gap>
      </section>
      <section aria-labelledby="p-style">
        <h3 id="p-style">Response style</h3>
        <table class="reliability">
          <caption>Reliability per trait (keyed items, complete answers)</caption>
          <thead><tr><th scope="col">Trait</th><th scope="col" class="num">n</th><th scope="col" class="num">Cronbach's α</th><th scope="col" class="num">McDonald's ω</th></tr></thead>
          <tbody>${st?.reliability.map((x) => html`<tr><th scope="row">${TRAIT_LABELS[x.trait]}</th><td class="num">${x.nComplete}</td><td class="num alpha">${fmt(x.alpha)}</td><td class="num">${fmt(x.omega)}</td></tr>`)}</tbody>
        </table>
        <table class="style">
          <caption>Response-style diagnostics</caption>
          <tbody>
            <tr><th scope="row">Acquiescence index (mean raw answer; 3 = neutral)</th><td class="num">${fmt(st?.acquiescence.mean ?? NaN)}</td></tr>
            <tr><th scope="row">Straight-lining (run ≥ ${st?.straightLining.runThreshold ?? '—'} identical answers)</th><td class="num">${st?.straightLining.count ?? 0}</td></tr>
            <tr><th scope="row">Reverse-key inconsistency (≥ ${st?.reverseKey.traitThreshold ?? '—'} traits)</th><td class="num">${st?.reverseKey.count ?? 0}</td></tr>
            ${Object.entries(r.flags).map(([f, n]) => html`<tr><th scope="row">Flagged during the questionnaire: ${f}</th><td class="num">${n}</td></tr>`)}
            <tr><th scope="row">Five-factor congruence (Tucker's φ vs the IPIP key structure)</th>
              <td class="num congruence">${st?.congruence
                ? Object.entries(st.congruence.congruenceByTrait).map(([t, v]) => `${TRAIT_LABELS[t as keyof typeof TRAIT_LABELS]} ${fmt(v)}`).join(', ')
                : `needs ≥ ${r.congruenceMinRows} profiled personas (have ${r.n})`}</td></tr>
          </tbody>
        </table>
      </section>
    `;
  }

  private renderReferences() {
    return html`<section aria-labelledby="p-refs"><h3 id="p-refs">Human references</h3>
      <reference-manager @pa-references-changed=${() => { this.cloudCache.clear(); void this.loadReferences(); }}></reference-manager></section>`;
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '—';
}

declare global {
  interface HTMLElementTagNameMap {
    'profile-stage': ProfileStage;
  }
}
