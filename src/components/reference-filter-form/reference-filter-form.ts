import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { FfmFilterOptions } from '../../contracts/reference-store';
import { AppError } from '../../core/errors';
import { REGION_PRESETS, parseCountryList, type CountryGroup } from '../../core/reference/regions';
import { deleteCustomGroup, loadCustomGroups, saveCustomGroup } from './country-groups';

const ALL = '';
const CUSTOM = 'custom';

/**
 * <reference-filter-form>: the row filters of an IPIP-FFM import — IPC == 1, missing-answer
 * policy, minimum test time, and a country list picked from a UN M49 region preset or a saved
 * group, shown and editable as text. Edited lists can be saved as named groups (localStorage).
 * The owner reads the filters with `read()` when the user starts the import.
 */
@customElement('reference-filter-form')
export class ReferenceFilterForm extends LitElement {
  /** Disables every control (while an import runs). */
  @property({ type: Boolean }) disabled = false;

  @state() private ipcOne = true;
  @state() private missingKind: 'drop' | 'min' = 'drop';
  @state() private minAnswered = 8;
  @state() private minTest = '';
  @state() private groupId = ALL;
  @state() private countriesText = '';
  @state() private customGroups: CountryGroup[] = loadCustomGroups();
  @state() private groupName = '';
  @state() private groupMessage = '';
  @state() private groupError = false;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius-sm);
        margin: 0 0 var(--pa-space-3);
        padding: var(--pa-space-2) var(--pa-space-3) var(--pa-space-3);
      }
      legend {
        font-weight: 600;
        padding: 0 var(--pa-space-1);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--pa-space-2);
        margin: var(--pa-space-2) 0;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: var(--pa-space-2);
      }
      textarea {
        font-family: var(--pa-font-mono);
        font-size: var(--pa-text-sm);
        width: 100%;
        box-sizing: border-box;
        min-height: 4rem;
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius-sm);
        background: var(--pa-surface);
        color: inherit;
        padding: var(--pa-space-2);
      }
      .hint {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        margin: var(--pa-space-1) 0;
      }
      .error {
        color: var(--pa-danger);
      }
      input[type='number'] {
        width: 6rem;
      }
    `,
  ];

  /** The selected preset or saved group, if any. */
  private get group(): CountryGroup | undefined {
    return REGION_PRESETS.find((g) => g.id === this.groupId) ?? this.customGroups.find((g) => g.id === this.groupId);
  }

  /**
   * The filters as entered. Throws AppError('InputError') naming the field to fix (bad country
   * code, test time not a number, …).
   */
  read(): FfmFilterOptions {
    const out: FfmFilterOptions = { ipcOne: this.ipcOne, missing: this.missingKind === 'drop' ? 'drop' : `min:${this.minAnswered}` };
    if (this.missingKind === 'min' && !(Number.isInteger(this.minAnswered) && this.minAnswered >= 1 && this.minAnswered <= 10)) {
      throw new AppError('InputError', 'Answers needed per trait must be a whole number from 1 to 10.');
    }
    if (this.minTest.trim() !== '') {
      const v = Number(this.minTest);
      if (!Number.isFinite(v) || v < 0) throw new AppError('InputError', `Minimum test time "${this.minTest}" must be a number of seconds ≥ 0 (leave it empty for no minimum).`);
      out.minTestTime = v;
    }
    if (this.groupId !== ALL) {
      const countries = this.parsedCountries();
      out.countries = countries;
      const g = this.group;
      if (g) {
        const edited = countries.join(',') !== g.countries.join(',');
        out.countryGroup = edited ? { id: `${g.id}-edited`, name: `${g.name} (edited)`, basis: `${g.basis}; edited by the user` } : { id: g.id, name: g.name, basis: g.basis };
      }
    }
    return out;
  }

  private parsedCountries(): string[] {
    const text = this.countriesText.replace(/[\s;]+/g, ',');
    try {
      return parseCountryList(text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new AppError('InputError', `Country list: ${msg}`);
    }
  }

  private onGroup(e: Event): void {
    this.groupId = (e.target as HTMLSelectElement).value;
    this.groupMessage = '';
    const g = this.group;
    if (g) this.countriesText = g.countries.join(', ');
    else if (this.groupId === ALL) this.countriesText = '';
  }

  private saveGroup(): void {
    this.groupError = false;
    try {
      if (this.groupName.trim() === '') throw new AppError('InputError', 'Give the group a name first.');
      const countries = this.parsedCountries();
      this.customGroups = saveCustomGroup(this.groupName, countries);
      const saved = this.customGroups[this.customGroups.length - 1]!;
      this.groupId = saved.id;
      this.countriesText = saved.countries.join(', ');
      this.groupMessage = `Saved group "${saved.name}" (${saved.countries.length} countries).`;
      this.groupName = '';
    } catch (e) {
      this.groupError = true;
      this.groupMessage = e instanceof Error ? e.message : String(e);
    }
  }

  private deleteGroup(): void {
    const g = this.group;
    if (!g || g.basis !== 'custom') return;
    this.customGroups = deleteCustomGroup(g.id);
    this.groupId = CUSTOM;
    this.groupError = false;
    this.groupMessage = `Deleted group "${g.name}"; its countries stay in the list below.`;
  }

  override render() {
    const g = this.group;
    const isCustomGroup = g?.basis === 'custom';
    return html`
      <fieldset ?disabled=${this.disabled}>
        <legend>Rows to keep</legend>
        <div class="row">
          <label
            ><input type="checkbox" id="ipc-one" .checked=${this.ipcOne} @change=${(e: Event) => (this.ipcOne = (e.target as HTMLInputElement).checked)} />
            Only IPC = 1 (one submission per IP address, as the codebook advises)</label
          >
        </div>
        <div class="row">
          <label for="missing">Missing answers</label>
          <select id="missing" .value=${this.missingKind} @change=${(e: Event) => (this.missingKind = (e.target as HTMLSelectElement).value as 'drop' | 'min')}>
            <option value="drop">Drop rows with any missing answer</option>
            <option value="min">Score a trait from its answered items</option>
          </select>
          ${this.missingKind === 'min'
            ? html`<label
                >at least
                <input
                  type="number"
                  id="min-answered"
                  min="1"
                  max="10"
                  step="1"
                  .value=${String(this.minAnswered)}
                  @input=${(e: Event) => (this.minAnswered = Number((e.target as HTMLInputElement).value))}
                />
                of 10 per trait</label
              >`
            : nothing}
        </div>
        <div class="row">
          <label for="min-test">Minimum test time (seconds)</label>
          <input
            type="number"
            id="min-test"
            min="0"
            step="1"
            placeholder="none"
            aria-describedby="min-test-hint"
            .value=${this.minTest}
            @input=${(e: Event) => (this.minTest = (e.target as HTMLInputElement).value)}
          />
          <span id="min-test-hint" class="hint">The file's testelapse column; empty keeps all.</span>
        </div>
      </fieldset>
      <fieldset ?disabled=${this.disabled}>
        <legend>Countries</legend>
        <div class="row">
          <label for="country-group">Region or group</label>
          <select id="country-group" .value=${this.groupId} @change=${this.onGroup}>
            <option value=${ALL}>All countries (no filter)</option>
            <optgroup label="UN M49 regions">
              ${REGION_PRESETS.map((r) => html`<option value=${r.id} ?selected=${r.id === this.groupId}>${r.name}</option>`)}
            </optgroup>
            ${this.customGroups.length
              ? html`<optgroup label="Your groups">
                  ${this.customGroups.map((r) => html`<option value=${r.id} ?selected=${r.id === this.groupId}>${r.name}</option>`)}
                </optgroup>`
              : nothing}
            <option value=${CUSTOM}>Custom list…</option>
          </select>
        </div>
        ${this.groupId === ALL
          ? html`<p class="hint">Every row is kept whatever its country (unknown countries are coded NONE).</p>`
          : html`
              ${g ? html`<p class="hint" data-testid="group-basis">Basis: ${g.basis}</p>` : nothing}
              <label for="countries" class="hint">Country codes (ISO 3166-1 alpha-2, comma-separated; NONE = unknown). Edit freely.</label>
              <textarea id="countries" .value=${this.countriesText} @input=${(e: Event) => (this.countriesText = (e.target as HTMLTextAreaElement).value)}></textarea>
              <div class="row">
                <label for="group-name">Save this list as</label>
                <input type="text" id="group-name" placeholder="group name" .value=${this.groupName} @input=${(e: Event) => (this.groupName = (e.target as HTMLInputElement).value)} />
                <button type="button" id="save-group" @click=${this.saveGroup}>Save group</button>
                ${isCustomGroup ? html`<button type="button" class="danger" id="delete-group" @click=${this.deleteGroup}>Delete group "${g.name}"</button>` : nothing}
              </div>
            `}
        <p class="hint ${this.groupError ? 'error' : ''}" role="status" data-testid="group-message">${this.groupMessage}</p>
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-filter-form': ReferenceFilterForm;
  }
}
