import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls, tokens } from '../../app/tokens';
import type { PersonaSetInfo } from '../../contracts/persona-set';
import { formatCount } from '../../core/format';
import { traitAgreement, type TraitAgreement } from '../../core/psychometrics/agreement';
import { TRAIT_LABELS } from '../../core/traits';
import type { AppDb } from '../../storage/db';
import { getPersonaSet, isPersonaSetId, listSetPersonas } from '../../storage/persona-set-store';

export const RUN_QUESTIONNAIRE = 'pa-run-questionnaire';

/**
 * <trait-agreement>: for an imported persona set whose file came with trait scores, the choice
 * the Profile stage offers (skip the questionnaire and align with the given scores, or run it
 * anyway: fires `pa-run-questionnaire`) and, once personas have both, the agreement between given
 * and measured scores per trait (src/core/psychometrics/agreement.ts) as a table. Renders nothing
 * for corpora and for sets without scores.
 */
@customElement('trait-agreement')
export class TraitAgreementView extends LitElement {
  @property({ attribute: false }) db: AppDb | undefined;
  /** The owner id the Profile stage shows (a corpus id or a set id). */
  @property() owner = '';
  /** Anything that changes when the stage's data does (re-reads the personas). */
  @property({ attribute: false }) version: unknown;
  @property({ type: Boolean }) running = false;

  @state() private set: PersonaSetInfo | undefined;
  @state() private rows: TraitAgreement[] = [];
  @state() private both = 0;
  @state() private error = '';

  static override styles = [
    tokens,
    controls,
    css`
      :host { display: block; }
      .box { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); background: var(--pa-surface); }
      h3 { font-size: var(--pa-text-md); margin: var(--pa-space-3) 0 var(--pa-space-2); }
      .row { display: flex; flex-wrap: wrap; gap: var(--pa-space-3); align-items: center; }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); }
      th, td { border-bottom: 1px solid var(--pa-border); padding: var(--pa-space-1) var(--pa-space-2); text-align: start; }
      td.num, th.num { text-align: end; }
    `,
  ];

  protected override willUpdate(changed: Map<string, unknown>): void {
    const input = changed.has('db') || changed.has('owner');
    // While a questionnaire runs the stage refreshes every second; re-reading a large set that often
    // would cost more than the table is worth, so it is brought up to date when the run ends.
    if (input || (!this.running && (changed.has('version') || changed.has('running')))) void this.load();
  }

  private async load(): Promise<void> {
    if (!this.db || !isPersonaSetId(this.owner)) {
      this.set = undefined;
      return;
    }
    try {
      this.set = await getPersonaSet(this.db, this.owner);
      if (!this.set || this.set.withTraits === 0) return;
      const personas = await listSetPersonas(this.db, this.owner);
      const pairs = personas.filter((p) => p.givenTraits && p.stages.profile && p.traits).map((p) => ({ given: p.givenTraits, measured: p.traits }));
      this.both = pairs.length;
      this.rows = pairs.length > 0 ? traitAgreement(pairs) : [];
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  override render() {
    const s = this.set;
    if (!s || s.withTraits === 0) return nothing;
    return html`<section aria-labelledby="ta-title" class="box">
      <h3 id="ta-title">Trait scores that came with the file</h3>
      <p>${formatCount(s.withTraits)} of ${formatCount(s.count)} personas of <span dir="auto">${s.name}</span> came with Big Five scores.
        Align can use them as they are, or the questionnaire measures them again so the two can be compared.</p>
      <div class="row">
        <a href="#/align" class="skip">Skip the questionnaire: align with the given scores</a>
        <button type="button" class="run-anyway" ?disabled=${this.running} @click=${() => this.dispatchEvent(new CustomEvent(RUN_QUESTIONNAIRE, { bubbles: true, composed: true }))}>Run the questionnaire anyway</button>
      </div>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${this.both === 0
        ? html`<p class="muted">No persona has both given and measured scores yet: the agreement appears once the questionnaire has run (on kept personas).</p>`
        : html`<table class="agreement">
            <caption>Given vs measured (${formatCount(this.both)} personas; measured − given on the 1–5 scale)</caption>
            <thead><tr><th scope="col">Trait</th><th scope="col" class="num">n</th><th scope="col" class="num">Pearson r</th><th scope="col" class="num">ICC(2,1)</th><th scope="col" class="num">Lin's ρc</th><th scope="col" class="num">Mean abs. difference</th><th scope="col" class="num">Mean difference</th></tr></thead>
            <tbody>${this.rows.map((r) => html`<tr data-trait=${r.trait}><th scope="row">${TRAIT_LABELS[r.trait]}</th><td class="num">${r.n}</td><td class="num pearson">${fmt(r.pearson)}</td><td class="num">${fmt(r.icc21)}</td><td class="num">${fmt(r.lin)}</td><td class="num">${fmt(r.meanAbsDiff)}</td><td class="num">${fmt(r.meanDiff, true)}</td></tr>`)}</tbody>
          </table>`}
    </section>`;
  }
}

function fmt(x: number, signed = false): string {
  if (!Number.isFinite(x)) return '—';
  return signed && x > 0 ? `+${x.toFixed(2)}` : x.toFixed(2);
}

declare global {
  interface HTMLElementTagNameMap {
    'trait-agreement': TraitAgreementView;
  }
}
