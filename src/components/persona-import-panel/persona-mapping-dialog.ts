import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { checkMapping, mappingForFields, personaText } from '../../core/persona-import';
import { PERSONA_PRESETS, TRAIT_SCALES, type PersonaFilePreview, type PersonaMapping, type PersonaPresetId, type TraitScale } from '../../core/persona-import/types';
import { TRAITS, TRAIT_LABELS, type Trait } from '../../core/traits';

const SAMPLE_ROWS = 5;
const CELL_CHARS = 120;

export const PRESET_LABELS: Record<PersonaPresetId, string> = {
  personahub: 'PersonaHub (persona / input persona)',
  nemotron: 'Nemotron-Personas (persona facets and demographics)',
  tinytroupe: 'TinyTroupe agent specification (JSON)',
  oasis: 'OASIS agent profiles',
  'persona-align': "This app's persona JSONL / export",
  generic: 'Other: my own mapping',
};

const SCALE_LABELS: Record<TraitScale, string> = { '1-5': '1–5 (Likert mean)', '0-1': '0–1', '0-100': '0–100 (percentiles)', z: 'z-scores' };

/** What the dialog returns: the mapping and the name for the new set. */
export interface PersonaMappingChoice {
  mapping: PersonaMapping;
  name: string;
}

/**
 * <persona-mapping-dialog>: a modal <dialog> that says how the records of a persona file become
 * personas: a preset for the public layouts, the text field(s) (several are joined with their
 * labels), the id field, metadata fields and optional trait-score fields with their scale, beside
 * a table of the first rows and the persona text the mapping makes of the first one.
 * `ask(preview)` resolves to the choice, or null when the user cancels (Esc works).
 */
@customElement('persona-mapping-dialog')
export class PersonaMappingDialog extends LitElement {
  @state() private preview: PersonaFilePreview | undefined;
  @state() private mapping: PersonaMapping = { preset: 'generic', text: [], meta: {} };
  @state() private name = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  private resolve: ((m: PersonaMappingChoice | null) => void) | undefined;

  static override styles = [
    controls,
    css`
      dialog { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); background: var(--pa-surface); color: var(--pa-text); padding: var(--pa-space-6); max-width: min(64rem, 94vw); max-height: 92vh; }
      dialog::backdrop { background: rgb(0 0 0 / 0.4); }
      h2 { margin: 0 0 var(--pa-space-2); font-size: var(--pa-text-lg); }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: var(--pa-space-3); margin: var(--pa-space-3) 0; }
      label.stack { display: flex; flex-direction: column; gap: var(--pa-space-1); font-weight: 600; font-size: var(--pa-text-sm); }
      fieldset { border: 1px solid var(--pa-border); border-radius: var(--pa-radius-sm); margin: 0 0 var(--pa-space-3); }
      legend { font-weight: 600; font-size: var(--pa-text-sm); }
      .checks label { display: inline-flex; align-items: center; gap: var(--pa-space-1); margin-right: var(--pa-space-4); font-size: var(--pa-text-sm); }
      .sample { overflow: auto; max-height: 14rem; border: 1px solid var(--pa-border); border-radius: var(--pa-radius-sm); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); }
      th, td { text-align: start; padding: var(--pa-space-1) var(--pa-space-2); border-bottom: 1px solid var(--pa-border); vertical-align: top; max-width: 20rem; overflow-wrap: anywhere; unicode-bidi: isolate; }
      th.used { color: var(--pa-accent); }
      .persona-sample { white-space: pre-wrap; border: 1px solid var(--pa-border); border-radius: var(--pa-radius-sm); padding: var(--pa-space-2); max-height: 10rem; overflow: auto; font-size: var(--pa-text-sm); }
      .actions { display: flex; justify-content: flex-end; gap: var(--pa-space-2); margin-top: var(--pa-space-4); }
      .error { color: var(--pa-danger); }
      .muted { color: var(--pa-text-muted); font-size: var(--pa-text-sm); }
    `,
  ];

  /** Opens the dialog for one file's preview; resolves with the mapping and set name, or null on cancel. */
  async ask(preview: PersonaFilePreview): Promise<PersonaMappingChoice | null> {
    this.resolve?.(null);
    this.preview = preview;
    this.mapping = structuredClone(preview.suggested.mapping);
    this.name = preview.file.replace(/\.[^.]+$/, '') || preview.file;
    await this.updateComplete;
    this.dialog.showModal();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  /** The mapping as it stands (tests read it). */
  get current(): PersonaMapping {
    return this.mapping;
  }

  private finish(result: PersonaMappingChoice | null): void {
    const r = this.resolve;
    this.resolve = undefined;
    if (this.dialog.open) this.dialog.close();
    r?.(result);
  }

  private problem(): string {
    if (this.name.trim() === '') return 'Give the set a name.';
    try {
      checkMapping(this.mapping);
      return '';
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    if (this.problem() === '') this.finish({ mapping: structuredClone(this.mapping), name: this.name.trim() });
  }

  /** A hand edit makes the mapping the user's own ('generic'), as the contract says. */
  private edit(next: Omit<PersonaMapping, 'preset'>): void {
    this.mapping = { ...next, preset: 'generic' };
  }

  private choosePreset(preset: PersonaPresetId): void {
    this.mapping = mappingForFields(preset, this.preview?.fields ?? []);
  }

  private toggleText(field: string, on: boolean): void {
    const text = on ? [...this.mapping.text, { field }] : this.mapping.text.filter((p) => p.field !== field);
    this.edit({ ...this.mapping, text });
  }

  private setId(field: string): void {
    const { id: _old, ...rest } = this.mapping;
    this.edit(field ? { ...rest, id: field } : rest);
  }

  private toggleMeta(field: string, on: boolean): void {
    const meta = Object.fromEntries(Object.entries(this.mapping.meta).filter(([, f]) => f !== field));
    if (on) meta[metaKeyOf(field, meta)] = field;
    this.edit({ ...this.mapping, meta });
  }

  private setTrait(trait: Trait, field: string): void {
    const t = this.mapping.traits ?? { fields: {}, scale: '1-5' as TraitScale };
    const fields = { ...t.fields };
    if (field) fields[trait] = field;
    else delete fields[trait];
    const { traits: _old, ...rest } = this.mapping;
    this.edit(Object.keys(fields).length > 0 ? { ...rest, traits: { ...t, fields } } : rest);
  }

  private setScale(scale: TraitScale): void {
    if (this.mapping.traits) this.edit({ ...this.mapping, traits: { ...this.mapping.traits, scale } });
  }

  override render() {
    const p = this.preview;
    return html`<dialog aria-labelledby="pmap-title" @cancel=${(e: Event) => { e.preventDefault(); this.finish(null); }}>
      ${p ? this.renderForm(p) : nothing}
    </dialog>`;
  }

  private renderForm(p: PersonaFilePreview) {
    const m = this.mapping;
    const fields = p.fields;
    const textFields = new Set(m.text.map((t) => t.field));
    const metaFields = new Set(Object.values(m.meta));
    const traitFields = new Set(Object.values(m.traits?.fields ?? {}));
    const used = new Set([...textFields, ...(m.id ? [m.id] : []), ...metaFields, ...traitFields]);
    const problem = this.problem();
    const sample = p.rows[0] ? personaText(p.rows[0], m) : '';
    const opt = (value: string, selected: boolean, label = value) => html`<option value=${value} ?selected=${selected}>${label}</option>`;
    return html`<form method="dialog" @submit=${this.onSubmit}>
      <h2 id="pmap-title">How do the records of ${p.file} become personas?</h2>
      <p class="muted">Read as ${p.format.toUpperCase()}; it looks like <strong>${PRESET_LABELS[p.suggested.preset]}</strong>. Check the fields below against the first rows.</p>
      <div class="grid">
        <label class="stack">Set name
          <input name="setName" .value=${this.name} required @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
        </label>
        <label class="stack">Preset
          <select name="preset" @change=${(e: Event) => this.choosePreset((e.target as HTMLSelectElement).value as PersonaPresetId)}>
            ${PERSONA_PRESETS.map((id) => opt(id, m.preset === id, PRESET_LABELS[id]))}
          </select>
        </label>
        <label class="stack">Id field
          <select name="idField" @change=${(e: Event) => this.setId((e.target as HTMLSelectElement).value)}>
            ${opt('', m.id === undefined, '(none: an id from the text)')}
            ${fields.map((f) => opt(f, m.id === f))}
          </select>
        </label>
      </div>
      <fieldset class="checks text-fields">
        <legend>Text field(s): several are joined as "Label: value" paragraphs</legend>
        ${fields.map((f) => html`<label><input type="checkbox" name="text" value=${f} .checked=${textFields.has(f)} @change=${(e: Event) => this.toggleText(f, (e.target as HTMLInputElement).checked)} />${f}</label>`)}
        ${m.text.filter((t) => !fields.includes(t.field)).map((t) => html`<label><input type="checkbox" name="text" value=${t.field} checked @change=${() => this.toggleText(t.field, false)} />${t.field}</label>`)}
      </fieldset>
      <fieldset class="checks meta-fields">
        <legend>Metadata fields to keep (region, age, occupation, …)</legend>
        ${fields.filter((f) => !textFields.has(f) && f !== m.id && !traitFields.has(f)).map((f) => html`<label><input type="checkbox" name="meta" value=${f} .checked=${metaFields.has(f)} @change=${(e: Event) => this.toggleMeta(f, (e.target as HTMLInputElement).checked)} />${f}</label>`)}
      </fieldset>
      <fieldset class="trait-fields">
        <legend>Trait scores that came with the file (optional: all five or none)</legend>
        <div class="grid">
          ${TRAITS.map((t) => html`<label class="stack">${TRAIT_LABELS[t]}
            <select name=${`trait-${t}`} @change=${(e: Event) => this.setTrait(t, (e.target as HTMLSelectElement).value)}>
              ${opt('', m.traits?.fields[t] === undefined, '(none)')}
              ${fields.map((f) => opt(f, m.traits?.fields[t] === f))}
            </select></label>`)}
          <label class="stack">Scale
            <select name="traitScale" ?disabled=${!m.traits} @change=${(e: Event) => this.setScale((e.target as HTMLSelectElement).value as TraitScale)}>
              ${TRAIT_SCALES.map((s) => opt(s, (m.traits?.scale ?? '1-5') === s, SCALE_LABELS[s]))}
            </select></label>
        </div>
      </fieldset>
      <p class="muted" id="pmap-sample-caption">First ${Math.min(SAMPLE_ROWS, p.rows.length)} rows (fields in use are highlighted):</p>
      <div class="sample" tabindex="0" role="region" aria-labelledby="pmap-sample-caption">
        <table>
          <thead><tr>${fields.map((f) => html`<th scope="col" class=${used.has(f) ? 'used' : ''}>${f}${used.has(f) ? html`<span class="visually-hidden"> (in use)</span>` : nothing}</th>`)}</tr></thead>
          <tbody>${p.rows.slice(0, SAMPLE_ROWS).map((r) => html`<tr>${fields.map((f) => html`<td dir="auto">${truncate(r[f] ?? '', CELL_CHARS)}</td>`)}</tr>`)}</tbody>
        </table>
      </div>
      <p class="muted" id="pmap-persona-caption">The persona text of the first row:</p>
      <div class="persona-sample" dir="auto" tabindex="0" role="region" aria-labelledby="pmap-persona-caption">${sample || '(empty: choose a text field that has a value in this row)'}</div>
      ${problem ? html`<p class="error" role="status">${problem}</p>` : nothing}
      <div class="actions">
        <button type="button" name="cancel" @click=${() => this.finish(null)}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${problem !== ''}>Import with this mapping</button>
      </div>
    </form>`;
  }
}

/** The meta key for a field: its last path segment, made unique among the keys already used. */
function metaKeyOf(field: string, meta: Record<string, string>): string {
  const base = field.split('.').pop() || field;
  let key = base;
  for (let i = 2; key in meta; i++) key = `${base}${i}`;
  return key;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-mapping-dialog': PersonaMappingDialog;
  }
}
