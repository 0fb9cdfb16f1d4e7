import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { readMiningSelection } from '../../app/mining-selection';
import { controls } from '../../app/tokens';
import type { PersonaSetInfo } from '../../contracts/persona-set';
import { formatCount } from '../../core/format';
import type { AppDb } from '../../storage/db';
import { isPersonaSetId, listPersonaSets } from '../../storage/persona-set-store';
import { readPersonaOwner, setPersonaOwner } from './persona-owner';

export const PERSONA_OWNER_CHANGE = 'pa-persona-owner-change';

/**
 * <persona-owner-select>: "Personas from": the Corpus stage's corpus or one imported persona
 * set, for the Quality and Profile stages. Stores the choice (./persona-owner.ts) and fires
 * `pa-persona-owner-change`. A chosen set that was deleted falls back to the corpus.
 */
@customElement('persona-owner-select')
export class PersonaOwnerSelect extends LitElement {
  /** The database to list sets from. */
  @property({ attribute: false }) db: AppDb | undefined;
  @property({ type: Boolean }) disabled = false;
  @state() private sets: PersonaSetInfo[] = [];
  @state() private corpusName: string | undefined;

  static override styles = [controls, css`:host { display: block; margin-block: var(--pa-space-2); } label { display: inline-flex; gap: var(--pa-space-2); align-items: center; font-size: var(--pa-text-sm); }`];

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('db')) void this.load();
  }

  async load(): Promise<void> {
    if (!this.db) return;
    this.sets = await listPersonaSets(this.db);
    const sel = readMiningSelection();
    this.corpusName = sel ? ((await this.db.get('corpora', sel.corpusId))?.name ?? undefined) : undefined;
    const owner = readPersonaOwner();
    if (owner && !this.sets.some((s) => s.id === owner)) {
      setPersonaOwner(null);
      this.fire();
    }
  }

  private fire(): void {
    this.dispatchEvent(new CustomEvent(PERSONA_OWNER_CHANGE, { bubbles: true, composed: true }));
  }

  private choose(value: string): void {
    setPersonaOwner(isPersonaSetId(value) ? value : null);
    this.fire();
  }

  override render() {
    if (this.sets.length === 0) return nothing;
    const owner = readPersonaOwner() ?? 'corpus';
    return html`<label>Personas from
      <select name="personaOwner" ?disabled=${this.disabled} @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}>
        <option value="corpus" ?selected=${owner === 'corpus'}>${this.corpusName ? `Corpus: ${this.corpusName} (mined personas)` : 'Corpus (none chosen in the Corpus stage)'}</option>
        ${this.sets.map((s) => html`<option value=${s.id} ?selected=${owner === s.id}>Imported set: ${s.name} (${formatCount(s.count)} personas)</option>`)}
      </select></label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-owner-select': PersonaOwnerSelect;
  }
}
