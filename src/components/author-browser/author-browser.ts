import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { storeContext, type CorpusStoreApi } from '../../app/services';
import { controls } from '../../app/tokens';
import type { AuthorFilter, AuthorSummary, CorpusInfo } from '../../contracts/corpus-store';
import { loadAuthorFilter, saveAuthorFilter } from '../../app/mining-selection';
import { metaValues, selectForTable, type TableSort } from '../../app/author-view';
import '../author-filter-form/author-filter-form';
import '../author-table/author-table';
import '../author-posts/author-posts';

/**
 * <author-browser>: the authors of one corpus — filter form, sortable table, the chosen author's
 * posts. Loads the author summaries once per corpus and filters/sorts them in memory with the
 * same functions the store uses; saves the filter for the mining stage.
 */
@customElement('author-browser')
export class AuthorBrowser extends LitElement {
  @property({ attribute: false }) corpus: CorpusInfo | undefined;

  @consume({ context: storeContext, subscribe: true })
  @state()
  store: CorpusStoreApi | undefined;

  @state() private filter: AuthorFilter = {};
  @state() private sort: TableSort = { key: 'posts', desc: true };
  @state() private selectedKey: string | null = null;

  private readonly authorsTask = new Task(this, {
    task: async ([store, corpusId]: readonly [CorpusStoreApi | undefined, string | undefined]) => {
      if (!store || !corpusId) return [] as AuthorSummary[];
      return store.listAuthors(corpusId);
    },
    args: () => [this.store, this.corpus?.id] as const,
  });

  private readonly postsTask = new Task(this, {
    task: async ([store, corpusId, key]: readonly [CorpusStoreApi | undefined, string | undefined, string | null]) => {
      if (!store || !corpusId || !key) return [];
      return store.getPosts(corpusId, key);
    },
    args: () => [this.store, this.corpus?.id, this.selectedKey] as const,
  });

  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-4);
      }
      /* The table needs ~70rem for its columns; posts go beside it only on very wide screens. */
      .split {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: var(--pa-space-4);
        align-items: start;
      }
      @media (min-width: 115rem) {
        .split {
          grid-template-columns: minmax(0, 3fr) minmax(22rem, 2fr);
        }
      }
      .error {
        color: var(--pa-danger);
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('corpus')) {
      const prev = changed.get('corpus') as CorpusInfo | undefined;
      if (prev?.id !== this.corpus?.id) {
        this.filter = this.corpus ? loadAuthorFilter(this.corpus.id) : {};
        this.selectedKey = null;
      }
    }
  }

  private async onSelectAuthor(e: CustomEvent<string>): Promise<void> {
    this.selectedKey = e.detail;
    await this.updateComplete;
    // Stacked layout: make sure the posts panel is on screen (no-op when it already is).
    this.renderRoot.querySelector('author-posts')?.scrollIntoView({ block: 'nearest' });
  }

  private onFilter(e: CustomEvent<AuthorFilter>): void {
    this.filter = e.detail;
    if (this.corpus) saveAuthorFilter(this.corpus.id, this.filter);
  }

  override render() {
    const c = this.corpus;
    if (!c) return nothing;
    return this.authorsTask.render({
      pending: () => html`<p role="status">Loading ${c.authors.toLocaleString('en')} authors…</p>`,
      error: (e) => html`<p class="error" role="alert">${e instanceof Error ? e.message : String(e)}</p>`,
      complete: (all) => this.renderLoaded(c, all),
    });
  }

  // Filtering/sorting 19k rows costs a few ms; redo it only when its inputs change, not on every render.
  private memo: { all: AuthorSummary[]; filter: AuthorFilter; sort: TableSort; rows: AuthorSummary[] } | undefined;
  private metaMemo: { all: AuthorSummary[]; choices: ReturnType<typeof metaValues> } | undefined;

  private rowsFor(all: AuthorSummary[]): AuthorSummary[] {
    const m = this.memo;
    if (m && m.all === all && m.filter === this.filter && m.sort === this.sort) return m.rows;
    const rows = selectForTable(all, this.filter, this.sort);
    this.memo = { all, filter: this.filter, sort: this.sort, rows };
    return rows;
  }

  private choicesFor(all: AuthorSummary[], metaKeys: string[]): ReturnType<typeof metaValues> {
    if (this.metaMemo?.all !== all) this.metaMemo = { all, choices: metaValues(all, metaKeys) };
    return this.metaMemo.choices;
  }

  private renderLoaded(c: CorpusInfo, all: AuthorSummary[]) {
    const rows = this.rowsFor(all);
    const selected = this.selectedKey ? all.find((a) => a.key === this.selectedKey) : undefined;
    return html`
      <author-filter-form
        .filter=${this.filter}
        .metaChoices=${this.choicesFor(all, c.metaKeys)}
        .matching=${rows.length}
        .total=${all.length}
        @pa-filter-change=${this.onFilter}
      ></author-filter-form>
      <div class="split">
        <author-table
          .authors=${rows}
          .metaKeys=${c.metaKeys}
          .sort=${this.sort}
          .selectedKey=${this.selectedKey}
          @pa-sort=${(e: CustomEvent<TableSort>) => (this.sort = e.detail)}
          @pa-select-author=${this.onSelectAuthor}
        ></author-table>
        <author-posts
          .author=${selected}
          .posts=${this.postsTask.value ?? []}
          ?loading=${this.postsTask.status === TaskStatus.PENDING}
        ></author-posts>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'author-browser': AuthorBrowser;
  }
}
