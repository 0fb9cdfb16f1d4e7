import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PropertyValues } from 'lit';
import { controls } from '../../app/tokens';
import type { StoredRun } from '../../contracts/run';
import type { PersonaRecord } from '../../contracts/persona';
import { EXPORT_FORMATS, exportRun, fileStem, type ExportFormatId } from '../../core/export';
import type { ReportFigure } from '../../core/report';
import { manifestJsonOf } from './manifest-file';
import { runReportHtml } from './report-of-run';
import { downloadBlob } from '../shared/download';
import { loadSourceFormat, sourceFormatFile, type SourceFormat } from './source-format';

type Choice = ExportFormatId | 'manifest' | 'report' | 'source';

const EXTRA: Array<{ id: Choice; label: string; description: string }> = [
  { id: 'manifest', label: 'Run manifest (JSON)', description: 'Inputs with SHA-256, method and options, seed, backend, versions, timings and diagnostics: what a re-run needs.' },
  { id: 'report', label: 'Report page (HTML, printable)', description: 'Manifest summary, metrics table and figures in one self-contained page for a paper\u2019s appendix; print it to PDF.' },
];

/**
 * Take-away panel of a finished run: pick a format, download. Persona files (JSONL, CSV, Parquet,
 * OASIS, TinyTroupe, chat system prompts), the run manifest and the printable report page.
 * Placed by the Results stage under a run (`.run`, `.figures` = exportFigure() of each figure for
 * the report, and `.records` when the run's pool records live in the persona store). Everything is written on this device; nothing is uploaded.
 */
@customElement('export-panel')
export class ExportPanel extends LitElement {
  @property({ attribute: false }) run: StoredRun | undefined;
  /** The pool's persona records when the run did not store them (a stored persona set's pool); optional. */
  @property({ attribute: false }) records: readonly PersonaRecord[] | undefined;
  /** The Results view's figures for the report page ({title, svg, table}); optional. */
  @property({ attribute: false }) figures: ReportFigure[] = [];
  /** Database of the run's stored persona set (default: the app's); tests use their own. */
  @property({ attribute: false }) dbName: string | undefined;

  /** The imported persona set behind the run's pool, when there is one: it can go back to its own format. */
  @state() private source: SourceFormat | undefined;

  @state() private choice: Choice = 'jsonl';
  @state() private status = '';
  @state() private error = '';

  static override styles = [
    controls,
    css`
      :host { display: block; }
      fieldset { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); margin: 0 0 var(--pa-space-3); }
      legend { font-weight: 600; padding: 0 var(--pa-space-1); }
      .option { display: grid; grid-template-columns: auto 1fr; gap: 0 var(--pa-space-2); align-items: start; margin: var(--pa-space-1) 0; }
      .option p { grid-column: 2; margin: 0; color: var(--pa-text-muted); font-size: var(--pa-text-sm); }
      .error { color: var(--pa-danger); background: var(--pa-danger-soft); padding: var(--pa-space-2); border-radius: var(--pa-radius-sm); }
      .status { font-size: var(--pa-text-sm); color: var(--pa-text-muted); }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('run') || changed.has('dbName')) {
      this.source = undefined;
      if (this.choice === 'source') this.choice = 'jsonl';
      const run = this.run;
      if (run?.status === 'done') {
        loadSourceFormat(run, this.dbName).then(
          (src) => {
            if (this.run === run) this.source = src;
          },
          () => undefined, // No usable storage or the set is gone: the other formats still work.
        );
      }
    }
  }

  override render() {
    const run = this.run;
    const ready = run?.status === 'done' && run.result !== undefined;
    const src = this.source;
    const back: typeof EXTRA = src
      ? [{ id: 'source', label: `Back to the set’s own format (${src.format.toUpperCase()}, “${src.set.name}”)`, description: `Every persona of ${src.set.file.name} in its own layout, with persona_align_selected and persona_align_weight (the importance weight when the method had one, else 1) added.` }]
      : [];
    const options = [...EXPORT_FORMATS.map((f) => ({ id: f.id as Choice, label: f.label, description: f.description })), ...back, ...EXTRA];
    return html`
      <section aria-labelledby="ep-h">
        <h3 id="ep-h">Take away</h3>
        ${ready ? nothing : html`<p class="status">Exports are available once the run has finished.</p>`}
        <fieldset ?disabled=${!ready}>
          <legend>Format</legend>
          ${options.map(
            (o) => html`<div class="option">
              <input type="radio" name="format" id="ep-${o.id}" value=${o.id} .checked=${this.choice === o.id} aria-describedby="ep-${o.id}-d"
                @change=${() => {
                  this.choice = o.id;
                  this.error = '';
                }} />
              <label for="ep-${o.id}">${o.label}</label>
              <p id="ep-${o.id}-d">${o.description}</p>
            </div>`,
          )}
        </fieldset>
        <button type="button" class="primary" data-testid="ep-download" ?disabled=${!ready} @click=${() => this.download()}>Download</button>
        <p class="status" role="status" data-testid="ep-status">${this.status}</p>
        ${this.error ? html`<div class="error" role="alert" data-testid="ep-error">${this.error}</div>` : nothing}
      </section>
    `;
  }

  /** The file of the current choice (also what the tests read). */
  fileFor(choice: Choice = this.choice): { filename: string; mime: string; data: string | Uint8Array } {
    const run = this.run!;
    if (choice === 'manifest') return { filename: `${fileStem(run)}.manifest.json`, mime: 'application/json', data: manifestJsonOf(run) };
    if (choice === 'report') return { filename: `${fileStem(run)}.report.html`, mime: 'text/html', data: runReportHtml(run, this.figures) };
    if (choice === 'source') {
      if (!this.source) throw new Error('This run’s pool was not an imported persona set.');
      return sourceFormatFile(run, this.source);
    }
    return exportRun(run, choice, this.records);
  }

  private download(): void {
    this.error = '';
    try {
      const f = this.fileFor();
      const blob = new Blob([f.data as BlobPart], { type: f.mime });
      downloadBlob(blob, f.filename, this.renderRoot);
      this.status = `Saved ${f.filename} (${blob.size.toLocaleString('en')} bytes).`;
      this.dispatchEvent(new CustomEvent('pa-export', { detail: { filename: f.filename, bytes: blob.size }, bubbles: true, composed: true }));
    } catch (e) {
      this.status = '';
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'export-panel': ExportPanel;
  }
}
