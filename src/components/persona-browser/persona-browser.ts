import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer';
import { focusVirtualRow, listKeyTarget } from '../shared/virtual-focus';
import { controls } from '../../app/tokens';
import { formatCount } from '../../core/format';
import { TRAITS, TRAIT_LABELS, type Trait } from '../../core/traits';
import { filterRows, groupValues, type BrowserRow, type PersonaFilter, type SelectionFilter } from '../../pipeline/results/persona-filter';
import type { PercentileIndex } from '../../pipeline/results/percentiles';
import type { PersonaSourceDetail } from './persona-page';
import './persona-page';

/**
 * <persona-browser>: the final set and the pool of a run as a virtualised list (only visible rows
 * exist in the DOM) with full-text search and filters by trait ranges, quality score, group
 * (meta region / ageBand) and selection status; choosing a row opens its <persona-page>.
 *
 * Keyboard: Tab reaches the list (focusable itself, so it is reachable even before its rows are
 * rendered); ↑/↓, PageUp/PageDown, Home/End move between rows (rows are buttons: Enter or Space
 * opens one). `loadSource` fetches a mined persona's stored record and its
 * posts (the Results stage reads them from IndexedDB).
 */
@customElement('persona-browser')
export class PersonaBrowser extends LitElement {
  @property({ attribute: false }) rows: readonly BrowserRow[] = [];
  @property({ attribute: false }) percentiles: PercentileIndex | undefined;
  @property({ attribute: false }) loadSource: ((row: BrowserRow) => Promise<PersonaSourceDetail>) | undefined;

  @state() private filter: PersonaFilter = { selection: 'selected' };
  @state() private current: BrowserRow | undefined;
  @state() private source: PersonaSourceDetail | undefined;
  @state() private loading = false;
  @state() private error = '';
  @query('lit-virtualizer') private virtualizer!: LitVirtualizer<BrowserRow> | null;
  private shown: BrowserRow[] = [];
  private shownFor: { rows: readonly BrowserRow[]; filter: PersonaFilter } | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      .layout { display: grid; grid-template-columns: minmax(18rem, 26rem) minmax(0, 1fr); gap: var(--pa-space-4); align-items: start; }
      @media (max-width: 60rem) { .layout { grid-template-columns: 1fr; } }
      form { display: grid; gap: var(--pa-space-2); margin-bottom: var(--pa-space-2); font-size: var(--pa-text-sm); }
      .row2 { display: grid; grid-template-columns: 1fr 1fr; gap: var(--pa-space-2); }
      label { display: grid; gap: 2px; }
      fieldset { border: 1px solid var(--pa-border); border-radius: var(--pa-radius-sm); padding: var(--pa-space-2); margin: 0; }
      fieldset .trait { display: grid; grid-template-columns: 8.5rem 1fr 1fr; gap: var(--pa-space-1); align-items: center; }
      input[type='number'] { width: 100%; }
      .list { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); background: var(--pa-surface); }
      lit-virtualizer { height: 28rem; }
      button.row { display: grid; grid-template-columns: 1fr auto; gap: 2px var(--pa-space-2); width: 100%; text-align: start; border: 0; border-bottom: 1px solid var(--pa-border); border-radius: 0; background: none; padding: var(--pa-space-2); font-size: var(--pa-text-sm); }
      button.row[aria-current='true'] { background: var(--pa-accent-soft); }
      .id { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; unicode-bidi: isolate; }
      .first { grid-column: 1 / -1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--pa-text-muted); unicode-bidi: isolate; }
      .sel { color: var(--pa-ok); }
      .count { margin: var(--pa-space-1) 0; font-size: var(--pa-text-sm); }
      .empty { padding: var(--pa-space-3); margin: 0; }
      .error { color: var(--pa-danger); }
    `,
  ];

  /** The rows the filter lets through (memoised per rows/filter pair). */
  get visibleRows(): BrowserRow[] {
    if (this.shownFor?.rows !== this.rows || this.shownFor.filter !== this.filter) {
      this.shown = filterRows(this.rows, this.filter);
      this.shownFor = { rows: this.rows, filter: this.filter };
    }
    return this.shown;
  }

  private set(patch: Partial<PersonaFilter>): void {
    const next: PersonaFilter = { ...this.filter, ...patch };
    for (const k of Object.keys(next) as Array<keyof PersonaFilter>) if (next[k] === undefined) delete next[k];
    this.filter = next;
  }

  private setRange(t: Trait, side: 0 | 1, v: number): void {
    const ranges = { ...(this.filter.traits ?? {}) };
    const cur = ranges[t] ?? [1, 5];
    const next: [number, number] = side === 0 ? [Number.isFinite(v) ? v : 1, cur[1]] : [cur[0], Number.isFinite(v) ? v : 5];
    if (next[0] <= 1 && next[1] >= 5) delete ranges[t];
    else ranges[t] = next;
    this.set({ traits: Object.keys(ranges).length ? ranges : undefined });
  }

  private async open(row: BrowserRow): Promise<void> {
    this.current = row;
    this.source = undefined;
    this.error = '';
    if (row.record?.source.kind !== 'mined' || !this.loadSource) return;
    this.loading = true;
    try {
      const s = await this.loadSource(row);
      if (this.current === row) this.source = s;
    } catch (e) {
      this.error = `The source posts could not be read: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.loading = false;
    }
  }

  private async onListKeydown(e: KeyboardEvent): Promise<void> {
    const btn = (e.composedPath()[0] as HTMLElement).closest?.<HTMLElement>('[data-index]');
    // On the list itself (focusable, so keyboard users reach it while it is scrolled away): into the rows.
    const i = btn ? Number(btn.dataset['index']) : -1;
    const n = this.visibleRows.length;
    const to = !btn && (e.key === 'Enter' || e.key === ' ') ? 0 : listKeyTarget(e.key, i, n);
    if (to === undefined) return;
    e.preventDefault();
    await this.focusRow(to);
  }

  /** Scrolls row `index` of the filtered list into view and focuses it. */
  async focusRow(index: number): Promise<void> {
    await focusVirtualRow(this.virtualizer, index, `button[data-index="${index}"]`);
  }

  private renderFilters() {
    const f = this.filter;
    const regions = groupValues(this.rows, 'region');
    const bands = groupValues(this.rows, 'ageBand');
    const num = (e: Event): number => (e.target as HTMLInputElement).valueAsNumber;
    return html`<form role="search" aria-label="Filter personas" @submit=${(e: Event) => e.preventDefault()}>
      <label>Search text
        <input type="search" name="query" .value=${f.query ?? ''} placeholder="words in the narrative, id or attributes"
          @input=${(e: Event) => this.set({ query: (e.target as HTMLInputElement).value || undefined })} />
      </label>
      <div class="row2">
        <label>Show
          <select name="selection" .value=${f.selection ?? 'all'} @change=${(e: Event) => this.set({ selection: (e.target as HTMLSelectElement).value as SelectionFilter })}>
            <option value="selected">Final set (selected)</option>
            <option value="all">Whole pool</option>
            <option value="not-selected">Pool, not selected</option>
          </select>
        </label>
        <label>Minimum quality (1–5)
          <input type="number" name="minQuality" min="1" max="5" step="0.5" .value=${f.minQuality === undefined ? '' : String(f.minQuality)}
            @input=${(e: Event) => this.set({ minQuality: Number.isFinite(num(e)) ? num(e) : undefined })} />
        </label>
        <label>Region
          <select name="region" ?disabled=${regions.length === 0} @change=${(e: Event) => this.set({ region: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">Any</option>${regions.map((r) => html`<option value=${r} ?selected=${f.region === r}>${r}</option>`)}
          </select>
        </label>
        <label>Age band
          <select name="ageBand" ?disabled=${bands.length === 0} @change=${(e: Event) => this.set({ ageBand: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">Any</option>${bands.map((b) => html`<option value=${b} ?selected=${f.ageBand === b}>${b}</option>`)}
          </select>
        </label>
      </div>
      <details>
        <summary>Trait ranges${f.traits ? ` (${Object.keys(f.traits).length} set)` : ''}</summary>
        <fieldset>
          <legend class="visually-hidden">Trait score ranges, 1–5</legend>
          ${TRAITS.map((t) => html`<div class="trait">
            <span id="tr-${t}">${TRAIT_LABELS[t]}</span>
            <input type="number" name="${t}-min" min="1" max="5" step="0.1" aria-label="${TRAIT_LABELS[t]} at least" .value=${String(f.traits?.[t]?.[0] ?? 1)} @input=${(e: Event) => this.setRange(t, 0, num(e))} />
            <input type="number" name="${t}-max" min="1" max="5" step="0.1" aria-label="${TRAIT_LABELS[t]} at most" .value=${String(f.traits?.[t]?.[1] ?? 5)} @input=${(e: Event) => this.setRange(t, 1, num(e))} />
          </div>`)}
        </fieldset>
      </details>
    </form>`;
  }

  private renderRow(r: BrowserRow, i: number) {
    const first = r.record?.text.split('\n').find((l) => l.trim()) ?? TRAITS.map((t) => r.traits[t].toFixed(1)).join(' · ');
    return html`<div role="listitem"><button type="button" class="row" data-index=${i} data-id=${r.id} aria-current=${r.id === this.current?.id ? 'true' : 'false'} @click=${() => void this.open(r)}>
      <span class="id" dir="auto">${r.id}</span>
      <span class=${r.selected ? 'sel' : 'muted'}>${r.selected ? 'selected' : 'pool'}${r.quality !== undefined ? ` · q ${r.quality.toFixed(1)}` : ''}</span>
      <span class="first" dir="auto">${first.slice(0, 160)}</span>
    </button></div>`;
  }

  override render() {
    const shown = this.visibleRows;
    return html`<div class="layout">
      <div>
        ${this.renderFilters()}
        <p class="count" role="status" data-testid="pb-count">Showing ${formatCount(shown.length)} of ${formatCount(this.rows.length)} personas</p>
        <div class="list">
          ${shown.length === 0
            ? html`<p class="empty muted">No persona matches the filters.</p>`
            : html`<lit-virtualizer scroller tabindex="0" role="list" aria-label="Personas (arrow keys move between rows)" .items=${shown} .keyFunction=${(r: BrowserRow) => r.index}
                .renderItem=${(r: BrowserRow, i: number) => this.renderRow(r, i)} @keydown=${this.onListKeydown}></lit-virtualizer>`}
        </div>
      </div>
      <div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <persona-page .row=${this.current} .percentiles=${this.percentiles} .source=${this.source} ?loading=${this.loading}></persona-page>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-browser': PersonaBrowser;
  }
}
