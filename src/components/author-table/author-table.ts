import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer';
import { focusVirtualRow, listKeyTarget } from '../shared/virtual-focus';
import { controls } from '../../app/tokens';
import type { AuthorSummary } from '../../contracts/corpus-store';
import { authorColumns, nextSort, type AuthorColumn, type TableSort, type TableSortKey } from '../../app/author-view';
import { dateSpanDays, formatCount } from '../../core/format';

/**
 * <author-table>: a virtualised table of authors (tens of thousands of rows stay fast: only the
 * visible rows exist in the DOM). Column headers sort (click or Enter/Space; aria-sort tells the
 * state); ArrowUp/Down, PageUp/Down, Home/End move between rows. Fires `pa-sort` (TableSort) and
 * `pa-select-author` (author key). The rows given are shown as they are: filtering and sorting
 * belong to the caller.
 */
@customElement('author-table')
export class AuthorTable extends LitElement {
  @property({ attribute: false }) authors: AuthorSummary[] = [];
  @property({ attribute: false }) metaKeys: string[] = [];
  @property({ attribute: false }) sort: TableSort = { key: 'posts', desc: true };
  @property({ attribute: false }) selectedKey: string | null = null;

  @query('lit-virtualizer') private virtualizer!: LitVirtualizer<AuthorSummary> | null;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        overflow: hidden;
        font-size: var(--pa-text-sm);
      }
      .hscroll {
        overflow-x: auto;
      }
      .table {
        min-width: max-content;
      }
      .row {
        display: grid;
        grid-template-columns: var(--cols);
        align-items: center;
        border-bottom: 1px solid var(--pa-border);
        width: 100%;
        min-height: 2.1rem;
      }
      .head {
        background: var(--pa-surface-2);
        font-weight: 600;
      }
      .cell {
        padding: 0 var(--pa-space-2);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        unicode-bidi: isolate;
      }
      .cell.n {
        text-align: end;
      }
      .head .cell {
        white-space: normal;
      }
      .head button {
        line-height: 1.2;
        background: none;
        border: none;
        font-weight: 600;
        padding: var(--pa-space-1) 0;
        width: 100%;
        text-align: inherit;
        display: flex;
        gap: var(--pa-space-1);
        align-items: center;
        min-height: 2.1rem;
      }
      .head .n button {
        justify-content: flex-end;
      }
      .arrow {
        color: var(--pa-accent);
        width: 0.8em;
        display: inline-block;
      }
      lit-virtualizer {
        height: var(--author-panel-height, 32rem);
        width: 100%;
      }
      .body .row:hover {
        background: var(--pa-surface-2);
      }
      .body .row.selected {
        background: var(--pa-accent-soft);
      }
      .pick {
        background: none;
        border: none;
        padding: 0;
        min-height: 0;
        color: var(--pa-accent);
        text-decoration: underline;
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        unicode-bidi: isolate;
      }
      .empty {
        padding: var(--pa-space-4);
        color: var(--pa-text-muted);
        margin: 0;
      }
    `,
  ];

  private columns(): AuthorColumn[] {
    return authorColumns(this.metaKeys);
  }

  private gridTemplate(cols: AuthorColumn[]): string {
    return cols
      .map((c) =>
        c.key === 'key' ? 'minmax(8rem, 1.4fr)'
        : c.numeric ? 'minmax(5.5rem, 0.7fr)'
        : c.key === 'dateMin' || c.key === 'dateMax' ? 'minmax(6.5rem, 0.8fr)'
        : 'minmax(6rem, 1fr)',
      )
      .join(' ');
  }

  // Column widths as a custom property set through CSSOM (a style attribute would need 'unsafe-inline' in the CSP).
  protected override willUpdate(): void {
    this.style.setProperty('--cols', this.gridTemplate(this.columns()));
  }

  private onSort(col: AuthorColumn): void {
    const detail = nextSort(this.sort, col.key, col.numeric);
    this.dispatchEvent(new CustomEvent<TableSort>('pa-sort', { detail, bubbles: true, composed: true }));
  }

  private select(key: string): void {
    this.dispatchEvent(new CustomEvent<string>('pa-select-author', { detail: key, bubbles: true, composed: true }));
  }

  /** Keyboard movement between rows; virtualised rows are scrolled in before being focused. */
  private async onBodyKeydown(e: KeyboardEvent): Promise<void> {
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>('[data-index]');
    if (!row) return;
    const i = Number(row.dataset['index']);
    const n = this.authors.length;
    const to = listKeyTarget(e.key, i, n);
    if (to === undefined) return;
    e.preventDefault();
    await this.focusRow(to);
  }

  /** Scrolls row `index` into view and focuses its author button. */
  async focusRow(index: number): Promise<void> {
    await focusVirtualRow(this.virtualizer, index, `[data-index="${index}"] button`);
  }

  override render() {
    const cols = this.columns();
    return html`
      <div class="hscroll">
        <div class="table" role="table" aria-label="Authors" aria-rowcount=${this.authors.length + 1}>
          <div role="rowgroup">
            <div class="row head" role="row" aria-rowindex="1">
              ${cols.map((c) => this.renderHeader(c))}
            </div>
          </div>
          ${this.authors.length === 0
            ? html`<p class="empty" data-testid="no-authors">No author matches the filter.</p>`
            : html`<lit-virtualizer
                class="body"
                role="rowgroup"
                scroller
                .items=${this.authors}
                .keyFunction=${(a: AuthorSummary) => a.key}
                .renderItem=${(a: AuthorSummary, i: number) => this.renderRow(a, i, cols)}
                @keydown=${this.onBodyKeydown}
              ></lit-virtualizer>`}
        </div>
      </div>
    `;
  }

  private renderHeader(c: AuthorColumn) {
    const active = this.sort.key === c.key;
    const ariaSort = active ? (this.sort.desc ? 'descending' : 'ascending') : 'none';
    return html`<div class="cell ${c.numeric ? 'n' : ''}" role="columnheader" aria-sort=${ariaSort}>
      <button type="button" data-sort=${c.key} @click=${() => this.onSort(c)}>
        ${c.label}<span class="arrow" aria-hidden="true">${active ? (this.sort.desc ? '▼' : '▲') : ''}</span>
      </button>
    </div>`;
  }

  private renderRow(a: AuthorSummary, i: number, cols: AuthorColumn[]) {
    const selected = a.key === this.selectedKey;
    return html`<div
      class="row ${selected ? 'selected' : ''}"
      role="row"
      aria-rowindex=${i + 2}
      data-index=${i}
      data-author=${a.key}
    >
      ${cols.map((c) => this.renderCell(a, c, selected))}
    </div>`;
  }

  private renderCell(a: AuthorSummary, c: AuthorColumn, selected: boolean) {
    const key: TableSortKey = c.key;
    let content: unknown;
    switch (key) {
      case 'key':
        content = html`<button
          type="button"
          class="pick"
          aria-pressed=${selected ? 'true' : 'false'}
          title="Show posts of ${a.key}"
          @click=${() => this.select(a.key)}
        >${a.key}</button>`;
        break;
      case 'posts':
        content = formatCount(a.posts);
        break;
      case 'words':
        content = formatCount(a.words);
        break;
      case 'dateMin':
        content = a.dateMin ?? '—';
        break;
      case 'dateMax':
        content = a.dateMax ?? '—';
        break;
      case 'span':
        content = a.dateMin && a.dateMax ? formatCount(dateSpanDays(a.dateMin, a.dateMax)) : '—';
        break;
      default:
        content = a.meta[key.slice('meta:'.length)] ?? '';
    }
    return html`<div class="cell ${c.numeric ? 'n num' : ''}" role="cell" dir=${c.key.startsWith('meta:') ? 'auto' : 'ltr'}>${content}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'author-table': AuthorTable;
  }
}
