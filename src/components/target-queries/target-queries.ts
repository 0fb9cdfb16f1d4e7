import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { LlmService } from '../../contracts/llm';
import type { PersonaRecord } from '../../contracts/persona';
import { isAppError } from '../../core/errors';
import { llmQuerySet } from '../../core/target/llm-queries';
import { editQuerySet, makeQuerySet, templateQueries, type QuerySet, type TargetQuery } from '../../core/target/queries';
import { errorText } from '../shared/error-text';

/** What the panel needs of src/storage/target-store.ts TargetStore. */
export interface QuerySetStore {
  putQuerySet(set: QuerySet): Promise<void>;
  latestQuerySets(): Promise<QuerySet[]>;
}

/**
 * <target-queries>: the adapter's training queries. Make a set from templates over the pool's
 * metadata, or — when an LLM is loaded (`llm`) — have it write group descriptions for a sample of
 * personas; edit the texts or drop queries and save each edit as a new version (the old one is
 * kept); or pick a stored set. Fires `pa-query-set-change` (detail: the chosen set's id, or '' for
 * "template queries made at build time").
 */
@customElement('target-queries')
export class TargetQueries extends LitElement {
  @property({ attribute: false }) records: PersonaRecord[] = [];
  @property({ attribute: false }) store: QuerySetStore | undefined;
  @property({ attribute: false }) llm: LlmService | undefined;
  @property({ type: Boolean }) disabled = false;

  @state() private sets: QuerySet[] = [];
  @state() private chosen = '';
  @state() private draft: TargetQuery[] | undefined;
  @state() private busy = '';
  @state() private status = '';
  @state() private abort: AbortController | undefined;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-2);
        align-items: center;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: var(--pa-space-2) 0;
        max-height: 16rem;
        overflow-y: auto;
      }
      li {
        display: grid;
        grid-template-columns: 1fr auto auto;
        gap: var(--pa-space-2);
        align-items: center;
        font-size: var(--pa-text-sm);
      }
      .hint {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        margin: 0;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    if (!this.store) return;
    try {
      this.sets = await this.store.latestQuerySets();
    } catch (e) {
      this.status = `Stored query sets could not be listed: ${errorText(e)}`;
    }
  }

  private current(): QuerySet | undefined {
    return this.sets.find((s) => s.id === this.chosen);
  }

  private choose(id: string): void {
    this.chosen = id;
    this.draft = this.current()?.queries.map((q) => ({ ...q }));
    this.dispatchEvent(new CustomEvent<string>('pa-query-set-change', { detail: id, bubbles: true, composed: true }));
  }

  private async save(set: QuerySet, what: string): Promise<void> {
    if (!this.store) {
      this.status = 'Query sets cannot be stored here.';
      return;
    }
    await this.store.putQuerySet(set);
    await this.refresh();
    this.choose(set.id);
    this.status = `${what}: “${set.name}” version ${set.version}, ${set.queries.length} queries.`;
  }

  private async fromTemplates(): Promise<void> {
    await this.guard('templates', async () => {
      const queries = templateQueries(this.records);
      if (queries.length === 0) throw new Error('The personas have no region, country, age band, gender or occupation metadata to make queries from.');
      await this.save(await makeQuerySet({ name: `Template queries (${this.records.length} personas)`, queries, source: 'template', seed: 1 }), 'Saved');
    });
  }

  private async fromLlm(): Promise<void> {
    const llm = this.llm;
    if (!llm) return;
    const abort = new AbortController();
    this.abort = abort;
    await this.guard('llm', async () => {
      const set = await llmQuerySet(llm, this.records, { seed: 1 }, abort.signal, (p) => (this.status = p.text));
      await this.save(set, 'Saved');
    });
    this.abort = undefined;
  }

  private async saveEdit(): Promise<void> {
    const cur = this.current();
    if (!cur || !this.draft) return;
    await this.guard('edit', async () => this.save(await editQuerySet(cur, this.draft!), 'Saved the edit'));
  }

  private async guard(what: string, fn: () => Promise<void>): Promise<void> {
    this.busy = what;
    try {
      await fn();
    } catch (e) {
      this.status = isAppError(e, 'AbortError') ? 'Stopped; nothing was saved.' : errorText(e);
    } finally {
      this.busy = '';
    }
  }

  override render() {
    const off = this.disabled || this.busy !== '';
    const cur = this.current();
    return html`
      <label>Training queries
        <select name="querySet" ?disabled=${off} @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${this.chosen === ''}>Template queries, made at build time</option>
          ${this.sets.map((s) => html`<option value=${s.id} ?selected=${s.id === this.chosen}>${s.name} — v${s.version}, ${s.queries.length} queries (${s.source})</option>`)}
        </select>
      </label>
      <div class="actions">
        <button type="button" ?disabled=${off || this.records.length === 0 || !this.store} @click=${() => void this.fromTemplates()}>Save template queries</button>
        <button type="button" ?disabled=${off || !this.llm || this.records.length === 0 || !this.store} title=${this.llm ? '' : 'Load an LLM in the Personas stage first'} @click=${() => void this.fromLlm()}>Write queries with the LLM</button>
        ${this.busy === 'llm' ? html`<button type="button" class="danger" @click=${() => this.abort?.abort()}>Stop</button>` : nothing}
      </div>
      ${cur && this.draft
        ? html`<ul aria-label="Queries of ${cur.name}" data-testid="tq-list">
              ${this.draft.map(
                (q, i) => html`<li>
                  <input aria-label="Query ${i + 1}" .value=${q.text} ?disabled=${off} @input=${(e: Event) => {
                    const text = (e.target as HTMLInputElement).value;
                    this.draft = this.draft!.map((x, k) => (k === i ? { ...x, text, origin: x.text === text ? x.origin : 'user' } : x));
                  }} />
                  <span class="hint">${q.positives.length} personas</span>
                  <button type="button" aria-label="Remove query ${i + 1}" ?disabled=${off} @click=${() => (this.draft = this.draft!.filter((_, k) => k !== i))}>Remove</button>
                </li>`,
              )}
            </ul>
            <button type="button" ?disabled=${off} @click=${() => void this.saveEdit()}>Save as version ${cur.version + 1}</button>
            <p class="hint">Hash ${cur.hash.slice(0, 12)}…${cur.prompt ? html`; prompt ${cur.prompt.id} v${cur.prompt.version}, model ${cur.model?.id ?? '?'}` : nothing}</p>`
        : nothing}
      <p class="hint" role="status" data-testid="tq-status">${this.status}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'target-queries': TargetQueries;
  }
}
