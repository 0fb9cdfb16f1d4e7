import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { CorpusInfo } from '../../contracts/corpus-store';
import { formatBytes, formatCount, formatDateSpan } from '../../core/format';

/**
 * <corpus-list>: the stored corpora with their figures. Fires `pa-select-corpus` (id) when one is
 * opened and `pa-delete-corpus` (id) once the user confirmed deletion in the dialog.
 */
@customElement('corpus-list')
export class CorpusList extends LitElement {
  @property({ attribute: false }) corpora: CorpusInfo[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  /** Id of a corpus being deleted right now (its row shows that). */
  @property({ attribute: false }) deletingId: string | null = null;

  @state() private confirming: CorpusInfo | undefined;
  @query('dialog') private dialog!: HTMLDialogElement;
  private returnFocusTo: HTMLElement | null = null;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .wrap {
        /* Contains the visually-hidden header text, which would otherwise widen the page. */
        position: relative;
        overflow-x: auto;
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: var(--pa-text-sm);
      }
      caption {
        text-align: start;
        padding: var(--pa-space-3) var(--pa-space-3) 0;
        font-weight: 600;
        font-size: var(--pa-text-md);
      }
      th,
      td {
        text-align: start;
        padding: var(--pa-space-2) var(--pa-space-3);
        border-bottom: 1px solid var(--pa-border);
        white-space: nowrap;
      }
      td.name {
        white-space: normal;
        overflow-wrap: anywhere;
        min-width: 10rem;
      }
      th.n,
      td.n {
        text-align: end;
      }
      tbody tr:last-child td {
        border-bottom: none;
      }
      tr.selected {
        background: var(--pa-accent-soft);
      }
      .open {
        background: none;
        border: none;
        padding: 0;
        min-height: 0;
        color: var(--pa-accent);
        text-decoration: underline;
        text-align: start;
        font-weight: 600;
        unicode-bidi: isolate;
      }
      .empty {
        padding: var(--pa-space-4);
        margin: 0;
        color: var(--pa-text-muted);
      }
      dialog {
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        background: var(--pa-surface);
        color: var(--pa-text);
        max-width: 30rem;
        padding: var(--pa-space-6);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      dialog h2 {
        margin-top: 0;
        font-size: var(--pa-text-lg);
      }
      .actions {
        display: flex;
        gap: var(--pa-space-2);
        justify-content: flex-end;
      }
    `,
  ];

  private fire(type: 'pa-select-corpus' | 'pa-delete-corpus', id: string): void {
    this.dispatchEvent(new CustomEvent<string>(type, { detail: id, bubbles: true, composed: true }));
  }

  private async askDelete(c: CorpusInfo, button: HTMLElement): Promise<void> {
    this.returnFocusTo = button;
    this.confirming = c;
    await this.updateComplete;
    this.dialog.showModal();
  }

  private closeDialog(confirmed: boolean): void {
    const c = this.confirming;
    if (this.dialog.open) this.dialog.close();
    this.confirming = undefined;
    if (confirmed && c) this.fire('pa-delete-corpus', c.id);
    else this.returnFocusTo?.focus();
  }

  override render() {
    if (this.corpora.length === 0) {
      return html`<div class="wrap"><p class="empty" data-testid="no-corpora">No corpus yet. Import files or load the demo corpus above.</p></div>`;
    }
    return html`
      <div class="wrap">
        <table data-testid="corpus-table">
          <caption>Stored corpora</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Imported</th>
              <th scope="col" class="n">Files</th>
              <th scope="col" class="n">Authors</th>
              <th scope="col" class="n">Posts</th>
              <th scope="col" class="n">Words</th>
              <th scope="col">Dates</th>
              <th scope="col" class="n">Skipped</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${this.corpora.map((c) => this.renderRow(c))}
          </tbody>
        </table>
      </div>
      <dialog aria-labelledby="del-title" @cancel=${(e: Event) => { e.preventDefault(); this.closeDialog(false); }}>
        ${this.confirming
          ? html`<h2 id="del-title">Delete “${this.confirming.name}”?</h2>
              <p>
                This removes its ${formatCount(this.confirming.posts)} posts and
                ${formatCount(this.confirming.authors)} authors from this browser. The original files are not touched.
              </p>
              <div class="actions">
                <button type="button" @click=${() => this.closeDialog(false)} autofocus>Keep it</button>
                <button type="button" class="danger" data-testid="confirm-delete" @click=${() => this.closeDialog(true)}>
                  Delete
                </button>
              </div>`
          : nothing}
      </dialog>
    `;
  }

  private renderRow(c: CorpusInfo) {
    const bytes = c.files.reduce((s, f) => s + f.size, 0);
    const deleting = this.deletingId === c.id;
    return html`<tr class=${c.id === this.selectedId ? 'selected' : ''} data-corpus-id=${c.id}>
      <td class="name">
        <button
          type="button"
          class="open"
          aria-current=${c.id === this.selectedId ? 'true' : 'false'}
          @click=${() => this.fire('pa-select-corpus', c.id)}
        >${c.name}</button>
      </td>
      <td>${new Date(c.createdAt).toLocaleString()}</td>
      <td class="n num" title=${formatBytes(bytes)}>${formatCount(c.files.length)}</td>
      <td class="n num" data-testid="corpus-authors">${formatCount(c.authors)}</td>
      <td class="n num" data-testid="corpus-posts">${formatCount(c.posts)}</td>
      <td class="n num">${formatCount(c.words)}</td>
      <td class="num">${formatDateSpan(c.dateMin, c.dateMax)}</td>
      <td class="n num">${formatCount(c.skippedCount)}</td>
      <td>
        <button
          type="button"
          class="danger"
          aria-label="Delete ${c.name}"
          ?disabled=${deleting}
          @click=${(e: Event) => this.askDelete(c, e.currentTarget as HTMLElement)}
        >${deleting ? 'Deleting…' : 'Delete'}</button>
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'corpus-list': CorpusList;
  }
}
