import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { SourcePreview } from '../../contracts/corpus-store';
import type { ColumnMapping } from '../../contracts/corpus';
import { defaultMapping, validateMapping } from '../../app/column-mapping';

const SAMPLE_ROWS = 5;
const CELL_CHARS = 120;

/**
 * <column-mapping-dialog>: a modal <dialog> that asks which columns of a generic CSV/TSV/JSONL
 * file hold the author, the text, the date and author metadata, with sample rows to look at.
 * `ask(preview, fileName)` resolves to the mapping, or null when the user cancels (Esc works).
 */
@customElement('column-mapping-dialog')
export class ColumnMappingDialog extends LitElement {
  @state() private preview: SourcePreview | undefined;
  @state() private fileName = '';
  @state() private mapping: ColumnMapping = { author: '', text: '', meta: [] };
  @query('dialog') private dialog!: HTMLDialogElement;
  private resolve: ((m: ColumnMapping | null) => void) | undefined;

  static override styles = [
    controls,
    css`
      dialog {
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        background: var(--pa-surface);
        color: var(--pa-text);
        padding: var(--pa-space-6);
        max-width: min(60rem, 92vw);
        max-height: 90vh;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      h2 {
        margin: 0 0 var(--pa-space-2);
        font-size: var(--pa-text-lg);
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
        gap: var(--pa-space-3);
        margin: var(--pa-space-4) 0;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-1);
        font-weight: 600;
        font-size: var(--pa-text-sm);
      }
      fieldset {
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius-sm);
        margin: 0 0 var(--pa-space-4);
      }
      legend {
        font-weight: 600;
        font-size: var(--pa-text-sm);
      }
      fieldset label {
        flex-direction: row;
        align-items: center;
        font-weight: normal;
        display: inline-flex;
        margin-right: var(--pa-space-4);
      }
      .sample {
        overflow: auto;
        max-height: 16rem;
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius-sm);
      }
      table {
        border-collapse: collapse;
        font-size: var(--pa-text-sm);
      }
      th,
      td {
        text-align: start;
        padding: var(--pa-space-1) var(--pa-space-2);
        border-bottom: 1px solid var(--pa-border);
        vertical-align: top;
        max-width: 20rem;
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
      th.used {
        color: var(--pa-accent);
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: var(--pa-space-2);
        margin-top: var(--pa-space-4);
      }
      .error {
        color: var(--pa-danger);
      }
    `,
  ];

  /** Opens the dialog for one file's preview; resolves with the mapping or null on cancel. */
  async ask(preview: SourcePreview, fileName: string): Promise<ColumnMapping | null> {
    this.resolve?.(null);
    this.preview = preview;
    this.fileName = fileName;
    this.mapping = defaultMapping(preview);
    await this.updateComplete;
    this.dialog.showModal();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  private finish(result: ColumnMapping | null): void {
    const r = this.resolve;
    this.resolve = undefined;
    if (this.dialog.open) this.dialog.close();
    r?.(result);
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    if (validateMapping(this.mapping, this.preview?.columns ?? []).length === 0) this.finish(this.mapping);
  }

  private setField(field: 'author' | 'text' | 'date', value: string): void {
    const next: ColumnMapping = { ...this.mapping, [field]: value };
    if (field === 'date' && !value) delete next.date;
    // A column used as author/text/date is not also metadata.
    next.meta = next.meta.filter((m) => m !== value);
    this.mapping = next;
  }

  private toggleMeta(col: string, on: boolean): void {
    const meta = on ? [...new Set([...this.mapping.meta, col])] : this.mapping.meta.filter((m) => m !== col);
    this.mapping = { ...this.mapping, meta };
  }

  override render() {
    const p = this.preview;
    const cols = p?.columns ?? [];
    const errors = validateMapping(this.mapping, cols);
    const used = new Set([this.mapping.author, this.mapping.text, this.mapping.date ?? '', ...this.mapping.meta]);
    const select = (field: 'author' | 'text' | 'date', label: string, optional: boolean) => html`
      <label>
        ${label}
        <select
          name=${field}
          .value=${field === 'date' ? (this.mapping.date ?? '') : this.mapping[field]}
          @change=${(e: Event) => this.setField(field, (e.target as HTMLSelectElement).value)}
        >
          ${optional ? html`<option value="">(none)</option>` : html`<option value="">Choose…</option>`}
          ${cols.map(
            (c) => html`<option value=${c} ?selected=${(this.mapping[field] ?? '') === c}>${c}</option>`,
          )}
        </select>
      </label>
    `;
    return html`
      <dialog aria-labelledby="map-title" @cancel=${(e: Event) => { e.preventDefault(); this.finish(null); }}>
        ${p
          ? html`<form method="dialog" @submit=${this.onSubmit}>
              <h2 id="map-title">Which columns hold what?</h2>
              <p class="muted">
                ${this.fileName} looks like generic ${p.format.toUpperCase()}. Pick the column with the author’s id
                and the one with the post’s text; the date and metadata are optional.
              </p>
              <div class="grid">
                ${select('author', 'Author column', false)} ${select('text', 'Text column', false)}
                ${select('date', 'Date column (optional)', true)}
              </div>
              <fieldset>
                <legend>Author metadata to keep (for filters and columns)</legend>
                ${cols
                  .filter((c) => c !== this.mapping.author && c !== this.mapping.text && c !== this.mapping.date)
                  .map(
                    (c) => html`<label
                      ><input
                        type="checkbox"
                        .checked=${this.mapping.meta.includes(c)}
                        @change=${(e: Event) => this.toggleMeta(c, (e.target as HTMLInputElement).checked)}
                      />${c}</label
                    >`,
                  )}
              </fieldset>
              <p class="muted" id="sample-caption">First ${Math.min(SAMPLE_ROWS, p.rows.length)} rows:</p>
              <div class="sample" tabindex="0" role="region" aria-labelledby="sample-caption">
                <table>
                  <thead>
                    <tr>
                      ${cols.map((c) => html`<th scope="col" class=${used.has(c) ? 'used' : ''}>${c}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${p.rows.slice(0, SAMPLE_ROWS).map(
                      (r) => html`<tr>
                        ${cols.map((c) => html`<td dir="auto">${truncate(r[c] ?? '', CELL_CHARS)}</td>`)}
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${errors.length > 0 ? html`<p class="error" role="status">${errors.join(' ')}</p>` : nothing}
              <div class="actions">
                <button type="button" @click=${() => this.finish(null)}>Cancel</button>
                <button type="submit" class="primary" ?disabled=${errors.length > 0}>Import with this mapping</button>
              </div>
            </form>`
          : nothing}
      </dialog>
    `;
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

declare global {
  interface HTMLElementTagNameMap {
    'column-mapping-dialog': ColumnMappingDialog;
  }
}
