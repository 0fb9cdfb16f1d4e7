import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { progressEtaMs, type Progress } from '../../contracts/progress';
import { formatDuration } from '../../core/format';
import { openAppDb, type AppDb } from '../../storage/db';
import { exportBundle } from '../../storage/bundle-export';
import { importBundle, type BundleImportSummary } from '../../storage/bundle-import';
import { downloadBlob } from '../shared/download';

/**
 * Project bundles: export everything stored in this browser as one zip (post text only when the
 * user ticks it; embeddings optional), and import such a zip — checked whole first, then written
 * all or nothing — with progress, cancel and errors that say what to do. Belongs in the shell's
 * settings / capability area. Fires `pa-bundle-imported` (bubbling, composed) after an import so
 * views reload their lists.
 */
@customElement('bundle-panel')
export class BundlePanel extends LitElement {
  /** Database name (tests); undefined = the app's database. */
  @property({ attribute: false }) dbName: string | undefined;

  @state() private postText = false;
  @state() private embeddings = false;
  @state() private replace = false;
  @state() private file: File | undefined;
  @state() private busy: 'export' | 'import' | undefined;
  @state() private progress: Progress | undefined;
  @state() private status = '';
  @state() private error = '';
  private ctrl: AbortController | undefined;

  static override styles = [
    controls,
    css`
      :host { display: block; }
      section { margin-bottom: var(--pa-space-4); }
      .row { display: flex; gap: var(--pa-space-2); align-items: center; flex-wrap: wrap; margin: var(--pa-space-2) 0; }
      .hint { color: var(--pa-text-muted); font-size: var(--pa-text-sm); margin: 0; }
      progress { width: 100%; }
      .error { color: var(--pa-danger); background: var(--pa-danger-soft); padding: var(--pa-space-2); border-radius: var(--pa-radius-sm); white-space: pre-wrap; }
    `,
  ];

  override render() {
    const p = this.progress;
    const eta = p ? progressEtaMs(p) : undefined;
    return html`
      <section aria-labelledby="bp-export-h">
        <h3 id="bp-export-h">Export project bundle</h3>
        <p class="hint">One zip with corpora, personas and their answers, references, persona sets, runs with their manifests, and targets — to move this project to another browser or archive it.</p>
        <div class="row">
          <input type="checkbox" id="bp-post-text" .checked=${this.postText} @change=${(e: Event) => (this.postText = (e.target as HTMLInputElement).checked)} aria-describedby="bp-post-text-d" />
          <label for="bp-post-text">Include post text</label>
        </div>
        <p class="hint" id="bp-post-text-d">Unticked, each post keeps only its date, source file, line and SHA-256 hash: the bundle carries no one's writing.</p>
        <div class="row">
          <input type="checkbox" id="bp-emb" .checked=${this.embeddings} @change=${(e: Event) => (this.embeddings = (e.target as HTMLInputElement).checked)} />
          <label for="bp-emb">Include embeddings (they can be recomputed)</label>
        </div>
        <button type="button" class="primary" data-testid="bp-export" ?disabled=${this.busy !== undefined} @click=${() => void this.doExport()}>Export bundle</button>
      </section>
      <section aria-labelledby="bp-import-h">
        <h3 id="bp-import-h">Import project bundle</h3>
        <div class="row">
          <label for="bp-file">Bundle (.zip)</label>
          <input type="file" id="bp-file" accept=".zip,application/zip" data-testid="bp-file" ?disabled=${this.busy !== undefined}
            @change=${(e: Event) => {
              this.file = (e.target as HTMLInputElement).files?.[0];
              this.error = '';
            }} />
        </div>
        <div class="row">
          <input type="checkbox" id="bp-replace" .checked=${this.replace} @change=${(e: Event) => (this.replace = (e.target as HTMLInputElement).checked)} aria-describedby="bp-replace-d" />
          <label for="bp-replace">Replace existing records</label>
        </div>
        <p class="hint" id="bp-replace-d">Unticked, an import that would overwrite anything stored here is refused and nothing is written. Ticked, the bundle's records overwrite those with the same id (stored posts keep their text when the bundle carries only hashes).</p>
        <button type="button" class="primary" data-testid="bp-import" ?disabled=${this.busy !== undefined || !this.file} @click=${() => void this.doImport()}>Import bundle</button>
      </section>
      ${this.busy && p
        ? html`<div aria-labelledby="bp-progress-l">
            <p id="bp-progress-l">${p.text}</p>
            <progress data-testid="bp-progress" max=${p.total ?? 1} value=${p.done} aria-valuetext=${`${p.done} of ${p.total ?? '?'} ${p.unit ?? ''}`}></progress>
            <p class="hint">${p.done} of ${p.total ?? '?'} ${p.unit ?? ''}${eta !== undefined ? ` · about ${formatDuration(eta)} left` : ''}</p>
            <button type="button" data-testid="bp-cancel" @click=${() => this.ctrl?.abort()}>Cancel</button>
          </div>`
        : nothing}
      <p role="status" data-testid="bp-status">${this.status}</p>
      ${this.error ? html`<div class="error" role="alert" data-testid="bp-error">${this.error}</div>` : nothing}
    `;
  }

  private async withDb<T>(kind: 'export' | 'import', fn: (db: AppDb, signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    this.busy = kind;
    this.error = '';
    this.status = '';
    this.progress = { stage: 'start', done: 0, text: kind === 'export' ? 'Preparing the bundle…' : 'Reading the bundle…', elapsedMs: 0 };
    this.ctrl = new AbortController();
    let db: AppDb | undefined;
    try {
      db = await openAppDb(this.dbName);
      return await fn(db, this.ctrl.signal);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.error = err.name === 'AbortError' ? `Cancelled; ${kind === 'import' ? 'nothing was imported' : 'no bundle was saved'}.` : err.message;
      return undefined;
    } finally {
      db?.close();
      this.busy = undefined;
      this.progress = undefined;
      this.ctrl = undefined;
    }
  }

  private async doExport(): Promise<void> {
    const out = await this.withDb('export', (db, signal) => exportBundle(db, { postText: this.postText, embeddings: this.embeddings, signal, onProgress: (p) => (this.progress = p) }));
    if (!out) return;
    const name = `persona-align-bundle-${out.manifest.createdAt.replace(/[:.]/g, '-')}${this.postText ? '' : '-no-post-text'}.zip`;
    downloadBlob(new Blob([out.bytes as BlobPart], { type: 'application/zip' }), name, this.renderRoot);
    const records = out.manifest.entries.reduce((s, e) => s + e.records, 0);
    this.status = `Saved ${name}: ${records.toLocaleString('en')} records, ${out.bytes.length.toLocaleString('en')} bytes${this.postText ? '' : ', without post text'}.`;
  }

  private async doImport(): Promise<void> {
    const file = this.file;
    if (!file) return;
    const out: BundleImportSummary | undefined = await this.withDb('import', async (db, signal) =>
      importBundle(db, new Uint8Array(await file.arrayBuffer()), { file: file.name, onExisting: this.replace ? 'replace' : 'refuse', signal, onProgress: (p) => (this.progress = p) }),
    );
    if (!out) return;
    const total = Object.values(out.written).reduce((s, n) => s + (n ?? 0), 0);
    this.status = `Imported ${total.toLocaleString('en')} records from ${file.name}${out.replaced > 0 ? ` (${out.replaced} replaced)` : ''}${out.manifest.options.postText ? '' : '; the bundle carries post hashes, not post text'}.`;
    this.dispatchEvent(new CustomEvent('pa-bundle-imported', { detail: { written: out.written }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bundle-panel': BundlePanel;
  }
}
