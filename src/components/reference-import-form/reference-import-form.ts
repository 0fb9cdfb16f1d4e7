import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { controls, warnBadge } from '../../app/tokens';
import type { BuiltinSampleRequest, CsvImportRequest, FfmImportRequest } from '../../contracts/reference-store';
import type { BuiltinReference } from '../../core/reference/builtin';
import type { ReferenceFilterForm } from '../reference-filter-form/reference-filter-form';
import '../reference-filter-form/reference-filter-form';

export type ReferenceImportRequest =
  | { kind: 'ffm'; request: FfmImportRequest }
  | { kind: 'csv'; request: CsvImportRequest }
  | { kind: 'builtin'; request: BuiltinSampleRequest };

/** Fired (bubbling, composed) with a ReferenceImportRequest when the user starts an import. */
export const REFERENCE_IMPORT_REQUEST = 'pa-reference-import-request';

/**
 * <reference-import-form>: the three ways to get a human reference — the IPIP-FFM data file (with
 * its row filters), the user's own reference CSV, or a seeded sample of the built-in approximate
 * reference. It only collects and checks input; the owner runs the import on
 * `pa-reference-import-request`.
 */
@customElement('reference-import-form')
export class ReferenceImportForm extends LitElement {
  /** While an import runs. */
  @property({ type: Boolean }) disabled = false;
  /** The built-in reference (entries for the sample select); the section says so while it loads. */
  @property({ attribute: false }) builtin: BuiltinReference | undefined;
  /** Why the built-in reference could not be loaded, if it failed. */
  @property() builtinError = '';

  @state() private ffmFile: File | undefined;
  @state() private csvFile: File | undefined;
  @state() private error = '';
  @state() private builtinId = 'global';
  @state() private builtinN = '5000';
  @state() private builtinSeed = '1';

  @query('reference-filter-form') private filterForm!: ReferenceFilterForm;

  static override styles = [
    controls,
    warnBadge,
    css`
      :host {
        display: block;
      }
      .sources {
        display: grid;
        gap: var(--pa-space-4);
      }
      section {
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
      }
      h3 {
        font-size: var(--pa-text-md);
        margin: 0 0 var(--pa-space-2);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--pa-space-2);
        margin: var(--pa-space-2) 0;
      }
      .hint {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        margin: var(--pa-space-1) 0;
      }
      .error {
        color: var(--pa-danger);
        background: var(--pa-danger-soft);
        border-radius: var(--pa-radius-sm);
        padding: var(--pa-space-2) var(--pa-space-3);
      }
      input[type='number'] {
        width: 8rem;
      }
    `,
  ];

  private send(detail: ReferenceImportRequest): void {
    this.error = '';
    this.dispatchEvent(new CustomEvent<ReferenceImportRequest>(REFERENCE_IMPORT_REQUEST, { detail, bubbles: true, composed: true }));
  }

  private nameOf(id: string): string | undefined {
    const v = this.renderRoot.querySelector<HTMLInputElement>(`#${id}`)?.value.trim();
    return v ? v : undefined;
  }

  private startFfm(): void {
    if (!this.ffmFile) {
      this.error = 'Choose the IPIP-FFM data file (data-final.csv) first.';
      return;
    }
    let filters;
    try {
      filters = this.filterForm.read();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return;
    }
    const request: FfmImportRequest = { file: this.ffmFile, filters, hash: this.renderRoot.querySelector<HTMLInputElement>('#ffm-hash')?.checked ?? true };
    const name = this.nameOf('ffm-name');
    if (name) request.name = name;
    this.send({ kind: 'ffm', request });
  }

  private startCsv(): void {
    if (!this.csvFile) {
      this.error = 'Choose your reference CSV file first.';
      return;
    }
    const request: CsvImportRequest = { file: this.csvFile, missing: this.renderRoot.querySelector<HTMLSelectElement>('#csv-missing')?.value ?? 'drop' };
    const name = this.nameOf('csv-name');
    if (name) request.name = name;
    this.send({ kind: 'csv', request });
  }

  private startBuiltin(): void {
    const n = Number(this.builtinN);
    const seed = Number(this.builtinSeed);
    if (!Number.isInteger(n) || n < 1 || n > 2_000_000) {
      this.error = `Sample size "${this.builtinN}" must be a whole number from 1 to 2,000,000.`;
      return;
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      this.error = `Seed "${this.builtinSeed}" must be a whole number from 0 to 4294967295.`;
      return;
    }
    this.send({ kind: 'builtin', request: { builtinId: this.builtinId, n, seed } });
  }

  private pick(e: Event, which: 'ffm' | 'csv'): void {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (which === 'ffm') this.ffmFile = file;
    else this.csvFile = file;
    this.error = '';
  }

  override render() {
    const entries = this.builtin?.entries ?? [];
    return html`
      ${this.error ? html`<p class="error" role="alert" data-testid="form-error">${this.error}</p>` : nothing}
      <div class="sources">
        <section aria-labelledby="ffm-h">
          <h3 id="ffm-h">IPIP-FFM data file</h3>
          <p class="hint">
            Open Psychometrics' data-final.csv (TAB-separated, about 400 MB), or the zip it is downloaded in. It is read in a background
            worker, never uploaded; only the kept trait scores are stored in this browser.
          </p>
          <div class="row">
            <label for="ffm-file">File</label>
            <input type="file" id="ffm-file" accept=".csv,.tsv,.txt,.zip,text/csv,text/tab-separated-values,application/zip" ?disabled=${this.disabled} @change=${(e: Event) => this.pick(e, 'ffm')} />
          </div>
          <div class="row">
            <label for="ffm-name">Name (optional)</label>
            <input type="text" id="ffm-name" placeholder="file name and region" ?disabled=${this.disabled} />
          </div>
          <div class="row">
            <label
              ><input type="checkbox" id="ffm-hash" checked ?disabled=${this.disabled} />
              Record the file's SHA-256 (provenance; adds about a third to the import time)</label
            >
          </div>
          <reference-filter-form ?disabled=${this.disabled}></reference-filter-form>
          <button type="button" class="primary" id="ffm-import" ?disabled=${this.disabled || !this.ffmFile} @click=${this.startFfm}>Import IPIP-FFM file</button>
        </section>

        <section aria-labelledby="csv-h">
          <h3 id="csv-h">Your reference CSV</h3>
          <p class="hint">
            Comma-separated with a header: the five trait columns (openness, conscientiousness, extraversion, agreeableness, neuroticism) on
            the 1–5 scale, or the 50 item columns EXT1 … OPN10; optional weight and country columns.
          </p>
          <div class="row">
            <label for="csv-file">File</label>
            <input type="file" id="csv-file" accept=".csv,text/csv" ?disabled=${this.disabled} @change=${(e: Event) => this.pick(e, 'csv')} />
          </div>
          <div class="row">
            <label for="csv-name">Name (optional)</label>
            <input type="text" id="csv-name" ?disabled=${this.disabled} />
            <label for="csv-missing">Missing item answers</label>
            <select id="csv-missing" ?disabled=${this.disabled}>
              <option value="drop">Drop the row</option>
              ${[9, 8, 7, 6, 5].map((k) => html`<option value="min:${k}">Score from ≥ ${k} of 10 per trait</option>`)}
            </select>
          </div>
          <button type="button" class="primary" id="csv-import" ?disabled=${this.disabled || !this.csvFile} @click=${this.startCsv}>Import CSV</button>
        </section>

        <section aria-labelledby="builtin-h">
          <h3 id="builtin-h">Built-in sample <span class="badge">approximate</span></h3>
          <p class="hint">
            A seeded sample from rough published means, SDs and correlations: for trying the app, not for research. The same entry, size and
            seed always give the same points.
          </p>
          ${this.builtinError ? html`<p class="error" role="alert">${this.builtinError}</p>` : nothing}
          <div class="row">
            <label for="builtin-entry">Population</label>
            <select id="builtin-entry" ?disabled=${this.disabled || !this.builtin} @change=${(e: Event) => (this.builtinId = (e.target as HTMLSelectElement).value)}>
              ${entries.length === 0 ? html`<option value="global">Loading…</option>` : nothing}
              ${entries.map((en) => html`<option value=${en.id} ?selected=${en.id === this.builtinId}>${en.name}</option>`)}
            </select>
            <label for="builtin-n">Points</label>
            <input type="number" id="builtin-n" min="1" max="2000000" step="1" .value=${this.builtinN} ?disabled=${this.disabled} @input=${(e: Event) => (this.builtinN = (e.target as HTMLInputElement).value)} />
            <label for="builtin-seed">Seed</label>
            <input type="number" id="builtin-seed" min="0" step="1" .value=${this.builtinSeed} ?disabled=${this.disabled} @input=${(e: Event) => (this.builtinSeed = (e.target as HTMLInputElement).value)} />
          </div>
          <button type="button" class="primary" id="builtin-create" ?disabled=${this.disabled || !this.builtin} @click=${this.startBuiltin}>Create sample</button>
        </section>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-import-form': ReferenceImportForm;
  }
  interface HTMLElementEventMap {
    'pa-reference-import-request': CustomEvent<ReferenceImportRequest>;
  }
}
