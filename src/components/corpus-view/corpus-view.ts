import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import {
  importServiceContext,
  storeContext,
  type CorpusStoreApi,
  type ImportServiceApi,
} from '../../app/services';
import { controls } from '../../app/tokens';
import type { CorpusInfo, ImportRequest } from '../../contracts/corpus-store';
import type { Progress } from '../../contracts/progress';
import { isAppError } from '../../core/errors';
import { formatCount } from '../../core/format';
import { forgetCorpus, readMiningSelection, setActiveCorpus } from '../../app/mining-selection';
import { maybeGeneric, needsMapping } from '../../app/import-plan';
import { DATA_CHANGED } from '../../app/events';
import type { ImportFilesDetail } from '../import-panel/import-panel';
import type { ColumnMappingDialog } from '../column-mapping-dialog/column-mapping-dialog';
import '../import-panel/import-panel';
import '../column-mapping-dialog/column-mapping-dialog';
import '../import-progress/import-progress';
import '../skip-report/skip-report';
import '../corpus-list/corpus-list';
import '../author-browser/author-browser';
import { errorText } from '../shared/error-text';

/** Which corpus to show; `replace` for automatic changes that should not add a history entry. */
export interface OpenCorpusDetail {
  id: string | null;
  replace: boolean;
}

type ImportState =
  | { kind: 'idle' }
  | { kind: 'running'; progress: Progress | undefined; cancelling: boolean }
  | { kind: 'done'; corpus: CorpusInfo }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/**
 * <corpus-view>: the Corpus stage. Orchestrates the import (pickers → optional column mapping →
 * worker import with progress and cancel → skip report), the list of stored corpora (open,
 * delete) and the selected corpus's authors. Fires `pa-open-corpus` so the shell keeps the
 * selection in the URL.
 */
@customElement('corpus-view')
export class CorpusView extends LitElement {
  /** The corpus whose authors are shown (from the route); null shows none. */
  @property({ attribute: false }) corpusId: string | null = null;

  @consume({ context: storeContext, subscribe: true })
  @state()
  store: CorpusStoreApi | undefined;

  @consume({ context: importServiceContext, subscribe: true })
  @state()
  importer: ImportServiceApi | undefined;

  @state() private corpora: CorpusInfo[] | undefined;
  @state() private importState: ImportState = { kind: 'idle' };
  @state() private deletingId: string | null = null;
  @state() private listError = '';
  @state() private notice = '';

  @query('column-mapping-dialog') private mappingDialog!: ColumnMappingDialog;

  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-8);
      }
      section {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-3);
      }
      h2 {
        font-size: var(--pa-text-lg);
        margin: 0;
        overflow-wrap: anywhere;
      }
      .result {
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-left: 4px solid var(--pa-ok);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
      }
      .result p {
        margin: 0 0 var(--pa-space-2);
      }
      .alert {
        background: var(--pa-danger-soft);
        color: var(--pa-danger);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
        margin: 0;
      }
      .notice {
        margin: 0;
        color: var(--pa-text-muted);
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('store') && this.store) void this.reload();
  }

  /** Re-reads the stored corpora; drops a selection that no longer exists. */
  async reload(): Promise<void> {
    if (!this.store) return;
    try {
      this.corpora = await this.store.listCorpora();
      this.listError = '';
    } catch (e) {
      this.listError = errorText(e);
      this.corpora = [];
    }
    // Coming to the stage without an id: reopen the corpus chosen last time, if it still exists.
    if (this.corpusId === null) {
      const last = readMiningSelection()?.corpusId;
      // Replace, not push: Back must not land on the bare #/corpus that reopens it again.
      if (last && this.corpora.some((c) => c.id === last)) this.select(last, true);
    } else if (!this.corpora.some((c) => c.id === this.corpusId)) {
      this.select(null, true);
    }
  }

  private select(id: string | null, replace = false): void {
    setActiveCorpus(id);
    this.dispatchEvent(
      new CustomEvent<OpenCorpusDetail>('pa-open-corpus', { detail: { id, replace }, bubbles: true, composed: true }),
    );
  }

  private dataChanged(): void {
    this.dispatchEvent(new CustomEvent(DATA_CHANGED, { bubbles: true, composed: true }));
  }

  private async onImportFiles(e: CustomEvent<ImportFilesDetail>): Promise<void> {
    const importer = this.importer;
    if (!importer || this.importState.kind === 'running') return;
    const { name, files } = e.detail;
    this.notice = '';
    const req: ImportRequest = { name, sources: files };
    try {
      // Generic tables need a column mapping; one preview of the first such file decides.
      const candidate = files.find((f) => maybeGeneric(f.name));
      if (candidate) {
        const preview = await importer.preview(candidate);
        if (needsMapping(preview.format)) {
          const mapping = await this.mappingDialog.ask(preview, candidate.name);
          if (!mapping) {
            this.notice = 'Import not started: no column mapping was chosen.';
            return;
          }
          req.mapping = mapping;
          if (files.every((f) => maybeGeneric(f.name))) req.format = preview.format;
        }
      }
    } catch (err) {
      this.importState = { kind: 'failed', message: errorText(err) };
      return;
    }
    await this.runImport(importer, req);
  }

  private async runImport(importer: ImportServiceApi, req: ImportRequest): Promise<void> {
    this.importState = { kind: 'running', progress: undefined, cancelling: false };
    try {
      const corpus = await importer.importCorpus(req, (progress) => {
        if (this.importState.kind === 'running') this.importState = { ...this.importState, progress };
      });
      // List and select the new corpus first, so the success message appears with it in place.
      await this.reload();
      this.select(corpus.id);
      this.importState = { kind: 'done', corpus };
    } catch (err) {
      this.importState = isAppError(err, 'AbortError') ? { kind: 'cancelled' } : { kind: 'failed', message: errorText(err) };
    }
    this.dataChanged();
  }

  private cancelImport(): void {
    if (this.importState.kind !== 'running' || !this.importer) return;
    this.importState = { ...this.importState, cancelling: true };
    this.importer.cancel();
  }

  private async deleteCorpus(id: string): Promise<void> {
    if (!this.store) return;
    const name = this.corpora?.find((c) => c.id === id)?.name ?? 'The corpus';
    this.deletingId = id;
    try {
      await this.store.deleteCorpus(id);
      forgetCorpus(id);
      if (this.importState.kind === 'done' && this.importState.corpus.id === id) this.importState = { kind: 'idle' };
      this.notice = `“${name}” was deleted.`;
    } catch (err) {
      this.listError = errorText(err);
    } finally {
      this.deletingId = null;
    }
    await this.reload();
    this.dataChanged();
  }

  override render() {
    const s = this.importState;
    const running = s.kind === 'running';
    const selected = this.corpora?.find((c) => c.id === this.corpusId);
    return html`
      <section aria-labelledby="import-h">
        <h2 id="import-h">Import a corpus</h2>
        <import-panel ?busy=${running || !this.importer} @pa-import-files=${this.onImportFiles}></import-panel>
        ${this.renderImportState(s)}
        ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      </section>
      <section aria-labelledby="corpora-h">
        <h2 id="corpora-h" class="visually-hidden">Stored corpora</h2>
        ${this.listError ? html`<p class="alert" role="alert">${this.listError}</p>` : nothing}
        ${this.corpora === undefined
          ? html`<p role="status">Reading stored corpora…</p>`
          : html`<corpus-list
              .corpora=${this.corpora}
              .selectedId=${this.corpusId}
              .deletingId=${this.deletingId}
              @pa-select-corpus=${(e: CustomEvent<string>) => {
                e.stopPropagation(); // becomes pa-open-corpus, with the active corpus saved
                this.select(e.detail);
              }}
              @pa-delete-corpus=${(e: CustomEvent<string>) => this.deleteCorpus(e.detail)}
            ></corpus-list>`}
      </section>
      ${selected
        ? html`<section aria-labelledby="authors-h">
            <h2 id="authors-h">Authors of “${selected.name}”</h2>
            <author-browser .corpus=${selected}></author-browser>
          </section>`
        : nothing}
      <column-mapping-dialog></column-mapping-dialog>
    `;
  }

  private renderImportState(s: ImportState) {
    switch (s.kind) {
      case 'idle':
        return nothing;
      case 'running':
        return html`<import-progress
          .progress=${s.progress}
          ?cancelling=${s.cancelling}
          @pa-cancel-import=${this.cancelImport}
        ></import-progress>`;
      case 'cancelled':
        return html`<p class="notice" role="status" data-testid="import-cancelled">Import cancelled; nothing was stored.</p>`;
      case 'failed':
        return html`<p class="alert" role="alert" data-testid="import-error">${s.message}</p>`;
      case 'done':
        return html`<div class="result" role="status" data-testid="import-done">
          <p>
            Imported “${s.corpus.name}”: ${formatCount(s.corpus.posts)} posts by ${formatCount(s.corpus.authors)} authors,
            ${formatCount(s.corpus.words)} words.
          </p>
          <skip-report .count=${s.corpus.skippedCount} .items=${s.corpus.skipped}></skip-report>
        </div>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'corpus-view': CorpusView;
  }
}
