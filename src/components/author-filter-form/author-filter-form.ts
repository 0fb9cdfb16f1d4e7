import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { AuthorFilter } from '../../contracts/corpus-store';
import { formatCount } from '../../core/format';
import { isEmptyFilter, sanitizeFilter } from '../../app/mining-selection';

export type MetaChoices = Record<string, { values: string[]; truncated: boolean }>;

/**
 * <author-filter-form>: which authors to mine — minimum posts and words, a date range and accepted
 * metadata values — with the live "N of M authors match". Fires `pa-filter-change` with a clean
 * AuthorFilter on every committed change.
 */
@customElement('author-filter-form')
export class AuthorFilterForm extends LitElement {
  @property({ attribute: false }) filter: AuthorFilter = {};
  @property({ attribute: false }) metaChoices: MetaChoices = {};
  @property({ type: Number }) matching = 0;
  @property({ type: Number }) total = 0;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      form {
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
      }
      .fields {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-3) var(--pa-space-4);
        align-items: flex-end;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-1);
        font-size: var(--pa-text-sm);
        font-weight: 600;
      }
      input[type='number'] {
        width: 7rem;
      }
      select[multiple] {
        min-width: 8rem;
        height: 5.5rem;
        font-weight: normal;
      }
      fieldset.meta {
        border: none;
        padding: 0;
        margin: var(--pa-space-3) 0 0;
      }
      legend {
        font-size: var(--pa-text-sm);
        font-weight: 600;
        padding: 0;
        margin-bottom: var(--pa-space-1);
      }
      .foot {
        display: flex;
        gap: var(--pa-space-3);
        align-items: center;
        margin-top: var(--pa-space-3);
        flex-wrap: wrap;
      }
      .count {
        font-weight: 600;
      }
      .hint {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        font-weight: normal;
      }
    `,
  ];

  private emit(next: AuthorFilter): void {
    const detail = sanitizeFilter(next);
    this.dispatchEvent(new CustomEvent<AuthorFilter>('pa-filter-change', { detail, bubbles: true, composed: true }));
  }

  private numberField(field: 'minPosts' | 'minWords', value: string): void {
    const n = Number(value);
    const next: AuthorFilter = { ...this.filter };
    if (value === '' || !Number.isFinite(n) || n <= 0) delete next[field];
    else next[field] = Math.floor(n);
    this.emit(next);
  }

  private dateField(field: 'dateFrom' | 'dateTo', value: string): void {
    const next: AuthorFilter = { ...this.filter };
    if (value) next[field] = value;
    else delete next[field];
    this.emit(next);
  }

  private metaField(key: string, select: HTMLSelectElement): void {
    const chosen = [...select.selectedOptions].map((o) => o.value);
    const meta = { ...(this.filter.meta ?? {}) };
    if (chosen.length > 0) meta[key] = chosen;
    else delete meta[key];
    this.emit({ ...this.filter, meta });
  }

  override render() {
    const f = this.filter;
    const keys = Object.keys(this.metaChoices);
    return html`<form
      aria-labelledby="filter-title"
      @submit=${(e: Event) => e.preventDefault()}
    >
      <h3 id="filter-title" class="visually-hidden">Filter authors for mining</h3>
      <div class="fields">
        <label>
          Minimum posts
          <input
            type="number"
            name="minPosts"
            min="1"
            step="1"
            .value=${f.minPosts === undefined ? '' : String(f.minPosts)}
            @change=${(e: Event) => this.numberField('minPosts', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Minimum words
          <input
            type="number"
            name="minWords"
            min="1"
            step="100"
            .value=${f.minWords === undefined ? '' : String(f.minWords)}
            @change=${(e: Event) => this.numberField('minWords', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Posting between
          <input
            type="date"
            name="dateFrom"
            .value=${f.dateFrom ?? ''}
            @change=${(e: Event) => this.dateField('dateFrom', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          and
          <input
            type="date"
            name="dateTo"
            .value=${f.dateTo ?? ''}
            @change=${(e: Event) => this.dateField('dateTo', (e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      ${keys.length > 0
        ? html`<fieldset class="meta">
            <legend>Metadata <span class="hint">— any of the chosen values; Ctrl/⌘-click or Shift+arrows for several</span></legend>
            <div class="fields">${keys.map((k) => this.renderMeta(k))}</div>
          </fieldset>`
        : nothing}
      <div class="foot">
        <span class="count" role="status" data-testid="match-count"
          >${formatCount(this.matching)} of ${formatCount(this.total)} authors match</span
        >
        <button type="button" ?disabled=${isEmptyFilter(f)} @click=${() => this.emit({})}>Clear filter</button>
        <span class="hint">The filter is saved; persona mining uses the matching authors.</span>
      </div>
    </form>`;
  }

  private renderMeta(key: string) {
    const choice = this.metaChoices[key];
    if (!choice || choice.values.length === 0) return nothing;
    const chosen = new Set(this.filter.meta?.[key] ?? []);
    return html`<label>
      ${key}
      <select
        multiple
        name="meta:${key}"
        @change=${(e: Event) => this.metaField(key, e.target as HTMLSelectElement)}
      >
        ${choice.values.map((v) => html`<option value=${v} .selected=${chosen.has(v)}>${v}</option>`)}
      </select>
      ${choice.truncated ? html`<span class="hint">first ${choice.values.length} values shown</span>` : nothing}
    </label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'author-filter-form': AuthorFilterForm;
  }
}
