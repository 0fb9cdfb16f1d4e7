import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { DATA_CHANGED } from '../../app/events';
import { controls, tokens } from '../../app/tokens';
import type { PersonaSetInfo } from '../../contracts/persona-set';
import type { Progress } from '../../contracts/progress';
import { formatBytes, formatCount } from '../../core/format';
import type { PersonaMapping } from '../../core/persona-import/types';
import { personaImportServices, type PersonaImportServices } from './services';
import type { PersonaMappingDialog } from './persona-mapping-dialog';
import './persona-mapping-dialog';
import './persona-import-progress';
import { errorText } from '../shared/error-text';

/**
 * <persona-import-panel>: "Bring your own personas". Pick a persona file (JSONL, JSON, CSV, TSV,
 * Parquet), check the mapping in <persona-mapping-dialog> (preset, text fields, id, metadata,
 * trait scores, with the first rows), then the file streams into a new persona set in a worker with
 * progress and Cancel; the imported sets are listed with Delete (asked once more, inline).
 * Fires DATA_CHANGED after an import or a delete, so the shell and the stage pickers refresh.
 */
@customElement('persona-import-panel')
export class PersonaImportPanel extends LitElement {
  /** IndexedDB database name (tests use a fresh one); default: the app's database. */
  @property() dbName: string | undefined;
  /** The worker client and the set store (default: the page's shared ones for `dbName`). */
  @property({ attribute: false }) services: PersonaImportServices | undefined;

  @state() private sets: PersonaSetInfo[] = [];
  @state() private progress: Progress | undefined;
  @state() private running = false;
  @state() private cancelling = false;
  @state() private error = '';
  @state() private status = '';
  @state() private confirming: string | null = null;
  @query('persona-mapping-dialog') private dialog!: PersonaMappingDialog;

  static override styles = [
    tokens,
    controls,
    css`
      :host { display: block; }
      h3 { font-size: var(--pa-text-md); margin: var(--pa-space-3) 0 var(--pa-space-2); }
      .row { display: flex; flex-wrap: wrap; gap: var(--pa-space-3); align-items: end; margin-block: var(--pa-space-2); }
      label.stack { display: flex; flex-direction: column; gap: var(--pa-space-1); font-size: var(--pa-text-sm); }
      .error { border: 1px solid var(--pa-danger); background: var(--pa-danger-soft); border-radius: var(--pa-radius); padding: var(--pa-space-2) var(--pa-space-3); }
      table { border-collapse: collapse; font-size: var(--pa-text-sm); }
      th, td { border-bottom: 1px solid var(--pa-border); padding: var(--pa-space-1) var(--pa-space-2); text-align: start; vertical-align: top; }
      td.num, th.num { text-align: end; }
      persona-import-progress { margin-block: var(--pa-space-3); }
    `,
  ];

  private svc(): PersonaImportServices {
    return this.services ?? personaImportServices(this.dbName);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // The host may learn its database after mounting (the shell's store): list that one's sets.
    if (this.hasUpdated && changed.has('dbName')) void this.refresh();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      await this.svc().ready;
      this.sets = await this.svc().sets.list();
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async onFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    this.error = '';
    this.status = '';
    try {
      const preview = await this.svc().importer.preview(file);
      const choice = await this.dialog.ask(preview);
      if (!choice) {
        this.status = 'Import cancelled; nothing was imported.';
        return;
      }
      await this.runImport(file, choice.name, choice.mapping);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      input.value = ''; // choosing the same file again fires change again
    }
  }

  private async runImport(file: File, name: string, mapping: PersonaMapping): Promise<void> {
    this.running = true;
    this.cancelling = false;
    this.progress = undefined;
    try {
      await this.svc().ready;
      const info = await this.svc().importer.importPersonaSet({ name, file, mapping }, (p) => (this.progress = p));
      this.status = `Imported "${info.name}": ${formatCount(info.count)} personas, ${formatCount(info.withTraits)} with trait scores, ${formatCount(info.skipped)} rows skipped.`;
      this.dispatchEvent(new CustomEvent(DATA_CHANGED, { bubbles: true, composed: true }));
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.running = false;
      this.cancelling = false;
      await this.refresh();
    }
  }

  private cancel(): void {
    this.cancelling = true;
    this.svc().importer.cancel();
  }

  private async deleteSet(set: PersonaSetInfo): Promise<void> {
    this.confirming = null;
    this.error = '';
    try {
      await this.svc().sets.delete(set.id);
      this.status = `Deleted "${set.name}" and its ${formatCount(set.count)} personas.`;
      this.dispatchEvent(new CustomEvent(DATA_CHANGED, { bubbles: true, composed: true }));
    } catch (e) {
      this.error = errorText(e);
    }
    await this.refresh();
  }

  override render() {
    return html`
      <p class="muted">Already have personas (PersonaHub, Nemotron-Personas, TinyTroupe, OASIS, this app's export, or your lab's own)?
        Import them as a persona set, then run Quality, Profile and Align on it as on mined personas. The file stays on this device.</p>
      <div class="row">
        <label class="stack">Persona file (JSONL, JSON, CSV, TSV or Parquet)
          <input type="file" name="personaFile" accept=".jsonl,.ndjson,.json,.csv,.tsv,.tab,.parquet" ?disabled=${this.running}
            @change=${(e: Event) => void this.onFile(e.target as HTMLInputElement)} />
        </label>
      </div>
      ${this.running ? html`<persona-import-progress .progress=${this.progress} ?cancelling=${this.cancelling} @pa-cancel-persona-import=${() => this.cancel()}></persona-import-progress>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p role="status" class="import-status">${this.status}</p>
      ${this.renderSets()}
      <persona-mapping-dialog></persona-mapping-dialog>
    `;
  }

  private renderSets() {
    if (this.sets.length === 0) return html`<p class="muted no-sets">No persona sets imported yet.</p>`;
    return html`<table class="sets">
      <caption class="visually-hidden">Imported persona sets</caption>
      <thead><tr><th scope="col">Set</th><th scope="col" class="num">Personas</th><th scope="col" class="num">With trait scores</th><th scope="col" class="num">Skipped</th><th scope="col">File</th><th scope="col">Imported</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${this.sets.map((s) => html`<tr data-id=${s.id}>
        <th scope="row" dir="auto">${s.name}</th>
        <td class="num">${formatCount(s.count)}</td>
        <td class="num">${formatCount(s.withTraits)}</td>
        <td class="num" title=${s.skips.slice(0, 5).map((k) => `line ${k.line}: ${k.reason}`).join('\n')}>${formatCount(s.skipped)}</td>
        <td><span dir="auto">${s.file.name}</span> (${s.file.format}, ${formatBytes(s.file.bytes)})</td>
        <td>${s.createdAt.slice(0, 10)}</td>
        <td>${this.confirming === s.id
          ? html`<span role="group" aria-label=${`Delete ${s.name}?`}>Delete ${formatCount(s.count)} personas?
              <button type="button" class="danger confirm-delete" @click=${() => void this.deleteSet(s)}>Delete</button>
              <button type="button" class="keep" @click=${() => (this.confirming = null)}>Keep</button></span>`
          : html`<button type="button" class="delete" aria-label=${`Delete ${s.name}`} ?disabled=${this.running} @click=${() => (this.confirming = s.id)}>Delete</button>`}</td>
      </tr>`)}</tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-import-panel': PersonaImportPanel;
  }
}
